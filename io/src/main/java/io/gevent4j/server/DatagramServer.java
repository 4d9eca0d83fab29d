package io.gevent4j.server;

import io.gevent4j.greenlet.Pool;
import io.gevent4j.loop.Posix;
import io.gevent4j.loop.PosixSockets;
import io.gevent4j.loop.internal.Closed;
import io.gevent4j.socket.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP server (gevent's {@code gevent.server.DatagramServer}): it receives datagrams on a
 * bound socket and runs a {@link Handler} for each, in a greenlet of its own; handlers reply
 * with {@link #sendTo(byte[], SocketAddress)}. The life cycle, the spawn policy, hubs and
 * threads are {@link BaseServer}'s, as in gevent.
 *
 * <pre>{@code
 * DatagramServer[] self = new DatagramServer[1];
 * self[0] = new DatagramServer(new InetSocketAddress("127.0.0.1", 9000), (data, peer) -> self[0].sendTo(data, peer));
 * self[0].serveForever();
 * }</pre>
 *
 * <p><b>Receiving.</b> The read loop receives datagrams (at most 100 at a time before letting
 * the handlers run). Each datagram, up to 65535 bytes (nothing is truncated; gevent reads
 * 8192), becomes one handler call. With {@link #maxConcurrency(int)} or {@link #spawn(Pool)},
 * receiving pauses while the pool is full: datagrams then wait in the socket's receive buffer,
 * and the kernel drops what does not fit, as UDP does. A failed receive is handled as
 * {@link BaseServer} says. An exception escaping a handler is logged with SLF4J (logger
 * {@code io.gevent4j.server.DatagramServer}, level ERROR). {@link #sendTo} may be called from
 * any greenlet or thread (sends are serialised, as gevent's are with a semaphore).
 */
public class DatagramServer extends BaseServer<DatagramServer> {
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
     * Serves one datagram.
     *
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

  private final Handler handler;
  /** The read loop's buffer, made when it first receives, and the datagram's sender (only the loop uses them). */
  private ByteBuffer buffer;
  private final SocketAddress[] sender = new SocketAddress[1];
  /** Test seam: how the loop receives. */
  Receive receive = (fd, buffer, sender) -> PosixSockets.recvfrom(fd, buffer, 0, sender);

  /**
   * A server that will receive on {@code listen} (gevent's {@code DatagramServer((host, port),
   * handle)}); nothing is bound until {@link #start()}. Port 0 picks a free port:
   * {@link #address()} tells which once started. An unresolved address is resolved at start.
   *
   * @param listen the address to receive on; port 0 for a free port
   * @param handler serves each datagram
   * @throws NullPointerException when {@code listen} or {@code handler} is null
   */
  public DatagramServer(InetSocketAddress listen, Handler handler) {
    super(listen, LOG, "receive");
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  /**
   * A server on a datagram socket that is already bound (gevent's {@code DatagramServer(socket,
   * handle)}). The server owns the socket from now on and closes it when stopped (even if it
   * never started).
   *
   * @param socket a bound datagram socket, owned by the server from now on
   * @param handler serves each datagram
   * @throws NullPointerException when {@code socket} or {@code handler} is null
   * @throws IllegalArgumentException when the socket is closed or not a datagram socket
   */
  public DatagramServer(Socket socket, Handler handler) {
    Objects.requireNonNull(socket, "socket");
    this.handler = Objects.requireNonNull(handler, "handler");
    super(socket, Posix.SOCK_DGRAM, LOG, "receive");
  }

  // ---- the socket ---------------------------------------------------------------------------

  @Override
  Socket newSocket(boolean ipv6) {
    // No SO_REUSEADDR (gevent sets it): on UDP it would let a second server bind the same
    // port silently instead of failing with a BindException. reusePort shares on purpose.
    return ipv6 ? Socket.udp6() : Socket.udp();
  }

  /** Handlers reply through the socket: a stop closes it once they are done. */
  @Override
  boolean handlersUseSocket() {
    return true;
  }

  /**
   * Sends a datagram from the server's socket (gevent's {@code DatagramServer.sendto}); sends
   * are serialised. Usually called by a handler to reply; any greenlet or thread may call.
   * Waits cooperatively only while the socket's send buffer is full.
   *
   * @param data the datagram
   * @param to where to send it
   * @throws IllegalStateException before {@link #start()}
   * @throws java.nio.channels.ClosedChannelException once stopped
   * @throws IllegalArgumentException for a datagram longer than 65536 bytes or an unresolved
   *     address
   * @throws IOException when the send fails
   */
  public void sendTo(byte[] data, SocketAddress to) throws IOException {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(to, "to");
    if (state() == State.NEW) throw new IllegalStateException(this + " is not started");
    Socket s = socket;
    if (s == null) throw new Closed(this + " is stopped: its socket is closed");
    s.sendTo(data, to);
  }

  // ---- datagrams ----------------------------------------------------------------------------

  @Override
  int take(int fd) throws IOException {
    if (buffer == null) buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    return receive.receive(fd, buffer.clear(), sender);
  }

  @Override
  void dispatch(int n) {
    byte[] data = new byte[n];
    buffer.flip().get(data);
    InetSocketAddress peer = sender[0] instanceof InetSocketAddress inet ? inet : null;
    spawnHandler(() -> {
      serve(data, peer);
      return null;
    });
  }

  private void serve(byte[] data, InetSocketAddress peer) {
    try {
      handler.handle(data, peer);
    } catch (Exception e) {
      LOG.error("{}: the handler failed for a datagram from {}", this, peer, e);
    }
  }

  /** {@code DatagramServer(address)}, for logs. */
  @Override
  public String toString() {
    return "DatagramServer(" + address() + ")";
  }
}
