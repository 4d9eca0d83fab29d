package io.gevent4j.http;

import com.sun.net.httpserver.Headers;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The request side of HTTP/1.1 (netty's {@code HttpObjectDecoder}): request heads and request
 * bodies, parsed from bytes. It knows no socket and no hub: the connection reads the socket
 * straight into {@link #buffer()} (after {@link #prepareInput()}, then {@link #added(int)}), or a
 * test {@link #feed feeds} byte arrays; whatever the split across reads, the result is the same.
 *
 * <p><b>Heads.</b> {@link #startHead} then {@link #parseHead()} until it returns true; the
 * head's fields ({@link #method()}, {@link #uri()}, {@link #headers()}, {@link #framing()}, ...)
 * are then valid until the next {@code startHead}. A head that breaks the rules or the limits
 * throws {@link HttpProtocolException} with the status to answer: 400 malformed, 414 request line
 * too long, 431 header fields too large or too many, 413 a Content-Length above the body limit,
 * 501 a transfer coding other than chunked, 505 a version other than 1.x.
 *
 * <p><b>Bodies.</b> After a head, {@link #readBody} decodes its body (fixed length or chunked)
 * from the buffered input: a count, {@code -1} at the body's end, or {@link #NEED_INPUT}. A large
 * read with nothing buffered can go straight to the caller's array ({@link #directRead},
 * {@link #bodyReadDirectly}): the parser only counts it.
 *
 * <p>One parser per connection, reused for each request: the head is parsed in place in the input
 * buffer, and the last request's target and header values are reused when the next one has the
 * same bytes. Not thread-safe (the connection's hub only).
 */
final class HttpRequestParser {
  /** The input buffer's size; it grows for a large head up to the limits, and shrinks back after. */
  static final int INPUT_BUFFER = 8192;
  /** A chunk size line (size and extensions) longer than this is a bad request. */
  static final int MAX_CHUNK_LINE = 4096;
  /** Empty lines tolerated before a request line (RFC 9112 2.2: some clients add a CRLF after a body). */
  static final int MAX_EMPTY_LINES = 16;
  /** What {@link #readBody} returns when it needs more input first. */
  static final int NEED_INPUT = 0;

  static final String HTTP_1_1 = "HTTP/1.1";
  static final String HTTP_1_0 = "HTTP/1.0";

  /** How the request body is framed. */
  enum Framing { NONE, FIXED, CHUNKED }

  // states: the head's two parts, then the body's
  private static final int REQUEST_LINE = 0;
  private static final int HEADER_FIELDS = 1;
  private static final int FIXED = 2;
  private static final int CHUNK_SIZE = 3;
  private static final int CHUNK_DATA = 4;
  private static final int CHUNK_DATA_END = 5;
  private static final int TRAILERS = 6;
  private static final int BODY_DONE = 7;

  private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"};

  /**
   * Header names a request usually carries, spelled as {@link Headers} normalizes them (first
   * letter upper case, the rest lower case), so that parsing allocates no name for them.
   */
  private static final String[] COMMON_NAMES = {
    "Host", "User-agent", "Accept", "Accept-encoding", "Accept-language", "Accept-charset", "Connection",
    "Content-length", "Content-type", "Transfer-encoding", "Expect", "Cookie", "Authorization", "Upgrade",
    "Cache-control", "Pragma", "Referer", "Origin", "If-none-match", "If-modified-since", "Keep-alive", "Range",
    "Te", "Trailer", "X-forwarded-for", "X-forwarded-proto", "X-requested-with", "Content-encoding",
    "Sec-fetch-mode", "Sec-fetch-site", "Sec-fetch-dest", "Dnt", "Via", "Date", "Forwarded"};
  private static final String CONTENT_LENGTH = "Content-length";
  private static final String TRANSFER_ENCODING = "Transfer-encoding";
  private static final String CONNECTION = "Connection";
  private static final String EXPECT = "Expect";

  private final int maxRequestLine;
  private final int maxHeaderSize;
  private final int maxHeaderCount;
  private final long maxBodySize;
  /** The most a head may take of the buffer: the request line, the header fields, empty lines before. */
  private final int headCapacity;

  private byte[] in = new byte[INPUT_BUFFER];
  /** The unread input is {@code in[inStart, inEnd)}; during a head, inStart is its first byte. */
  private int inStart;
  private int inEnd;
  /** How large the buffer may grow for the input being waited for. */
  private int capacity;

  private int state = BODY_DONE;
  /** Where the line being parsed begins. */
  private int lineStart;
  /** Where the search for the line's LF goes on (what is before was searched already). */
  private int scan;
  private int emptyLines;
  private int headersStart;
  private int fieldCount;
  private boolean keepRequestLine;

  // the head
  private String requestLine;
  private boolean headRequest;
  private String method;
  private URI uri;
  private String protocol;
  private Headers headers;
  private long contentLength;
  private String transferEncoding;
  private boolean close;
  private boolean keepAlive;
  private boolean expectContinue;
  private boolean persistent;
  private Framing framing;

  // the body
  private long bodyRemaining;
  private long chunkRemaining;
  private long bodyRead;
  private int trailerTotal;
  private int trailerCount;

  // The last request's strings, reused when the next one has the same bytes (a client sends the
  // same target and header values again and again on a keep-alive connection).
  private String lastTarget;
  private URI lastUri;
  private final String[] valueCache = new String[32];

  /**
   * @param maxRequestLine a request line of this many bytes or more is refused (414)
   * @param maxHeaderSize header fields larger in all (each line with its line end) are refused (431); also bounds trailers
   * @param maxHeaderCount more header fields are refused (431); also bounds trailers
   * @param maxBodySize a body larger than this is refused (413)
   */
  HttpRequestParser(int maxRequestLine, int maxHeaderSize, int maxHeaderCount, long maxBodySize) {
    this.maxRequestLine = maxRequestLine;
    this.maxHeaderSize = maxHeaderSize;
    this.maxHeaderCount = maxHeaderCount;
    this.maxBodySize = maxBodySize;
    this.headCapacity = maxRequestLine + maxHeaderSize + 2 * MAX_EMPTY_LINES + 8;
    this.capacity = INPUT_BUFFER;
  }

  // ---- input --------------------------------------------------------------------------------

  /** True when input is buffered and not consumed (a pipelined request, a head begun). */
  boolean hasInput() {
    return inEnd > inStart;
  }

  /**
   * Makes room at the end of the buffer for more input, as the input being waited for allows:
   * a head grows the buffer up to the limits, a framing line up to its own limit.
   *
   * @throws HttpProtocolException 431 when a head fills the buffer at its largest
   */
  void prepareInput() throws HttpProtocolException {
    if (state >= FIXED && inStart > 0) { // a body: what is buffered (a partial framing line) moves to the start
      int unread = inEnd - inStart;
      System.arraycopy(in, inStart, in, 0, unread);
      scan = Math.max(0, scan - inStart);
      inStart = 0;
      inEnd = unread;
    }
    if (inEnd == in.length) {
      if (in.length >= capacity) throw new HttpProtocolException(431, "the request head is too large");
      in = Arrays.copyOf(in, Math.min(capacity, in.length * 2));
    }
  }

  /** The array to read input into, at {@link #end()}, up to {@link #room()} bytes (after {@link #prepareInput()}). */
  byte[] buffer() {
    return in;
  }

  int end() {
    return inEnd;
  }

  int room() {
    return in.length - inEnd;
  }

  /** Takes {@code n} bytes read into {@link #buffer()} at {@link #end()}. */
  void added(int n) {
    inEnd += n;
  }

  /**
   * Copies input into the buffer as a read would: as much as {@link #prepareInput()} makes room
   * for (tests, and callers that have bytes rather than a socket).
   *
   * @return the count taken, at most {@code length}
   * @throws HttpProtocolException 431 when a head does not fit within the limits
   */
  int feed(byte[] bytes, int offset, int length) throws HttpProtocolException {
    prepareInput();
    int n = Math.min(length, room());
    System.arraycopy(bytes, offset, in, inEnd, n);
    inEnd += n;
    return n;
  }

  /**
   * What it means that the input ended now: null when it ended between requests (nothing of a
   * head, or only empty lines), else the refusal to answer (a head or a body cut short).
   */
  HttpProtocolException truncated() {
    return switch (state) {
      case REQUEST_LINE -> onlyEmptyLines() ? null : new HttpProtocolException(400, "the connection closed in the middle of the request head");
      case HEADER_FIELDS -> new HttpProtocolException(400, "the connection closed in the middle of the request head");
      case FIXED -> new HttpProtocolException(400, "the connection closed " + bodyRemaining + " bytes before the end of the request body");
      case CHUNK_DATA -> new HttpProtocolException(400, "the connection closed in the middle of a chunk");
      case CHUNK_SIZE, CHUNK_DATA_END, TRAILERS -> new HttpProtocolException(400, "the connection closed in the middle of a chunked body");
      default -> null;
    };
  }

  private boolean onlyEmptyLines() {
    for (int i = inStart; i < inEnd; i++) {
      if (in[i] != '\r' && in[i] != '\n') return false;
    }
    return true;
  }

  // ---- the head -----------------------------------------------------------------------------

  /**
   * Readies for a new head: what is buffered (a pipelined request) moves to the buffer's start,
   * and a buffer a large head grew is given back when nothing is buffered.
   *
   * @param keepRequestLine whether to keep the request line as sent, for {@link #requestLine()} (the access log)
   */
  void startHead(boolean keepRequestLine) {
    int unread = inEnd - inStart;
    if (unread == 0) {
      inStart = 0;
      inEnd = 0;
      if (in.length > INPUT_BUFFER) in = new byte[INPUT_BUFFER]; // a large head grew it: give that back
    } else if (inStart > 0) {
      System.arraycopy(in, inStart, in, 0, unread);
      inStart = 0;
      inEnd = unread;
    }
    this.keepRequestLine = keepRequestLine;
    requestLine = null;
    headRequest = false;
    state = REQUEST_LINE;
    lineStart = 0;
    scan = 0;
    emptyLines = 0;
    capacity = headCapacity;
  }

  /**
   * Parses what is buffered of the head.
   *
   * @return true when the head is complete (its fields are then valid and the input is past it);
   *     false when more input is needed
   * @throws HttpProtocolException for a head to refuse (400, 413, 414, 431, 501, 505)
   */
  boolean parseHead() throws HttpProtocolException {
    while (true) {
      int lf = indexOf((byte) '\n', scan, inEnd);
      if (lf < 0) {
        scan = inEnd;
        if (state == REQUEST_LINE) {
          if (inEnd - lineStart > maxRequestLine + 1) throw tooLong(414);
        } else if (inEnd - lineStart > maxHeaderSize - (lineStart - headersStart) + 2) {
          throw tooLong(431);
        }
        return false;
      }
      scan = lf + 1;
      int end = lineEnd(lineStart, lf);
      if (state == REQUEST_LINE) {
        if (end == lineStart) {
          if (++emptyLines > MAX_EMPTY_LINES) throw new HttpProtocolException(400, "too many empty lines before the request line");
          lineStart = lf + 1;
          continue;
        }
        requestLine(lineStart, end);
        state = HEADER_FIELDS;
        headersStart = lf + 1;
        lineStart = headersStart;
        continue;
      }
      if (end == lineStart) {
        endHead(lf);
        return true;
      }
      if (lf + 1 - headersStart > maxHeaderSize) throw tooLong(431);
      headerField(lineStart, end);
      lineStart = lf + 1;
    }
  }

  private void requestLine(int pos, int lineEnd) throws HttpProtocolException {
    requestLine = keepRequestLine ? new String(in, pos, lineEnd - pos, StandardCharsets.ISO_8859_1) : null;
    if (lineEnd - pos >= maxRequestLine) throw tooLong(414);
    int sp1 = indexOf((byte) ' ', pos, lineEnd);
    int sp2 = sp1 < 0 ? -1 : indexOf((byte) ' ', sp1 + 1, lineEnd);
    if (sp1 <= pos || sp2 < 0 || sp2 == sp1 + 1) throw new HttpProtocolException(400, "malformed request line");
    for (int i = pos; i < sp1; i++) {
      if (!isTokenChar(in[i])) throw new HttpProtocolException(400, "malformed method");
    }
    method = method(pos, sp1);
    headRequest = method == "HEAD";
    for (int i = sp1 + 1; i < sp2; i++) {
      int c = in[i] & 0xff;
      if (c <= 0x20 || c >= 0x7f) throw new HttpProtocolException(400, "malformed request target");
    }
    protocol = version(sp2 + 1, lineEnd);
    uri = target(sp1 + 1, sp2);
    headers = new Headers();
    fieldCount = 0;
    contentLength = -1;
    transferEncoding = null;
    close = false;
    keepAlive = false;
    expectContinue = false;
  }

  private void headerField(int pos, int end) throws HttpProtocolException {
    if (++fieldCount > maxHeaderCount) throw new HttpProtocolException(431, "more than " + maxHeaderCount + " header fields");
    if (in[pos] == ' ' || in[pos] == '\t') throw new HttpProtocolException(400, "obsolete line folding in the header fields");
    int colon = indexOf((byte) ':', pos, end);
    if (colon <= pos) throw new HttpProtocolException(400, "a header line without a name and a colon");
    for (int i = pos; i < colon; i++) {
      if (!isTokenChar(in[i])) throw new HttpProtocolException(400, "malformed header name");
    }
    int valueStart = colon + 1;
    int valueEnd = end;
    while (valueStart < valueEnd && (in[valueStart] == ' ' || in[valueStart] == '\t')) valueStart++;
    while (valueEnd > valueStart && (in[valueEnd - 1] == ' ' || in[valueEnd - 1] == '\t')) valueEnd--;
    for (int i = valueStart; i < valueEnd; i++) {
      int c = in[i] & 0xff;
      if ((c < 0x20 && c != '\t') || c == 0x7f) throw new HttpProtocolException(400, "a control character in a header value");
    }
    String name = headerName(pos, colon);
    String value = headerValue(fieldCount - 1, valueStart, valueEnd);
    headers.add(name, value);
    if (name == CONTENT_LENGTH) {
      long length = parseContentLength(value);
      if (contentLength >= 0 && contentLength != length) throw new HttpProtocolException(400, "conflicting Content-Length values");
      contentLength = length;
    } else if (name == TRANSFER_ENCODING) {
      transferEncoding = transferEncoding == null ? value : transferEncoding + ", " + value;
    } else if (name == CONNECTION) {
      close |= hasToken(value, "close");
      keepAlive |= hasToken(value, "keep-alive");
    } else if (name == EXPECT) {
      expectContinue |= value.equalsIgnoreCase("100-continue");
    }
  }

  /** The head's end: the input moves past it, the framing and persistence are decided (RFC 9112 6.3 and 9.3). */
  private void endHead(int lf) throws HttpProtocolException {
    inStart = lf + 1;
    scan = inStart;
    state = BODY_DONE; // until the framing is known
    boolean http10 = protocol == HTTP_1_0;
    persistent = http10 ? keepAlive && !close : !close;
    expectContinue &= !http10;
    bodyRead = 0;
    trailerTotal = 0;
    trailerCount = 0;
    if (transferEncoding != null) {
      if (!transferEncoding.strip().equalsIgnoreCase("chunked")) {
        throw new HttpProtocolException(501, "unsupported transfer coding: " + transferEncoding);
      }
      if (contentLength >= 0) persistent = false; // both: chunked wins, and the connection closes after (RFC 9112 6.1)
      contentLength = -1;
      framing = Framing.CHUNKED;
      chunkRemaining = 0;
      state = CHUNK_SIZE;
    } else if (contentLength > 0) {
      if (method == "HEAD") throw new HttpProtocolException(400, "a HEAD request with a body");
      if (contentLength > maxBodySize) throw new HttpProtocolException(413, "the body is larger than " + maxBodySize + " bytes");
      framing = Framing.FIXED;
      bodyRemaining = contentLength;
      state = FIXED;
    } else {
      framing = Framing.NONE;
    }
    capacity = in.length;
  }

  /** The refusal of a head part over its limit: 414 for the request line, 431 for the header fields. */
  private HttpProtocolException tooLong(int status) {
    return status == 414
        ? new HttpProtocolException(414, "the request line is longer than " + maxRequestLine + " bytes")
        : new HttpProtocolException(431, "the header fields are larger than " + maxHeaderSize + " bytes");
  }

  // ---- the head's fields --------------------------------------------------------------------

  /** The request line as sent (without its line end), once read, when {@link #startHead} asked to keep it; else null. */
  String requestLine() {
    return requestLine;
  }

  /** True once the request line was read far enough to know the method is HEAD (an error response then has no body). */
  boolean headRequest() {
    return headRequest;
  }

  /** The method; the common ones are the same {@code String} constants each time. */
  String method() {
    return method;
  }

  /** The request target as sent. */
  String target() {
    return lastTarget;
  }

  URI uri() {
    return uri;
  }

  /** {@link #HTTP_1_1}, {@link #HTTP_1_0} (these very strings), or a later 1.x as sent. */
  String protocol() {
    return protocol;
  }

  Headers headers() {
    return headers;
  }

  Framing framing() {
    return framing;
  }

  /** The Content-Length of a {@link Framing#FIXED} body; -1 for the others. */
  long contentLength() {
    return contentLength;
  }

  /** An HTTP/1.1 request with {@code Expect: 100-continue}. */
  boolean expectContinue() {
    return expectContinue;
  }

  /** Whether the connection may stay open after this request, as far as the request says. */
  boolean persistent() {
    return persistent;
  }

  // ---- the body -----------------------------------------------------------------------------

  /** True when the request body has been read to its end (or there is none). */
  boolean bodyDone() {
    return state == BODY_DONE;
  }

  /** What is left of a {@link Framing#FIXED} body; 0 for the others. */
  long fixedBodyRemaining() {
    return state == FIXED ? bodyRemaining : 0;
  }

  /**
   * Decodes body bytes from the buffered input into {@code dst} ({@code len > 0}).
   *
   * @return the count (at least 1), -1 at the end of the body, or {@link #NEED_INPUT}
   * @throws HttpProtocolException for a malformed chunked body (400), a body over the limit
   *     (413), trailers over the header limits (431)
   */
  int readBody(byte[] dst, int off, int len) throws HttpProtocolException {
    while (true) {
      switch (state) {
        case FIXED -> {
          int n = take(dst, off, (int) Math.min(len, bodyRemaining));
          if (n > 0) fixedRead(n);
          return n;
        }
        case CHUNK_DATA -> {
          int n = take(dst, off, (int) Math.min(len, chunkRemaining));
          if (n > 0) chunkRead(n);
          return n;
        }
        case CHUNK_SIZE -> {
          int lf = framingLineEnd(MAX_CHUNK_LINE);
          if (lf < 0) return NEED_INPUT;
          long size = chunkSize(inStart, lineEnd(inStart, lf));
          consumeLine(lf);
          if (size == 0) {
            state = TRAILERS;
          } else {
            if (size > maxBodySize - bodyRead) {
              throw new HttpProtocolException(413, "the body is larger than " + maxBodySize + " bytes");
            }
            chunkRemaining = size;
            state = CHUNK_DATA;
          }
        }
        case CHUNK_DATA_END -> {
          int lf = framingLineEnd(2);
          if (lf < 0) return NEED_INPUT;
          if (lineEnd(inStart, lf) != inStart) throw new HttpProtocolException(400, "no CRLF after a chunk's data");
          consumeLine(lf);
          state = CHUNK_SIZE;
        }
        case TRAILERS -> { // read and dropped (gevent drops them too), within the header limits
          int lf = framingLineEnd(maxHeaderSize - trailerTotal);
          if (lf < 0) return NEED_INPUT;
          int length = lineEnd(inStart, lf) - inStart;
          consumeLine(lf);
          if (length == 0) {
            state = BODY_DONE;
            return -1;
          }
          trailerTotal += length + 2;
          if (trailerTotal > maxHeaderSize || ++trailerCount > maxHeaderCount) {
            throw new HttpProtocolException(431, "too many or too large trailer fields");
          }
        }
        default -> {
          return -1;
        }
      }
    }
  }

  /**
   * How many body bytes may be read straight into the caller's array rather than through the
   * buffer: when nothing is buffered and the body's data (at most {@code len} of it) fills the
   * buffer at least; else 0.
   */
  int directRead(int len) {
    if (inEnd > inStart) return 0;
    long left = state == FIXED ? bodyRemaining : state == CHUNK_DATA ? chunkRemaining : 0;
    int want = (int) Math.min(len, left);
    return want >= in.length ? want : 0;
  }

  /** Counts {@code n} body bytes read straight into the caller's array (after {@link #directRead}). */
  void bodyReadDirectly(int n) {
    if (state == FIXED) fixedRead(n);
    else chunkRead(n);
  }

  private void fixedRead(int n) {
    bodyRemaining -= n;
    bodyRead += n;
    if (bodyRemaining == 0) state = BODY_DONE;
  }

  private void chunkRead(int n) {
    chunkRemaining -= n;
    bodyRead += n;
    if (chunkRemaining == 0) {
      state = CHUNK_DATA_END;
      scan = inStart;
    }
  }

  private int take(byte[] dst, int off, int len) {
    int n = Math.min(inEnd - inStart, len);
    if (n <= 0) {
      capacity = in.length;
      return NEED_INPUT;
    }
    System.arraycopy(in, inStart, dst, off, n);
    inStart += n;
    return n;
  }

  /**
   * The index of the LF that ends the framing line at {@code inStart}, or -1 when it has not all
   * arrived (the buffer may then grow to hold {@code limit} bytes and the line end).
   *
   * @throws HttpProtocolException when the line has more than {@code limit} bytes before its LF
   *     (counted the same whether the LF arrived with them or not: the outcome does not depend
   *     on how the input was split into reads)
   */
  private int framingLineEnd(int limit) throws HttpProtocolException {
    int lf = indexOf((byte) '\n', Math.max(scan, inStart), inEnd);
    if (lf >= 0) {
      if (lf - inStart > limit) throw framingLineTooLong();
      return lf;
    }
    if (inEnd - inStart > limit) throw framingLineTooLong();
    scan = inEnd;
    capacity = Math.max(in.length, limit + 2);
    return -1;
  }

  private HttpProtocolException framingLineTooLong() {
    return switch (state) {
      case CHUNK_SIZE -> new HttpProtocolException(400, "a chunk size line longer than " + MAX_CHUNK_LINE + " bytes");
      case CHUNK_DATA_END -> new HttpProtocolException(400, "no CRLF after a chunk's data");
      default -> new HttpProtocolException(431, "trailer fields larger than " + maxHeaderSize + " bytes");
    };
  }

  private void consumeLine(int lf) {
    inStart = lf + 1;
    scan = inStart;
  }

  /** A chunk size: strict hex (RFC 9112 7.1), optional extensions after ';' ignored. */
  private long chunkSize(int start, int lineEnd) throws HttpProtocolException {
    int end = indexOf((byte) ';', start, lineEnd);
    if (end < 0) end = lineEnd;
    while (end > start && (in[end - 1] == ' ' || in[end - 1] == '\t')) end--;
    if (end == start) throw new HttpProtocolException(400, "an empty chunk size");
    int first = start;
    while (first < end - 1 && in[first] == '0') first++; // leading zeros are allowed, and do not count
    if (end - first > 15) throw new HttpProtocolException(413, "a chunk size of more than 15 hex digits");
    long size = 0;
    for (int i = first; i < end; i++) {
      int digit = hexDigit(in[i]);
      if (digit < 0) {
        throw new HttpProtocolException(400, "a malformed chunk size: " + new String(in, start, end - start, StandardCharsets.ISO_8859_1));
      }
      size = size * 16 + digit;
    }
    return size;
  }

  private static int hexDigit(byte b) {
    if (b >= '0' && b <= '9') return b - '0';
    if (b >= 'a' && b <= 'f') return b - 'a' + 10;
    if (b >= 'A' && b <= 'F') return b - 'A' + 10;
    return -1;
  }

  // ---- bytes to strings -----------------------------------------------------------------------

  /** The end of a line's content: before its LF, and before a CR just ahead of it. */
  private int lineEnd(int start, int lf) {
    return lf > start && in[lf - 1] == '\r' ? lf - 1 : lf;
  }

  private String version(int start, int end) throws HttpProtocolException {
    if (end - start != 8 || in[start] != 'H' || in[start + 1] != 'T' || in[start + 2] != 'T' || in[start + 3] != 'P'
        || in[start + 4] != '/' || !isDigit(in[start + 5]) || in[start + 6] != '.' || !isDigit(in[start + 7])) {
      throw new HttpProtocolException(400, "malformed HTTP version");
    }
    if (in[start + 5] != '1') throw new HttpProtocolException(505, "only HTTP/1.x is served");
    return switch (in[start + 7]) {
      case '1' -> HTTP_1_1;
      case '0' -> HTTP_1_0;
      default -> new String(in, start, 8, StandardCharsets.ISO_8859_1); // a later 1.x: served as 1.1
    };
  }

  private String method(int start, int end) {
    for (String m : METHODS) {
      if (sameBytes(m, start, end)) return m;
    }
    return new String(in, start, end - start, StandardCharsets.ISO_8859_1);
  }

  private URI target(int start, int end) throws HttpProtocolException {
    if (lastTarget != null && sameBytes(lastTarget, start, end)) return lastUri;
    String target = new String(in, start, end - start, StandardCharsets.ISO_8859_1);
    URI parsed;
    try {
      parsed = new URI(target);
    } catch (URISyntaxException e) {
      throw new HttpProtocolException(400, "malformed request target: " + e.getReason());
    }
    lastTarget = target;
    lastUri = parsed;
    return parsed;
  }

  private String headerName(int start, int end) {
    int length = end - start;
    for (String name : COMMON_NAMES) {
      if (name.length() == length && sameBytesIgnoringCase(name, start)) return name;
    }
    return new String(in, start, length, StandardCharsets.ISO_8859_1);
  }

  private String headerValue(int index, int start, int end) {
    if (index < valueCache.length) {
      String cached = valueCache[index];
      if (cached != null && sameBytes(cached, start, end)) return cached;
    }
    String value = new String(in, start, end - start, StandardCharsets.ISO_8859_1);
    if (index < valueCache.length) valueCache[index] = value;
    return value;
  }

  private boolean sameBytes(String s, int start, int end) {
    if (s.length() != end - start) return false;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != (in[start + i] & 0xff)) return false;
    }
    return true;
  }

  private boolean sameBytesIgnoringCase(String s, int start) {
    for (int i = 0; i < s.length(); i++) {
      int c = in[start + i] & 0xff;
      int d = s.charAt(i);
      if (c != d && (c | 0x20) != (d | 0x20)) return false;
      if (c != d && !isLetter(c)) return false;
    }
    return true;
  }

  private static boolean isLetter(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static long parseContentLength(String value) throws HttpProtocolException {
    if (value.isEmpty()) throw new HttpProtocolException(400, "an empty Content-Length");
    long length = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') throw new HttpProtocolException(400, "malformed Content-Length: " + value);
      if (length > (Long.MAX_VALUE - 9) / 10) return Long.MAX_VALUE; // absurdly large: above any body limit
      length = length * 10 + (c - '0');
    }
    return length;
  }

  /** True when the comma-separated list {@code value} holds {@code token}, ignoring case. */
  static boolean hasToken(String value, String token) {
    int i = 0;
    int n = value.length();
    while (i < n) {
      int comma = value.indexOf(',', i);
      if (comma < 0) comma = n;
      int s = i;
      int e = comma;
      while (s < e && (value.charAt(s) == ' ' || value.charAt(s) == '\t')) s++;
      while (e > s && (value.charAt(e - 1) == ' ' || value.charAt(e - 1) == '\t')) e--;
      if (e - s == token.length() && value.regionMatches(true, s, token, 0, token.length())) return true;
      i = comma + 1;
    }
    return false;
  }

  private int indexOf(byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (in[i] == b) return i;
    }
    return -1;
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  /** RFC 9110 5.6.2 tchar. */
  static boolean isTokenChar(byte b) {
    int c = b & 0xff;
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') return true;
    return switch (c) {
      case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
      default -> false;
    };
  }
}
