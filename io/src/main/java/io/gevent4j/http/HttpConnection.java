package io.gevent4j.http;

import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.socket.Socket;
import io.gevent4j.socket.SslSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection (gevent's {@code WSGIHandler}): reads requests one after the other,
 * serves each through an exchange, writes the responses, in the greenlet the
 * {@link io.gevent4j.server.StreamServer} gave the connection.
 *
 * <p>It runs the loop and does the I/O; the protocol is elsewhere: the {@link HttpRequestParser}
 * owns the input buffer, the socket is read straight into it, and it parses heads and decodes
 * bodies; the {@link HttpOutput} owns the output buffer and the chunked encoding, and sends
 * through this connection's socket. An exchange sees the connection as an {@link HttpChannel}.
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
final class HttpConnection implements HttpChannel, HttpOutput.Sink {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  /** Unread request body the server reads and drops after a response to keep the connection; more closes it. */
  static final int DRAIN_LIMIT = 65536;
  /** After an error response, how long the server reads and drops what the client still sends before closing. */
  private static final double LINGER_TIMEOUT = 2.0;
  private static final int LINGER_LIMIT = 1 << 20;

  private final HttpServer server;
  private final Socket socket;
  private final InetSocketAddress remote;
  private final InetSocketAddress local;
  private final Hub hub;
  private Thread thread;

  private final long readTimeoutNanos;
  private final double readTimeout;

  private final HttpRequestParser parser;
  private final HttpOutput output;

  /** The exchange being served, or the last one. */
  private GeventHttpExchange current;
  /** Waiting for the first byte of a request with nothing buffered: a stop may close it at once. */
  private volatile boolean idle;
  /** A read or write on the socket failed: later errors are the connection's, not the handler's. */
  private boolean ioFailed;
  private byte[] scratch;

  HttpConnection(HttpServer server, Socket socket, InetSocketAddress remote) {
    this.server = server;
    this.socket = socket;
    this.remote = remote;
    this.local = socket.localAddress();
    this.hub = Hub.current();
    this.readTimeout = server.readTimeout();
    this.readTimeoutNanos = Double.isInfinite(readTimeout) ? Long.MAX_VALUE : (long) (readTimeout * 1e9);
    this.parser = new HttpRequestParser(server.maxRequestLine(), server.maxHeaderSize(), server.maxHeaderCount(), server.maxBodySize());
    this.output = new HttpOutput(this, server.outputBuffers());
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
      output.discardAll(); // whatever was not sent will not be
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
      if (parser.hasInput()) refuse(408, "the request head did not arrive within " + readTimeout + " s");
      return false;
    } catch (IOException e) {
      return false; // reset, closed by a stop: nothing to answer
    }
    return serveExchange(exchange);
  }

  /**
   * Reads a request head, within the read timeout as a whole (a client that sends a head byte
   * by byte cannot hold the connection longer).
   *
   * @return the exchange, or null when the client closed (or the server stopped) before sending a byte
   * @throws HttpProtocolException for a request to refuse (400, 413, 414, 431, 501, 505)
   * @throws SocketTimeoutException when the head did not arrive in time
   */
  private GeventHttpExchange readHead() throws IOException {
    parser.startHead(server.accessLogEnabled());
    long deadline = readTimeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + readTimeoutNanos;
    while (!parser.parseHead()) {
      if (!parser.hasInput()) {
        idle = true;
        if (server.stopping()) return null; // a stop closes idle connections; it may have missed this one
      }
      if (fill(deadline) < 0) {
        HttpProtocolException cut = parser.truncated();
        if (cut != null) throw cut;
        return null;
      }
      idle = false;
    }
    idle = false;
    socket.setTimeout(readTimeout); // the body and the response: each wait up to the read timeout
    GeventHttpExchange exchange = new GeventHttpExchange(this, parser);
    if (socket instanceof SslSocket tls) exchange.visible(new GeventHttpsExchange(exchange, tls));
    return exchange;
  }

  private boolean serveExchange(GeventHttpExchange exchange) {
    current = exchange;
    output.newExchange();
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
        output.flush();
        if (!ioFailed) lingeringClose(); // the client may still be sending: a body, pipelined requests
      } catch (IOException e) {
        // the client is gone
      }
      return false;
    }
    if (!pipelined()) {
      try {
        output.flush();
      } catch (IOException e) {
        return false;
      }
      output.release(); // the connection now waits for a request: it needs no output buffer meanwhile
    }
    return true;
  }

  // ---- errors -------------------------------------------------------------------------------

  /**
   * Answers a request that never reached a handler with an error status and
   * {@code Connection: close}, then closes gracefully. Logged in the access log when that is on.
   */
  private void refuse(int status, String message) {
    boolean head = parser.headRequest();
    try {
      output.writeError(status, message, head);
      output.flush();
      if (server.accessLogEnabled()) {
        AccessLog.log(remote, parser.requestLine(), null, status, head ? 0 : HttpOutput.errorBodyLength(status, message));
      }
      lingeringClose();
    } catch (IOException e) {
      // the client is gone
    }
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
    byte[] sink = dropBuffer();
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

  // ---- threads ------------------------------------------------------------------------------

  @Override
  public boolean onHub() {
    if (Thread.currentThread() == thread) return true;
    RawGreenlet g = RawGreenlet.current();
    return g != null && g.hub() == hub;
  }

  @Override
  public <T> T onHub(HubCall<T> call) throws IOException {
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

  // ---- what an exchange needs (HttpChannel) -------------------------------------------------

  @Override
  public InetSocketAddress remoteAddress() {
    return remote;
  }

  @Override
  public InetSocketAddress localAddress() {
    return local;
  }

  @Override
  public HttpServer server() {
    return server;
  }

  @Override
  public HttpOutput output() {
    return output;
  }

  @Override
  public boolean pipelined() {
    return parser.hasInput();
  }

  @Override
  public boolean ioFailed() {
    return ioFailed;
  }

  @Override
  public boolean requestBodyDone() {
    return parser.bodyDone();
  }

  @Override
  public long fixedBodyRemaining() {
    return parser.fixedBodyRemaining();
  }

  /** The buffer for dropping bytes (draining, lingering). */
  @Override
  public byte[] dropBuffer() {
    if (scratch == null) scratch = new byte[4096];
    return scratch;
  }

  /**
   * Reads body bytes: what the parser decodes from its buffer, reading the socket into that
   * buffer as needed (or, for a large read with nothing buffered, into the caller's array).
   */
  @Override
  public int readBody(byte[] buffer, int offset, int length) throws IOException {
    while (true) {
      int n = parser.readBody(buffer, offset, length);
      if (n != HttpRequestParser.NEED_INPUT) return n;
      int direct = parser.directRead(length);
      if (direct > 0) {
        socket.setTimeout(readTimeout);
        output.flush();
        n = recv(buffer, offset, direct);
        if (n < 0) throw parser.truncated();
        parser.bodyReadDirectly(n);
        return n;
      }
      if (fill(bodyDeadline()) < 0) throw parser.truncated();
    }
  }

  // ---- the socket ---------------------------------------------------------------------------

  /**
   * Reads more input into the parser's buffer (which it grows as the input waited for allows).
   * Pending output is sent first: the client may be waiting for it before it sends more.
   *
   * @return the count read, or -1 at end of stream
   */
  private int fill(long deadline) throws IOException {
    if (deadline != Long.MAX_VALUE) {
      double left = (deadline - System.nanoTime()) / 1e9;
      if (left <= 0) throw new SocketTimeoutException("read timed out");
      socket.setTimeout(left);
    }
    output.flush();
    parser.prepareInput();
    int n = recv(parser.buffer(), parser.end(), parser.room());
    if (n > 0) parser.added(n);
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

  /** Sends all of it, send by send: the write timeout limits each wait for the client, not the whole response. */
  @Override
  public void send(byte[] buffer, int offset, int length) throws IOException {
    try {
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

  @Override
  public String toString() {
    return "HttpConnection(" + remote + ")";
  }
}
