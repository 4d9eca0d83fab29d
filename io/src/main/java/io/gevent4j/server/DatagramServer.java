package io.gevent4j.server;

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
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP server (gevent's {@code gevent.server.DatagramServer}): it receives datagrams on a
 * bound socket and runs a {@link Handler} for each, in a greenlet of its own; handlers reply
 * with {@link #sendTo(byte[], SocketAddress)}.
 *
 * <pre>{@code
 * DatagramServer[] self = new DatagramServer[1];
 * self[0] = new DatagramServer(new InetSocketAddress("127.0.0.1", 9000), (data, peer) -> self[0].sendTo(data, peer));
 * self[0].serveForever();
 * }</pre>
 *
 * <p><b>Hub and threads.</b> As for {@link StreamServer}: {@link #start()} binds the server to
 * the caller's hub, where the receive loop and the handlers run; {@link #stop(double)},
 * {@link #close()}, {@link #address()} and {@link #started()} may be called from any greenlet
 * or thread; {@link #sendTo} from any greenlet or thread as well (sends are serialised, as
 * gevent's are with a semaphore).
 *
 * <p><b>Receiving.</b> When the socket is readable the loop receives until the kernel has no
 * more datagrams, at most 100 at a time before letting the handlers run. Each datagram, up to
 * 65535 bytes (nothing is truncated; gevent reads 8192), becomes one handler call. With
 * {@link #maxConcurrency(int)} or {@link #spawn(Pool)}, receiving pauses while the pool is full:
 * datagrams then wait in the socket's receive buffer, and the kernel drops what does not fit,
 * as UDP does. A failed receive is logged and receiving pauses (10 ms, doubling up to 1 s); an
 * error meaning the socket is gone stops the server. An exception escaping a handler is logged
 * with SLF4J (logger {@code io.gevent4j.server.DatagramServer}, level ERROR).
 *
 * <p><b>Life cycle.</b> As for {@link StreamServer}: new → started → stopped, no restart,
 * configuration before {@code start()} only.
 */
public class DatagramServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatagramServer.class);
  /** Room for the largest UDP payload (65507 bytes over IPv4, 65527 over IPv6). */
  private static final int MAX_DATAGRAM = 65535;

  /**
   * Serves one datagram (gevent's {@code handle(data, address)}). It runs in a greenlet of the
   * server's hub and may block cooperatively; it usually answers with
   * {@link DatagramServer#sendTo(byte[], SocketAddress)}.
   */
  @FunctionalInterface
  public interface Handler {
    /**
     * @param data the datagram's bytes (a fresh array the handler may keep)
     * @param peer the sender's address; null for a Unix-domain socket
     * @throws Exception logged by the server
     */
    void handle(byte[] data, InetSocketAddress peer) throws Exception;
  }

  /** The receive call, replaceable by tests. */
  @FunctionalInterface
  interface Receive {
    int receive(int fd, ByteBuffer buffer, SocketAddress[] sender) throws IOException;
  }

  private final InetSocketAddress requested;
  private final Handler handler;
  private final boolean given;
  private final ServerCore core;
  private volatile Socket socket;
  private volatile InetSocketAddress bound;
  private volatile boolean reusePort;
  /** Test seam: how the loop receives. */
  Receive receive = (fd, buffer, sender) -> Posix.recvfrom(fd, buffer, 0, sender);

  /**
   * A server that will receive on {@code listen} (gevent's {@code DatagramServer((host, port),
   * handle)}); nothing is bound until {@link #start()}. Port 0 picks a free port:
   * {@link #address()} tells which once started. An unresolved address is resolved at start.
   *
   * @throws NullPointerException when {@code listen} or {@code handler} is null
   */
  public DatagramServer(InetSocketAddress listen, Handler handler) {
    this.requested = Objects.requireNonNull(listen, "listen");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.given = false;
    this.core = new ServerCore(this, LOG, () -> {}, this::closeSocket);
  }

  /**
   * A server on a datagram socket that is already bound (gevent's {@code DatagramServer(socket,
   * handle)}). The server owns the socket from now on and closes it when stopped (even if it
   * never started).
   *
   * @throws NullPointerException when {@code socket} or {@code handler} is null
   * @throws IllegalArgumentException when the socket is closed or not a datagram socket
   */
  public DatagramServer(Socket socket, Handler handler) {
    Objects.requireNonNull(socket, "socket");
    this.handler = Objects.requireNonNull(handler, "handler");
    if (!socket.isOpen()) throw new IllegalArgumentException("the socket is closed");
    int type;
    try {
      type = Posix.getsockopt(socket.fd(), Posix.SOL_SOCKET, Posix.SO_TYPE);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a usable socket: " + socket, e);
    }
    if (type != Posix.SOCK_DGRAM) throw new IllegalArgumentException("not a datagram socket: " + socket);
    this.requested = null;
    this.given = true;
    this.socket = socket;
    this.core = new ServerCore(this, LOG, () -> {}, this::closeSocket);
  }

  // ---- configuration ----------------------------------------------------------------------

  /**
   * Spawns handlers in {@code pool} (gevent's {@code spawn=pool}): at most its size run at
   * once, and receiving pauses while it is full. Replaces {@link #maxConcurrency(int)}.
   *
   * @return this
   * @throws NullPointerException when {@code pool} is null
   * @throws IllegalStateException once started
   */
  public DatagramServer spawn(Pool pool) {
    core.spawnIn(pool);
    return this;
  }

  /**
   * At most {@code n} handlers at once, in a {@link Pool} of the server's own (gevent's
   * {@code spawn=n}); receiving pauses while all are busy. Without it, each datagram gets a
   * greenlet, with no limit. Replaces {@link #spawn(Pool)}.
   *
   * @return this
   * @throws IllegalArgumentException when {@code n <= 0}
   * @throws IllegalStateException once started
   */
  public DatagramServer maxConcurrency(int n) {
    core.maxConcurrency(n);
    return this;
  }

  /**
   * Sets {@code SO_REUSEPORT} before binding, so that servers on several hubs or processes can
   * receive on one port (the kernel spreads senders between them); every one of them must set
   * it. Unlike gevent, {@code SO_REUSEADDR} is not set: on UDP it would let a second server
   * bind a port in use without an error.
   *
   * @return this
   * @throws IllegalStateException once started, or for a server made from a socket
   */
  public DatagramServer reusePort(boolean on) {
    core.checkNew("reusePort");
    if (given) throw new IllegalStateException("reusePort is for a server that makes its socket: set SO_REUSEPORT on yours");
    reusePort = on;
    return this;
  }

  // ---- running ------------------------------------------------------------------------------

  /**
   * Binds and starts receiving, on the caller's hub (gevent's {@code start()}); returns at once.
   * Any thread or greenlet; it waits only to resolve an unresolved address.
   *
   * @throws java.net.BindException when the address is in use (the message names it), unless
   *     every server on it set {@link #reusePort(boolean)}
   * @throws IOException when the socket cannot be made or bound; the server then stays new
   * @throws IllegalStateException when already started, or stopped
   */
  public void start() throws IOException {
    core.checkStartable();
    InetSocketAddress where = requested != null ? resolve(requested) : null;
    core.start(() -> open(where), this::undoOpen, this::receiveLoop);
  }

  private static InetSocketAddress resolve(InetSocketAddress address) throws IOException {
    if (!address.isUnresolved()) return address;
    List<InetAddress> found = Hub.current().resolver().getaddrinfo(address.getHostString());
    if (found.isEmpty()) throw new UnknownHostException(address.getHostString());
    return new InetSocketAddress(found.get(0), address.getPort());
  }

  private void open(InetSocketAddress where) throws IOException {
    Socket s = socket;
    if (s == null) {
      try {
        s = where.getAddress() instanceof Inet6Address ? Socket.udp6() : Socket.udp();
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      socket = s;
      // No SO_REUSEADDR (gevent sets it): on UDP it would let a second server bind the same
      // port silently instead of failing with a BindException. reusePort shares on purpose.
      if (reusePort) s.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      try {
        s.bind(where);
      } catch (BindException e) {
        BindException named = new BindException(e.getMessage() + ": " + where);
        named.initCause(e);
        throw named;
      }
    } else if (!s.isOpen()) {
      throw new IllegalStateException("the socket was closed");
    }
    bound = s.localAddress();
  }

  private void undoOpen() {
    if (given) return;
    Socket s = socket;
    socket = null;
    if (s != null) s.close();
  }

  /**
   * Starts the server unless it is started already, then waits until it is stopped (gevent's
   * {@code serve_forever()}); see {@link StreamServer#serveForever()}. Blocks cooperatively.
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
   * Sends a datagram from the server's socket (gevent's {@code sendto}); sends are serialised.
   * Usually called by a handler to reply; any greenlet or thread may call. Waits cooperatively
   * only while the socket's send buffer is full.
   *
   * @throws IllegalStateException before {@link #start()}
   * @throws java.nio.channels.ClosedChannelException once stopped
   * @throws IllegalArgumentException for a datagram longer than 65536 bytes or an unresolved
   *     address
   * @throws IOException when the send fails
   */
  public void sendTo(byte[] data, SocketAddress to) throws IOException {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(to, "to");
    if (core.state() == ServerCore.State.NEW) throw new IllegalStateException(this + " is not started");
    Socket s = socket;
    if (s == null) throw new ClosedChannelException();
    s.sendTo(data, to);
  }

  /**
   * Stops gracefully (gevent's {@code stop(timeout)}): stops receiving, waits up to
   * {@code timeout} seconds for the running handlers (they can still reply), kills the rest
   * and gives them 1 s to die, then closes the socket. Blocks, cooperatively, until that is
   * done. A handler may stop its own server. Idempotent; any greenlet or thread, on any hub
   * (not a hub callback).
   *
   * @param timeout seconds; 0 kills at once
   * @throws IllegalArgumentException for a negative or NaN timeout
   */
  public void stop(double timeout) {
    core.stop(timeout);
  }

  /** Stops at once: {@code stop(0)}. Idempotent; any greenlet or thread. */
  @Override
  public void close() {
    core.stop(0);
  }

  /** True from a successful {@link #start()} until a stop begins. Any thread. */
  public boolean started() {
    return core.started();
  }

  /**
   * The address the server receives on: once started, the actual one (the port the kernel
   * picked for port 0); before, the one asked for (or the given socket's). Any thread.
   */
  public InetSocketAddress address() {
    InetSocketAddress b = bound;
    if (b != null) return b;
    if (requested != null) return requested;
    Socket s = socket;
    return s != null ? s.localAddress() : null;
  }

  // ---- datagrams ----------------------------------------------------------------------------

  private void receiveLoop() {
    Hub hub = Hub.current();
    int fd = socket.fd();
    IoWatcher readable = hub.loop().io(fd, Watcher.READ);
    ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    SocketAddress[] sender = new SocketAddress[1];
    ServerCore.Backoff backoff = new ServerCore.Backoff();
    try {
      while (true) {
        core.awaitCapacity();
        int taken = 0;
        boolean drained = false;
        while (taken < ServerCore.MAX_BATCH && !core.full()) {
          int n;
          try {
            n = receive.receive(fd, buffer.clear(), sender);
          } catch (IOException e) {
            if (ServerCore.isFatal(e)) {
              LOG.error("{}: receive failed, the server stops", this, e);
              return;
            }
            double delay = backoff.next();
            LOG.warn("{}: receive failed, receiving again in {} s", this, delay, e);
            Hub.sleep(delay);
            continue;
          }
          if (n == Posix.WOULD_BLOCK) {
            drained = true;
            break;
          }
          backoff.reset();
          taken++;
          byte[] data = new byte[n];
          buffer.flip().get(data);
          InetSocketAddress peer = sender[0] instanceof InetSocketAddress inet ? inet : null;
          core.spawn(() -> {
            serve(data, peer);
            return null;
          });
        }
        if (drained) {
          hub.waitArmed(readable, Double.POSITIVE_INFINITY);
        } else if (taken >= ServerCore.MAX_BATCH) {
          Hub.sleep(0);
        }
      }
    } finally {
      readable.close();
    }
  }

  private void serve(byte[] data, InetSocketAddress peer) {
    try {
      handler.handle(data, peer);
    } catch (Exception e) {
      LOG.error("{}: the handler failed for a datagram from {}", this, peer, e);
    }
  }

  private void closeSocket() {
    Socket s = socket;
    if (s != null) s.close();
  }

  @Override
  public String toString() {
    return "DatagramServer(" + address() + ")";
  }
}
