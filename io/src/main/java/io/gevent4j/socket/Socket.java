package io.gevent4j.socket;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.internal.FdWatchers;
import io.gevent4j.loop.Posix;
import io.gevent4j.loop.PosixSockets;
import io.gevent4j.loop.Watcher;
import io.gevent4j.loop.internal.Closed;
import io.gevent4j.socket.internal.SocketAccess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Objects;

/**
 * A cooperative socket (gevent's {@code gevent.socket.socket}): a non-blocking descriptor whose
 * waits park the greenlet on its hub's io watchers, so other greenlets run meanwhile. TCP over
 * IPv4 and IPv6, UDP, Unix stream and datagram sockets.
 *
 * <p>Timeouts work as in gevent: none (the default, {@link #getTimeout()} is -1) waits as long
 * as it takes; 0 makes the socket non-blocking, an operation that would wait throwing
 * {@link SocketTimeoutException} at once; t seconds throws it after t. Closing a socket that
 * another greenlet waits on wakes that greenlet with a {@link ClosedChannelException}, before
 * the descriptor is closed (gevent's {@code cancel_wait}), so it cannot be reused under the
 * waiter. A refused connect is a {@link java.net.ConnectException}.
 *
 * <p>Use a socket from the greenlets of one hub at a time (one reader and one writer may wait
 * at once); {@link #close()} may be called from anywhere.
 */
public class Socket implements ByteChannel, AutoCloseable {
  private static final int DATAGRAM_BUFFER = 65536;

  private volatile int fd;
  private final int family;
  private final int type;
  private double timeout = -1;
  /**
   * The last read of this stream socket came back short: the kernel's buffer was empty then,
   * so the next read waits for readiness first instead of a read that would fail with EAGAIN
   * (one system call less per request; the level-triggered watcher reports what came since).
   */
  private boolean readDrained;
  private FdWatchers watchers = new FdWatchers();
  // Separate buffers and locks: a greenlet waiting in recvFrom must not hold up sendTo.
  private final Object sendLock = new Object();
  private final Object recvLock = new Object();
  private ByteBuffer sendBuffer;
  private ByteBuffer recvBuffer;
  private InputStream in;
  private OutputStream out;

  static {
    SocketAccess.install(Socket::new);
  }

  /** Wraps an open descriptor (made non-blocking); the socket owns it from now on. */
  Socket(int fd, int family, int type) throws IOException {
    this.fd = fd;
    this.family = family;
    this.type = type;
    Posix.setNonBlocking(fd, true);
  }

  /**
   * Takes over {@code other}'s descriptor, with its watchers and timeout; {@code other} is left
   * closed without its descriptor being closed (gevent's {@code detach()} followed by a new
   * socket on the same fileno). For wrappers in this package such as {@link SslSocket}.
   *
   * @throws ClosedChannelException when {@code other} is closed
   */
  Socket(Socket other) throws ClosedChannelException {
    synchronized (other) {
      if (other.fd < 0) throw other.closedException();
      this.fd = other.fd;
      this.family = other.family;
      this.type = other.type;
      this.timeout = other.timeout;
      this.watchers = other.watchers;
      other.fd = -1;
      other.watchers = new FdWatchers();
    }
  }

  private static Socket open(int family, int type) {
    try {
      return new Socket(PosixSockets.socket(family, type | Posix.SOCK_NONBLOCK, 0), family, type);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot create a socket", e);
    }
  }

  /** {@return a new TCP socket over IPv4} */
  public static Socket tcp() {
    return open(Posix.AF_INET, Posix.SOCK_STREAM);
  }

  /** {@return a new TCP socket over IPv6} */
  public static Socket tcp6() {
    return open(Posix.AF_INET6, Posix.SOCK_STREAM);
  }

  /** {@return a new UDP socket over IPv4} */
  public static Socket udp() {
    return open(Posix.AF_INET, Posix.SOCK_DGRAM);
  }

  /** {@return a new UDP socket over IPv6} */
  public static Socket udp6() {
    return open(Posix.AF_INET6, Posix.SOCK_DGRAM);
  }

  /** {@return a new Unix stream socket} */
  public static Socket unixStream() {
    return open(Posix.AF_UNIX, Posix.SOCK_STREAM);
  }

  /** {@return a new Unix datagram socket} */
  public static Socket unixDatagram() {
    return open(Posix.AF_UNIX, Posix.SOCK_DGRAM);
  }

  /** {@return a connected pair of Unix stream sockets (gevent's {@code socketpair()})} */
  public static Socket[] socketpair() {
    try {
      int[] pair = PosixSockets.socketpair(Posix.AF_UNIX, Posix.SOCK_STREAM | Posix.SOCK_NONBLOCK, 0);
      return new Socket[] {new Socket(pair[0], Posix.AF_UNIX, Posix.SOCK_STREAM), new Socket(pair[1], Posix.AF_UNIX, Posix.SOCK_STREAM)};
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot create a socket pair", e);
    }
  }

  /**
   * Connects to {@code host:port}, resolving it through the hub's {@link io.gevent4j.hub.Resolver}
   * and trying each address in turn (gevent's {@code create_connection}).
   *
   * @param host a name or a numeric address
   * @param port the port
   * @param timeout seconds for each connect and for the socket afterwards; infinite for none
   * @return the connected socket
   * @throws IOException the last address's failure
   */
  public static Socket createConnection(String host, int port, double timeout) throws IOException {
    return createConnection(host, port, timeout, null);
  }

  /**
   * As {@link #createConnection(String, int, double)}, binding to {@code source} first when not
   * null.
   *
   * @param host a name or a numeric address
   * @param port the port
   * @param timeout seconds for each connect and for the socket afterwards; infinite for none
   * @param source the local address to bind to; null for any
   * @return the connected socket
   * @throws IOException the last address's failure
   */
  public static Socket createConnection(String host, int port, double timeout, InetSocketAddress source) throws IOException {
    Objects.requireNonNull(host, "host");
    checkTimeout(timeout);
    List<InetAddress> addresses = Hub.current().resolver().getaddrinfo(host);
    if (addresses.isEmpty()) throw new UnknownHostException(host);
    IOException last = null;
    for (InetAddress address : addresses) {
      Socket s = address instanceof Inet6Address ? tcp6() : tcp();
      try {
        if (!Double.isInfinite(timeout)) s.setTimeout(timeout);
        if (source != null) s.bind(source);
        s.connect(new InetSocketAddress(address, port));
        return s;
      } catch (IOException e) {
        s.close();
        if (last != null) e.addSuppressed(last);
        last = e;
      } catch (RuntimeException | Error e) {
        s.close();
        throw e;
      }
    }
    throw last;
  }

  // ---- state -------------------------------------------------------------------------------

  /** {@return the descriptor, or -1 once closed} */
  public int fd() {
    return fd;
  }

  @Override
  public boolean isOpen() {
    return fd >= 0;
  }

  private int checkOpen() throws ClosedChannelException {
    int f = fd;
    if (f < 0) throw closedException();
    return f;
  }

  /** What a use of a closed socket throws: a ClosedChannelException that says so. */
  ClosedChannelException closedException() {
    return new Closed(kind() + " socket is closed");
  }

  private String kind() {
    String t = type == Posix.SOCK_DGRAM ? "UDP" : "TCP";
    if (family == Posix.AF_UNIX) t = type == Posix.SOCK_DGRAM ? "Unix datagram" : "Unix stream";
    else if (family == Posix.AF_INET6) t += "/IPv6";
    return "this " + t;
  }

  /**
   * {@link #setTimeout(double)}'s "no timeout" (gevent's {@code settimeout(None)}), and what
   * {@link #getTimeout()} returns then.
   */
  public static final double NO_TIMEOUT = -1;

  /**
   * The timeout for every operation (gevent's {@code settimeout}): {@link #NO_TIMEOUT} (or any
   * negative value, or infinity) for none, 0 for non-blocking, else seconds.
   *
   * <p>This is the one place where a negative number is not refused: the timeout is a setting
   * of the socket, as gevent's {@code settimeout(None)} and the JDK's {@code setSoTimeout(0)}
   * are, not a wait; every method that waits refuses a negative timeout.
   *
   * @param seconds the timeout: negative or infinite for none, 0 for non-blocking
   * @throws IllegalArgumentException for NaN
   */
  public void setTimeout(double seconds) {
    if (Double.isNaN(seconds)) {
      throw new IllegalArgumentException(this + ".setTimeout(NaN): give seconds >= 0, or Socket.NO_TIMEOUT for none");
    }
    this.timeout = seconds < 0 || Double.isInfinite(seconds) ? NO_TIMEOUT : seconds;
  }

  /**
   * {@return the timeout in seconds: {@link #NO_TIMEOUT} for none (gevent's {@code gettimeout()} is None then)}
   */
  public double getTimeout() {
    return timeout;
  }

  // ---- waiting ----------------------------------------------------------------------------

  /** The deadline of an operation starting now, in {@link System#nanoTime()} terms; {@code Long.MAX_VALUE} for none. */
  long deadline() {
    return timeout < 0 ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
  }

  /** Parks until the fd is ready for {@code events}, or throws SocketTimeoutException at the deadline. */
  void waitFor(int events, long deadline) throws IOException {
    int f = checkOpen();
    if (timeout == 0) throw new SocketTimeoutException("the socket is non-blocking (timeout 0) and would wait");
    double left = deadline == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : (deadline - System.nanoTime()) / 1e9;
    if (left <= 0) throw new SocketTimeoutException("timed out");
    FdWatchers ws;
    synchronized (this) {
      ws = watchers;
    }
    try {
      // its own watchers stay armed between waits: no epoll_ctl per wait
      int fired = ws.await(f, events, left);
      if (fired == 0) throw new SocketTimeoutException("timed out");
      if ((fired & Watcher.ERROR) != 0 && fd >= 0) {
        // its descriptor was closed through Posix.close, not through this socket
        throw new Closed("Socket(fd " + f + "): EBADF: its descriptor was closed while waiting (Posix.close, not Socket.close)");
      }
    } catch (IllegalStateException busy) {
      if (busy.getMessage() != null && busy.getMessage().contains("already waited on")) {
        throw new IllegalStateException("another greenlet is already " + (events == Watcher.READ ? "reading from" : "writing to")
            + " this socket", busy);
      }
      throw busy;
    }
    checkOpen();
  }

  // ---- connecting -------------------------------------------------------------------------

  /**
   * Binds to a local address (port 0: any free port).
   *
   * @param address the local address
   * @throws IOException when the socket is closed ({@link ClosedChannelException}) or the bind
   *     fails ({@link java.net.BindException} when the address is in use)
   */
  public void bind(SocketAddress address) throws IOException {
    PosixSockets.bind(checkOpen(), address);
  }

  /**
   * Listens for connections (gevent's {@code listen}).
   *
   * @param backlog the queue of connections not yet accepted
   * @throws IOException when the socket is closed ({@link ClosedChannelException}) or the kernel
   *     refuses
   */
  public void listen(int backlog) throws IOException {
    PosixSockets.listen(checkOpen(), backlog);
  }

  /**
   * Accepts a connection, waiting cooperatively (gevent's {@code accept}).
   *
   * @return the connected socket, with no timeout
   * @throws IOException when the socket is closed ({@link ClosedChannelException}), the timeout
   *     passes ({@link SocketTimeoutException}) or the accept fails
   */
  public Socket accept() throws IOException {
    long deadline = deadline();
    while (true) {
      int client = PosixSockets.accept(checkOpen(), Posix.SOCK_NONBLOCK);
      if (client != Posix.WOULD_BLOCK) return new Socket(client, family, type);
      waitFor(Watcher.READ, deadline);
    }
  }

  /**
   * Connects, waiting cooperatively (gevent's {@code connect}).
   *
   * @param address the address to connect to
   * @throws java.net.ConnectException when refused
   * @throws SocketTimeoutException when the timeout passes first
   */
  public void connect(SocketAddress address) throws IOException {
    Objects.requireNonNull(address, "address");
    if (address instanceof InetSocketAddress isa && isa.isUnresolved()) {
      // gevent's connect resolves host names, through the hub's resolver
      List<InetAddress> found = Hub.current().resolver().getaddrinfo(isa.getHostString());
      if (found.isEmpty()) throw new UnknownHostException(isa.getHostString());
      address = new InetSocketAddress(found.get(0), isa.getPort());
    }
    long deadline = deadline();
    try {
      int rc = PosixSockets.connect(checkOpen(), address);
      if (rc == 0) return;
      waitFor(Watcher.WRITE, deadline);
      PosixSockets.finishConnect(checkOpen());
    } catch (java.net.ConnectException e) {
      throw named(new java.net.ConnectException("cannot connect to " + address + ": " + e.getMessage()), e);
    } catch (java.net.NoRouteToHostException e) {
      throw named(new java.net.NoRouteToHostException("cannot connect to " + address + ": " + e.getMessage()), e);
    } catch (SocketTimeoutException e) {
      throw named(new SocketTimeoutException("connect to " + address + " timed out after " + timeout + " s"), e);
    }
  }

  private static <E extends IOException> E named(E e, IOException cause) {
    e.initCause(cause);
    return e;
  }

  // ---- reading ----------------------------------------------------------------------------

  /**
   * Reads up to {@code len} bytes, waiting cooperatively for at least one (gevent's
   * {@code recv_into}).
   *
   * @param buf where the bytes go
   * @param off the first index of {@code buf} to fill
   * @param len the most bytes to read
   * @return the count read, or -1 at end of stream
   * @throws IOException when the socket is closed ({@link ClosedChannelException}), the timeout
   *     passes ({@link SocketTimeoutException}) or the read fails
   */
  public int recv(byte[] buf, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, buf.length);
    if (len == 0) return 0;
    long deadline = deadline();
    int want = Math.min(len, Posix.MAX_ARRAY_TRANSFER);
    if (readDrained && timeout != 0) waitFor(Watcher.READ, deadline);
    while (true) {
      int n = Posix.read(checkOpen(), buf, off, want);
      if (n > 0) return readSome(n, want);
      if (n == 0) return -1;
      waitFor(Watcher.READ, deadline);
    }
  }

  /**
   * Reads up to {@code max} bytes (gevent's {@code recv}).
   *
   * @param max the most bytes to read
   * @return the bytes; empty at end of stream
   * @throws IOException as {@link #recv(byte[], int, int)}
   */
  public byte[] recv(int max) throws IOException {
    if (max < 0) throw new IllegalArgumentException("negative size: " + max);
    byte[] buf = new byte[Math.min(max, Posix.MAX_ARRAY_TRANSFER)];
    int n = recv(buf, 0, buf.length);
    return n <= 0 ? new byte[0] : java.util.Arrays.copyOf(buf, n);
  }

  /**
   * Reads into {@code dst} (heap or direct), waiting cooperatively for at least one byte
   * (gevent's {@code recv_into}).
   *
   * @param dst the buffer to fill from its position
   * @return the count read, or -1 at end of stream
   * @throws IOException as {@link #recv(byte[], int, int)}
   */
  public int recvInto(ByteBuffer dst) throws IOException {
    if (!dst.hasRemaining()) return 0;
    if (!dst.isDirect()) {
      int n = recv(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
      if (n > 0) dst.position(dst.position() + n);
      return n;
    }
    long deadline = deadline();
    if (readDrained && timeout != 0) waitFor(Watcher.READ, deadline);
    while (true) {
      int want = dst.remaining();
      int n = Posix.read(checkOpen(), dst);
      if (n > 0) return readSome(n, want);
      if (n == 0) return -1;
      waitFor(Watcher.READ, deadline);
    }
  }

  private int readSome(int n, int wanted) {
    readDrained = n < wanted && type == Posix.SOCK_STREAM;
    return n;
  }

  /** {@link ByteChannel#read}: {@link #recvInto(ByteBuffer)}. */
  @Override
  public int read(ByteBuffer dst) throws IOException {
    return recvInto(dst);
  }

  // ---- writing ----------------------------------------------------------------------------

  /**
   * Writes some of the bytes, waiting cooperatively until at least one can go (gevent's
   * {@code send}).
   *
   * @param buf the bytes
   * @param off the first index of {@code buf} to write
   * @param len the most bytes to write
   * @return the count written
   * @throws IOException when the socket is closed ({@link ClosedChannelException}), the timeout
   *     passes ({@link SocketTimeoutException}) or the write fails
   */
  public int send(byte[] buf, int off, int len) throws IOException {
    return send(buf, off, len, deadline());
  }

  private int send(byte[] buf, int off, int len, long deadline) throws IOException {
    Objects.checkFromIndexSize(off, len, buf.length);
    if (len == 0) return 0;
    while (true) {
      int n = Posix.write(checkOpen(), buf, off, Math.min(len, Posix.MAX_ARRAY_TRANSFER));
      if (n >= 0) return n;
      waitFor(Watcher.WRITE, deadline);
    }
  }

  /**
   * Writes some of {@code src} (heap or direct); see {@link #send(byte[], int, int)}.
   *
   * @param src the bytes from its position to its limit; the position advances by the count written
   * @return the count written
   * @throws IOException as {@link #send(byte[], int, int)}
   */
  public int send(ByteBuffer src) throws IOException {
    return send(src, deadline());
  }

  private int send(ByteBuffer src, long deadline) throws IOException {
    if (!src.hasRemaining()) return 0;
    if (!src.isDirect()) {
      int n = send(src.array(), src.arrayOffset() + src.position(), src.remaining(), deadline);
      src.position(src.position() + n);
      return n;
    }
    while (true) {
      int n = Posix.write(checkOpen(), src);
      if (n >= 0) return n;
      waitFor(Watcher.WRITE, deadline);
    }
  }

  /**
   * Writes every byte, waiting cooperatively as needed (gevent's {@code sendall}). The timeout
   * is one deadline for the whole call, as gevent's: a reader that takes a byte now and then
   * cannot keep it going for ever.
   *
   * @param buf the bytes
   * @throws SocketTimeoutException when not all was written in time ({@code bytesTransferred}
   *     says how much was)
   */
  public void sendAll(byte[] buf) throws IOException {
    sendAll(buf, 0, buf.length);
  }

  /**
   * Writes {@code len} bytes from {@code off}; see {@link #sendAll(byte[])}.
   *
   * @param buf the bytes
   * @param off the first index of {@code buf} to write
   * @param len how many bytes to write
   * @throws IOException as {@link #sendAll(byte[])}
   */
  public void sendAll(byte[] buf, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, buf.length);
    long deadline = deadline();
    int sent = 0;
    try {
      while (sent < len) sent += send(buf, off + sent, len - sent, deadline);
    } catch (SocketTimeoutException e) {
      e.bytesTransferred = sent;
      throw e;
    }
  }

  /**
   * Writes all of {@code src}; see {@link #sendAll(byte[])}.
   *
   * @param src the bytes from its position to its limit, which it reaches
   * @throws IOException as {@link #sendAll(byte[])}
   */
  public void sendAll(ByteBuffer src) throws IOException {
    long deadline = deadline();
    int start = src.position();
    try {
      while (src.hasRemaining()) send(src, deadline);
    } catch (SocketTimeoutException e) {
      e.bytesTransferred = src.position() - start;
      throw e;
    }
  }

  /** {@link ByteChannel#write}: writes all of {@code src} (a blocking channel writes everything). */
  @Override
  public int write(ByteBuffer src) throws IOException {
    int n = src.remaining();
    sendAll(src);
    return n;
  }

  // ---- datagrams --------------------------------------------------------------------------


  /**
   * Sends a datagram to {@code to} (gevent's {@code sendto}).
   *
   * @param buf the datagram, at most 65536 bytes
   * @param to where to send it
   * @return the count sent
   * @throws IOException as {@link #send(byte[], int, int)}
   */
  public int sendTo(byte[] buf, SocketAddress to) throws IOException {
    Objects.requireNonNull(to, "to");
    if (buf.length > DATAGRAM_BUFFER) throw new IllegalArgumentException("a datagram of " + buf.length + " bytes is too long");
    long deadline = deadline();
    synchronized (sendLock) {
      if (sendBuffer == null) sendBuffer = ByteBuffer.allocateDirect(DATAGRAM_BUFFER);
      ByteBuffer b = sendBuffer.clear();
      b.put(buf).flip();
      while (true) {
        int n = PosixSockets.sendto(checkOpen(), b, 0, to);
        if (n >= 0) return n;
        waitFor(Watcher.WRITE, deadline);
      }
    }
  }

  /**
   * Receives a datagram of up to {@code max} bytes with its sender (gevent's {@code recvfrom}).
   *
   * @param max the most bytes to keep of the datagram
   * @return the datagram and its sender
   * @throws IOException as {@link #recv(byte[], int, int)}
   */
  public DatagramPacket recvFrom(int max) throws IOException {
    if (max < 0) throw new IllegalArgumentException("negative size: " + max);
    long deadline = deadline();
    synchronized (recvLock) {
      if (recvBuffer == null) recvBuffer = ByteBuffer.allocateDirect(DATAGRAM_BUFFER);
      ByteBuffer b = recvBuffer.clear();
      b.limit(Math.min(max, DATAGRAM_BUFFER));
      SocketAddress[] from = new SocketAddress[1];
      while (true) {
        int n = PosixSockets.recvfrom(checkOpen(), b, 0, from);
        if (n >= 0) {
          byte[] data = new byte[n];
          b.flip().get(data);
          DatagramPacket packet = new DatagramPacket(data, n);
          if (from[0] instanceof InetSocketAddress inet) packet.setSocketAddress(inet);
          return packet;
        }
        waitFor(Watcher.READ, deadline);
      }
    }
  }

  // ---- options and addresses ----------------------------------------------------------------

  /**
   * Sets a standard socket option: SO_REUSEADDR, SO_REUSEPORT, TCP_NODELAY, SO_KEEPALIVE,
   * SO_SNDBUF, SO_RCVBUF, SO_BROADCAST, SO_LINGER.
   *
   * @param <V> the option's value type
   * @param option the option
   * @param value its new value
   * @return this socket
   * @throws IOException when the socket is closed ({@link ClosedChannelException}) or the kernel
   *     refuses
   */
  public <V> Socket setOption(SocketOption<V> option, V value) throws IOException {
    int[] where = where(option);
    int v = value instanceof Boolean b ? (b ? 1 : 0) : (Integer) value;
    PosixSockets.setsockopt(checkOpen(), where[0], where[1], v);
    return this;
  }

  /**
   * Reads a standard socket option (see {@link #setOption}).
   *
   * @param <V> the option's value type
   * @param option the option
   * @return its value
   * @throws IOException when the socket is closed ({@link ClosedChannelException}) or the kernel
   *     refuses
   */
  @SuppressWarnings("unchecked")
  public <V> V getOption(SocketOption<V> option) throws IOException {
    int[] where = where(option);
    int v = PosixSockets.getsockopt(checkOpen(), where[0], where[1]);
    return option.type() == Boolean.class ? (V) Boolean.valueOf(v != 0) : (V) Integer.valueOf(v);
  }

  private static int[] where(SocketOption<?> option) {
    if (option == StandardSocketOptions.SO_REUSEADDR) return new int[] {Posix.SOL_SOCKET, Posix.SO_REUSEADDR};
    if (option == StandardSocketOptions.SO_REUSEPORT) return new int[] {Posix.SOL_SOCKET, Posix.SO_REUSEPORT};
    if (option == StandardSocketOptions.SO_KEEPALIVE) return new int[] {Posix.SOL_SOCKET, Posix.SO_KEEPALIVE};
    if (option == StandardSocketOptions.SO_SNDBUF) return new int[] {Posix.SOL_SOCKET, Posix.SO_SNDBUF};
    if (option == StandardSocketOptions.SO_RCVBUF) return new int[] {Posix.SOL_SOCKET, Posix.SO_RCVBUF};
    if (option == StandardSocketOptions.SO_BROADCAST) return new int[] {Posix.SOL_SOCKET, Posix.SO_BROADCAST};
    if (option == StandardSocketOptions.SO_LINGER) return new int[] {Posix.SOL_SOCKET, Posix.SO_LINGER};
    if (option == StandardSocketOptions.TCP_NODELAY) return new int[] {Posix.IPPROTO_TCP, Posix.TCP_NODELAY};
    throw new UnsupportedOperationException("socket option " + option + " is not supported");
  }

  /** {@return the local address (an InetSocketAddress for IP sockets; null for Unix ones)} */
  public InetSocketAddress localAddress() {
    return inet(address(true));
  }

  /** {@return the peer's address (null when not connected, or for Unix sockets)} */
  public InetSocketAddress remoteAddress() {
    return inet(address(false));
  }

  /**
   * {@return the local address of any family (a {@link UnixDomainSocketAddress} for Unix sockets)}
   */
  public SocketAddress localSocketAddress() {
    return address(true);
  }

  private SocketAddress address(boolean local) {
    try {
      int f = checkOpen();
      return local ? PosixSockets.getsockname(f) : PosixSockets.getpeername(f);
    } catch (IOException e) {
      return null;
    }
  }

  private static InetSocketAddress inet(SocketAddress a) {
    return a instanceof InetSocketAddress inet ? inet : null;
  }

  /**
   * Closes the writing half: the peer reads end of stream (gevent's {@code shutdown(SHUT_WR)}).
   *
   * @throws IOException when the socket is closed ({@link ClosedChannelException}) or not connected
   */
  public void shutdownOutput() throws IOException {
    PosixSockets.shutdown(checkOpen(), Posix.SHUT_WR);
  }

  /**
   * Closes the reading half.
   *
   * @throws IOException when the socket is closed ({@link ClosedChannelException}) or not connected
   */
  public void shutdownInput() throws IOException {
    PosixSockets.shutdown(checkOpen(), Posix.SHUT_RD);
  }

  // ---- streams ------------------------------------------------------------------------------

  /**
   * {@return an InputStream over the socket (gevent's {@code makefile('rb')})} Closing it closes
   * the socket.
   */
  public synchronized InputStream inputStream() {
    if (in == null) {
      in = new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          int n = recv(one, 0, 1);
          return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return len == 0 ? 0 : recv(b, off, len);
        }

        @Override
        public void close() {
          Socket.this.close();
        }
      };
    }
    return in;
  }

  /**
   * {@return an OutputStream over the socket (gevent's {@code makefile('wb')})} Closing it closes
   * the socket.
   */
  public synchronized OutputStream outputStream() {
    if (out == null) {
      out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          sendAll(new byte[] {(byte) b});
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          sendAll(b, off, len);
        }

        @Override
        public void close() {
          Socket.this.close();
        }
      };
    }
    return out;
  }

  // ---- closing ------------------------------------------------------------------------------

  /**
   * Closes the socket (idempotent; any thread): greenlets waiting on it on its hub wake with
   * a {@link ClosedChannelException} and its watchers are freed (on that hub, soon, when
   * called from elsewhere), and its descriptor is closed through {@link Posix#close}, which
   * first stops the watchers every other hub and thread has on it, so that their waiters
   * wake with the same exception and no loop ever polls the dead descriptor.
   */
  @Override
  public void close() {
    int f;
    FdWatchers ws;
    synchronized (this) {
      f = fd;
      if (f < 0) return;
      fd = -1;
      ws = watchers;
    }
    ws.close(this::closedException);
    closeQuietly(f);
  }

  private static void closeQuietly(int f) {
    try {
      Posix.close(f);
    } catch (IOException e) {
      // close(2) failing leaves nothing to retry (EINTR has closed it on Linux)
    }
  }

  static void checkTimeout(double timeout) {
    io.gevent4j.hub.internal.Timeouts.check(timeout);
  }

  @Override
  public String toString() {
    return "Socket(fd " + fd + (fd < 0 ? ", closed" : ", " + localSocketAddress()) + ")";
  }
}
