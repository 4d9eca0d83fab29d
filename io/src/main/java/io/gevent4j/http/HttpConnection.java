package io.gevent4j.http;

import com.sun.net.httpserver.Headers;
import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.socket.Socket;
import io.gevent4j.socket.SslSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection (gevent's {@code WSGIHandler}): reads requests one after the other,
 * serves each through an exchange, writes the responses, in the greenlet the
 * {@link io.gevent4j.server.StreamServer} gave the connection.
 *
 * <p><b>Buffers.</b> Input goes through one buffer: the request head is parsed in place, and
 * body reads take what is buffered before reading the socket (large reads go straight into the
 * caller's array). Output goes through one buffer too: a response's head and a small body leave
 * in one {@code write}, and when pipelined requests are already buffered, their responses are
 * sent together. Output is flushed before the connection waits for input, so nothing the
 * client waits for stays behind.
 *
 * <p><b>Threads.</b> Everything here runs on the connection's hub. An exchange used from
 * another thread (a handler on an executor) hands its calls back through {@link #onHub}.
 */
final class HttpConnection {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  /** The input buffer's size; it grows for a large head up to the limits, and shrinks back after. */
  static final int INPUT_BUFFER = 8192;
  /** The output buffer's size. It bounds a chunk's size: four hex digits are enough for its size line. */
  static final int OUTPUT_BUFFER = 16384;
  /** Room kept before an open chunk's data for its size line: up to 4 hex digits and CRLF. */
  private static final int CHUNK_HEADER_ROOM = 6;
  /** Unread request body the server reads and drops after a response to keep the connection; more closes it. */
  static final int DRAIN_LIMIT = 65536;
  /** A chunk size line (size and extensions) longer than this is a bad request. */
  static final int MAX_CHUNK_LINE = 4096;
  /** Empty lines tolerated before a request line (RFC 9112 2.2: some clients add a CRLF after a body). */
  private static final int MAX_EMPTY_LINES = 16;
  /** After an error response, how long the server reads and drops what the client still sends before closing. */
  private static final double LINGER_TIMEOUT = 2.0;
  private static final int LINGER_LIMIT = 1 << 20;

  private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

  static final String HTTP_1_1 = "HTTP/1.1";
  static final String HTTP_1_0 = "HTTP/1.0";

  final HttpServer server;
  final Socket socket;
  final InetSocketAddress remote;
  final InetSocketAddress local;
  private final Hub hub;
  private Thread thread;

  private final int maxRequestLine;
  private final int maxHeaderSize;
  private final int maxHeaderCount;
  final long maxBodySize;
  private final long readTimeoutNanos;
  private final double readTimeout;

  private byte[] in = new byte[INPUT_BUFFER];
  /** The unread input is {@code in[inStart, inEnd)}. */
  private int inStart;
  private int inEnd;

  /**
   * The output buffer: taken from the server's pool when a response begins, given back when the
   * connection waits for its next request with nothing buffered (an idle connection holds only
   * its input buffer).
   */
  private byte[] out = NO_BUFFER;
  private int outEnd;
  private static final byte[] NO_BUFFER = new byte[0];
  /** Where the current response's head begins in {@code out}; valid while nothing of it was sent. */
  private int responseStart;
  private boolean responseBegun;
  /** Some bytes of the current response have been written to the socket: an error can no longer replace it. */
  private boolean responseFlushed;
  /** Where the open chunk's data begins in {@code out}, or -1 when no chunk is open. */
  private int chunkData = -1;

  /** The exchange being served, or the last one. */
  private GeventHttpExchange current;
  /** Waiting for the first byte of a request with nothing buffered: a stop may close it at once. */
  private volatile boolean idle;
  /** A read or write on the socket failed: later errors are the connection's, not the handler's. */
  private boolean ioFailed;

  // The last request's strings, reused when the next one has the same bytes (a client sends the
  // same target and header values again and again on a keep-alive connection).
  private String lastTarget;
  private URI lastUri;
  private final String[] valueCache = new String[32];
  private byte[] scratch;
  /** The request line of a request refused before it had an exchange, for the access log (only when that is on). */
  private String refusedRequestLine;
  /** The request being refused is a HEAD: its error response has no body. */
  private boolean refusedHead;

  HttpConnection(HttpServer server, Socket socket, InetSocketAddress remote) {
    this.server = server;
    this.socket = socket;
    this.remote = remote;
    this.local = socket.localAddress();
    this.hub = Hub.current();
    this.maxRequestLine = server.maxRequestLine();
    this.maxHeaderSize = server.maxHeaderSize();
    this.maxHeaderCount = server.maxHeaderCount();
    this.maxBodySize = server.maxBodySize();
    this.readTimeout = server.readTimeout();
    this.readTimeoutNanos = Double.isInfinite(readTimeout) ? Long.MAX_VALUE : (long) (readTimeout * 1e9);
  }

  // ---- the request loop ---------------------------------------------------------------------

  /** Serves requests until the client closes, an error closes, or the server stops. */
  void serve() {
    thread = Thread.currentThread();
    server.register(this);
    try {
      if (server.stopping()) return;
      try {
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true); // responses leave whole: Nagle only delays them
      } catch (IOException e) {
        return; // the client is already gone
      }
      while (serveOne()) {
        // next request
      }
    } finally {
      GeventHttpExchange last = current;
      if (last != null) last.abandon(); // a handler still running elsewhere (an executor) must not touch the buffers now
      outEnd = 0; // whatever was not sent will not be
      giveOutputBuffer();
      server.unregister(this);
    }
  }

  /** Serves one request; true when the connection stays open for another. */
  private boolean serveOne() {
    GeventHttpExchange exchange;
    try {
      exchange = readHead();
      if (exchange == null) return false;
    } catch (HttpProtocolException e) {
      LOG.debug("{}: bad request from {}: {}", server, remote, e.getMessage());
      refuse(e.status(), e.getMessage());
      return false;
    } catch (SocketTimeoutException e) {
      // idle keep-alive: close quietly; a head that stopped half-way (slowloris): 408
      if (inEnd > inStart) refuse(408, "the request head did not arrive within " + readTimeout + " s");
      return false;
    } catch (IOException e) {
      return false; // reset, closed by a stop: nothing to answer
    }
    return serveExchange(exchange);
  }

  private boolean serveExchange(GeventHttpExchange exchange) {
    current = exchange;
    responseStart = outEnd;
    responseBegun = false;
    responseFlushed = false;
    Throwable failure = null;
    try {
      server.dispatcher().dispatch(exchange);
    } catch (GreenletExit | VirtualMachineError e) {
      throw e; // killed (a stop): the connection closes as the greenlet ends
    } catch (Throwable e) {
      failure = e;
    }
    boolean keep = exchange.finish(failure);
    if (server.accessLogEnabled() && exchange.getResponseCode() > 0) { // one line per response: none when there was none
      AccessLog.log(remote, exchange.requestLine(), exchange.getPrincipal(), exchange.getResponseCode(), exchange.responseBytes());
    }
    if (keep && !server.stopping()) {
      keep = exchange.drainRequestBody();
    } else {
      keep = false;
    }
    if (!keep) {
      try {
        flushOutput();
        if (!ioFailed) lingeringClose(); // the client may still be sending: a body, pipelined requests
      } catch (IOException e) {
        // the client is gone
      }
      return false;
    }
    if (!pipelined()) {
      try {
        flushOutput();
      } catch (IOException e) {
        return false;
      }
      giveOutputBuffer(); // the connection now waits for a request: it needs no output buffer meanwhile
    }
    return true;
  }

  /** True when another request is already buffered: its response will leave with this one. */
  boolean pipelined() {
    return inEnd > inStart;
  }

  // ---- errors -------------------------------------------------------------------------------

  /**
   * Answers a request that never reached a handler with an error status and
   * {@code Connection: close}, then closes gracefully. Logged in the access log when that is on.
   */
  private void refuse(int status, String message) {
    try {
      writeError(status, message, refusedHead);
      flushOutput();
      if (server.accessLogEnabled()) {
        AccessLog.log(remote, refusedRequestLine, null, status, refusedHead ? 0 : errorBodyLength(status, message));
      }
      lingeringClose();
    } catch (IOException e) {
      // the client is gone
    }
  }

  /**
   * Replaces what the current response put in the output buffer (nothing of it was sent) with
   * an error response that closes the connection. Hub only.
   */
  void writeError(int status, String message, boolean head) throws IOException {
    discardResponse();
    writeErrorResponse(status, message, head);
  }

  /** Drops what the current response put in the output buffer (nothing of it was sent). */
  void discardResponse() {
    if (responseBegun && !responseFlushed) outEnd = responseStart;
    chunkData = -1;
    responseBegun = false;
  }

  private static String errorBody(int status, String message) {
    return status + " " + HttpStatus.reason(status) + (message == null ? "" : ": " + message) + "\n";
  }

  static long errorBodyLength(int status, String message) {
    return errorBody(status, message).getBytes(StandardCharsets.UTF_8).length;
  }

  /** The error response; to a HEAD request without its body (and with Content-Length 0: a client cannot tell otherwise). */
  private void writeErrorResponse(int status, String message, boolean head) throws IOException {
    takeOutputBuffer();
    byte[] body = head ? new byte[0] : errorBody(status, message).getBytes(StandardCharsets.UTF_8);
    put(HttpStatus.statusLine(status));
    put(HttpDate.headerLine());
    putLatin1("Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n");
    put(body);
  }

  /**
   * Closes gracefully after an error: sends FIN, then reads and drops what the client still
   * sends (a body it is uploading) for a while, so that closing with unread input does not
   * reset the connection and destroy the response before the client reads it.
   */
  private void lingeringClose() throws IOException {
    socket.shutdownOutput();
    // a deadline for the whole linger: a client that trickles bytes cannot keep the connection
    long deadline = System.nanoTime() + (long) (Math.min(readTimeout, LINGER_TIMEOUT) * 1e9);
    byte[] sink = scratch();
    long dropped = 0;
    try {
      while (dropped < LINGER_LIMIT) {
        double left = (deadline - System.nanoTime()) / 1e9;
        if (left <= 0) return;
        socket.setTimeout(left);
        int n = socket.recv(sink, 0, sink.length);
        if (n < 0) return;
        dropped += n;
      }
    } catch (IOException e) {
      // timed out or reset: close anyway
    }
  }

  private byte[] scratch() {
    if (scratch == null) scratch = new byte[4096];
    return scratch;
  }

  // ---- threads ------------------------------------------------------------------------------

  /** An exchange operation that may do I/O. */
  @FunctionalInterface
  interface HubCall<T> {
    T call() throws IOException;
  }

  /** True when the caller runs on this connection's hub (the connection's greenlet or another of that hub). */
  boolean onHub() {
    if (Thread.currentThread() == thread) return true;
    RawGreenlet g = RawGreenlet.current();
    return g != null && g.hub() == hub;
  }

  /**
   * Runs {@code call} on the connection's hub: at once when the caller is there, else in a
   * greenlet of that hub while the caller (a handler on an executor) waits for it.
   */
  <T> T onHub(HubCall<T> call) throws IOException {
    if (onHub()) return call.call();
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      hub.execute(() -> {
        try {
          result.complete(call.call());
        } catch (Throwable e) {
          result.completeExceptionally(e);
        }
      });
    } catch (IllegalStateException closed) {
      throw new IOException("the server that owns this exchange has stopped", closed);
    }
    try {
      return result.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) throw io;
      if (cause instanceof RuntimeException r) throw r;
      if (cause instanceof Error err) throw err;
      throw e;
    }
  }

  // ---- stopping -----------------------------------------------------------------------------

  /** Closes the connection if it waits for a request with nothing buffered (a server stop). Any thread. */
  void closeIfIdle() {
    if (idle) socket.close();
  }

  // ---- reading the head -----------------------------------------------------------------------

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

  /**
   * Reads and parses a request line and its header fields, within the read timeout as a whole
   * (a client that sends a head byte by byte cannot hold the connection longer).
   *
   * @return the exchange, or null when the client closed (or the server stopped) before sending a byte
   * @throws HttpProtocolException for a request to refuse (400, 413, 414, 431, 501, 505)
   * @throws SocketTimeoutException when the head did not arrive in time
   */
  private GeventHttpExchange readHead() throws IOException {
    refusedRequestLine = null;
    refusedHead = false;
    startHead();
    long deadline = readTimeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + readTimeoutNanos;
    int headCapacity = maxRequestLine + maxHeaderSize + 2 * MAX_EMPTY_LINES + 8;

    // the request line, after any empty lines
    int pos = inStart;
    int lf;
    int empty = 0;
    while (true) {
      lf = findLineEnd(pos, maxRequestLine + 1, 414, deadline, headCapacity);
      if (lf < 0) return null;
      if (lineEnd(pos, lf) > pos) break;
      if (++empty > MAX_EMPTY_LINES) throw new HttpProtocolException(400, "too many empty lines before the request line");
      pos = lf + 1;
    }
    int lineEnd = lineEnd(pos, lf);
    refusedRequestLine = server.accessLogEnabled() ? new String(in, pos, lineEnd - pos, StandardCharsets.ISO_8859_1) : null;
    if (lineEnd - pos >= maxRequestLine) throw tooLong(414);
    int sp1 = indexOf((byte) ' ', pos, lineEnd);
    int sp2 = sp1 < 0 ? -1 : indexOf((byte) ' ', sp1 + 1, lineEnd);
    if (sp1 <= pos || sp2 < 0 || sp2 == sp1 + 1) throw new HttpProtocolException(400, "malformed request line");
    for (int i = pos; i < sp1; i++) {
      if (!isTokenChar(in[i])) throw new HttpProtocolException(400, "malformed method");
    }
    String method = method(pos, sp1);
    refusedHead = method == "HEAD";
    for (int i = sp1 + 1; i < sp2; i++) {
      int c = in[i] & 0xff;
      if (c <= 0x20 || c >= 0x7f) throw new HttpProtocolException(400, "malformed request target");
    }
    String protocol = version(sp2 + 1, lineEnd);
    URI uri = target(sp1 + 1, sp2);
    String target = lastTarget;

    // the header fields
    Headers headers = new Headers();
    int headersStart = lf + 1;
    pos = headersStart;
    int count = 0;
    long contentLength = -1;
    String transferEncoding = null;
    boolean close = false;
    boolean keepAlive = false;
    boolean expectContinue = false;
    while (true) {
      int used = pos - headersStart;
      lf = findLineEnd(pos, maxHeaderSize - used + 2, 431, deadline, headCapacity);
      if (lf < 0) throw new HttpProtocolException(400, "the connection closed in the middle of the request head");
      int end = lineEnd(pos, lf);
      if (end == pos) break;
      if (lf + 1 - headersStart > maxHeaderSize) throw tooLong(431);
      if (++count > maxHeaderCount) throw new HttpProtocolException(431, "more than " + maxHeaderCount + " header fields");
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
      String value = headerValue(count - 1, valueStart, valueEnd);
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
      pos = lf + 1;
    }
    inStart = lf + 1;
    idle = false;

    // framing and persistence (RFC 9112 6.3 and 9.3)
    boolean http10 = protocol == HTTP_1_0;
    boolean persistent = http10 ? keepAlive && !close : !close;
    GeventHttpExchange.BodyKind body;
    if (transferEncoding != null) {
      if (!transferEncoding.strip().equalsIgnoreCase("chunked")) {
        throw new HttpProtocolException(501, "unsupported transfer coding: " + transferEncoding);
      }
      if (contentLength >= 0) persistent = false; // both: chunked wins, and the connection closes after (RFC 9112 6.1)
      contentLength = -1;
      body = GeventHttpExchange.BodyKind.CHUNKED;
    } else if (contentLength > 0) {
      if (method == "HEAD") throw new HttpProtocolException(400, "a HEAD request with a body");
      if (contentLength > maxBodySize) throw new HttpProtocolException(413, "the body is larger than " + maxBodySize + " bytes");
      body = GeventHttpExchange.BodyKind.FIXED;
    } else {
      body = GeventHttpExchange.BodyKind.NONE;
    }
    socket.setTimeout(readTimeout); // the body and the response: each wait up to the read timeout
    GeventHttpExchange exchange = new GeventHttpExchange(this, method, uri, target, protocol, headers, body, contentLength,
        expectContinue && !http10, persistent);
    if (socket instanceof SslSocket tls) exchange.visible(new GeventHttpsExchange(exchange, tls));
    return exchange;
  }

  /** Readies the input buffer for a new head: the head must start at index 0 and may grow the buffer. */
  private void startHead() {
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
  }

  /** The refusal of a head part over its limit: 414 for the request line, 431 for the header fields. */
  private HttpProtocolException tooLong(int status) {
    return status == 414
        ? new HttpProtocolException(414, "the request line is longer than " + maxRequestLine + " bytes")
        : new HttpProtocolException(431, "the header fields are larger than " + maxHeaderSize + " bytes");
  }

  /**
   * The index of the LF that ends the line starting at {@code from}, reading more input as
   * needed (the buffer grows up to {@code capacity}). Throws {@link #tooLong(int) tooLong(status)}
   * when the line is longer than {@code limit} bytes without its LF.
   *
   * @return the index, or -1 when the input ended before the head's first byte
   */
  private int findLineEnd(int from, int limit, int status, long deadline, int capacity) throws IOException {
    int scan = from;
    while (true) {
      int lf = indexOf((byte) '\n', scan, inEnd);
      if (lf >= 0) return lf;
      if (inEnd - from > limit) throw tooLong(status);
      scan = inEnd;
      boolean nothingYet = inEnd == 0;
      if (nothingYet) {
        idle = true;
        if (server.stopping()) return -1; // a stop closes idle connections; it may have missed this one
      }
      int n = fill(deadline, capacity);
      if (n < 0) {
        if (nothingYet || onlyEmptyLines()) return -1;
        throw new HttpProtocolException(400, "the connection closed in the middle of the request head");
      }
      idle = false;
    }
  }

  private boolean onlyEmptyLines() {
    for (int i = inStart; i < inEnd; i++) {
      if (in[i] != '\r' && in[i] != '\n') return false;
    }
    return true;
  }

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
    URI uri;
    try {
      uri = new URI(target);
    } catch (URISyntaxException e) {
      throw new HttpProtocolException(400, "malformed request target: " + e.getReason());
    }
    lastTarget = target;
    lastUri = uri;
    return uri;
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

  // ---- reading ------------------------------------------------------------------------------

  /**
   * Reads more input into the buffer, growing it up to {@code capacity} when full. Pending
   * output is flushed first: the client may be waiting for it before it sends more.
   *
   * @return the count read, or -1 at end of stream
   */
  private int fill(long deadline, int capacity) throws IOException {
    if (deadline != Long.MAX_VALUE) {
      double left = (deadline - System.nanoTime()) / 1e9;
      if (left <= 0) throw new SocketTimeoutException("read timed out");
      socket.setTimeout(left);
    }
    flushOutput();
    if (inEnd == in.length) {
      if (in.length >= capacity) throw new HttpProtocolException(431, "the request head is too large");
      in = java.util.Arrays.copyOf(in, Math.min(capacity, in.length * 2));
    }
    int n = recv(in, inEnd, in.length - inEnd);
    if (n > 0) inEnd += n;
    return n;
  }

  private int recv(byte[] buffer, int offset, int length) throws IOException {
    try {
      return socket.recv(buffer, offset, length);
    } catch (IOException e) {
      ioFailed = true;
      throw e;
    }
  }

  private long bodyDeadline() {
    return readTimeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + readTimeoutNanos;
  }

  /**
   * Reads up to {@code length} body bytes: what is buffered first, else from the socket (into
   * the caller's array directly for large reads). Hub only.
   *
   * @return the count, or -1 at end of stream
   */
  int readBody(byte[] buffer, int offset, int length) throws IOException {
    int buffered = inEnd - inStart;
    if (buffered > 0) {
      int n = Math.min(buffered, length);
      System.arraycopy(in, inStart, buffer, offset, n);
      inStart += n;
      return n;
    }
    inStart = 0;
    inEnd = 0;
    if (length >= in.length) {
      socket.setTimeout(readTimeout);
      flushOutput();
      return recv(buffer, offset, length);
    }
    int n = fill(bodyDeadline(), in.length);
    if (n < 0) return -1;
    int taken = Math.min(n, length);
    System.arraycopy(in, inStart, buffer, offset, taken);
    inStart += taken;
    return taken;
  }

  /**
   * Reads a line of the body's framing (a chunk size line, a trailer, the CRLF after a chunk)
   * and returns it without its line end; the input moves past it. Hub only.
   *
   * @throws HttpProtocolException when it is longer than {@code limit} or the input ends first
   */
  String readFramingLine(int limit, int status, String tooLong) throws IOException {
    int scan = inStart;
    while (true) {
      int lf = indexOf((byte) '\n', scan, inEnd);
      if (lf >= 0) {
        int end = lineEnd(inStart, lf);
        String line = new String(in, inStart, end - inStart, StandardCharsets.ISO_8859_1);
        inStart = lf + 1;
        return line;
      }
      if (inEnd - inStart > limit) throw new HttpProtocolException(status, tooLong);
      if (inStart > 0) { // keep the partial line, make room behind it
        int unread = inEnd - inStart;
        System.arraycopy(in, inStart, in, 0, unread);
        inStart = 0;
        inEnd = unread;
      }
      scan = inEnd;
      int n = fill(bodyDeadline(), Math.max(in.length, limit + 2));
      if (n < 0) throw new HttpProtocolException(400, "the connection closed in the middle of a chunked body");
    }
  }

  /** The buffer for dropping bytes (draining, lingering). */
  byte[] dropBuffer() {
    return scratch();
  }

  /** Sends {@code 100 Continue} now: the client waits for it before it sends the body. Hub only. */
  void sendContinue() throws IOException {
    takeOutputBuffer();
    put(CONTINUE);
    flushOutput();
  }

  // ---- writing ------------------------------------------------------------------------------

  /** Marks the start of the current response's head in the output buffer. Hub only. */
  void beginResponse() {
    takeOutputBuffer();
    responseStart = outEnd;
    responseBegun = true;
    responseFlushed = false;
  }

  /** True when bytes of the current response have gone to the socket. */
  boolean responseFlushed() {
    return responseFlushed;
  }

  /** True when a read or write on the socket has failed. */
  boolean ioFailed() {
    return ioFailed;
  }

  private void takeOutputBuffer() {
    if (out == NO_BUFFER) out = server.takeOutputBuffer();
  }

  /** Gives the output buffer back to the server's pool when it holds nothing. Hub only. */
  private void giveOutputBuffer() {
    if (out == NO_BUFFER || outEnd > 0) return;
    byte[] b = out;
    out = NO_BUFFER;
    chunkData = -1;
    server.giveOutputBuffer(b);
  }

  /** Writes what the output buffer holds (sealing an open chunk first). Hub only. */
  void flushOutput() throws IOException {
    sealChunk();
    if (outEnd == 0) return;
    if (responseBegun) responseFlushed = true;
    int length = outEnd;
    outEnd = 0;
    responseStart = 0;
    send(out, 0, length);
  }

  private void send(byte[] buffer, int offset, int length) throws IOException {
    try {
      // send by send: the write timeout limits each wait for the client, not the whole response
      while (length > 0) {
        int n = socket.send(buffer, offset, length);
        offset += n;
        length -= n;
      }
    } catch (IOException e) {
      ioFailed = true;
      throw e;
    }
  }

  void put(byte[] bytes) throws IOException {
    put(bytes, 0, bytes.length);
  }

  /** Appends bytes, flushing when the buffer is full; a large array goes to the socket directly. Hub only. */
  void put(byte[] bytes, int offset, int length) throws IOException {
    if (length <= out.length - outEnd) {
      System.arraycopy(bytes, offset, out, outEnd, length);
      outEnd += length;
      return;
    }
    flushOutput();
    if (length < out.length) {
      System.arraycopy(bytes, offset, out, 0, length);
      outEnd = length;
    } else {
      if (responseBegun) responseFlushed = true;
      send(bytes, offset, length);
    }
  }

  void put(byte b) throws IOException {
    if (outEnd == out.length) flushOutput();
    out[outEnd++] = b;
  }

  /** Appends a string known to be Latin-1 and free of line breaks (checked by the caller). Hub only. */
  void putLatin1(String s) throws IOException {
    int i = 0;
    int n = s.length();
    while (i < n) {
      if (outEnd == out.length) flushOutput();
      int k = Math.min(n - i, out.length - outEnd);
      for (int j = 0; j < k; j++) out[outEnd + j] = (byte) s.charAt(i + j);
      outEnd += k;
      i += k;
    }
  }

  void putDecimal(long value) throws IOException {
    if (value < 0) throw new IllegalArgumentException("negative: " + value);
    if (out.length - outEnd < 20) flushOutput();
    int digits = 1;
    for (long v = value / 10; v > 0; v /= 10) digits++;
    long v = value;
    for (int i = outEnd + digits - 1; i >= outEnd; i--) {
      out[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    outEnd += digits;
  }

  // ---- chunked output -----------------------------------------------------------------------

  /**
   * Appends body bytes as chunks. Data goes after room kept for the chunk's size line; the line
   * is written when the chunk is sealed (on a flush, when the buffer is full, at the end), so a
   * chunk is as large as the buffer allows and costs no extra write. Hub only.
   */
  void putChunked(byte[] bytes, int offset, int length) throws IOException {
    if (length > out.length / 2) {
      // large: its own chunk, written from the caller's array
      sealChunk();
      if (out.length - outEnd < 20) flushOutput();
      putLatin1(Long.toHexString(length));
      put(CRLF);
      flushOutput();
      if (responseBegun) responseFlushed = true;
      send(bytes, offset, length);
      put(CRLF);
      return;
    }
    while (length > 0) {
      if (chunkData < 0) {
        if (out.length - outEnd < CHUNK_HEADER_ROOM + 2 + 1) flushOutput();
        chunkData = outEnd + CHUNK_HEADER_ROOM;
        outEnd = chunkData;
      }
      int room = out.length - outEnd - 2; // the chunk's CRLF must fit behind its data
      if (room <= 0) {
        flushOutput(); // seals the chunk
        continue;
      }
      int k = Math.min(room, length);
      System.arraycopy(bytes, offset, out, outEnd, k);
      outEnd += k;
      offset += k;
      length -= k;
    }
  }

  /** Writes the open chunk's size line and CRLF around its data; no-op when no chunk is open. */
  private void sealChunk() {
    if (chunkData < 0) return;
    int size = outEnd - chunkData;
    int headerStart = chunkData - CHUNK_HEADER_ROOM;
    chunkData = -1;
    if (size == 0) {
      outEnd = headerStart;
      return;
    }
    int digits = (32 - Integer.numberOfLeadingZeros(size) + 3) / 4;
    for (int i = digits - 1, v = size; i >= 0; i--, v >>>= 4) out[headerStart + i] = (byte) Character.forDigit(v & 0xf, 16);
    out[headerStart + digits] = '\r';
    out[headerStart + digits + 1] = '\n';
    int dataStart = headerStart + digits + 2;
    System.arraycopy(out, outEnd - size, out, dataStart, size);
    outEnd = dataStart + size;
    out[outEnd++] = '\r';
    out[outEnd++] = '\n';
  }

  /** Ends a chunked body: the open chunk, then the last (empty) chunk and no trailers. Hub only. */
  void endChunked() throws IOException {
    sealChunk();
    put(LAST_CHUNK);
  }

  @Override
  public String toString() {
    return "HttpConnection(" + remote + ")";
  }
}
