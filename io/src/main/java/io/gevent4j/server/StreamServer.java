package io.gevent4j.server;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.greenlet.Pool;
import io.gevent4j.loop.Posix;
import io.gevent4j.loop.PosixSockets;
import io.gevent4j.socket.Socket;
import io.gevent4j.socket.internal.SocketAccess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP server (gevent's {@code gevent.server.StreamServer}): it accepts connections on a
 * listening socket and runs a {@link Handler} for each, in a greenlet of its own. The life
 * cycle, the spawn policy, hubs and threads are {@link BaseServer}'s, as in gevent.
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
 * <p><b>Accepting.</b> The read loop accepts connections (at most 100 at a time, gevent's
 * {@code max_accept}); while the spawn {@link Pool} is full, new connections wait in the
 * kernel's backlog. A failed accept is handled as {@link BaseServer} says.
 *
 * <p><b>Connections.</b> The handler gets the connected {@link Socket} (no timeout set) and the
 * peer's address. The socket is closed when the handler returns, whatever it does. An
 * exception escaping the handler is logged with SLF4J (logger {@code io.gevent4j.server.StreamServer},
 * level ERROR) and ends that connection only; an {@link Error} (an expired
 * {@link io.gevent4j.hub.Timeout}, an AssertionError) also ends it and is logged by the hub as a
 * greenlet failure; a {@link io.gevent4j.hub.GreenletExit} (a kill) is not logged.
 *
 * <p><b>Configuration.</b> Besides {@link BaseServer}'s: {@link #backlog(int)} and
 * {@link #ssl(SSLContext)}, before {@code start()}; afterwards they throw
 * {@link IllegalStateException}.
 */
public class StreamServer extends BaseServer<StreamServer> {
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
     * Serves one connection.
     *
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

  private final Handler handler;
  /** The peer of the connection the read loop just accepted (only the loop uses it). */
  private final SocketAddress[] peer = new SocketAddress[1];
  private int family;
  private volatile int backlog = DEFAULT_BACKLOG;
  private volatile SSLContext sslContext;
  /** Test seam: how the loop accepts. */
  Accept accept = (fd, peer) -> PosixSockets.accept(fd, Posix.SOCK_NONBLOCK, peer);

  /**
   * A server that will listen on {@code listen} (gevent's {@code StreamServer((host, port),
   * handle)}); nothing is bound until {@link #start()}. Port 0 picks a free port:
   * {@link #address()} tells which once started. An IPv6 address makes an IPv6 socket (the
   * wildcard {@code ::} also accepts IPv4 unless the system disables it); an unresolved
   * address is resolved at start by the hub's resolver.
   *
   * @param listen the address to listen on; port 0 for a free port
   * @param handler serves each connection
   * @throws NullPointerException when {@code listen} or {@code handler} is null
   */
  public StreamServer(InetSocketAddress listen, Handler handler) {
    super(listen, LOG, "accept");
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  /**
   * A server on a socket that is already bound (gevent's {@code StreamServer(socket,
   * handle)}); {@link #start()} puts it into listening mode if it is not yet, with
   * {@link #DEFAULT_BACKLOG}. The server owns the socket from now on and closes it when stopped
   * (even if it never started). Any stream socket works, Unix-domain ones included (handlers
   * then get a null peer).
   *
   * @param listener a bound stream socket, owned by the server from now on
   * @param handler serves each connection
   * @throws NullPointerException when {@code listener} or {@code handler} is null
   * @throws IllegalArgumentException when the socket is closed or not a stream socket
   */
  public StreamServer(Socket listener, Handler handler) {
    Objects.requireNonNull(listener, "listener");
    this.handler = Objects.requireNonNull(handler, "handler");
    super(listener, Posix.SOCK_STREAM, LOG, "accept");
  }

  // ---- configuration ----------------------------------------------------------------------

  /**
   * The listen backlog (gevent's {@code backlog}), {@link #DEFAULT_BACKLOG} unless set; the
   * kernel caps it at {@code net.core.somaxconn}.
   *
   * @param n the backlog
   * @return this
   * @throws IllegalArgumentException when {@code n <= 0}
   * @throws IllegalStateException once started, or for a server made from a socket (as gevent's
   *     TypeError): listen on that socket yourself
   */
  public StreamServer backlog(int n) {
    if (n <= 0) throw new IllegalArgumentException("backlog must be > 0, not " + n);
    checkNew("backlog");
    if (given) throw new IllegalStateException("backlog is for a server that makes its socket: call listen(n) on yours");
    backlog = n;
    return this;
  }

  /**
   * Serves TLS (gevent's {@code ssl_context=}): each accepted connection is wrapped on the
   * server side with {@code context}, in the handler's greenlet, before the handler gets it.
   * See {@link #wrap(Socket)}.
   *
   * @param context the TLS context the connections are wrapped with
   * @return this
   * @throws NullPointerException when {@code context} is null
   * @throws IllegalStateException once started
   */
  public StreamServer ssl(SSLContext context) {
    Objects.requireNonNull(context, "context");
    checkNew("ssl");
    sslContext = context;
    return this;
  }

  /**
   * {@return the TLS context set with {@link #ssl(SSLContext)}, or null for plain TCP (gevent's {@code ssl_context})}
   */
  public SSLContext sslContext() {
    return sslContext;
  }

  // ---- the listener -------------------------------------------------------------------------

  @Override
  Socket newSocket(boolean ipv6) {
    return ipv6 ? Socket.tcp6() : Socket.tcp();
  }

  @Override
  void beforeBind(Socket s) throws IOException {
    s.setOption(StandardSocketOptions.SO_REUSEADDR, true); // as gevent on POSIX
  }

  @Override
  void opened(Socket s) throws IOException {
    if (!given || PosixSockets.getsockopt(s.fd(), Posix.SOL_SOCKET, Posix.SO_ACCEPTCONN) == 0) s.listen(backlog);
    family = PosixSockets.getsockopt(s.fd(), Posix.SOL_SOCKET, Posix.SO_DOMAIN);
  }

  // ---- connections --------------------------------------------------------------------------

  /**
   * Turns an accepted connection into the socket the handler gets (gevent's
   * {@code wrap_socket_and_handle}); runs in the handler's greenlet, so a TLS handshake here
   * blocks only that connection. Returns {@code accepted} for plain TCP. With an
   * {@link #ssl(SSLContext)} context it returns the server-side TLS socket
   * ({@link io.gevent4j.socket.SslSocket#wrapServer}); a failure is logged and the connection
   * closed like a handler's. The server closes both sockets when the handler is done.
   *
   * @param accepted the connection as accepted
   * @return the socket the handler gets
   * @throws IOException when wrapping fails
   */
  protected Socket wrap(Socket accepted) throws IOException {
    SSLContext context = sslContext();
    if (context == null) return accepted;
    // No I/O here: the handshake happens on the handler's first read or write.
    return io.gevent4j.socket.SslSocket.wrapServer(accepted, context);
  }

  @Override
  int take(int fd) throws IOException {
    return accept.accept(fd, peer);
  }

  @Override
  void dispatch(int client) {
    SocketAddress peerAddress = peer[0];
    Socket socket;
    try {
      socket = SocketAccess.get().adopt(client, family, Posix.SOCK_STREAM);
    } catch (IOException e) {
      try {
        Posix.close(client);
      } catch (IOException ignored) {
        // nothing to retry
      }
      LOG.warn("{}: cannot use an accepted connection from {}", this, peerAddress, e);
      return;
    }
    InetSocketAddress inetPeer = peerAddress instanceof InetSocketAddress inet ? inet : null;
    try {
      Greenlet<Void> g = spawnHandler(() -> {
        serve(socket, inetPeer);
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
      if (peerGone(e)) LOG.debug("{}: {} went away: {}", this, peer, e.toString());
      else LOG.error("{}: the handler failed for {}", this, peer, e);
    } finally {
      socket.close();
      if (socket != accepted) accepted.close();
    }
  }

  /** {@code StreamServer(address)}, for logs. */
  @Override
  public String toString() {
    return "StreamServer(" + address() + ")";
  }
}
