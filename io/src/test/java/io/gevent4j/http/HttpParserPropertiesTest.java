package io.gevent4j.http;

import static io.gevent4j.http.ParserDriver.latin1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.Headers;
import io.gevent4j.http.ParserDriver.Head;
import io.gevent4j.http.ParserDriver.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of {@link HttpRequestParser} on byte arrays (jqwik), driven by {@link ParserDriver}
 * as the connection drives it: generated requests parse back to what they were built from,
 * however the bytes are split into reads; generated malformed requests are refused with the
 * right status; any input ends in a head, a quiet close or a refusal with one of the documented
 * statuses, the same for every split; chunked bodies round-trip (the server's own encoder
 * included). Tries are kept low: the io module's tests run twice (libev, libuv).
 */
class HttpParserPropertiesTest {
  static final String ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static final String TCHARS = ALNUM + "!#$%&'*+-.^_`|~";
  /** Path characters java.net.URI takes as they are (RFC 2396), '%' aside. */
  static final String PCHARS = ALNUM + "-._~!$&'()*+,;=:@";
  static final Set<Integer> STATUSES = Set.of(400, 413, 414, 431, 501, 505);
  static final Set<String> FRAMING_NAMES = Set.of("content-length", "transfer-encoding", "connection", "expect");

  // ---- the model: a request as built ----------------------------------------------------------

  /** A header field as sent: its value with optional whitespace around it and its line end. */
  record Field(String name, String value, String before, String after, String eol) {
    String wire() {
      return name + ":" + before + value + after + eol;
    }
  }

  /** A request head as sent. */
  record Request(String emptyLines, String method, String target, String version, List<Field> fields, String eol, String endEol) {
    String head() {
      StringBuilder b = new StringBuilder(emptyLines).append(method).append(' ').append(target).append(' ').append(version).append(eol);
      for (Field f : fields) b.append(f.wire());
      return b.append(endEol).toString();
    }

    Request with(List<Field> more) {
      List<Field> all = new ArrayList<>(fields);
      all.addAll(more);
      return new Request(emptyLines, method, target, version, all, eol, endEol);
    }

    boolean http10() {
      return version.equals("HTTP/1.0");
    }

    /** What the parser must make of this head when it has no body fields. */
    Head expected() throws Exception {
      Headers headers = new Headers();
      for (Field f : fields) headers.add(f.name, f.value);
      boolean close = values("Connection").stream().anyMatch(v -> hasToken(v, "close"));
      boolean keepAlive = values("Connection").stream().anyMatch(v -> hasToken(v, "keep-alive"));
      boolean expect = !http10() && values("Expect").stream().anyMatch(v -> v.equalsIgnoreCase("100-continue"));
      return new Head(method, target, new URI(target), version, new TreeMap<>(headers), HttpRequestParser.Framing.NONE, -1,
          http10() ? keepAlive && !close : !close, expect);
    }

    List<String> values(String name) {
      return fields.stream().filter(f -> f.name.equalsIgnoreCase(name)).map(Field::value).toList();
    }
  }

  static boolean hasToken(String list, String token) {
    for (String t : list.split(",", -1)) {
      if (t.strip().equalsIgnoreCase(token)) return true;
    }
    return false;
  }

  // ---- generators -----------------------------------------------------------------------------

  static Arbitrary<String> token(int maxLength) {
    return Arbitraries.strings().withChars(TCHARS).ofMinLength(1).ofMaxLength(maxLength);
  }

  static Arbitrary<String> eol() {
    return Arbitraries.frequency(net.jqwik.api.Tuple.of(4, "\r\n"), net.jqwik.api.Tuple.of(1, "\n"));
  }

  static Arbitrary<String> ows() {
    return Arbitraries.of("", "", " ", "\t", "  ", " \t ");
  }

  static Arbitrary<String> method() {
    return Arbitraries.oneOf(Arbitraries.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"), token(12));
  }

  static Arbitrary<String> pathAtoms(String extra, int max) {
    Arbitrary<String> plain = Arbitraries.strings().withChars(PCHARS + extra).ofLength(1);
    Arbitrary<String> escape = Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofLength(2).map(h -> "%" + h);
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, plain), net.jqwik.api.Tuple.of(1, escape))
        .list().ofMaxSize(max).map(l -> String.join("", l));
  }

  static Arbitrary<String> target() {
    // "//x" would be an authority to java.net.URI (and a 400 to the parser): the path's second character is no slash
    Arbitrary<String> path = pathAtoms("/", 30).filter(p -> !p.startsWith("/")).map(p -> "/" + p);
    Arbitrary<String> query = Arbitraries.oneOf(Arbitraries.just(""), pathAtoms("/?", 20).map(q -> "?" + q));
    Arbitrary<String> origin = Combinators.combine(path, query).as(String::concat);
    Arbitrary<String> absolute = origin.map(p -> "http://host.example:8080" + p);
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, origin), net.jqwik.api.Tuple.of(1, absolute),
        net.jqwik.api.Tuple.of(1, Arbitraries.just("*")));
  }

  /** A value without whitespace at its ends (whitespace there is not part of it): visible ASCII, obs-text, SP and HTAB inside. */
  static Arbitrary<String> value() {
    return Arbitraries.strings().withCharRange('!', '~').withCharRange('\u0080', '\u00ff').withChars(" \t").ofMaxLength(40)
        .map(v -> v.replaceAll("^[ \t]+|[ \t]+$", ""));
  }

  static Arbitrary<Field> field() {
    Arbitrary<String> name = token(20).filter(n -> !FRAMING_NAMES.contains(n.toLowerCase(Locale.ROOT)));
    Arbitrary<Field> plain = Combinators.combine(name, value(), ows(), ows()).as((n, v, b, a) -> new Field(n, v, b, a, "\r\n"));
    Arbitrary<Field> connection = Combinators.combine(
        Arbitraries.of("Connection", "connection", "CONNECTION"),
        Arbitraries.of("close", "keep-alive", "Keep-Alive", "upgrade", "close, upgrade", "Upgrade,  keep-alive", "closed", "x"),
        ows()).as((n, v, b) -> new Field(n, v, b, "", "\r\n"));
    Arbitrary<Field> expect = Combinators.combine(Arbitraries.of("Expect", "expect"), Arbitraries.of("100-continue", "100-Continue", "101-x"))
        .as((n, v) -> new Field(n, v, " ", "", "\r\n"));
    Arbitrary<Field> any = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, plain), net.jqwik.api.Tuple.of(1, connection),
        net.jqwik.api.Tuple.of(1, expect));
    return Combinators.combine(any, eol()).as((f, e) -> new Field(f.name, f.value, f.before, f.after, e));
  }

  @Provide
  Arbitrary<Request> requests() {
    Arbitrary<String> emptyLines = eol().list().ofMaxSize(3).map(l -> String.join("", l));
    Arbitrary<String> version = Arbitraries.of("HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/1.2");
    return Combinators.combine(emptyLines, method(), target(), version, field().list().ofMaxSize(12), eol(), eol())
        .as(Request::new);
  }

  static int[] ints(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }

  static int[] everyByte(int length) {
    int[] cuts = new int[length];
    for (int i = 0; i < length; i++) cuts[i] = i + 1;
    return cuts;
  }

  // ---- valid heads ----------------------------------------------------------------------------

  @Property(tries = 300)
  void validHeadsParseBackToTheirFieldsHoweverSplit(@ForAll("requests") Request request,
      @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 100_000) Integer> cuts, @ForAll boolean byteByByte) throws Exception {
    byte[] input = latin1(request.head() + "GET /next HTTP/1.1\r\n\r\n"); // a pipelined request behind it
    int[] split = byteByByte ? everyByte(input.length) : ints(cuts);
    List<Outcome> outcomes = ParserDriver.run(ParserDriver.parser(), input, split, new int[] {4096});
    assertEquals(2, outcomes.size(), () -> "outcomes " + outcomes + " for " + printable(input));
    Outcome first = outcomes.get(0);
    assertEquals(request.expected(), first.head(), () -> printable(input));
    assertEquals(0, first.body().length);
    assertEquals("/next", outcomes.get(1).head().target());
  }

  @Property(tries = 100)
  void theParserOfAConnectionServesRequestAfterRequest(@ForAll @Size(min = 1, max = 6) List<@From("requests") Request> requests,
      @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 100_000) Integer> cuts) throws Exception {
    String all = requests.stream().map(Request::head).collect(Collectors.joining());
    byte[] input = latin1(all);
    List<Outcome> outcomes = ParserDriver.run(ParserDriver.parser(), input, ints(cuts), new int[] {4096});
    assertEquals(requests.size(), outcomes.size(), () -> printable(input));
    for (int i = 0; i < requests.size(); i++) assertEquals(requests.get(i).expected(), outcomes.get(i).head());
  }

  // ---- bodies ---------------------------------------------------------------------------------

  enum Encoding { CONTENT_LENGTH, CHUNKED_BY_HAND, CHUNKED_BY_HTTP_OUTPUT }

  @Property(tries = 200)
  void bodiesRoundTripHoweverSplitAndRead(@ForAll("requests") Request request, @ForAll Encoding encoding,
      @ForAll @Size(max = 40_000) byte[] body, @ForAll Random random,
      @ForAll @Size(max = 16) List<@IntRange(min = 0, max = 1_000_000) Integer> cuts,
      @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 20_000) Integer> readSizes) throws Exception {
    Request post = new Request(request.emptyLines(), "POST", request.target(), "HTTP/1.1", request.fields(), request.eol(), "\r\n");
    byte[] input = withBody(post, encoding, body, random);
    List<Outcome> outcomes = ParserDriver.run(ParserDriver.parser(), input, ints(cuts), ints(readSizes));
    assertEquals(2, outcomes.size(), () -> outcomes + " for " + encoding);
    Outcome first = outcomes.get(0);
    assertFalse(first.isRefused());
    assertArrayEquals(body, first.body());
    boolean chunked = encoding != Encoding.CONTENT_LENGTH;
    assertEquals(chunked ? HttpRequestParser.Framing.CHUNKED : body.length > 0 ? HttpRequestParser.Framing.FIXED : HttpRequestParser.Framing.NONE,
        first.head().framing());
    assertEquals("/next", outcomes.get(1).head().target());
  }

  /** The request with its body framed as asked, and a pipelined request behind it. */
  static byte[] withBody(Request post, Encoding encoding, byte[] body, Random random) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (encoding) {
      case CONTENT_LENGTH -> {
        out.write(latin1(post.with(List.of(new Field("Content-Length", Integer.toString(body.length), " ", "", "\r\n"))).head()));
        out.write(body);
      }
      case CHUNKED_BY_HAND -> {
        out.write(latin1(post.with(List.of(new Field("Transfer-Encoding", "chunked", " ", "", "\r\n"))).head()));
        out.write(chunkByHand(body, random));
      }
      case CHUNKED_BY_HTTP_OUTPUT -> {
        out.write(latin1(post.with(List.of(new Field("Transfer-Encoding", "chunked", " ", "", "\r\n"))).head()));
        out.write(chunkWithHttpOutput(body, random));
      }
      default -> throw new AssertionError(encoding);
    }
    out.write(latin1("GET /next HTTP/1.1\r\n\r\n"));
    return out.toByteArray();
  }

  /** Chunks of random sizes, hex in either case with leading zeros, extensions, bare-LF line ends, trailers. */
  static byte[] chunkByHand(byte[] body, Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pos = 0;
    while (pos < body.length) {
      int size = Math.min(body.length - pos, 1 + random.nextInt(random.nextBoolean() ? 16 : 20_000));
      String hex = Integer.toHexString(size);
      if (random.nextBoolean()) hex = hex.toUpperCase(Locale.ROOT);
      hex = "0".repeat(random.nextInt(3)) + hex;
      String extension = switch (random.nextInt(4)) {
        case 0 -> ";name=value";
        case 1 -> " ; a";
        case 2 -> ";x=\"quoted; string\"";
        default -> "";
      };
      out.writeBytes(latin1(hex + extension + lineEnd(random)));
      out.write(body, pos, size);
      out.writeBytes(latin1(lineEnd(random)));
      pos += size;
    }
    out.writeBytes(latin1("0" + lineEnd(random)));
    for (int i = random.nextInt(3); i > 0; i--) out.writeBytes(latin1("Trailer-" + i + ": value " + i + lineEnd(random)));
    out.writeBytes(latin1(lineEnd(random)));
    return out.toByteArray();
  }

  static String lineEnd(Random random) {
    return random.nextInt(4) == 0 ? "\n" : "\r\n";
  }

  /** The server's own chunked encoder: writes of random sizes, flushes now and then. */
  static byte[] chunkWithHttpOutput(byte[] body, Random random) throws IOException {
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    HttpOutput output = new HttpOutput(sent::write, new HttpOutput.Pool());
    output.beginResponse();
    int pos = 0;
    while (pos < body.length) {
      int size = Math.min(body.length - pos, random.nextBoolean() ? 1 + random.nextInt(64) : 1 + random.nextInt(20_000));
      output.putChunked(body, pos, size);
      pos += size;
      if (random.nextInt(5) == 0) output.flush();
    }
    output.endChunked();
    output.flush();
    return sent.toByteArray();
  }

  // ---- malformed heads and bodies -------------------------------------------------------------

  /** A request with one defect, and the status it must get. */
  record Malformed(String what, byte[] input, int status, HttpRequestParser parser) {
    @Override
    public String toString() {
      return what + " -> " + status + ": " + printable(input);
    }
  }

  enum Defect {
    BAD_BYTE_IN_NAME, CONTROL_IN_VALUE, LINE_INJECTED_IN_VALUE, OBSOLETE_FOLDING, NO_COLON, BAD_BYTE_IN_METHOD, BAD_BYTE_IN_TARGET,
    BAD_VERSION, VERSION_NOT_1, LONG_REQUEST_LINE, LARGE_HEADER_FIELDS, TOO_MANY_FIELDS, UNSUPPORTED_CODING, BODY_OVER_LIMIT,
    BAD_CONTENT_LENGTH, CONFLICTING_CONTENT_LENGTHS, HEAD_WITH_BODY, HEAD_CUT_SHORT, BAD_CHUNK_SIZE, CHUNK_SIZE_TOO_MANY_DIGITS,
    LONG_CHUNK_SIZE_LINE, NO_CRLF_AFTER_CHUNK, CHUNKS_OVER_LIMIT, LARGE_TRAILERS, BODY_CUT_SHORT
  }

  static final String NOT_TCHAR = "\u0000\u0001\u0008\r\u001f\u007f\u0080\u00ff\"(),/;<=>?@[\\]{} \t";
  static final String CONTROLS = "\u0000\u0001\u0008\u000b\u000c\r\u001b\u001f\u007f";

  static char pick(String chars, Random random) {
    return chars.charAt(random.nextInt(chars.length()));
  }

  static String insert(String s, int at, String what) {
    return s.substring(0, at) + what + s.substring(at);
  }

  /** A GET head of the request with the field at a random place replaced by {@code broken} (whole, with its line end). */
  static String withField(Request r, String broken, Random random) {
    List<Field> fields = new ArrayList<>(r.fields());
    int at = random.nextInt(fields.size() + 1);
    StringBuilder b = new StringBuilder(r.emptyLines()).append(r.method()).append(' ').append(r.target()).append(' ').append(r.version()).append(r.eol());
    for (int i = 0; i <= fields.size(); i++) {
      if (i == at) b.append(broken);
      if (i < fields.size()) b.append(fields.get(i).wire());
    }
    return b.append(r.endEol()).toString();
  }

  static Malformed defect(Request r, Defect defect, Random random) {
    HttpRequestParser parser = ParserDriver.parser();
    String name = "X-" + "abcdefgh".substring(0, 1 + random.nextInt(8));
    return switch (defect) {
      case BAD_BYTE_IN_NAME -> new Malformed(defect.name(),
          latin1(withField(r, insert(name, random.nextInt(name.length() + 1), String.valueOf(pick(NOT_TCHAR, random))) + ": v\r\n", random)), 400, parser);
      case CONTROL_IN_VALUE -> {
        String value = "va" + pick(CONTROLS, random) + "lue";
        yield new Malformed(defect.name(), latin1(withField(r, name + ": " + value + "\r\n", random)), 400, parser);
      }
      case LINE_INJECTED_IN_VALUE -> { // a LF inside a value starts a line that is no header field
        String injected = List.of(" folded", "\tfolded", "no colon", "bad name: x", ": no name").get(random.nextInt(5));
        yield new Malformed(defect.name(), latin1(withField(r, name + ": a\n" + injected + "\r\n", random)), 400, parser);
      }
      case OBSOLETE_FOLDING -> new Malformed(defect.name(), latin1(withField(r, name + ": a\r\n" + pick(" \t", random) + "b\r\n", random)), 400, parser);
      case NO_COLON -> new Malformed(defect.name(), latin1(withField(r, name + " v\r\n", random)), 400, parser);
      case BAD_BYTE_IN_METHOD -> {
        String method = insert(r.method(), random.nextInt(r.method().length() + 1), String.valueOf(pick(NOT_TCHAR.replace(" ", "").replace("\r", ""), random)));
        yield new Malformed(defect.name(), latin1(method + " / HTTP/1.1\r\n\r\n"), 400, parser);
      }
      case BAD_BYTE_IN_TARGET -> {
        String target = insert(r.target(), 1 + random.nextInt(r.target().length()), String.valueOf(pick("\u0000\u0001\t\u007f\u0080\u00ff{}|^`\"<>\\", random)));
        yield new Malformed(defect.name(), latin1("GET " + target + " HTTP/1.1\r\n\r\n"), 400, parser);
      }
      case BAD_VERSION -> new Malformed(defect.name(), latin1("GET / "
          + List.of("HTTP/1.10", "HTTP/1", "http/1.1", "HTTP/a.1", "HTTP/11.1", "HTTP/1.1 ", "HTTP 1.1", "HTTP/1.x", "HTTPS/1.1").get(random.nextInt(9))
          + "\r\n\r\n"), 400, parser);
      case VERSION_NOT_1 -> new Malformed(defect.name(), latin1("GET / " + List.of("HTTP/2.0", "HTTP/3.0", "HTTP/0.9", "HTTP/9.9").get(random.nextInt(4))
          + "\r\n\r\n"), 505, parser);
      case LONG_REQUEST_LINE -> {
        int limit = 16 + random.nextInt(200);
        String target = "/" + "a".repeat(limit + random.nextInt(40));
        yield new Malformed(defect.name(), latin1("GET " + target + " HTTP/1.1\r\n\r\n"), 414, new HttpRequestParser(limit, 65536, 100, 1 << 20));
      }
      case LARGE_HEADER_FIELDS -> {
        int limit = 64 + random.nextInt(400);
        yield new Malformed(defect.name(), latin1(withField(r, name + ": " + "v".repeat(limit) + "\r\n", random)), 431,
            new HttpRequestParser(8192, limit + headerBytes(r), 100, 1 << 20));
      }
      case TOO_MANY_FIELDS -> {
        int limit = 1 + random.nextInt(8);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i <= limit; i++) b.append("F").append(i).append(": v\r\n");
        yield new Malformed(defect.name(), latin1("GET / HTTP/1.1\r\n" + b + "\r\n"), 431, new HttpRequestParser(8192, 65536, limit, 1 << 20));
      }
      case UNSUPPORTED_CODING -> new Malformed(defect.name(), latin1(withField(r, "Transfer-Encoding: "
          + List.of("gzip", "gzip, chunked", "identity", "chunked, gzip", "x").get(random.nextInt(5)) + "\r\n", random)), 501, parser);
      case BODY_OVER_LIMIT -> {
        long limit = random.nextInt(1000);
        yield new Malformed(defect.name(), latin1("POST / HTTP/1.1\r\nContent-Length: " + (limit + 1 + random.nextInt(1 << 20)) + "\r\n\r\n"), 413,
            new HttpRequestParser(8192, 65536, 100, limit));
      }
      case BAD_CONTENT_LENGTH -> new Malformed(defect.name(), latin1(withField(r, "Content-Length:"
          + List.of(" -1", " 1e3", "", " ", " 0x10", " 5, 5", " +5", " 5 5").get(random.nextInt(8)) + "\r\n", random)), 400, parser);
      case CONFLICTING_CONTENT_LENGTHS -> new Malformed(defect.name(), latin1(withField(r, "Content-Length: 5\r\nContent-Length: 6\r\n", random)), 400, parser);
      case HEAD_WITH_BODY -> new Malformed(defect.name(), latin1("HEAD / HTTP/1.1\r\nContent-Length: " + (1 + random.nextInt(100)) + "\r\n\r\n"), 400, parser);
      case HEAD_CUT_SHORT -> { // the input ends after the request line's first byte and before the head's end
        StringBuilder b = new StringBuilder("GET / HTTP/1.1\r\n");
        for (Field f : r.fields()) b.append(f.wire());
        byte[] head = latin1(b.append(r.endEol()).toString());
        yield new Malformed(defect.name(), Arrays.copyOf(head, 1 + random.nextInt(head.length - 2)), 400, parser);
      }
      case BAD_CHUNK_SIZE -> chunked(defect, List.of("g", "-1", "", " ", "0x10", "+5", "5 5", "\u00ff").get(random.nextInt(8)) + "\r\nabcde\r\n0\r\n\r\n", 400, parser);
      case CHUNK_SIZE_TOO_MANY_DIGITS -> chunked(defect, "0".repeat(random.nextInt(4)) + "1" + "0".repeat(15 + random.nextInt(20)) + "\r\n", 413, parser);
      case LONG_CHUNK_SIZE_LINE -> chunked(defect, "0".repeat(4097 + random.nextInt(100)) + "5\r\nabcde\r\n0\r\n\r\n", 400, parser);
      case NO_CRLF_AFTER_CHUNK -> chunked(defect, "5\r\nabcde" + List.of("X\r\n", "\r\r\n", "abc", " \r\n").get(random.nextInt(4)) + "0\r\n\r\n", 400, parser);
      case CHUNKS_OVER_LIMIT -> {
        int limit = random.nextInt(100);
        yield chunked(defect, Integer.toHexString(limit + 1) + "\r\n" + "x".repeat(limit + 1) + "\r\n0\r\n\r\n", 413, new HttpRequestParser(8192, 65536, 100, limit));
      }
      case LARGE_TRAILERS -> {
        boolean many = random.nextBoolean();
        String trailers = many ? "T: 1\r\n".repeat(4) : "T: " + "t".repeat(100) + "\r\n";
        yield chunked(defect, "1\r\nx\r\n0\r\n" + trailers + "\r\n", 431, new HttpRequestParser(8192, many ? 65536 : 64, many ? 3 : 100, 1 << 20));
      }
      case BODY_CUT_SHORT -> {
        boolean chunked = random.nextBoolean();
        byte[] full = latin1(chunked ? "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n3;x\r\nabc\r\n0\r\nT: 1\r\n\r\n"
            : "POST / HTTP/1.1\r\nContent-Length: 20\r\n\r\n" + "b".repeat(20));
        int headLength = latin1("POST / HTTP/1.1\r\n").length + (chunked ? 28 : 20) + 2;
        yield new Malformed(defect.name(), Arrays.copyOf(full, headLength + random.nextInt(full.length - headLength)), 400, parser);
      }
    };
  }

  static int headerBytes(Request r) {
    return r.fields().stream().mapToInt(f -> latin1(f.wire()).length).sum();
  }

  static Malformed chunked(Defect defect, String body, int status, HttpRequestParser parser) {
    return new Malformed(defect.name(), latin1("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + body), status, parser);
  }

  @Provide
  Arbitrary<Malformed> malformed() {
    return Combinators.combine(requests(), Arbitraries.of(Defect.class), Arbitraries.randoms()).as(HttpParserPropertiesTest::defect);
  }

  @Property(tries = 400)
  void malformedInputIsRefusedWithItsStatusHoweverSplit(@ForAll("malformed") Malformed m,
      @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 100_000) Integer> cuts,
      @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 1, max = 20_000) Integer> readSizes) {
    List<Outcome> outcomes = ParserDriver.run(m.parser(), m.input(), ints(cuts), ints(readSizes));
    assertEquals(List.of(Outcome.refused(m.status())), outcomes, m::toString);
  }

  // ---- any input ------------------------------------------------------------------------------

  static final List<String> SPECIAL = List.of("\r", "\n", "\r\n", "\u0000", " ", "\t", ":", ";", "%", "\u00ff", "\r\n\r\n",
      "0\r\n\r\n", "ffffffffffffffff\r\n", "Transfer-Encoding: chunked\r\n", "Content-Length: 10\r\n", "Content-Length: 99999999999999999999\r\n",
      "HTTP/1.1", "GET / HTTP/1.1\r\n", "a".repeat(300), "X: " + "b".repeat(700) + "\r\n");

  /** Valid requests (with bodies) mutated a few times: flipped bits, cuts, inserted tokens, deleted and repeated slices; and plain noise. */
  @Provide
  Arbitrary<byte[]> mutated() {
    Arbitrary<byte[]> valid = Combinators.combine(requests(), Arbitraries.of(Encoding.class), Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
        Arbitraries.randoms()).as((r, e, body, random) -> {
          try {
            Request post = new Request(r.emptyLines(), r.method(), r.target(), r.version(), r.fields(), r.eol(), r.endEol());
            return withBody(post, e, body, random);
          } catch (IOException x) {
            throw new AssertionError(x);
          }
        });
    Arbitrary<byte[]> mutatedValid = Combinators.combine(valid, Arbitraries.randoms()).as((b, random) -> {
      for (int i = 1 + random.nextInt(3); i > 0; i--) b = mutate(b, random);
      return b;
    });
    Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, mutatedValid), net.jqwik.api.Tuple.of(1, noise));
  }

  static byte[] mutate(byte[] b, Random random) {
    int n = b.length;
    int at = random.nextInt(n + 1);
    return switch (random.nextInt(5)) {
      case 0 -> {
        if (n == 0) yield b;
        byte[] c = b.clone();
        c[random.nextInt(n)] ^= (byte) (1 << random.nextInt(8));
        yield c;
      }
      case 1 -> Arrays.copyOf(b, at);
      case 2 -> {
        byte[] what = latin1(SPECIAL.get(random.nextInt(SPECIAL.size())));
        byte[] c = new byte[n + what.length];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(what, 0, c, at, what.length);
        System.arraycopy(b, at, c, at + what.length, n - at);
        yield c;
      }
      case 3 -> {
        int length = Math.min(n - at, 1 + random.nextInt(16));
        byte[] c = new byte[n - length];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(b, at + length, c, at, n - at - length);
        yield c;
      }
      default -> {
        int length = Math.min(n - at, 1 + random.nextInt(32));
        byte[] c = new byte[n + length];
        System.arraycopy(b, 0, c, 0, at + length);
        System.arraycopy(b, at, c, at + length, n - at);
        yield c;
      }
    };
  }

  @Property(tries = 400)
  void anyInputEndsTheSameWayHoweverSplitAndNeverOtherwise(@ForAll("mutated") byte[] input,
      @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 100_000) Integer> cuts,
      @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 1, max = 20_000) Integer> readSizes) {
    // small limits, so that inputs reach them too
    List<Outcome> whole = ParserDriver.run(new HttpRequestParser(256, 512, 8, 4096), input);
    List<Outcome> split = ParserDriver.run(new HttpRequestParser(256, 512, 8, 4096), input, ints(cuts), ints(readSizes));
    List<Outcome> bytes = ParserDriver.run(new HttpRequestParser(256, 512, 8, 4096), input, everyByte(input.length), new int[] {1});
    assertEquals(whole, split, () -> printable(input));
    assertEquals(whole, bytes, () -> printable(input));
    for (Outcome o : whole) {
      if (o.isRefused()) assertTrue(STATUSES.contains(o.status()), () -> o + " for " + printable(input));
    }
  }

  static String printable(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      int c = x & 0xff;
      if (c == '\r') s.append("\\r");
      else if (c == '\n') s.append("\\n");
      else if (c < 0x20 || c >= 0x7f) s.append(String.format("\\x%02x", c));
      else s.append((char) c);
      if (s.length() > 3000) return s.append("...").toString();
    }
    return s.toString();
  }
}
