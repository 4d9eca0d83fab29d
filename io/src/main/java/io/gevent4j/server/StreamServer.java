package io.gevent4j.server;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.greenlet.Pool;
import io.gevent4j.hub.Hub;
import io.gevent4j.loop.IoWatcher;
import io.gevent4j.loop.Posix;
import io.gevent4j.loop.Watcher;
import io.gevent4j.socket.Socket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP server (gevent's {@code gevent.server.StreamServer}): it accepts connections on a
 * listening socket and runs a {@link Handler} for each, in a greenlet of its own.
 *
 * <pre>{@code
 * try (StreamServer server = new StreamServer(new InetSocketAddress("127.0.0.1", 7000), (socket, peer) -> {
 *       byte[] buf = new byte[8192];
 *       int n;
 *       while ((n = socket.recv(buf, 0, buf.length)) > 0) socket.sendAll(buf, 0, n);
 *     }).maxConcurrency(1000)) {
 *   server.serveForever();            // until another greenlet or thread calls server.stop(...)
 * }
 * }</pre>
 *
 * <p><b>Hub and threads.</b> {@link #start()} binds the server to the caller's hub (the hub of
 * the calling greenlet, or of the calling platform thread): the accept loop and every handler
 * run there, one at a time, as greenlets of that hub. They run when that hub runs: in a plain
 * {@code main}, call {@link #serveForever()} (or any cooperative wait) after {@code start()}.
 * {@link #stop(double)}, {@link #close()}, {@link #address()} and {@link #started()} may be
 * called from any greenlet or thread, on any hub; a stop waits cooperatively there. No method
 * may be called from a hub callback ({@code Hub.callSoon}, a rawlink) when it would wait.
 * To use several cores, run one server per hub on one port with {@link #reusePort(boolean)}.
 *
 * <p><b>Accepting.</b> When the listener is readable the loop accepts until the kernel has no
 * more connections waiting, at most 100 at a time (gevent's {@code max_accept}) before letting
 * the handlers it spawned run. While the spawn {@link Pool} is full it stops accepting: new
 * connections wait in the kernel's backlog. A failed accept ({@code EMFILE}, {@code ENFILE},
 * {@code ENOBUFS}...) is logged and accepting pauses, 10 ms at first, doubling up to 1 s, until
 * an accept succeeds again (gevent's {@code min_delay}/{@code max_delay}); errors that mean the
 * listener itself is gone ({@code EBADF}, {@code EINVAL}, {@code ENOTSOCK}) stop the server.
 *
 * <p><b>Connections.</b> The handler gets the connected {@link Socket} (no timeout set) and the
 * peer's address. The socket is closed when the handler returns, whatever it does. An
 * exception escaping the handler is logged with SLF4J (logger {@code io.gevent4j.server.StreamServer},
 * level ERROR) and ends that connection only; an {@link Error} (an expired
 * {@link io.gevent4j.hub.Timeout}, an AssertionError) also ends it and is logged by the hub as a
 * greenlet failure; a {@link io.gevent4j.hub.GreenletExit} (a kill) is not logged.
 *
 * <p><b>Life cycle.</b> new → {@link #start()} → started → {@link #stop(double)} → stopped. A
 * stopped server cannot be started again. Configure it ({@link #spawn(Pool)},
 * {@link #maxConcurrency(int)}, {@link #backlog(int)}, {@link #reusePort(boolean)},
 * {@link #ssl(SSLContext)}) before {@code start()}; afterwards those throw
 * {@link IllegalStateException}.
 */
public class StreamServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamServer.class);

  /** The listen backlog unless {@link #backlog(int)} sets another (gevent's {@code StreamServer.backlog}). */
  public static final int DEFAULT_BACKLOG = 256;

  /**
   * Serves one connection (gevent's {@code handle(socket, address)}). It runs in a greenlet of
   * the server's hub and may block cooperatively as long as it likes; the server closes the
   * socket when it returns or throws.
   */
  @FunctionalInterface
  public interface Handler {
    /**
     * @param socket the connection (a TLS one when {@link StreamServer#ssl} is set)
     * @param peer the client's address; null for a Unix-domain listener
     * @throws Exception logged by the server, which then closes the connection
     */
    void handle(Socket socket, InetSocketAddress peer) throws Exception;
  }

  /** The accept call, replaceable by tests (to simulate EMFILE and the like). */
  @FunctionalInterface
  interface Accept {
    int accept(int fd, SocketAddress[] peer) throws IOException;
  }

  private final InetSocketAddress requested;
  private final Handler handler;
  private final boolean given;
  private final ServerCore core;
  private volatile Socket listener;
  private volatile InetSocketAddress bound;
  private int family;
  private volatile int backlog = DEFAULT_BACKLOG;
  private volatile boolean reusePort;
  private volatile SSLContext sslContext;
  /** Test seam: how the loop accepts. */
  Accept accept = (fd, peer) -> Posix.accept(fd, Posix.SOCK_NONBLOCK, peer);

  /**
   * A server that will listen on {@code listen} (gevent's {@code StreamServer((host, port),
   * handle)}); nothing is bound until {@link #start()}. Port 0 picks a free port:
   * {@link #address()} tells which once started. An IPv6 address makes an IPv6 socket (the
   * wildcard {@code ::} also accepts IPv4 unless the system disables it); an unresolved
   * address is resolved at start by the hub's resolver.
   *
   * @throws NullPointerException when {@code listen} or {@code handler} is null
   */
  public StreamServer(InetSocketAddress listen, Handler handler) {
    this.requested = Objects.requireNonNull(listen, "listen");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.given = false;
    this.core = new ServerCore(this, LOG, this::closeListener, () -> {});
  }

  /**
   * A server on a socket that is already bound (gevent's {@code StreamServer(socket,
   * handle)}); {@link #start()} puts it into listening mode if it is not yet, with
   * {@link #DEFAULT_BACKLOG}. The server owns the socket from now on and closes it when stopped
   * (even if it never started). Any stream socket works, Unix-domain ones included (handlers
   * then get a null peer).
   *
   * @throws NullPointerException when {@code listener} or {@code handler} is null
   * @throws IllegalArgumentException when the socket is closed or not a stream socket
   */
  public StreamServer(Socket listener, Handler handler) {
    Objects.requireNonNull(listener, "listener");
    this.handler = Objects.requireNonNull(handler, "handler");
    if (!listener.isOpen()) throw new IllegalArgumentException("the listening socket is closed");
    int type;
    try {
      type = Posix.getsockopt(listener.fd(), Posix.SOL_SOCKET, Posix.SO_TYPE);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a usable socket: " + listener, e);
    }
    if (type != Posix.SOCK_STREAM) throw new IllegalArgumentException("not a stream socket: " + listener);
    this.requested = null;
    this.given = true;
    this.listener = listener;
    this.core = new ServerCore(this, LOG, this::closeListener, () -> {});
  }

  // ---- configuration ----------------------------------------------------------------------

  /**
   * Spawns handlers in {@code pool} (gevent's {@code spawn=pool}): at most its size run at
   * once, and accepting pauses while it is full. The pool may be shared with other work; stop
   * waits for and kills only this server's handlers. Replaces {@link #maxConcurrency(int)}.
   *
   * @return this
   * @throws NullPointerException when {@code pool} is null
   * @throws IllegalStateException once started
   */
  public StreamServer spawn(Pool pool) {
    core.spawnIn(pool);
    return this;
  }

  /**
   * At most {@code n} handlers at once, in a {@link Pool} of {@code n} of the server's own
   * (gevent's {@code spawn=n}); accepting pauses while all are busy. Without this nor
   * {@link #spawn(Pool)}, each connection gets a greenlet, with no limit. Replaces
   * {@link #spawn(Pool)}.
   *
   * @return this
   * @throws IllegalArgumentException when {@code n <= 0}
   * @throws IllegalStateException once started
   */
  public StreamServer maxConcurrency(int n) {
    core.maxConcurrency(n);
    return this;
  }

  /**
   * The listen backlog (gevent's {@code backlog}), {@link #DEFAULT_BACKLOG} unless set; the
   * kernel caps it at {@code net.core.somaxconn}.
   *
   * @return this
   * @throws IllegalArgumentException when {@code n <= 0}
   * @throws IllegalStateException once started, or for a server made from a socket (as gevent's
   *     TypeError): listen on that socket yourself
   */
  public StreamServer backlog(int n) {
    if (n <= 0) throw new IllegalArgumentException("backlog must be > 0, not " + n);
    core.checkNew("backlog");
    if (given) throw new IllegalStateException("backlog is for a server that makes its socket: call listen(n) on yours");
    backlog = n;
    return this;
  }

  /**
   * Sets {@code SO_REUSEPORT} on the listener before binding, so that servers on several hubs
   * (threads) or processes can listen on the same port, the kernel spreading connections
   * between them; every one of them must set it. {@code SO_REUSEADDR} is always set.
   *
   * @return this
   * @throws IllegalStateException once started, or for a server made from a socket (set the
   *     option on that socket yourself)
   */
  public StreamServer reusePort(boolean on) {
    core.checkNew("reusePort");
    if (given) throw new IllegalStateException("reusePort is for a server that makes its socket: set SO_REUSEPORT on yours");
    reusePort = on;
    return this;
  }

  /**
   * Serves TLS (gevent's {@code ssl_context=}): each accepted connection is wrapped on the
   * server side with {@code context}, in the handler's greenlet, before the handler gets it.
   * See {@link #wrap(Socket)}.
   *
   * @return this
   * @throws NullPointerException when {@code context} is null
   * @throws IllegalStateException once started
   */
  public StreamServer ssl(SSLContext context) {
    Objects.requireNonNull(context, "context");
    core.checkNew("ssl");
    sslContext = context;
    return this;
  }

  /** The TLS context set with {@link #ssl(SSLContext)}, or null for plain TCP. */
  public SSLContext sslContext() {
    return sslContext;
  }

  // ---- running ------------------------------------------------------------------------------

  /**
   * Binds, listens and starts accepting, on the caller's hub (gevent's {@code start()});
   * returns at once. The accept loop and the handlers run when that hub runs. The socket gets
   * {@code SO_REUSEADDR} (as gevent on POSIX) and, if asked, {@code SO_REUSEPORT}. Any thread
   * or greenlet; it waits only to resolve an unresolved address.
   *
   * @throws java.net.BindException when the address is in use (the message names it)
   * @throws IOException when the socket cannot be made, bound or put into listening mode; the
   *     server then stays new
   * @throws IllegalStateException when already started, or stopped
   */
  public void start() throws IOException {
    core.checkStartable();
    InetSocketAddress where = requested != null ? resolve(requested) : null;
    core.start(() -> open(where), this::undoOpen, this::acceptLoop);
  }

  private static InetSocketAddress resolve(InetSocketAddress address) throws IOException {
    if (!address.isUnresolved()) return address;
    List<InetAddress> found = Hub.current().resolver().getaddrinfo(address.getHostString());
    if (found.isEmpty()) throw new UnknownHostException(address.getHostString());
    return new InetSocketAddress(found.get(0), address.getPort());
  }

  private void open(InetSocketAddress where) throws IOException {
    Socket s = listener;
    if (s == null) {
      try {
        s = where.getAddress() instanceof Inet6Address ? Socket.tcp6() : Socket.tcp();
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      listener = s;
      s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      if (reusePort) s.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      try {
        s.bind(where);
      } catch (BindException e) {
        BindException named = new BindException(e.getMessage() + ": " + where);
        named.initCause(e);
        throw named;
      }
      s.listen(backlog);
    } else {
      if (!s.isOpen()) throw new IllegalStateException("the listening socket was closed");
      if (Posix.getsockopt(s.fd(), Posix.SOL_SOCKET, Posix.SO_ACCEPTCONN) == 0) s.listen(backlog);
    }
    family = Posix.getsockopt(s.fd(), Posix.SOL_SOCKET, Posix.SO_DOMAIN);
    bound = s.localAddress();
  }

  private void undoOpen() {
    if (given) return;
    Socket s = listener;
    listener = null;
    if (s != null) s.close();
  }

  /**
   * Starts the server unless it is started already, then waits until it is stopped (gevent's
   * {@code serve_forever()}): returns once a {@link #stop(double)} or {@link #close()} called
   * elsewhere has finished. If the wait is ended otherwise (the greenlet is killed, a
   * {@link io.gevent4j.hub.Timeout} fires), the server is stopped with a 1 s grace (gevent's
   * {@code stop_timeout}) before that is rethrown. Blocks cooperatively: from a plain thread it
   * runs that thread's hub, which serves when the server was started there.
   *
   * @throws IOException from {@link #start()}
   * @throws IllegalStateException when the server was stopped before
   */
  public void serveForever() throws IOException {
    serveForever(ServerCore.DEFAULT_STOP_TIMEOUT);
  }

  /**
   * {@link #serveForever()}, stopping with {@code stopTimeout} seconds of grace when its wait is
   * ended by a kill or a Timeout (gevent's {@code serve_forever(stop_timeout)}).
   *
   * @throws IllegalArgumentException for a negative or NaN timeout
   */
  public void serveForever(double stopTimeout) throws IOException {
    core.serveForever(this::start, stopTimeout);
  }

  /**
   * Stops gracefully (gevent's {@code stop(timeout)}): stops accepting and closes the listener
   * (new connections are refused from then on), waits up to {@code timeout} seconds for the
   * running handlers to return, then kills the rest with {@link io.gevent4j.hub.GreenletExit}
   * and gives them 1 s to die (a handler that ignores the kill is logged and left running).
   * Blocks, cooperatively, until that is done; the handlers' sockets are closed by then. A
   * handler may stop its own server: it is neither waited for nor killed. Idempotent; a
   * concurrent second stop waits in the same way, with its own timeout. A server never
   * started only closes the socket it was given. Any greenlet or thread, on any hub (not a hub
   * callback).
   *
   * @param timeout seconds; 0 kills at once, infinity waits as long as the handlers take
   * @throws IllegalArgumentException for a negative or NaN timeout
   */
  public void stop(double timeout) {
    core.stop(timeout);
  }

  /**
   * Stops at once: {@code stop(0)}, the running handlers are killed. Use {@link #stop(double)}
   * for a graceful stop. (gevent's {@code close()} only stops accepting; its context manager
   * stops; this is the AutoCloseable end of a try-with-resources, which must not leave
   * connections behind.) Idempotent; any greenlet or thread.
   */
  @Override
  public void close() {
    core.stop(0);
  }

  /**
   * True from a successful {@link #start()} until a stop begins (gevent's {@code started}).
   * Any thread.
   */
  public boolean started() {
    return core.started();
  }

  /**
   * The address the server listens on (gevent's {@code address}): once started, the actual one
   * (the port the kernel picked for port 0); before, the one asked for (or the given socket's).
   * Stays valid after a stop. Any thread.
   */
  public InetSocketAddress address() {
    InetSocketAddress b = bound;
    if (b != null) return b;
    if (requested != null) return requested;
    Socket s = listener;
    return s != null ? s.localAddress() : null;
  }

  // ---- connections --------------------------------------------------------------------------

  /**
   * Turns an accepted connection into the socket the handler gets (gevent's
   * {@code wrap_socket_and_handle}); runs in the handler's greenlet, so a TLS handshake here
   * blocks only that connection. Returns {@code accepted} for plain TCP. With an
   * {@link #ssl(SSLContext)} context it must return the server-side TLS socket; until TLS
   * sockets exist in {@code io.gevent4j.socket}, it throws, and the failure is logged and the
   * connection closed like a handler's. The server closes both sockets when the handler is done.
   *
   * @throws IOException when wrapping fails
   */
  protected Socket wrap(Socket accepted) throws IOException {
    SSLContext context = sslContext();
    if (context == null) return accepted;
    // No I/O here: the handshake happens on the handler's first read or write.
    return io.gevent4j.socket.SslSocket.wrapServer(accepted, context);
  }

  private void acceptLoop() {
    Hub hub = Hub.current();
    int fd = listener.fd();
    IoWatcher readable = hub.loop().io(fd, Watcher.READ);
    SocketAddress[] peer = new SocketAddress[1];
    ServerCore.Backoff backoff = new ServerCore.Backoff();
    try {
      while (true) {
        core.awaitCapacity();
        int taken = 0;
        boolean drained = false;
        while (taken < ServerCore.MAX_BATCH && !core.full()) {
          int client;
          try {
            client = accept.accept(fd, peer);
          } catch (IOException e) {
            if (ServerCore.isFatal(e)) {
              LOG.error("{}: accept failed, the server stops", this, e);
              return;
            }
            double delay = backoff.next();
            LOG.warn("{}: accept failed, accepting again in {} s", this, delay, e);
            Hub.sleep(delay);
            continue;
          }
          if (client == Posix.WOULD_BLOCK) {
            drained = true;
            break;
          }
          backoff.reset();
          taken++;
          handle(client, peer[0]);
        }
        if (drained) {
          hub.waitArmed(readable, Double.POSITIVE_INFINITY);
        } else if (taken >= ServerCore.MAX_BATCH) {
          Hub.sleep(0); // more may be waiting: let the handlers just spawned run first
        }
      }
    } finally {
      readable.close();
    }
  }

  private void handle(int client, SocketAddress peerAddress) {
    Socket socket;
    try {
      socket = new AcceptedSocket(client, family, Posix.SOCK_STREAM);
    } catch (IOException e) {
      try {
        Posix.close(client);
      } catch (IOException ignored) {
        // nothing to retry
      }
      LOG.warn("{}: cannot use an accepted connection from {}", this, peerAddress, e);
      return;
    }
    InetSocketAddress peer = peerAddress instanceof InetSocketAddress inet ? inet : null;
    try {
      Greenlet<Void> g = core.spawn(() -> {
        serve(socket, peer);
        return null;
      });
      // A handler killed by a stop before it first ran never runs its body: close it then too.
      g.rawlink(socket::close);
    } catch (Throwable e) {
      socket.close(); // killed while waiting for a slot: the connection was never handed over
      throw e;
    }
  }

  private void serve(Socket accepted, InetSocketAddress peer) {
    Socket socket = accepted;
    try {
      socket = wrap(accepted);
      handler.handle(socket, peer);
    } catch (javax.net.ssl.SSLException e) {
      // a client that fails the handshake (a scanner, plain text on a TLS port) is the
      // client's problem, not the server's: not an error in the server's log
      LOG.debug("{}: TLS failed with {}", this, peer, e);
    } catch (Exception e) {
      LOG.error("{}: the handler failed for {}", this, peer, e);
    } finally {
      socket.close();
      if (socket != accepted) accepted.close();
    }
  }

  private void closeListener() {
    Socket s = listener;
    if (s != null) s.close();
  }

  @Override
  public String toString() {
    return "StreamServer(" + address() + ")";
  }
}
