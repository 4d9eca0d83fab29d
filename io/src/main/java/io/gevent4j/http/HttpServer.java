package io.gevent4j.http;

import com.sun.net.httpserver.HttpHandler;
import io.gevent4j.greenlet.Pool;
import io.gevent4j.server.StreamServer;
import io.gevent4j.socket.Socket;
import io.gevent4j.socket.SslSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * An HTTP/1.1 server (gevent's {@code gevent.pywsgi.WSGIServer}, with the JDK's
 * {@link com.sun.net.httpserver.HttpHandler} in the place of a WSGI application): a
 * {@link StreamServer} whose connections each get a greenlet that reads requests one after the
 * other (gevent's {@code WSGIHandler}) and hands each to the handler as an
 * {@link com.sun.net.httpserver.HttpExchange}.
 *
 * <pre>{@code
 * HttpServer server = new HttpServer(new InetSocketAddress(8080), exchange -> {
 *   byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
 *   exchange.getResponseHeaders().set("Content-Type", "text/plain");
 *   exchange.sendResponseHeaders(200, body.length);
 *   try (OutputStream out = exchange.getResponseBody()) {
 *     out.write(body);
 *   }
 * });
 * server.serveForever();
 * }</pre>
 *
 * <p><b>Protocol.</b> Keep-alive (HTTP/1.1 unless {@code Connection: close}; HTTP/1.0 only on
 * {@code Connection: keep-alive}), pipelining, chunked request bodies, {@code Expect:
 * 100-continue} (the {@code 100 Continue} goes out when the handler first reads the body, as in
 * gevent), HEAD (no body goes out whatever the handler writes). The status line is always
 * {@code HTTP/1.1}; a {@code Date} header is added. {@code sendResponseHeaders(code, n)}: n &gt; 0
 * a body of n bytes, 0 a chunked body (HTTP/1.0: ended by closing), -1 no body. A response's
 * head and a small body leave in one write. An unread request body is drained after the
 * response (up to 64 KiB, else the connection closes).
 *
 * <p><b>Limits and errors</b> (each a setter, before {@link #start()}): a request line of
 * {@link #maxRequestLine(int)} bytes or more gets 414; header fields over
 * {@link #maxHeaderSize(int)} bytes or {@link #maxHeaderCount(int)} lines get 431; a body over
 * {@link #maxBodySize(long)} gets 413; a malformed request gets 400 (an unsupported transfer
 * coding 501, a version other than 1.x 505); each of these closes the connection. A request head
 * must arrive within {@link #readTimeout(double)} (idle keep-alive connections and slow clients
 * are closed; a half-sent head gets 408), and each later read or write waits at most that long.
 * A handler that throws gets a 500 if nothing of its response was sent yet, else the connection
 * is closed; either way it is logged (SLF4J, logger {@code io.gevent4j.http.HttpServer}, ERROR)
 * and the connection closes. Failures on the client's side (a reset, a timeout, a malformed
 * body) are logged at DEBUG only.
 *
 * <p><b>TLS.</b> {@link #ssl(SSLContext)} serves HTTPS over {@link SslSocket}; handlers then get
 * {@link com.sun.net.httpserver.HttpsExchange}s.
 *
 * <p><b>Hub and threads.</b> As {@link StreamServer}: {@link #start()} ties the server to the
 * caller's hub; the connections are greenlets of that hub, and the handler runs in them (it may
 * block cooperatively). {@link #stop(double)}, {@link #close()} and {@link #address()} may be
 * called from any thread. For an application written against
 * {@code com.sun.net.httpserver.HttpServer}, see {@link GeventHttpServerProvider}.
 */
public class HttpServer implements AutoCloseable {
  /** Default of {@link #maxRequestLine(int)}: gevent's {@code MAX_REQUEST_LINE}. */
  public static final int DEFAULT_MAX_REQUEST_LINE = 8192;
  /** Default of {@link #maxHeaderSize(int)}: 64 KiB, gevent's (http.client's) limit for one header line. */
  public static final int DEFAULT_MAX_HEADER_SIZE = 65536;
  /** Default of {@link #maxHeaderCount(int)}: http.client's {@code _MAXHEADERS}, which gevent uses. */
  public static final int DEFAULT_MAX_HEADER_COUNT = 100;
  /** Default of {@link #maxBodySize(long)}: 10 MiB. */
  public static final long DEFAULT_MAX_BODY_SIZE = 10L << 20;
  /** Default of {@link #readTimeout(double)}, in seconds. */
  public static final double DEFAULT_READ_TIMEOUT = 60;

  private final StreamServer streamServer;
  private final Dispatcher dispatcher;
  private final com.sun.net.httpserver.HttpServer jdkServer;
  private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
  /**
   * Output buffers of connections that wait for a request, for the next response to take. Only
   * the server's hub uses it (connections and the I/O that executors hand back all run there,
   * one at a time), so it needs no lock.
   */
  private final HttpOutput.Pool outputBuffers = new HttpOutput.Pool();
  private volatile boolean stopping;
  private volatile boolean configurable = true;
  private volatile int maxRequestLine = DEFAULT_MAX_REQUEST_LINE;
  private volatile int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
  private volatile int maxHeaderCount = DEFAULT_MAX_HEADER_COUNT;
  private volatile long maxBodySize = DEFAULT_MAX_BODY_SIZE;
  private volatile double readTimeout = DEFAULT_READ_TIMEOUT;
  private volatile boolean accessLog;
  private volatile SSLContext sslContext;
  private volatile BiConsumer<SSLEngine, InetSocketAddress> tlsConfigurator;

  /**
   * A server that will listen on {@code listen} and serve every request with {@code handler}
   * (gevent's {@code WSGIServer((host, port), application)}); nothing is bound until
   * {@link #start()}. Port 0 picks a free port: {@link #address()} tells which once started.
   *
   * @param listen the address to listen on; port 0 for a free port
   * @param handler serves each request
   * @throws NullPointerException when {@code listen} or {@code handler} is null
   */
  @SuppressWarnings("this-escape") // the listener calls back only once started, long after construction
  public HttpServer(InetSocketAddress listen, HttpHandler handler) {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(handler, "handler");
    this.streamServer = new Listener(listen);
    this.dispatcher = new Dispatcher();
    this.jdkServer = new GeventJdkHttpServer(this, dispatcher);
    dispatcher.create("/", handler, jdkServer);
  }

  /**
   * A server on a socket that is already bound (gevent's {@code WSGIServer(socket,
   * application)}); {@link #start()} listens on it if it does not yet. The server owns the
   * socket and closes it when stopped.
   *
   * @param listener a bound stream socket, owned by the server from now on
   * @param handler serves each request
   * @throws NullPointerException when {@code listener} or {@code handler} is null
   * @throws IllegalArgumentException when the socket is closed or not a stream socket
   */
  @SuppressWarnings("this-escape") // the listener calls back only once started, long after construction
  public HttpServer(Socket listener, HttpHandler handler) {
    Objects.requireNonNull(handler, "handler");
    this.streamServer = new Listener(listener);
    this.dispatcher = new Dispatcher();
    this.jdkServer = new GeventJdkHttpServer(this, dispatcher);
    dispatcher.create("/", handler, jdkServer);
  }

  /** The provider's server: contexts and executor come from {@code jdkServer}'s dispatcher. */
  HttpServer(Socket listener, Dispatcher dispatcher, com.sun.net.httpserver.HttpServer jdkServer) {
    this.streamServer = new Listener(listener);
    this.dispatcher = dispatcher;
    this.jdkServer = jdkServer;
  }

  /** The StreamServer underneath, with TLS wrapping of this server's making. */
  private final class Listener extends StreamServer {
    Listener(InetSocketAddress listen) {
      super(listen, HttpServer.this::serveConnection);
    }

    Listener(Socket listener) {
      super(listener, HttpServer.this::serveConnection);
    }

    @Override
    protected Socket wrap(Socket accepted) throws IOException {
      return wrapTls(accepted);
    }
  }

  // ---- configuration ----------------------------------------------------------------------

  private void checkNew(String what) {
    if (!configurable) throw new IllegalStateException("configure " + this + " before start(): " + what);
  }

  /**
   * A request line of this many bytes or more (without its CRLF) is refused with 414 URI Too
   * Long (gevent's {@code MAX_REQUEST_LINE}); default {@link #DEFAULT_MAX_REQUEST_LINE}.
   *
   * @param bytes the longest request line allowed, plus one
   * @return this
   * @throws IllegalArgumentException when {@code bytes < 16}
   * @throws IllegalStateException once started
   */
  public HttpServer maxRequestLine(int bytes) {
    if (bytes < 16) throw new IllegalArgumentException("maxRequestLine must be >= 16 bytes, not " + bytes);
    checkNew("maxRequestLine");
    maxRequestLine = bytes;
    return this;
  }

  /**
   * Header fields larger than this many bytes in all (each line with its CRLF) are refused with
   * 431 Request Header Fields Too Large; default {@link #DEFAULT_MAX_HEADER_SIZE}. Also bounds
   * the trailers of a chunked body.
   *
   * @param bytes the most bytes of header fields
   * @return this
   * @throws IllegalArgumentException when {@code bytes < 64}
   * @throws IllegalStateException once started
   */
  public HttpServer maxHeaderSize(int bytes) {
    if (bytes < 64) throw new IllegalArgumentException("maxHeaderSize must be >= 64 bytes, not " + bytes);
    checkNew("maxHeaderSize");
    maxHeaderSize = bytes;
    return this;
  }

  /**
   * More header fields than this are refused with 431; default {@link #DEFAULT_MAX_HEADER_COUNT}.
   *
   * @param n the most header fields
   * @return this
   * @throws IllegalArgumentException when {@code n < 1}
   * @throws IllegalStateException once started
   */
  public HttpServer maxHeaderCount(int n) {
    if (n < 1) throw new IllegalArgumentException("maxHeaderCount must be >= 1, not " + n);
    checkNew("maxHeaderCount");
    maxHeaderCount = n;
    return this;
  }

  /**
   * A request body larger than this is refused with 413 Content Too Large: at once when its
   * Content-Length says so, else (chunked) when the handler's read gets past it, which then
   * throws an IOException; default {@link #DEFAULT_MAX_BODY_SIZE}, {@code Long.MAX_VALUE} for no
   * limit.
   *
   * @param bytes the largest request body
   * @return this
   * @throws IllegalArgumentException when {@code bytes < 0}
   * @throws IllegalStateException once started
   */
  public HttpServer maxBodySize(long bytes) {
    if (bytes < 0) throw new IllegalArgumentException("maxBodySize must be >= 0, not " + bytes);
    checkNew("maxBodySize");
    maxBodySize = bytes;
    return this;
  }

  /**
   * How long a request head may take to arrive, from the moment the connection waits for it
   * (so also how long an idle keep-alive connection stays open), and how long each later read
   * of the body or write of the response may wait; the socket's timeout (gevent's pywsgi has
   * none). A connection that runs out of it is closed, after a 408 when a head was half-sent.
   * Default {@link #DEFAULT_READ_TIMEOUT}; infinity for none.
   *
   * @param seconds the timeout, in seconds; infinity for none
   * @return this
   * @throws IllegalArgumentException for a value that is not &gt; 0 (NaN included)
   * @throws IllegalStateException once started
   */
  public HttpServer readTimeout(double seconds) {
    if (!(seconds > 0)) throw new IllegalArgumentException("readTimeout must be > 0 seconds, not " + seconds);
    checkNew("readTimeout");
    readTimeout = seconds;
    return this;
  }

  /**
   * Turns the access log on or off (gevent's {@code log=}); off by default. One line per
   * response in the common log format, through SLF4J, logger {@code io.gevent4j.http.access},
   * level INFO: {@code 127.0.0.1 - alice [25/Nov/2026:11:46:52 +0000] "GET / HTTP/1.1" 200 13}
   * (client address, {@code -}, user or {@code -}, time, request line, status, body bytes or
   * {@code -}). May be called at any time.
   *
   * @param on true to log each response
   * @return this
   */
  public HttpServer accessLog(boolean on) {
    accessLog = on;
    return this;
  }

  /**
   * The listen backlog; see {@link StreamServer#backlog(int)}.
   *
   * @param n the backlog
   * @return this
   */
  public HttpServer backlog(int n) {
    streamServer.backlog(n);
    return this;
  }

  /**
   * {@code SO_REUSEPORT}, to run one server per hub on one port; see
   * {@link StreamServer#reusePort(boolean)}.
   *
   * @param on true to set {@code SO_REUSEPORT}
   * @return this
   */
  public HttpServer reusePort(boolean on) {
    streamServer.reusePort(on);
    return this;
  }

  /**
   * At most {@code n} connections served at once (gevent's {@code spawn=n}); see
   * {@link StreamServer#maxConcurrency(int)}. A keep-alive connection holds its slot while idle,
   * up to the read timeout.
   *
   * @param n the most connections served at once
   * @return this
   */
  public HttpServer maxConcurrency(int n) {
    streamServer.maxConcurrency(n);
    return this;
  }

  /**
   * Serves connections in greenlets of {@code pool} (gevent's {@code spawn=pool}); see
   * {@link StreamServer#spawn(Pool)}.
   *
   * @param pool the pool whose greenlets serve the connections
   * @return this
   */
  public HttpServer spawn(Pool pool) {
    streamServer.spawn(pool);
    return this;
  }

  /**
   * Serves HTTPS (gevent's {@code ssl_context=}): each connection is wrapped on the server's side
   * with an engine of {@code context}, in its own greenlet; the handshake happens on its first
   * read. Handlers then get {@link com.sun.net.httpserver.HttpsExchange}s (their
   * {@code getSSLSession()} tells the protocol, the cipher suite, a client's certificates). A
   * client that fails the handshake (or speaks plain HTTP) is dropped quietly.
   *
   * @param context the TLS context the connections are wrapped with
   * @return this
   * @throws NullPointerException when {@code context} is null
   * @throws IllegalStateException once started
   */
  public HttpServer ssl(SSLContext context) {
    Objects.requireNonNull(context, "context");
    checkNew("ssl");
    sslContext = context;
    return this;
  }

  /**
   * Runs the handlers on {@code executor} instead of in the connections' greenlets (the JDK's
   * {@code HttpServer.setExecutor}); null, the default, runs them in the greenlets. The
   * connection's greenlet waits cooperatively while the handler runs there; the exchange's reads
   * and writes are handed back to the server's hub, the handler's thread waiting for each. A
   * handler still running when a stop kills its connection gets an {@link IOException} from its
   * next read or write. Useful for handlers that block their thread (file I/O, CPU work, code
   * that is not cooperative).
   *
   * @param executor what runs the handlers; null for the connections' greenlets
   * @return this
   * @throws IllegalStateException once started
   */
  public HttpServer executor(Executor executor) {
    checkNew("executor");
    dispatcher.executor(executor);
    return this;
  }

  /** Configures each connection's engine before the handshake (the provider's HttpsConfigurator). */
  HttpServer tlsConfigurator(BiConsumer<SSLEngine, InetSocketAddress> configure) {
    checkNew("tlsConfigurator");
    tlsConfigurator = configure;
    return this;
  }

  private Socket wrapTls(Socket accepted) throws IOException {
    SSLContext context = sslContext;
    if (context == null) return accepted;
    InetSocketAddress client = accepted.remoteAddress();
    SSLEngine engine = client == null ? context.createSSLEngine() : context.createSSLEngine(client.getHostString(), client.getPort());
    engine.setUseClientMode(false);
    BiConsumer<SSLEngine, InetSocketAddress> configure = tlsConfigurator;
    if (configure != null) configure.accept(engine, client);
    return SslSocket.wrap(accepted, engine);
  }

  int maxRequestLine() {
    return maxRequestLine;
  }

  int maxHeaderSize() {
    return maxHeaderSize;
  }

  int maxHeaderCount() {
    return maxHeaderCount;
  }

  long maxBodySize() {
    return maxBodySize;
  }

  double readTimeout() {
    return readTimeout;
  }

  boolean accessLogEnabled() {
    return accessLog;
  }

  Dispatcher dispatcher() {
    return dispatcher;
  }

  /** What {@code HttpContext.getServer()} returns for this server's contexts. */
  com.sun.net.httpserver.HttpServer jdkServer() {
    return jdkServer;
  }

  // ---- running ------------------------------------------------------------------------------

  /**
   * Binds, listens and starts accepting on the caller's hub (gevent's {@code start()}); returns
   * at once. Connections are served while that hub runs. Any thread or greenlet.
   *
   * @throws java.net.BindException when the address is in use
   * @throws IOException when the socket cannot be made, bound or put into listening mode
   * @throws IllegalStateException when already started, or stopped
   */
  public void start() throws IOException {
    streamServer.start();
    configurable = false;
  }

  /**
   * Starts the server unless it is started, then waits until it is stopped (gevent's
   * {@code serve_forever()}); see {@link StreamServer#serveForever()}. From a plain thread this
   * runs the thread's hub, which serves.
   *
   * @throws IOException from {@link #start()}
   * @throws IllegalStateException when the server was stopped before
   */
  public void serveForever() throws IOException {
    if (configurable && !streamServer.started()) start();
    streamServer.serveForever();
  }

  /**
   * Stops gracefully (gevent's {@code stop(timeout)}): stops accepting, closes the connections
   * that wait for a request at once, lets the requests being served finish (their responses say
   * {@code Connection: close}) for up to {@code timeout} seconds, then kills what is left; returns
   * when that is done (see {@link StreamServer#stop(double)}). Idempotent; any thread or greenlet
   * (a handler may stop its own server).
   *
   * @param timeout the grace, in seconds, for the requests being served
   * @throws IllegalArgumentException for a negative or NaN timeout
   */
  public void stop(double timeout) {
    io.gevent4j.hub.internal.Timeouts.check(timeout);
    stopping = true;
    configurable = false;
    for (HttpConnection c : connections) c.closeIfIdle();
    streamServer.stop(timeout);
  }

  /** Stops at once: {@code stop(0)}, requests being served are killed. Idempotent; any thread. */
  @Override
  public void close() {
    stop(0);
  }

  /**
   * The address the server listens on: once started the actual one (the port the kernel
   * picked for port 0), before the one asked for. Any thread.
   *
   * @return the address it listens on, or was asked to
   */
  public InetSocketAddress address() {
    return streamServer.address();
  }

  /** {@return true from a successful {@link #start()} until a stop begins} Any thread. */
  public boolean started() {
    return streamServer.started();
  }

  // ---- connections --------------------------------------------------------------------------

  private void serveConnection(Socket socket, InetSocketAddress peer) {
    new HttpConnection(this, socket, peer).serve();
  }

  boolean stopping() {
    return stopping;
  }

  /** The output buffers of the connections that wait for a request, for the next response to take. Server's hub only. */
  HttpOutput.Pool outputBuffers() {
    return outputBuffers;
  }

  void register(HttpConnection connection) {
    connections.add(connection);
  }

  void unregister(HttpConnection connection) {
    connections.remove(connection);
  }

  @Override
  public String toString() {
    return "HttpServer(" + address() + ")";
  }
}
