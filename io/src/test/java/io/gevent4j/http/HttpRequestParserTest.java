package io.gevent4j.http;

import static io.gevent4j.http.ParserDriver.latin1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.http.ParserDriver.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link HttpRequestParser} and {@link HttpOutput} on byte arrays, by example: each refusal of
 * docs/http.md at every split point of its input, and what the connection relies on (reuse of
 * strings, the buffer given back after a large head, large body reads straight into the
 * caller's array, the output's pool and chunks). {@link HttpParserPropertiesTest} generates the
 * inputs instead.
 */
class HttpRequestParserTest {

  /** The input's outcome is the same for every single split point and byte by byte. */
  static List<Outcome> everySplit(String input) {
    byte[] bytes = latin1(input);
    List<Outcome> whole = ParserDriver.run(ParserDriver.parser(), bytes);
    for (int cut = 0; cut <= bytes.length; cut++) {
      assertEquals(whole, ParserDriver.run(ParserDriver.parser(), bytes, new int[] {cut}, new int[] {7}), "split at " + cut);
    }
    int[] all = new int[bytes.length];
    for (int i = 0; i < all.length; i++) all[i] = i + 1;
    assertEquals(whole, ParserDriver.run(ParserDriver.parser(), bytes, all, new int[] {1}), "byte by byte");
    return whole;
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    "GARBAGE\\r\\n\\r\\n | 400",
    "GET /\\r\\n\\r\\n | 400",
    "GET / HTTP/2.0\\r\\n\\r\\n | 505",
    "GET / HTTP/1.1\\r\\nX: a\\u0001b\\r\\n\\r\\n | 400",
    "GET / HTTP/1.1\\r\\nX : a\\r\\n\\r\\n | 400",
    "GET / HTTP/1.1\\r\\nX: a\\r\\n b\\r\\n\\r\\n | 400",
    "GET /a b HTTP/1.1\\r\\n\\r\\n | 400",
    "GET /{} HTTP/1.1\\r\\n\\r\\n | 400",
    "POST / HTTP/1.1\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n | 501",
    "POST / HTTP/1.1\\r\\nContent-Length: 99999999999\\r\\n\\r\\n | 413",
    "POST / HTTP/1.1\\r\\nContent-Length: -1\\r\\n\\r\\n | 400",
    "POST / HTTP/1.1\\r\\nContent-Length: 1\\r\\nContent-Length: 2\\r\\n\\r\\n | 400",
    "HEAD / HTTP/1.1\\r\\nContent-Length: 1\\r\\n\\r\\nx | 400",
    "POST / HTTP/1.1\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n | 400",
    "POST / HTTP/1.1\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n10000000000000000\\r\\n | 413",
    "POST / HTTP/1.1\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3\\r\\nabcX\\r\\n0\\r\\n\\r\\n | 400",
    "POST / HTTP/1.1\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3\\r\\nab | 400",
    "POST / HTTP/1.1\\r\\nContent-Length: 5\\r\\n\\r\\nab | 400",
    "GET / HTTP/1.1\\r\\nHost: a | 400",
  })
  void refusals(String input, int status) {
    assertEquals(List.of(Outcome.refused(status)), everySplit(unescape(input)));
  }

  static String unescape(String s) {
    return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0001", "\u0001");
  }

  @Test
  void limitsGiveTheirStatuses() {
    HttpRequestParser small = new HttpRequestParser(16, 64, 2, 10);
    assertEquals(List.of(Outcome.refused(414)), ParserDriver.run(small, latin1("GET /0123456789ab HTTP/1.1\r\n\r\n")));
    small = new HttpRequestParser(16, 64, 2, 10);
    assertEquals(List.of(Outcome.refused(431)), ParserDriver.run(small, latin1("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n")));
    small = new HttpRequestParser(16, 64, 2, 10);
    assertEquals(List.of(Outcome.refused(431)), ParserDriver.run(small, latin1("GET / HTTP/1.1\r\nA: " + "a".repeat(64) + "\r\n\r\n")));
    small = new HttpRequestParser(16, 64, 2, 10);
    assertEquals(List.of(Outcome.refused(413)),
        ParserDriver.run(small, latin1("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\nabcde\r\n0\r\n\r\n")));
    small = new HttpRequestParser(16, 64, 2, 10);
    assertEquals(List.of(Outcome.refused(431)),
        ParserDriver.run(small, latin1("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n")));
  }

  @Test
  void theInputEndingBetweenRequestsIsNoRefusal() {
    assertEquals(List.of(), everySplit(""));
    assertEquals(List.of(), everySplit("\r\n\r\n\n"));
    assertEquals(1, everySplit("GET / HTTP/1.1\r\n\r\n\r\n").size());
  }

  @Test
  void aHeadAndAPipelinedOne() {
    List<Outcome> outcomes = everySplit("POST /a?b=c HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 3\r\nX-Y:  v  \r\n\r\nabc"
        + "GET /next HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 9\r\n\r\n3;ext\r\nxyz\r\n0\r\nT: 1\r\n\r\n");
    assertEquals(2, outcomes.size());
    ParserDriver.Head first = outcomes.get(0).head();
    assertEquals("POST", first.method());
    assertEquals("/a?b=c", first.target());
    assertEquals("b=c", first.uri().getQuery());
    assertEquals("HTTP/1.0", first.protocol());
    assertEquals(List.of("v"), first.headers().get("X-y"));
    assertEquals(HttpRequestParser.Framing.FIXED, first.framing());
    assertTrue(first.persistent());
    assertArrayEquals(latin1("abc"), outcomes.get(0).body());
    ParserDriver.Head second = outcomes.get(1).head();
    assertEquals(HttpRequestParser.Framing.CHUNKED, second.framing());
    assertFalse(second.persistent(), "chunked and a Content-Length: the connection closes after");
    assertArrayEquals(latin1("xyz"), outcomes.get(1).body());
  }

  @Test
  void repeatedTargetsAndValuesReuseTheirStrings() throws HttpProtocolException {
    HttpRequestParser parser = ParserDriver.parser();
    byte[] request = latin1("GET /same HTTP/1.1\r\nUser-Agent: agent/1.0\r\n\r\n");
    parser.feed(request, 0, request.length);
    parser.startHead(false);
    assertTrue(parser.parseHead());
    String target = parser.target();
    java.net.URI uri = parser.uri();
    String agent = parser.headers().getFirst("User-agent");
    assertNull(parser.requestLine(), "kept only for the access log");
    parser.feed(request, 0, request.length);
    parser.startHead(true);
    assertTrue(parser.parseHead());
    assertSame(target, parser.target());
    assertSame(uri, parser.uri());
    assertSame(agent, parser.headers().getFirst("User-agent"));
    assertSame("GET", parser.method());
    assertSame(HttpRequestParser.HTTP_1_1, parser.protocol());
    assertEquals("GET /same HTTP/1.1", parser.requestLine());
  }

  @Test
  void aLargeHeadGrowsTheBufferWhichShrinksBackAfter() throws HttpProtocolException {
    HttpRequestParser parser = ParserDriver.parser();
    byte[] large = latin1("GET / HTTP/1.1\r\nX: " + "x".repeat(20_000) + "\r\n\r\n");
    parser.startHead(false);
    int pos = 0;
    while (!parser.parseHead()) pos += parser.feed(large, pos, large.length - pos);
    assertTrue(parser.buffer().length > HttpRequestParser.INPUT_BUFFER);
    assertFalse(parser.hasInput());
    parser.startHead(false);
    assertEquals(HttpRequestParser.INPUT_BUFFER, parser.buffer().length);
  }

  @Test
  void aLargeReadWithNothingBufferedGoesStraightToTheCaller() throws HttpProtocolException {
    HttpRequestParser parser = ParserDriver.parser();
    byte[] head = latin1("POST / HTTP/1.1\r\nContent-Length: 20000\r\n\r\n");
    parser.feed(head, 0, head.length);
    parser.startHead(false);
    assertTrue(parser.parseHead());
    byte[] dst = new byte[20_000];
    assertEquals(HttpRequestParser.NEED_INPUT, parser.readBody(dst, 0, dst.length));
    assertEquals(20_000, parser.directRead(dst.length));
    assertEquals(0, parser.directRead(100), "a small read goes through the buffer");
    parser.bodyReadDirectly(11_000);
    assertEquals(9_000, parser.fixedBodyRemaining());
    assertEquals(9_000, parser.directRead(dst.length));
    parser.bodyReadDirectly(9_000);
    assertTrue(parser.bodyDone());
    assertEquals(-1, parser.readBody(dst, 0, 1));
  }

  @Test
  void aHeadOverTheBufferAtItsLargestIsRefused() {
    HttpRequestParser parser = new HttpRequestParser(16, 64, 2, 10); // room for 16 + 64 + 40 bytes; the buffer starts larger
    parser.startHead(false);
    byte[] filler = new byte[HttpRequestParser.INPUT_BUFFER];
    java.util.Arrays.fill(filler, (byte) 'a');
    HttpProtocolException e = assertThrows(HttpProtocolException.class, () -> {
      parser.feed(filler, 0, filler.length);
      parser.feed(filler, 0, 1);
    });
    assertEquals(431, e.status());
  }

  // ---- HttpOutput ----------------------------------------------------------------------------

  @Test
  void outputBuffersComeFromThePoolAndGoBackWhenEmpty() throws IOException {
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    HttpOutput.Pool pool = new HttpOutput.Pool();
    HttpOutput output = new HttpOutput(sent::write, pool);
    output.beginResponse();
    output.putLatin1("HTTP/1.1 200 OK\r\n");
    output.release(); // holds bytes: kept
    output.flush();
    assertEquals("HTTP/1.1 200 OK\r\n", sent.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
    output.release();
    byte[] taken = pool.take();
    assertEquals(HttpOutput.OUTPUT_BUFFER, taken.length);
    pool.give(taken);
    output.beginResponse();
    output.putDecimal(1234567890123L);
    output.flush();
    assertTrue(sent.toString(java.nio.charset.StandardCharsets.ISO_8859_1).endsWith("1234567890123"));
  }

  @Test
  void anErrorReplacesAResponseNothingOfWhichWasSent() throws IOException {
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    HttpOutput output = new HttpOutput(sent::write, new HttpOutput.Pool());
    output.newExchange();
    output.beginResponse();
    output.putLatin1("HTTP/1.1 200 OK\r\nX: half a head");
    assertFalse(output.responseFlushed());
    output.writeError(500, null, false);
    output.flush();
    String text = sent.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(text.startsWith("HTTP/1.1 500 "), text);
    assertFalse(text.contains("half a head"), text);
    assertTrue(text.endsWith("\r\n\r\n500 Internal Server Error\n"), text);
    assertEquals("500 Internal Server Error\n".length(), HttpOutput.errorBodyLength(500, null));
  }

  @Test
  void chunksAreAsLargeAsTheBufferAllowsAndLargeWritesAreTheirOwn() throws IOException {
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    HttpOutput output = new HttpOutput(sent::write, new HttpOutput.Pool());
    output.beginResponse();
    output.putChunked(latin1("abc"), 0, 3);
    output.putChunked(latin1("de"), 0, 2);
    output.flush();
    byte[] large = new byte[HttpOutput.OUTPUT_BUFFER];
    output.putChunked(large, 0, large.length);
    output.endChunked();
    output.flush();
    String text = sent.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(text.startsWith("5\r\nabcde\r\n4000\r\n"), text.substring(0, 20));
    assertTrue(text.endsWith("\r\n0\r\n\r\n"));
    assertTrue(output.responseFlushed());
  }
}
