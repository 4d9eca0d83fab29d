package io.gevent4j.http;

import static io.gevent4j.http.HttpTesting.LOOPBACK_ANY_PORT;
import static io.gevent4j.http.HttpTesting.RawClient;
import static io.gevent4j.http.HttpTesting.Response;
import static io.gevent4j.http.HttpTesting.ascii;
import static io.gevent4j.http.HttpTesting.blocking;
import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.server.LogCapture;
import io.gevent4j.sync.Event;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** gevent.pywsgi's behaviour, on HttpServer, with raw sockets and the JDK's HttpClient, on both backends. */
@org.junit.jupiter.api.Timeout(60)
class HttpServerTest {
  static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.UTF_8);

  /** Hello world (13 bytes), whatever the request; writes the body for HEAD too. */
  static final HttpHandler HELLO_HANDLER = exchange -> {
    exchange.getResponseHeaders().set("Content-Type", "text/plain");
    exchange.sendResponseHeaders(200, HELLO.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(HELLO);
    }
  };

  /** Replies with the request body, and the method and path in headers. */
  static final HttpHandler ECHO_HANDLER = exchange -> {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    exchange.getResponseHeaders().set("X-Method", exchange.getRequestMethod());
    exchange.getResponseHeaders().set("X-Path", exchange.getRequestURI().toString());
    exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  };

  @FunctionalInterface
  interface ServerBody {
    void run(HttpServer server) throws Exception;
  }

  /** Starts {@code server} on a fresh hub, runs {@code body}, stops the server; checks leaks. */
  static void serve(HttpServer server, ServerBody body) {
    HttpTesting.warmUpJdkThreads();
    onFreshHub(30, hub -> {
      server.start();
      try {
        body.run(server);
      } finally {
        server.stop(0);
      }
    });
  }

  static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
  }

  static URI uri(HttpServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
  }

  /** A fresh connection still gets a hello. */
  static void freshConnectionWorks(HttpServer server) throws IOException {
    try (RawClient c = RawClient.connect(server.address())) {
      Response r = c.send(get("/")).read();
      assertEquals(200, r.status());
    }
  }

  // ---- basics -----------------------------------------------------------------------------

  @Test
  void helloWorld() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, HELLO_HANDLER), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        Response r = c.send(get("/")).read();
        assertEquals("HTTP/1.1 200 OK", r.statusLine());
        assertEquals("13", r.header("Content-Length"));
        assertEquals("text/plain", r.header("Content-Type"));
        assertNotNull(r.header("Date"));
        assertNull(r.header("Connection"));
        assertArrayEquals(HELLO, r.body());
      }
    });
  }

  @Test
  void exchangeDescribesTheRequest() {
    AtomicReference<String> seen = new AtomicReference<>();
    serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
      exchange.setAttribute("a", 1);
      seen.set(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getProtocol() + " "
          + exchange.getRequestHeaders().getFirst("x-custom") + " " + exchange.getAttribute("a") + " "
          + exchange.getHttpContext().getPath() + " " + exchange.getLocalAddress().getPort() + " "
          + exchange.getRemoteAddress().getAddress().isLoopbackAddress() + " " + exchange.getPrincipal());
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    }), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        Response r = c.send("PUT /a/b?c=d HTTP/1.1\r\nHost: x\r\nX-Custom:  v1 \r\n\r\n").read();
        assertEquals(204, r.status());
        assertNull(r.header("Content-Length"));
      }
      assertEquals("PUT /a/b?c=d HTTP/1.1 v1 1 / " + server.address().getPort() + " true null", seen.get());
    });
  }

  @Test
  void keepAliveReusesTheConnectionWithHttpClient() {
    Set<Integer> ports = ConcurrentHashMap.newKeySet();
    serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
      ports.add(exchange.getRemoteAddress().getPort());
      HELLO_HANDLER.handle(exchange);
    }), server -> {
      List<String> bodies = blocking(() -> {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
          List<String> all = new ArrayList<>();
          for (int i = 0; i < 5; i++) {
            all.add(client.send(HttpRequest.newBuilder(uri(server, "/" + i)).build(), HttpResponse.BodyHandlers.ofString()).body());
          }
          return all;
        }
      });
      assertEquals(List.of("Hello, World!", "Hello, World!", "Hello, World!", "Hello, World!", "Hello, World!"), bodies);
      assertEquals(1, ports.size(), "every request came over one connection");
    });
  }

  @Test
  void keepAliveOverRawSocket() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, ECHO_HANDLER), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        for (int i = 0; i < 10; i++) {
          Response r = c.send("POST /n" + i + " HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nab" + i).read();
          assertEquals("ab" + i, r.text());
          assertEquals("/n" + i, r.header("X-Path"));
        }
      }
    });
  }

  @Test
  void pipelinedRequestsGetTheirResponsesInOrder() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, ECHO_HANDLER), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        c.send(get("/one") + "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody" + get("/three")
            + "POST /four HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n");
        Response one = c.read();
        Response two = c.read();
        Response three = c.read();
        Response four = c.read();
        assertEquals("/one", one.header("X-Path"));
        assertEquals("/two", two.header("X-Path"));
        assertEquals("body", two.text());
        assertEquals("/three", three.header("X-Path"));
        assertEquals("/four", four.header("X-Path"));
        assertEquals("ab", four.text());
        assertTrue(c.send(get("/five")).read().header("X-Path").equals("/five"), "the connection goes on after the batch");
      }
    });
  }

  // ---- bodies -------------------------------------------------------------------------------

  @Test
  void chunkedRequestBody() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, ECHO_HANDLER), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        Response r = c.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nHello\r\n7\r\n, World\r\nA\r\n!!!!!!!!!!\r\n00000000000000000002 ; ext\r\n??\r\n0\r\n"
            + "X-Trailer: dropped\r\n\r\n").read();
        assertEquals("Hello, World!!!!!!!!!!??", r.text());
        assertEquals(200, c.send(get("/after")).read().status(), "the trailers were consumed");
      }
    });
  }

  @Test
  void chunkedRequestBodyFromHttpClient() {
    byte[] payload = new byte[200_000];
    new Random(7).nextBytes(payload);
    serve(new HttpServer(LOOPBACK_ANY_PORT, ECHO_HANDLER), server -> {
      byte[] back = blocking(() -> {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
          // a stream of unknown length goes chunked
          HttpRequest request = HttpRequest.newBuilder(uri(server, "/upload"))
              .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(payload))).build();
          return client.send(request, HttpResponse.BodyHandlers.ofByteArray()).body();
        }
      });
      assertArrayEquals(payload, back);
    });
  }

  /** Writes a chunked response in pieces: small, flushed, large (beyond the buffer), small. */
  static final HttpHandler CHUNKED_HANDLER = exchange -> {
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write('a');
      out.flush();
      byte[] large = new byte[40_000];
      Arrays.fill(large, (byte) 'b');
      out.write(large);
      for (int i = 0; i < 3000; i++) out.write("cdefghijk".getBytes(StandardCharsets.US_ASCII)); // fills the buffer: several chunks
      out.write('z');
    }
  };

  static String chunkedBody() {
    return "a" + "b".repeat(40_000) + "cdefghijk".repeat(3000) + "z";
  }

  @Test
  void chunkedResponse() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, CHUNKED_HANDLER), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        Response r = c.send(get("/")).read();
        assertTrue(r.chunked());
        assertEquals("chunked", r.header("Transfer-Encoding"));
        assertEquals(chunkedBody(), r.text());
        assertEquals(200, c.send(get("/")).read().status(), "the connection goes on after a chunked response");
      }
      String body = blocking(() -> {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
          return client.send(HttpRequest.newBuilder(uri(server, "/")).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
      });
      assertEquals(chunkedBody(), body);
    });
  }

  @Test
  void largeFixedLengthResponse() {
    byte[] payload = new byte[300_000];
    new Random(3).nextBytes(payload);
    serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
      exchange.sendResponseHeaders(200, payload.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(payload, 0, 100);
        out.write(payload, 100, 50_000);
        out.write(payload, 50_100, payload.length - 50_100);
      }
    }), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        assertArrayEquals(payload, c.send(get("/")).read().body());
        assertArrayEquals(payload, c.send(get("/")).read().body());
      }
    });
  }

  @Test
  void responsesWithoutBody() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
      String path = exchange.getRequestURI().getPath();
      switch (path) {
        case "/204" -> exchange.sendResponseHeaders(204, 13);
        case "/304" -> exchange.sendResponseHeaders(304, -1);
        default -> exchange.sendResponseHeaders(200, -1);
      }
      IOException refused = assertThrows(IOException.class, () -> exchange.getResponseBody().write(1));
      assertTrue(refused.getMessage().contains("no body"), refused.getMessage());
      exchange.close();
    }), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        Response noContent = c.send(get("/204")).read();
        assertEquals(204, noContent.status());
        assertNull(noContent.header("Content-Length"));
        Response notModified = c.send(get("/304")).read();
        assertEquals(304, notModified.status());
        assertNull(notModified.header("Content-Length"));
        Response empty = c.send(get("/none")).read();
        assertEquals("0", empty.header("Content-Length"));
        assertEquals(200, c.send(get("/none")).read().status(), "no stray bytes between the responses");
      }
    });
  }

  @Test
  void wrongBodyLengths() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
      if (exchange.getRequestURI().getPath().equals("/many")) {
        exchange.sendResponseHeaders(200, 2);
        IOException e = assertThrows(IOException.class, () -> exchange.getResponseBody().write(ascii("abc")));
        assertTrue(e.getMessage().contains("too many bytes"), e.getMessage());
        exchange.getResponseBody().write(ascii("ab"));
        exchange.close();
      } else {
        exchange.sendResponseHeaders(200, 5);
        exchange.getResponseBody().write(ascii("ab"));
        IOException e = assertThrows(IOException.class, () -> exchange.getResponseBody().close());
        assertTrue(e.getMessage().contains("insufficient bytes"), e.getMessage());
      }
    }), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        assertEquals("ab", c.send(get("/many")).read().text());
        c.send(get("/few"));
        assertThrows(EOFException.class, c::read, "too short a body: the connection closes");
      }
    });
  }

  @Test
  void unreadRequestBodyIsDrained() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, HELLO_HANDLER), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        Response r = c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789").read();
        assertEquals(200, r.status());
        assertNull(r.header("Connection"));
        r = c.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n").read();
        assertNull(r.header("Connection"));
        assertEquals(200, c.send(get("/")).read().status(), "the bodies were drained, the connection goes on");
      }
      try (RawClient c = RawClient.connect(server.address())) {
        int size = HttpConnection.DRAIN_LIMIT + 1;
        c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n");
        Response r = c.read();
        assertEquals(200, r.status());
        assertEquals("close", r.header("Connection"), "too much to drain: the connection closes");
      }
    });
  }

  @Test
  void aStaleExchangeCannotTouchTheNextResponse() {
    AtomicReference<HttpExchange> previous = new AtomicReference<>();
    serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
      HttpExchange stale = previous.getAndSet(exchange);
      exchange.sendResponseHeaders(200, HELLO.length);
      if (stale != null) {
        assertThrows(IOException.class, () -> stale.sendResponseHeaders(500, -1));
        assertThrows(IOException.class, () -> stale.getResponseBody().write(ascii("stale")));
        stale.close();
      }
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(HELLO);
      }
    }), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        assertArrayEquals(HELLO, c.send(get("/")).read().body());
        assertArrayEquals(HELLO, c.send(get("/")).read().body());
        assertArrayEquals(HELLO, c.send(get("/") + get("/")).read().body());
        assertArrayEquals(HELLO, c.read().body());
      }
    });
  }

  // ---- protocol features --------------------------------------------------------------------

  @Test
  void expectContinueIsSentOnTheFirstRead() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
      if (exchange.getRequestURI().getPath().equals("/refuse")) {
        exchange.sendResponseHeaders(403, -1); // never reads: no 100
        exchange.close();
      } else {
        ECHO_HANDLER.handle(exchange);
      }
    }), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        c.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        Response interim = c.readOne(false);
        assertEquals("HTTP/1.1 100 Continue", interim.statusLine());
        Response r = c.send("hello").read();
        assertEquals("hello", r.text());
        assertNull(r.header("Connection"));
        assertEquals(200, c.send(get("/")).read().status());
      }
      try (RawClient c = RawClient.connect(server.address())) {
        c.send("POST /refuse HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        Response r = c.readOne(false);
        assertEquals(403, r.status(), "a final response, no 100 Continue before it");
        assertEquals("close", r.header("Connection"), "the body never came: the connection cannot go on");
        assertTrue(c.closedByServer());
      }
      String body = blocking(() -> {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
          HttpRequest request = HttpRequest.newBuilder(uri(server, "/echo")).expectContinue(true)
              .POST(HttpRequest.BodyPublishers.ofString("continued")).build();
          return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
        }
      });
      assertEquals("continued", body);
    });
  }

  @Test
  void headSendsNoBodyEvenWhenTheHandlerWritesOne() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
      if (exchange.getRequestURI().getPath().equals("/chunked")) CHUNKED_HANDLER.handle(exchange);
      else HELLO_HANDLER.handle(exchange);
    }), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        Response r = c.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
        assertEquals(200, r.status());
        assertEquals("13", r.header("Content-Length"), "the length a GET would get");
        r = c.send("HEAD /chunked HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
        assertEquals(200, r.status());
        assertArrayEquals(HELLO, c.send(get("/")).read().body(), "no body bytes were sent for the HEADs");
      }
    });
  }

  @Test
  void connectionCloseIsHonoured() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, HELLO_HANDLER), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        Response r = c.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();
        assertEquals(200, r.status());
        assertEquals("close", r.header("Connection"));
        assertTrue(c.closedByServer());
      }
    });
  }

  @Test
  void handlerMayAskToClose() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
      exchange.getResponseHeaders().set("Connection", "close");
      HELLO_HANDLER.handle(exchange);
    }), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        Response r = c.send(get("/")).read();
        assertEquals("close", r.header("Connection"));
        assertTrue(c.closedByServer());
      }
    });
  }

  @Test
  void http10ClosesUnlessKeepAliveIsAsked() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
      if (exchange.getRequestURI().getPath().equals("/chunked")) CHUNKED_HANDLER.handle(exchange);
      else HELLO_HANDLER.handle(exchange);
    }), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        Response r = c.send("GET / HTTP/1.0\r\n\r\n").read();
        assertEquals("HTTP/1.1 200 OK", r.statusLine(), "the status line is always HTTP/1.1");
        assertEquals("close", r.header("Connection"));
        assertTrue(c.closedByServer());
      }
      try (RawClient c = RawClient.connect(server.address())) {
        Response r = c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
        assertEquals("keep-alive", r.header("Connection"));
        assertArrayEquals(HELLO, r.body());
        r = c.send("GET /chunked HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
        assertNull(r.header("Transfer-Encoding"), "no chunked encoding for HTTP/1.0");
        assertNull(r.header("Content-Length"));
        assertEquals("close", r.header("Connection"), "a body of unknown length ends with the connection");
        assertEquals(chunkedBody(), r.text());
      }
    });
  }

  // ---- limits and bad input -----------------------------------------------------------------

  /** Sends {@code request} on a fresh connection; expects {@code status}, Connection: close, and the close. */
  static Response refused(HttpServer server, String request, int status) throws IOException {
    try (RawClient c = RawClient.connect(server.address())) {
      Response r = c.send(request).read();
      assertEquals(status, r.status(), () -> "for " + request.replace("\r", "\\r").replace("\n", "\\n") + ": " + r.statusLine());
      assertEquals("close", r.header("Connection"));
      assertTrue(c.closedByServer(), "the connection is closed after a refusal");
      return r;
    }
  }

  @Test
  void requestLineLimitGives414() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, HELLO_HANDLER), server -> {
      String prefix = "GET /";
      String suffix = " HTTP/1.1";
      int limit = HttpServer.DEFAULT_MAX_REQUEST_LINE;
      String longest = prefix + "a".repeat(limit - 1 - prefix.length() - suffix.length()) + suffix;
      assertEquals(limit - 1, longest.length());
      try (RawClient c = RawClient.connect(server.address())) {
        assertEquals(200, c.send(longest + "\r\nHost: x\r\n\r\n").read().status(), "just below the limit");
      }
      String tooLong = prefix + "a".repeat(limit - prefix.length() - suffix.length()) + suffix;
      assertEquals(limit, tooLong.length());
      refused(server, tooLong + "\r\nHost: x\r\n\r\n", 414);
      refused(server, "GET /" + "a".repeat(100_000), 414); // never ends: refused once past the limit
      freshConnectionWorks(server);
    });
  }

  @Test
  void headerLimitsGive431() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, HELLO_HANDLER).maxHeaderCount(5).maxHeaderSize(1024), server -> {
      String five = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n";
      try (RawClient c = RawClient.connect(server.address())) {
        assertEquals(200, c.send(five).read().status());
      }
      refused(server, "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\nF: 6\r\n\r\n", 431);
      refused(server, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(1100) + "\r\n\r\n", 431);
      refused(server, "GET / HTTP/1.1\r\nA: " + "a".repeat(600) + "\r\nB: " + "b".repeat(600) + "\r\n\r\n", 431);
      refused(server, "GET / HTTP/1.1\r\nHost: x\r\nX-Endless: " + "a".repeat(100_000), 431);
      freshConnectionWorks(server);
    });
  }

  @Test
  void bodyLimitGives413() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, ECHO_HANDLER).maxBodySize(100), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        assertEquals(100, c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + "x".repeat(100)).read().body().length);
      }
      refused(server, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n" + "x".repeat(101), 413);
      refused(server, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", 413);
      // chunked: found out while the handler reads
      refused(server, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + "x".repeat(64) + "\r\n40\r\n"
          + "x".repeat(64) + "\r\n0\r\n\r\n", 413);
      freshConnectionWorks(server);
    });
  }

  @Test
  void malformedRequestsGive400AndClose() {
    List<String> bad = List.of(
        "GARBAGE\r\n\r\n",
        "GET /\r\n\r\n",                                          // HTTP/0.9 is not served
        "GET  / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1 extra\r\n\r\n",
        "G(T / HTTP/1.1\r\n\r\n",
        "GET / HTTX/1.1\r\n\r\n",
        "GET / HTTP/1.1x\r\n\r\n",
        "GET / HTTP/11\r\n\r\n",
        "GET /a\u0001b HTTP/1.1\r\n\r\n",
        "GET /%zz HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
        "GET / HTTP/1.1\r\nSpace : before colon\r\n\r\n",
        "GET / HTTP/1.1\r\n: no name\r\n\r\n",
        "GET / HTTP/1.1\r\nA: 1\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\r\nA: nul\u0000here\r\n\r\n",
        "GET / HTTP/1.1\r\nA: bare\rcr\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "HEAD / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY0\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n");                          // ends half-way (the client closes its side)
    serve(new HttpServer(LOOPBACK_ANY_PORT, ECHO_HANDLER), server -> {
      for (String request : bad) {
        try (RawClient c = RawClient.connect(server.address())) {
          c.send(request);
          c.socket.shutdownOutput();
          Response r = c.read();
          assertEquals(400, r.status(), () -> "for " + request.replace("\r", "\\r").replace("\n", "\\n") + ": " + r.statusLine());
          assertEquals("close", r.header("Connection"));
          assertTrue(c.closedByServer());
        }
      }
      refused(server, "GET / HTTP/2.0\r\n\r\n", 505);
      refused(server, "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501);
      freshConnectionWorks(server);
    });
  }

  @Test
  void chunkedWinsOverContentLengthAndTheConnectionCloses() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, ECHO_HANDLER), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        Response r = c.send("POST / HTTP/1.1\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n").read();
        assertEquals("abc", r.text());
        assertEquals("close", r.header("Connection"));
        assertTrue(c.closedByServer());
      }
    });
  }

  @Test
  void emptyLinesBeforeTheRequestLineAreSkipped() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, HELLO_HANDLER), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        assertEquals(200, c.send("\r\n\r\n" + get("/")).read().status());
        assertEquals(200, c.send("\n" + "GET / HTTP/1.1\nHost: bare-lf\n\n").read().status());
      }
    });
  }

  // ---- timeouts -----------------------------------------------------------------------------

  @Test
  void idleConnectionsAreClosedAfterTheReadTimeout() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, HELLO_HANDLER).readTimeout(0.3), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        long start = System.nanoTime();
        assertTrue(c.closedByServer(), "a connection that never sends is closed");
        double took = (System.nanoTime() - start) / 1e9;
        assertTrue(took >= 0.25 && took < 3, "closed after " + took + " s");
      }
      try (RawClient c = RawClient.connect(server.address())) {
        assertEquals(200, c.send(get("/")).read().status());
        long start = System.nanoTime();
        assertTrue(c.closedByServer(), "an idle keep-alive connection is closed");
        double took = (System.nanoTime() - start) / 1e9;
        assertTrue(took >= 0.25 && took < 3, "closed after " + took + " s");
      }
    });
  }

  @Test
  void slowHeadsAreCutOffWith408() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, HELLO_HANDLER).readTimeout(0.5), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        c.send("GET / HTTP/1.1\r\n");
        long start = System.nanoTime();
        Greenlet<Void> trickle = Greenlet.spawn(() -> {
          try {
            for (int sent = 0; sent < 100; sent++) {
              Gevent.sleep(0.05); // a slowloris client: a header line every 50 ms, each read well within the timeout
              c.send("X-Slow-" + sent + ": 1\r\n");
            }
          } catch (IOException closed) {
            // the server gave up on us
          }
        });
        Response r = c.read();
        double took = (System.nanoTime() - start) / 1e9;
        assertEquals(408, r.status());
        assertTrue(took >= 0.4 && took < 3, "cut off after " + took + " s");
        assertTrue(c.closedByServer());
        trickle.kill();
      }
    });
  }

  // ---- failures -----------------------------------------------------------------------------

  @Test
  void aHandlerThatThrowsGets500AndTheServerGoesOn() {
    try (LogCapture log = LogCapture.of(HttpServer.class)) {
      serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
        switch (exchange.getRequestURI().getPath()) {
          case "/boom" -> throw new IllegalStateException("boom");
          case "/boom-after-headers" -> {
            exchange.sendResponseHeaders(200, 100); // still in the buffer: a 500 can replace it (gevent's rule)
            exchange.getResponseBody().write(ascii("partial"));
            throw new IOException("handler's own I/O failure");
          }
          case "/boom-after-flush" -> {
            exchange.sendResponseHeaders(200, 100);
            exchange.getResponseBody().write(ascii("partial"));
            exchange.getResponseBody().flush(); // sent: too late for a 500
            throw new IllegalStateException("late boom");
          }
          case "/silent" -> {
            // returns without a response
          }
          default -> HELLO_HANDLER.handle(exchange);
        }
      }), server -> {
        Response r = refused(server, get("/boom"), 500);
        assertTrue(r.text().startsWith("500 Internal Server Error"), r.text());
        refused(server, get("/boom-after-headers"), 500);
        refused(server, get("/silent"), 500);
        try (RawClient c = RawClient.connect(server.address())) {
          c.send(get("/boom-after-flush"));
          assertThrows(EOFException.class, c::read, "the response is cut: the connection closes");
        }
        freshConnectionWorks(server);
      });
      List<ILoggingEvent> errors = log.events(Level.ERROR);
      assertEquals(4, errors.size(), errors.toString());
      assertEquals("boom", errors.get(0).getThrowableProxy().getMessage());
      assertEquals("handler's own I/O failure", errors.get(1).getThrowableProxy().getMessage());
      assertTrue(errors.get(2).getFormattedMessage().contains("returned without sending response headers"));
      assertEquals("late boom", errors.get(3).getThrowableProxy().getMessage());
    }
  }

  @Test
  void headerInjectionIsRefused() {
    try (LogCapture log = LogCapture.of(HttpServer.class)) {
      serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
        // the JDK's Headers lets a folded CRLF through; gevent (and this server) refuse any CR or LF
        exchange.getResponseHeaders().set("X-Injected", "a\r\n b");
        HELLO_HANDLER.handle(exchange);
      }), server -> {
        refused(server, get("/"), 500);
      });
      assertTrue(log.events(Level.ERROR).get(0).getThrowableProxy().getMessage().contains("header injection"));
    }
  }

  @Test
  void aClientThatGoesAwayIsNotAnError() {
    Event entered = new Event().markShared();
    Event release = new Event().markShared();
    Event done = new Event().markShared();
    try (LogCapture log = LogCapture.of(HttpServer.class)) {
      serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
        try {
          entered.set();
          release.await();
          exchange.sendResponseHeaders(200, 0);
          OutputStream out = exchange.getResponseBody();
          byte[] block = new byte[65536];
          for (int i = 0; i < 1000; i++) out.write(block); // the client is gone: a write fails
        } finally {
          done.set();
        }
      }), server -> {
        try (RawClient c = RawClient.connect(server.address())) {
          c.send(get("/"));
          entered.await();
        }
        release.set();
        done.await();
      });
      assertEquals(List.of(), log.events(Level.ERROR));
    }
  }

  // ---- access log ---------------------------------------------------------------------------

  @Test
  void accessLogInCommonLogFormat() {
    try (LogCapture access = LogCapture.of(AccessLog.LOGGER, Level.INFO)) {
      serve(new HttpServer(LOOPBACK_ANY_PORT, HELLO_HANDLER).accessLog(true), server -> {
        try (RawClient c = RawClient.connect(server.address())) {
          c.send("GET /path?q=1 HTTP/1.1\r\nHost: x\r\n\r\n").read();
          c.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
        }
        refused(server, "BAD\"LINE\r\n\r\n", 400);
      });
      List<String> lines = access.events(Level.INFO).stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertEquals(3, lines.size(), lines.toString());
      String time = "\\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}\\]";
      assertTrue(lines.get(0).matches("127\\.0\\.0\\.1 - - " + time + " \"GET /path\\?q=1 HTTP/1\\.1\" 200 13"), lines.get(0));
      assertTrue(lines.get(1).matches("127\\.0\\.0\\.1 - - " + time + " \"HEAD / HTTP/1\\.1\" 200 -"), lines.get(1));
      assertTrue(lines.get(2).matches("127\\.0\\.0\\.1 - - " + time + " \"BAD\\\\\"LINE\" 400 \\d+"), lines.get(2));
    }
  }

  @Test
  void accessLogIsOffByDefault() {
    try (LogCapture access = LogCapture.of(AccessLog.LOGGER, Level.INFO)) {
      serve(new HttpServer(LOOPBACK_ANY_PORT, HELLO_HANDLER), HttpServerTest::freshConnectionWorks);
      assertEquals(List.of(), access.events(Level.INFO));
    }
  }

  // ---- stopping -----------------------------------------------------------------------------

  @Test
  void stopClosesIdleConnectionsAtOnce() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, HELLO_HANDLER), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        assertEquals(200, c.send(get("/")).read().status());
        long start = System.nanoTime();
        server.stop(10);
        double took = (System.nanoTime() - start) / 1e9;
        assertTrue(took < 2, "an idle keep-alive connection does not hold the stop: " + took + " s");
        assertTrue(c.closedByServer());
      }
      assertFalse(server.started());
    });
  }

  @Test
  void stopLetsARequestFinishThenCloses() {
    Event entered = new Event();
    Event release = new Event();
    serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
      entered.set();
      release.await();
      HELLO_HANDLER.handle(exchange);
    }), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        c.send(get("/"));
        entered.await();
        Greenlet<Void> stopper = Greenlet.spawn(() -> server.stop(10));
        Gevent.sleep(0); // the stopper runs until it waits for the handler
        release.set();
        Response r = c.read();
        assertArrayEquals(HELLO, r.body());
        assertEquals("close", r.header("Connection"), "a stopping server does not keep the connection");
        assertTrue(c.closedByServer());
        stopper.get(5);
      }
    });
  }

  @Test
  void stopKillsARequestThatTakesTooLong() {
    Event entered = new Event();
    serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
      entered.set();
      new Event().markShared().await(); // never
    }), server -> {
      try (RawClient c = RawClient.connect(server.address())) {
        c.send(get("/"));
        entered.await();
        long start = System.nanoTime();
        server.stop(0.2);
        double took = (System.nanoTime() - start) / 1e9;
        assertTrue(took >= 0.15 && took < 3, "stopped after " + took + " s");
        assertTrue(c.closedByServer());
      }
    });
  }

  // ---- configuration ------------------------------------------------------------------------

  @Test
  void badSettingsAreRefused() {
    HttpServer server = new HttpServer(LOOPBACK_ANY_PORT, HELLO_HANDLER);
    assertThrows(IllegalArgumentException.class, () -> server.readTimeout(0));
    assertThrows(IllegalArgumentException.class, () -> server.readTimeout(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> server.maxBodySize(-1));
    assertThrows(IllegalArgumentException.class, () -> server.maxHeaderCount(0));
    assertThrows(IllegalArgumentException.class, () -> server.maxHeaderSize(10));
    assertThrows(IllegalArgumentException.class, () -> server.maxRequestLine(1));
    assertThrows(IllegalArgumentException.class, () -> server.stop(-1));
    assertThrows(NullPointerException.class, () -> new HttpServer(LOOPBACK_ANY_PORT, null));
    serve(server, started -> assertThrows(IllegalStateException.class, () -> started.maxBodySize(5)));
  }
}
