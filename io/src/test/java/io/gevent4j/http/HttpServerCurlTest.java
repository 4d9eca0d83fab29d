package io.gevent4j.http;

import static io.gevent4j.http.HttpServerTest.CHUNKED_HANDLER;
import static io.gevent4j.http.HttpServerTest.ECHO_HANDLER;
import static io.gevent4j.http.HttpServerTest.HELLO_HANDLER;
import static io.gevent4j.http.HttpServerTest.chunkedBody;
import static io.gevent4j.http.HttpServerTest.serve;
import static io.gevent4j.http.HttpTesting.LOOPBACK_ANY_PORT;
import static io.gevent4j.http.HttpTesting.blocking;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** HttpServer against curl (/usr/bin/curl), run from the hub's thread pool while the hub serves. */
@org.junit.jupiter.api.Timeout(60)
class HttpServerCurlTest {
  record Curl(int exit, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.ISO_8859_1);
    }
  }

  /** Runs curl with {@code args} (after -sS and a 10 s cap), feeding {@code stdin}; waits cooperatively. */
  static Curl curl(byte[] stdin, String... args) {
    return blocking(() -> {
      List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
      command.addAll(List.of(args));
      Path stderr = Files.createTempFile("curl", ".err");
      try {
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        try (OutputStream in = process.getOutputStream()) {
          if (stdin != null) in.write(stdin);
        }
        byte[] out;
        // closed here: else the JDK's reaper closes it whenever the process is reaped, which
        // may be after the test's descriptor count
        try (InputStream stdout = process.getInputStream()) {
          out = stdout.readAllBytes();
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError("curl did not end: " + command);
        }
        Curl result = new Curl(process.exitValue(), out, Files.readString(stderr));
        assertEquals(0, result.exit(), () -> "curl failed: " + command + "\n" + result.stderr());
        return result;
      } finally {
        Files.deleteIfExists(stderr);
      }
    });
  }

  static String url(HttpServer server, String path) {
    return "http://127.0.0.1:" + server.address().getPort() + path;
  }

  static final HttpHandler ROUTES = exchange -> {
    switch (exchange.getRequestURI().getPath()) {
      case "/echo" -> ECHO_HANDLER.handle(exchange);
      case "/chunked" -> CHUNKED_HANDLER.handle(exchange);
      default -> HELLO_HANDLER.handle(exchange);
    }
  };

  @Test
  void keepAliveIsReused() {
    Set<Integer> ports = ConcurrentHashMap.newKeySet();
    serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
      ports.add(exchange.getRemoteAddress().getPort());
      HELLO_HANDLER.handle(exchange);
    }), server -> {
      Curl c = curl(null, "-v", url(server, "/a"), url(server, "/b"), url(server, "/c"));
      assertEquals("Hello, World!".repeat(3), c.out());
      assertTrue(c.stderr().contains("Re-using existing connection"), c.stderr());
      assertEquals(1, ports.size());
    });
  }

  @Test
  void chunkedUploadAndChunkedDownload() {
    byte[] payload = new byte[100_000];
    new Random(11).nextBytes(payload);
    serve(new HttpServer(LOOPBACK_ANY_PORT, ROUTES), server -> {
      Curl up = curl(payload, "-v", "-H", "Transfer-Encoding: chunked", "--data-binary", "@-", url(server, "/echo"));
      assertTrue(up.stderr().contains("Transfer-Encoding: chunked"), up.stderr());
      assertArrayEquals(payload, up.stdout());
      Curl down = curl(null, "-v", url(server, "/chunked"));
      assertTrue(down.stderr().contains("< Transfer-Encoding: chunked"), down.stderr());
      assertEquals(chunkedBody(), down.out());
    });
  }

  @Test
  void expectContinue() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, ROUTES), server -> {
      Curl c = curl("ping".getBytes(StandardCharsets.US_ASCII), "-v", "-H", "Expect: 100-continue", "--data-binary", "@-",
          url(server, "/echo"));
      assertTrue(c.stderr().contains("HTTP/1.1 100 Continue"), c.stderr());
      assertEquals("ping", c.out());
    });
  }

  @Test
  void headAndHttp10() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, ROUTES), server -> {
      Curl head = curl(null, "-I", url(server, "/"));
      assertTrue(head.out().startsWith("HTTP/1.1 200 OK\r\n"), head.out());
      assertTrue(head.out().contains("Content-Length: 13\r\n"), head.out());
      Curl old = curl(null, "-0", "-i", url(server, "/chunked"));
      assertTrue(old.out().startsWith("HTTP/1.1 200 OK\r\n"), old.out());
      assertTrue(old.out().contains("Connection: close\r\n"), old.out());
      assertTrue(old.out().endsWith("\r\n\r\n" + chunkedBody()), "an HTTP/1.0 body ends with the connection");
    });
  }

  @Test
  void limitsSeenByCurl() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, ROUTES).maxBodySize(1000), server -> {
      Curl big = curl(new byte[5000], "-i", "--data-binary", "@-", url(server, "/echo"));
      assertTrue(big.out().startsWith("HTTP/1.1 413 Content Too Large\r\n"), big.out());
      Curl longUrl = curl(null, "-i", url(server, "/" + "a".repeat(9000)));
      assertTrue(longUrl.out().startsWith("HTTP/1.1 414 URI Too Long\r\n"), longUrl.out());
      assertEquals("Hello, World!", curl(null, url(server, "/")).out());
    });
  }
}
