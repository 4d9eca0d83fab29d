package io.gevent4j.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response (gevent's {@code WSGIHandler} state for one request, the JDK's
 * {@code ExchangeImpl}): what the handler sees through {@link HttpExchange}.
 *
 * <p>The exchange sees its connection as an {@link HttpChannel}: the request body comes decoded
 * from it ({@link HttpChannel#readBody}), the response goes into its {@link HttpOutput}.
 *
 * <p>The response is buffered by the connection: {@link #sendResponseHeaders} writes the head
 * into the output buffer, body writes follow it, and the whole goes out in one write when the
 * body is closed (or when the buffer fills, or on {@code flush()}). Until then an error can still
 * replace the response with a 500, as gevent does while its headers are not yet sent.
 *
 * <p>Every method may be called from the connection's greenlet, or from another thread when the
 * server has an executor: I/O then runs on the connection's hub while the caller waits.
 */
final class GeventHttpExchange extends HttpExchange {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  /** How the response body is framed. */
  private enum ResponseKind {
    /** Content-Length: the declared count, exactly. */
    FIXED,
    /** Transfer-Encoding: chunked. */
    CHUNKED,
    /** An HTTP/1.0 response of unknown length: the body ends when the connection closes. */
    UNTIL_CLOSE,
    /** No body (length -1, 204, 304): writing bytes is an error. */
    NONE,
    /** A response to HEAD: what the handler writes is dropped. */
    DISCARD
  }

  private final HttpChannel channel;
  private final String method;
  private final URI uri;
  private final String target;
  private final String protocol;
  private final Headers requestHeaders;
  private final boolean head;
  private final boolean http10;
  private final boolean expectContinue;
  private boolean persistent;
  /** What the filters and the handler get: this, or its HttpsExchange on a TLS connection. */
  private HttpExchange visible = this;
  private Headers responseHeaders;
  private GeventHttpContext context;
  private volatile HttpPrincipal principal;
  private Map<String, Object> attributes;
  private InputStream requestStream;
  private OutputStream responseStream;
  private InputStream filteredRequestStream;
  private OutputStream filteredResponseStream;

  // request body (its framing is the connection's parser's)
  private boolean bodyDone;
  private boolean bodyClosed;
  private boolean continueSent;

  // response
  private int responseCode = -1;
  private boolean headersSent;
  /** This exchange has begun writing its head into the connection's buffer. */
  private boolean headBegun;
  private ResponseKind responseKind;
  private long responseRemaining;
  private long responseBytes;
  private boolean responseClosed;
  private boolean closedWithoutResponse;
  private boolean over;

  /** The exchange of the head {@code request} has just parsed. */
  GeventHttpExchange(HttpChannel channel, HttpRequestParser request) {
    this.channel = channel;
    this.method = request.method();
    this.uri = request.uri();
    this.target = request.target();
    this.protocol = request.protocol();
    this.requestHeaders = request.headers();
    this.head = "HEAD".equals(method);
    this.http10 = protocol == HttpRequestParser.HTTP_1_0;
    boolean body = request.framing() != HttpRequestParser.Framing.NONE;
    this.bodyDone = !body;
    this.expectContinue = request.expectContinue() && body;
    this.persistent = request.persistent();
  }

  // ---- the request --------------------------------------------------------------------------

  @Override
  public Headers getRequestHeaders() {
    return requestHeaders;
  }

  @Override
  public URI getRequestURI() {
    return uri;
  }

  @Override
  public String getRequestMethod() {
    return method;
  }

  @Override
  public String getProtocol() {
    return protocol;
  }

  @Override
  public HttpContext getHttpContext() {
    return context;
  }

  void context(GeventHttpContext context) {
    this.context = context;
  }

  HttpExchange visible() {
    return visible;
  }

  void visible(HttpExchange exchange) {
    visible = exchange;
  }

  @Override
  public InetSocketAddress getRemoteAddress() {
    return channel.remoteAddress();
  }

  @Override
  public InetSocketAddress getLocalAddress() {
    return channel.localAddress();
  }

  @Override
  public HttpPrincipal getPrincipal() {
    return principal;
  }

  void principal(HttpPrincipal principal) {
    this.principal = principal;
  }

  /**
   * An attribute of this exchange; when it has none of that name, the context's attribute
   * (the JDK keeps exchange attributes in the context's map, shared by every exchange; here
   * they belong to the exchange, and the context's are the defaults).
   */
  @Override
  public synchronized Object getAttribute(String name) {
    Objects.requireNonNull(name, "null name parameter");
    Object value = attributes == null ? null : attributes.get(name);
    if (value == null && context != null) value = context.getAttributes().get(name);
    return value;
  }

  @Override
  public synchronized void setAttribute(String name, Object value) {
    Objects.requireNonNull(name, "null name parameter");
    if (attributes == null) attributes = new HashMap<>();
    if (value == null) attributes.remove(name);
    else attributes.put(name, value);
  }

  @Override
  public synchronized void setStreams(InputStream i, OutputStream o) {
    if (i != null) filteredRequestStream = i;
    if (o != null) filteredResponseStream = o;
  }

  @Override
  public synchronized InputStream getRequestBody() {
    if (filteredRequestStream != null) return filteredRequestStream;
    if (requestStream == null) requestStream = new RequestBody();
    return requestStream;
  }

  @Override
  public synchronized OutputStream getResponseBody() {
    if (filteredResponseStream != null) return filteredResponseStream;
    if (responseStream == null) responseStream = new ResponseBody();
    return responseStream;
  }

  /** The request line as the client sent it, for logs. */
  String requestLine() {
    return method + " " + target + " " + protocol;
  }

  // ---- the request body ---------------------------------------------------------------------

  /** The request body stream: fixed length, chunked (decoded), or empty. */
  private final class RequestBody extends InputStream {
    private final byte[] one = new byte[1];

    @Override
    public int read() throws IOException {
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (bodyClosed) throw new IOException("the request body stream is closed");
      if (len == 0) return 0;
      if (channel.onHub()) return readRequestBody(b, off, len);
      return channel.onHub(() -> readRequestBody(b, off, len));
    }

    @Override
    public int available() {
      return 0;
    }

    // An empty body (every GET) is drained without the 16 KiB buffer InputStream's defaults
    // allocate per call: handlers commonly drain the body before they answer.
    @Override
    public long transferTo(OutputStream out) throws IOException {
      Objects.requireNonNull(out, "out");
      return emptyAndOpen() ? 0 : super.transferTo(out);
    }

    @Override
    public byte[] readAllBytes() throws IOException {
      return emptyAndOpen() ? new byte[0] : super.readAllBytes();
    }

    private boolean emptyAndOpen() throws IOException {
      if (bodyClosed) throw new IOException("the request body stream is closed");
      return bodyDone && !over;
    }

    /** Closing stops reading; what is left is drained after the response (as the JDK's stream does). */
    @Override
    public void close() {
      bodyClosed = true;
    }
  }

  private int readRequestBody(byte[] b, int off, int len) throws IOException {
    if (over) throw new IOException("the exchange is over");
    if (bodyDone) return -1;
    if (expectContinue && !continueSent && !headersSent) {
      continueSent = true; // gevent sends it lazily, on the first read: a handler that refuses never gets the body
      channel.output().sendContinue();
    }
    return readBody(b, off, len);
  }

  private int readBody(byte[] b, int off, int len) throws IOException {
    int n = channel.readBody(b, off, len);
    if (n < 0 || channel.requestBodyDone()) bodyDone = true;
    return n;
  }

  /** True when the request body was not read to its end. */
  boolean requestBodyPending() {
    return !bodyDone;
  }

  /**
   * Reads and drops what is left of the request body, so the next request can be read: up to
   * {@link HttpConnection#DRAIN_LIMIT} bytes. Hub only.
   *
   * @return true when the body is consumed and the connection can go on
   */
  boolean drainRequestBody() {
    if (bodyDone) return true;
    if (expectContinue && !continueSent) return false; // the client may be waiting for 100 before sending it
    if (channel.fixedBodyRemaining() > HttpConnection.DRAIN_LIMIT) return false;
    byte[] sink = channel.dropBuffer();
    long budget = HttpConnection.DRAIN_LIMIT;
    try {
      while (!bodyDone) {
        int n = readBody(sink, 0, sink.length);
        if (n < 0) break;
        budget -= n;
        if (budget < 0) return false;
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  // ---- the response -------------------------------------------------------------------------

  @Override
  public synchronized Headers getResponseHeaders() {
    if (responseHeaders == null) responseHeaders = new Headers();
    return responseHeaders;
  }

  @Override
  public int getResponseCode() {
    return responseCode;
  }

  boolean headersSent() {
    return headersSent;
  }

  long responseBytes() {
    return responseBytes;
  }

  /**
   * Writes the status line and headers (the JDK's contract): {@code length > 0} sends that many
   * bytes with Content-Length; 0 sends a chunked body (HTTP/1.0: a body ended by closing the
   * connection); -1 sends no body. A HEAD request gets the headers of the would-be response and
   * no body, whatever the handler writes; 204 and 304 never have a body. A {@code Date} header
   * is added unless the handler set one; Content-Length and Transfer-Encoding are the server's
   * to set (except for HEAD and 304, where the handler's Content-Length is kept).
   *
   * @throws IOException when headers were already sent or the exchange is over
   * @throws IllegalArgumentException for a code outside 200..999, a length below -1, or a header
   *     name or value that is not a token / contains CR, LF or another control character or a
   *     character beyond Latin-1 (header injection)
   */
  @Override
  public void sendResponseHeaders(int code, long length) throws IOException {
    if (channel.onHub()) {
      writeHead(code, length);
    } else {
      channel.onHub(() -> {
        writeHead(code, length);
        return null;
      });
    }
  }

  private void writeHead(int code, long length) throws IOException {
    try {
      writeHeadUnchecked(code, length);
    } catch (IOException | RuntimeException e) {
      // a bad header: nothing of this head stays buffered (only this exchange's: a stale one must not touch the next's)
      if (headBegun && !headersSent) channel.output().discardResponse();
      throw e;
    }
  }

  private void writeHeadUnchecked(int code, long length) throws IOException {
    if (over) throw new IOException("the exchange is over");
    if (headersSent) throw new IOException("headers already sent");
    if (code < 200 || code > 999) {
      throw new IllegalArgumentException("a handler's status code must be within 200..999 (100 Continue is automatic): " + code);
    }
    if (length < -1) throw new IllegalArgumentException("a response length must be >= -1: " + length);
    // framing (RFC 9112 6.3)
    long contentLength = -1; // what Content-Length to send; -1: none
    boolean chunked = false;
    boolean keepUserLength = false;
    if (head) {
      responseKind = ResponseKind.DISCARD;
      if (length > 0) contentLength = length;
      else keepUserLength = true; // a handler answering HEAD may state the length itself
    } else if (code == 204) {
      responseKind = ResponseKind.NONE;
    } else if (code == 304) {
      responseKind = ResponseKind.NONE;
      keepUserLength = true;
    } else if (length == -1) {
      responseKind = ResponseKind.NONE;
      contentLength = 0;
    } else if (length == 0) {
      if (http10) {
        responseKind = ResponseKind.UNTIL_CLOSE;
        persistent = false;
      } else {
        responseKind = ResponseKind.CHUNKED;
        chunked = true;
      }
    } else {
      responseKind = ResponseKind.FIXED;
      responseRemaining = length;
      contentLength = length;
    }
    if (expectContinue && !continueSent && !bodyDone) {
      persistent = false; // a final answer before 100 Continue: the body may never come (RFC 9110 10.1.1)
    } else if (channel.fixedBodyRemaining() > HttpConnection.DRAIN_LIMIT) {
      persistent = false; // too much unread body to drain after the response
    }
    if (channel.server().stopping()) persistent = false;

    // One pass over the handler's headers, checked as they are written: a bad one throws
    // before anything was sent, and the connection then drops what this response buffered.
    HttpOutput out = channel.output();
    out.beginResponse();
    headBegun = true;
    out.put(HttpStatus.statusLine(code));
    boolean userDate = false;
    boolean userConnection = false;
    Headers headers = getResponseHeaders();
    for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
      String name = entry.getKey();
      checkName(name);
      List<String> values = entry.getValue();
      if (name.equalsIgnoreCase("Transfer-encoding")) continue; // the server's to set
      if (name.equalsIgnoreCase("Content-length") && !keepUserLength) continue;
      if (name.equalsIgnoreCase("Date")) {
        userDate = true;
      } else if (name.equalsIgnoreCase("Connection")) {
        userConnection = true;
        for (String value : values) {
          if (value != null && HttpRequestParser.hasToken(value, "close")) persistent = false;
        }
      }
      for (String value : values) {
        checkValue(name, value);
        out.putLatin1(name);
        out.put((byte) ':');
        out.put((byte) ' ');
        out.putLatin1(value);
        out.put((byte) '\r');
        out.put((byte) '\n');
      }
    }
    if (!userDate) out.put(HttpDate.headerLine());
    if (contentLength >= 0) {
      out.putLatin1("Content-Length: ");
      out.putDecimal(contentLength);
      out.putLatin1("\r\n");
    } else if (chunked) {
      out.putLatin1("Transfer-Encoding: chunked\r\n");
    }
    if (!userConnection) {
      if (!persistent) out.putLatin1("Connection: close\r\n");
      else if (http10) out.putLatin1("Connection: keep-alive\r\n");
    }
    out.putLatin1("\r\n");
    responseCode = code;
    headersSent = true;
    if (responseKind == ResponseKind.NONE) responseComplete();
  }

  private static void checkName(String name) {
    if (name == null || name.isEmpty()) throw new IllegalArgumentException("an empty response header name");
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c > 0xff || !HttpRequestParser.isTokenChar((byte) c)) {
        throw new IllegalArgumentException("a response header name with a character not allowed: " + printable(name));
      }
    }
  }

  private static void checkValue(String name, String value) {
    if (value == null) throw new IllegalArgumentException("a null value for the response header " + name);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
        throw new IllegalArgumentException("the response header " + name + " has a value with CR, LF or another character"
            + " not allowed (header injection?): " + printable(value));
      }
    }
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", (int) c));
      else b.append(c);
    }
    return b.toString();
  }

  /** The response body stream, per {@link ResponseKind}. */
  private final class ResponseBody extends OutputStream {
    private final byte[] one = new byte[1];

    @Override
    public void write(int b) throws IOException {
      one[0] = (byte) b;
      write(one, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (channel.onHub()) {
        writeBody(b, off, len);
      } else {
        channel.onHub(() -> {
          writeBody(b, off, len);
          return null;
        });
      }
    }

    @Override
    public void flush() throws IOException {
      if (channel.onHub()) {
        flushBody();
      } else {
        channel.onHub(() -> {
          flushBody();
          return null;
        });
      }
    }

    @Override
    public void close() throws IOException {
      if (channel.onHub()) {
        closeBody();
      } else {
        channel.onHub(() -> {
          closeBody();
          return null;
        });
      }
    }
  }

  private void writeBody(byte[] b, int off, int len) throws IOException {
    if (!headersSent) throw new IOException("sendResponseHeaders must be called before writing the response body");
    if (responseClosed || over) throw new IOException("the response body is closed");
    if (len == 0) return;
    switch (responseKind) {
      case DISCARD -> {
        return; // HEAD: the handler may write the body it would send; none goes out
      }
      case NONE -> throw new IOException("this response has no body (status " + responseCode + ", or length -1)");
      case FIXED -> {
        if (len > responseRemaining) {
          throw new IOException("too many bytes to write: " + len + " more than the " + responseRemaining + " left of the declared length");
        }
        responseRemaining -= len;
        channel.output().put(b, off, len);
      }
      case UNTIL_CLOSE -> channel.output().put(b, off, len);
      case CHUNKED -> channel.output().putChunked(b, off, len);
      default -> throw new IllegalStateException(responseKind.toString());
    }
    responseBytes += len;
  }

  private void flushBody() throws IOException {
    if (!headersSent || over) return;
    channel.output().flush();
  }

  private void closeBody() throws IOException {
    if (!headersSent) throw new IOException("sendResponseHeaders must be called before closing the response body");
    if (responseClosed) return;
    responseClosed = true;
    if (over) return;
    switch (responseKind) {
      case CHUNKED -> channel.output().endChunked();
      case FIXED -> {
        if (responseRemaining > 0) {
          persistent = false; // the client waits for bytes that never come: only a close ends it
          throw new IOException("insufficient bytes written to the response body: " + responseRemaining + " of the declared length missing");
        }
      }
      default -> {
        // nothing to end
      }
    }
    responseComplete();
  }

  /** The response is whole: send it now, unless pipelined requests are waiting and it can go with theirs. */
  private void responseComplete() throws IOException {
    if (!(bodyDone && channel.pipelined())) channel.output().flush();
  }

  /**
   * Ends the exchange (the JDK's contract): closes the request body stream and the response
   * body stream. Before {@link #sendResponseHeaders} this closes the connection without a
   * response, as the JDK does.
   */
  @Override
  public void close() {
    try {
      if (channel.onHub()) {
        closeExchange();
      } else {
        channel.onHub(() -> {
          closeExchange();
          return null;
        });
      }
    } catch (IOException e) {
      LOG.debug("{}: closing the exchange failed", channel, e);
    }
  }

  private void closeExchange() throws IOException {
    bodyClosed = true;
    if (!headersSent) {
      closedWithoutResponse = true;
      persistent = false;
      return;
    }
    try {
      OutputStream stream = filteredResponseStream;
      if (stream != null) stream.close(); // a filter's wrapper may hold bytes back until closed
      closeBody();
    } catch (IOException e) {
      persistent = false;
      throw e;
    }
  }

  // ---- the end ------------------------------------------------------------------------------

  /**
   * After the handler returned (or threw): completes the response, or replaces it with an
   * error when nothing of it was sent yet. Hub only.
   *
   * @param failure what the handler threw, or null
   * @return true when the connection may serve another request
   */
  boolean finish(Throwable failure) {
    try {
      if (failure != null) {
        fail(failure);
        return false;
      }
      if (!headersSent) {
        if (closedWithoutResponse) return false;
        LOG.error("{}: the handler of {} returned without sending response headers", channel.server(), requestLine());
        replaceWithError(500, "the handler sent no response");
        return false;
      }
      if (!responseClosed) {
        try {
          OutputStream stream = filteredResponseStream;
          if (stream != null) stream.close();
          closeBody();
        } catch (IOException e) {
          LOG.debug("{}: ending the response of {} failed", channel.server(), requestLine(), e);
          return false;
        }
      }
      return persistent;
    } finally {
      over = true;
    }
  }

  /** The connection ended under the exchange (a kill): whatever still holds it can no longer read or write. Hub only. */
  void abandon() {
    over = true;
  }

  private void fail(Throwable failure) {
    persistent = false;
    boolean clientFault = failure instanceof HttpProtocolException || channel.ioFailed();
    int status = failure instanceof HttpProtocolException p ? p.status() : 500;
    if (clientFault) {
      LOG.debug("{}: {} failed on the client's side", channel.server(), requestLine(), failure);
    } else {
      LOG.error("{}: the handler failed on {} from {}", channel.server(), requestLine(), channel.remoteAddress(), failure);
    }
    if (channel.ioFailed() || channel.output().responseFlushed()) return; // too late for an error response: the close says it
    replaceWithError(status, failure instanceof HttpProtocolException ? failure.getMessage() : null);
  }

  private void replaceWithError(int status, String message) {
    channel.output().discardResponse();
    responseCode = status;
    responseBytes = head ? 0 : HttpOutput.errorBodyLength(status, message);
    headersSent = true;
    try {
      channel.output().writeError(status, message, head);
    } catch (IOException e) {
      // the client is gone
    }
  }
}
