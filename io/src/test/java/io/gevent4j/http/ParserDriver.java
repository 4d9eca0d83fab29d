package io.gevent4j.http;

import com.sun.net.httpserver.Headers;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Drives an {@link HttpRequestParser} over a byte array as {@link HttpConnection} drives it over
 * a socket: the input arrives in reads (split at given points, each read also bounded by the
 * room the parser makes), heads are parsed after each read, bodies are read with given read
 * sizes (a large one with nothing buffered goes "straight into the caller's array", as a socket
 * read would), and requests follow one another (pipelining) until the input ends or a request
 * is refused. It counts its steps and fails when one makes no progress: a parser that would
 * hang a connection fails here instead.
 */
final class ParserDriver {
  private ParserDriver() {}

  static final int DEFAULT_MAX_BODY = 10 << 20;

  /** A parsed head, as plain values (comparable across runs). */
  record Head(String method, String target, URI uri, String protocol, Map<String, List<String>> headers,
      HttpRequestParser.Framing framing, long contentLength, boolean persistent, boolean expectContinue) {
    static Head of(HttpRequestParser p) {
      return new Head(p.method(), p.target(), p.uri(), p.protocol(), new TreeMap<>(p.headers()), p.framing(),
          p.contentLength(), p.persistent(), p.expectContinue());
    }
  }

  /** One request's outcome: a head and its body, or a refusal's status. */
  record Outcome(Head head, byte[] body, int status) {
    static Outcome refused(int status) {
      return new Outcome(null, null, status);
    }

    boolean isRefused() {
      return head == null;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Outcome other && java.util.Objects.equals(head, other.head) && Arrays.equals(body, other.body)
          && status == other.status;
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(head, Arrays.hashCode(body), status);
    }

    @Override
    public String toString() {
      return isRefused() ? "refused " + status : "head " + head + ", body of " + body.length + " bytes";
    }
  }

  static HttpRequestParser parser() {
    return new HttpRequestParser(HttpServer.DEFAULT_MAX_REQUEST_LINE, HttpServer.DEFAULT_MAX_HEADER_SIZE,
        HttpServer.DEFAULT_MAX_HEADER_COUNT, DEFAULT_MAX_BODY);
  }

  /** Runs the whole input in one read (as far as the buffer takes it), reading bodies 4 KiB at a time. */
  static List<Outcome> run(HttpRequestParser parser, byte[] input) {
    return run(parser, input, new int[0], new int[] {4096});
  }

  /**
   * Runs the input, read by read.
   *
   * @param cuts where reads end (any order, out-of-range values are taken modulo the input's length + 1)
   * @param readSizes the lengths of the body reads, used in turn (each at least 1)
   * @return each request's outcome in order; the last is a refusal if one happened
   */
  static List<Outcome> run(HttpRequestParser parser, byte[] input, int[] cuts, int[] readSizes) {
    int[] ends = new int[cuts.length + 1];
    for (int i = 0; i < cuts.length; i++) ends[i] = Math.floorMod(cuts[i], input.length + 1);
    ends[cuts.length] = input.length;
    Arrays.sort(ends);
    Source source = new Source(input, ends);
    List<Outcome> outcomes = new ArrayList<>();
    byte[] dst = new byte[Arrays.stream(readSizes).max().orElse(1)];
    int read = 0;
    long steps = 0;
    long maxSteps = 4L * input.length + 64;
    try {
      while (true) {
        parser.startHead(true);
        while (!parser.parseHead()) {
          if (++steps > maxSteps) throw new AssertionError("no progress parsing a head");
          if (!source.read(parser)) {
            HttpProtocolException cut = parser.truncated();
            if (cut != null) throw cut;
            return outcomes; // closed between requests
          }
        }
        Head head = Head.of(parser);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
          if (++steps > maxSteps) throw new AssertionError("no progress reading a body");
          int len = readSizes[read++ % readSizes.length];
          int n = parser.readBody(dst, 0, len);
          if (n > 0) {
            if (n > len) throw new AssertionError("readBody returned " + n + " for a read of " + len);
            body.write(dst, 0, n);
            continue;
          }
          if (n < 0) break;
          int direct = parser.directRead(len);
          if (direct > 0) {
            int k = source.readDirect(dst, direct);
            if (k < 0) throw parser.truncated();
            parser.bodyReadDirectly(k);
            body.write(dst, 0, k);
            continue;
          }
          if (!source.read(parser)) throw parser.truncated();
        }
        if (!parser.bodyDone()) throw new AssertionError("the body ended but the parser does not say so");
        outcomes.add(new Outcome(head, body.toByteArray(), 0));
      }
    } catch (HttpProtocolException e) {
      outcomes.add(Outcome.refused(e.status()));
      return outcomes;
    }
  }

  /** The input, delivered read by read. */
  private static final class Source {
    private final byte[] input;
    private final int[] ends;
    private int pos;
    private int piece;

    Source(byte[] input, int[] ends) {
      this.input = input;
      this.ends = ends;
    }

    private int pieceEnd() {
      while (ends[piece] <= pos && piece < ends.length - 1) piece++;
      return ends[piece];
    }

    /** One read into the parser; false at the end of the input. */
    boolean read(HttpRequestParser parser) throws HttpProtocolException {
      if (pos == input.length) return false;
      int n = parser.feed(input, pos, pieceEnd() - pos);
      if (n <= 0) throw new AssertionError("the parser made no room for input");
      pos += n;
      return true;
    }

    /** One read straight into {@code dst}; -1 at the end of the input. */
    int readDirect(byte[] dst, int max) {
      if (pos == input.length) return -1;
      int n = Math.min(max, pieceEnd() - pos);
      System.arraycopy(input, pos, dst, 0, n);
      pos += n;
      return n;
    }
  }

  static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static Headers headers(List<String[]> fields) {
    Headers h = new Headers();
    for (String[] f : fields) h.add(f[0], f[1]);
    return h;
  }
}
