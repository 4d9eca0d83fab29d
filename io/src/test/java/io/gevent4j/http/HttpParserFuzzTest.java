package io.gevent4j.http;

import static io.gevent4j.http.HttpTesting.LOOPBACK_ANY_PORT;
import static io.gevent4j.http.HttpTesting.RawClient;
import static io.gevent4j.http.HttpTesting.Response;
import static io.gevent4j.http.HttpTesting.ascii;
import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import com.sun.net.httpserver.HttpHandler;
import io.gevent4j.server.LogCapture;
import io.gevent4j.server.StreamServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutation fuzzer for the request parser, against a live server over sockets: valid
 * requests are mutated (bit flips, truncation, duplication, deletion, inserted CR/LF/NUL, huge
 * and odd numbers, odd chunk sizes), each sent on a connection of its own, which the client then
 * half-closes. Every input must end with well-formed responses (or none) and the server's close,
 * within the client's timeout; the server must log no error, answer a valid request afterwards,
 * and leak no descriptor. Deterministic: fixed seeds.
 */
@org.junit.jupiter.api.Timeout(120)
class HttpParserFuzzTest {
  static final int INPUTS = 2000;
  static final long SEED = 0x6765_7665_6e74L;

  static final List<String> VALID = List.of(
      "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /path/to?x=1&y=%20z HTTP/1.1\r\nHost: a\r\nAccept: */*\r\nUser-Agent: fuzz\r\nConnection: keep-alive\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n3\r\nabc\r\n0\r\nT: 1\r\n\r\n",
      "HEAD / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
      "GET /one HTTP/1.1\r\nHost: a\r\n\r\nGET /two HTTP/1.1\r\nHost: a\r\n\r\n",
      "PUT /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
      "DELETE /x HTTP/1.1\r\nConnection: close\r\n\r\n",
      "GET /chunked HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /chunked HTTP/1.0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n");

  static final List<String> INSERTS = List.of(
      "\r", "\n", "\r\n", "\u0000", " ", "\t", ":", ";", "%", "\u00ff", "\u007f",
      "\r\n\r\n", "0\r\n\r\n", "ffffffff\r\n", "99999999999999999999", "-1", "7fffffffffffffff",
      "Transfer-Encoding: chunked\r\n", "Content-Length: 10\r\n", "Content-Length: 99999999999\r\n",
      "Expect: 100-continue\r\n", "Connection: close\r\n", "HTTP/1.1", "HTTP/1.0", "GET / HTTP/1.1\r\n",
      "a".repeat(300), "X: " + "b".repeat(700) + "\r\n");

  static final List<String> NUMBERS = List.of("0", "-1", "1", "99999999999999999999", "18446744073709551616",
      "7fffffffffffffff", "1e3", " 5", "5 ", "0x10", "00000000000000000003", "4096", "4097");

  /** A decimal number anywhere, or a hex one that starts a line (a chunk size). */
  static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("(?<=\n)[0-9a-fA-F]+(?=[;\r\n])|[0-9]+");

  /** Applies 1 to 4 random mutations, mostly few: inputs near valid ones reach deeper. */
  static byte[] mutate(byte[] input, Random random) {
    byte[] b = input;
    int dice = random.nextInt(10);
    int count = dice < 5 ? 1 : dice < 8 ? 2 : 3 + random.nextInt(2);
    for (int i = 0; i < count; i++) b = mutateOnce(b, random);
    return b;
  }

  static byte[] mutateOnce(byte[] b, Random random) {
    int n = b.length;
    int at = n == 0 ? 0 : random.nextInt(n + 1);
    switch (random.nextInt(8)) {
      case 0 -> { // flip a bit
        if (n == 0) return b;
        byte[] c = b.clone();
        int i = random.nextInt(n);
        c[i] ^= (byte) (1 << random.nextInt(8));
        return c;
      }
      case 1 -> { // truncate
        return java.util.Arrays.copyOf(b, at);
      }
      case 2 -> { // duplicate a slice
        if (n == 0) return b;
        int from = random.nextInt(n);
        int length = 1 + random.nextInt(Math.min(64, n - from));
        return insert(b, at, java.util.Arrays.copyOfRange(b, from, from + length));
      }
      case 3 -> { // insert a special token
        return insert(b, at, INSERTS.get(random.nextInt(INSERTS.size())).getBytes(StandardCharsets.ISO_8859_1));
      }
      case 4 -> { // delete a slice
        if (n == 0) return b;
        int from = random.nextInt(n);
        int length = 1 + random.nextInt(Math.min(16, n - from));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, from);
        out.write(b, from + length, n - from - length);
        return out.toByteArray();
      }
      case 5 -> { // replace a byte with any byte
        if (n == 0) return b;
        byte[] c = b.clone();
        c[random.nextInt(n)] = (byte) random.nextInt(256);
        return c;
      }
      case 6 -> { // replace a number (a length, a chunk size, a version digit) with an odd one
        String s = new String(b, StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = NUMBER.matcher(s);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) spans.add(new int[] {m.start(), m.end()});
        if (spans.isEmpty()) return b;
        int[] span = spans.get(random.nextInt(spans.size()));
        String replaced = s.substring(0, span[0]) + NUMBERS.get(random.nextInt(NUMBERS.size())) + s.substring(span[1]);
        return replaced.getBytes(StandardCharsets.ISO_8859_1);
      }
      default -> { // swap CRLF for a bare LF or CR somewhere
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int crlf = s.indexOf("\r\n", at == n ? 0 : at);
        if (crlf < 0) return b;
        String replaced = s.substring(0, crlf) + (random.nextBoolean() ? "\n" : "\r") + s.substring(crlf + 2);
        return replaced.getBytes(StandardCharsets.ISO_8859_1);
      }
    }
  }

  static byte[] insert(byte[] b, int at, byte[] what) {
    byte[] c = new byte[b.length + what.length];
    System.arraycopy(b, 0, c, 0, at);
    System.arraycopy(what, 0, c, at, what.length);
    System.arraycopy(b, at, c, at + what.length, b.length - at);
    return c;
  }

  static String printable(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      int c = x & 0xff;
      if (c == '\r') s.append("\\r");
      else if (c == '\n') s.append("\\n");
      else if (c < 0x20 || c >= 0x7f) s.append(String.format("\\x%02x", c));
      else s.append((char) c);
      if (s.length() > 2000) return s.append("...").toString();
    }
    return s.toString();
  }

  /** Reads the whole body; answers with its length, the method in X-Request-Method (the client then knows a HEAD). */
  static final HttpHandler HANDLER = exchange -> {
    exchange.getResponseHeaders().set("X-Request-Method", exchange.getRequestMethod());
    if (exchange.getRequestURI().getPath().equals("/chunked")) {
      HttpServerTest.CHUNKED_HANDLER.handle(exchange);
      return;
    }
    long length;
    try (InputStream in = exchange.getRequestBody()) {
      length = in.transferTo(OutputStream.nullOutputStream());
    }
    byte[] body = ascii("read " + length);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  };

  @Test
  void mutatedRequestsNeverHangOrCrashTheServer() {
    HttpTesting.warmUpJdkThreads();
    Map<Integer, Integer> statuses = new HashMap<>();
    try (LogCapture serverLog = LogCapture.of(HttpServer.class); LogCapture streamLog = LogCapture.of(StreamServer.class)) {
      onFreshHub(100, hub -> {
        HttpServer server = new HttpServer(LOOPBACK_ANY_PORT, HANDLER)
            .maxRequestLine(512).maxHeaderSize(1024).maxHeaderCount(16).maxBodySize(4096).readTimeout(5);
        server.start();
        try {
          Random random = new Random(SEED);
          long start = System.nanoTime();
          for (int i = 0; i < INPUTS; i++) {
            byte[] input = mutate(ascii(VALID.get(random.nextInt(VALID.size()))), random);
            List<Response> responses = exchange(server, input, i);
            for (Response r : responses) statuses.merge(r.status(), 1, Integer::sum);
          }
          double took = (System.nanoTime() - start) / 1e9;
          assertTrue(took < 60, INPUTS + " inputs took " + took + " s");
          HttpServerTest.freshConnectionWorks(server);
        } finally {
          server.stop(1);
        }
      });
      assertEquals(List.of(), serverLog.events(Level.ERROR), "the server logged errors");
      assertEquals(List.of(), streamLog.events(Level.ERROR), "a connection's greenlet failed");
    }
    // the mutations reach both the handler and the refusals
    assertTrue(statuses.getOrDefault(200, 0) > 100, statuses.toString());
    assertTrue(statuses.getOrDefault(400, 0) > 100, statuses.toString());
  }

  /** Sends one input, half-closes, reads every response until the server closes. */
  static List<Response> exchange(HttpServer server, byte[] input, int index) throws IOException {
    try (RawClient c = RawClient.connect(server.address(), 10)) {
      try {
        c.send(input);
        c.socket.shutdownOutput();
      } catch (IOException refusedEarly) {
        // the server answered and closed before taking it all
      }
      try {
        return c.readAll();
      } catch (SocketTimeoutException hang) {
        throw new AssertionError("input " + index + " hangs: " + printable(input), hang);
      } catch (IOException malformed) {
        throw new AssertionError("input " + index + " got a bad response (" + malformed + "): " + printable(input), malformed);
      }
    }
  }
}
