package io.gevent4j.loop;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * POSIX calls on raw file descriptors (the {@code os} and {@code _socket} functions gevent's
 * sockets, servers and subprocesses are built on); peer of {@code g4j_posix.c}.
 *
 * <p><b>Descriptors</b> are plain {@code int}s that the caller owns and must {@link #close}.
 * Every descriptor made here is close-on-exec ({@code SOCK_CLOEXEC}, {@code O_CLOEXEC}), so a
 * spawned child gets only what its {@link SpawnOptions} hand it.
 *
 * <p><b>Would block.</b> The I/O calls ({@link #read}, {@link #write}, {@link #readv},
 * {@link #writev}, {@link #send}, {@link #recv}, {@link #sendto}, {@link #recvfrom},
 * {@link #accept}, {@link #connect}) return {@link #WOULD_BLOCK}, a negative value, when a
 * non-blocking descriptor is not ready ({@code EAGAIN}/{@code EWOULDBLOCK}), and
 * {@link #connect} returns {@link #IN_PROGRESS} for a connection under way
 * ({@code EINPROGRESS}): no exception is built on these paths. Every other failure throws,
 * through {@link Errors}: a {@link NativeIoException} naming the call and the errno, or the
 * JDK type users expect ({@code ECONNREFUSED} is a {@link java.net.ConnectException},
 * {@code EBADF} — a closed descriptor — a {@link java.nio.channels.ClosedChannelException},
 * ...). {@code EINTR} is retried in C, except by {@link #close}.
 *
 * <p><b>Buffers.</b> Calls on {@link ByteBuffer}s take direct buffers (a heap buffer is an
 * {@link IllegalArgumentException}) and work as NIO channels do: bytes go from or to the
 * buffer's position up to its limit, and the position advances by the count transferred.
 * Calls on {@code byte[]} copy through a bounded native buffer and so transfer at most
 * {@link #MAX_ARRAY_TRANSFER} bytes per call.
 *
 * <p><b>Sends</b> carry {@code MSG_NOSIGNAL}: writing to a socket whose peer is gone fails
 * with {@code EPIPE}, never with SIGPIPE ({@link #write} and {@link #writev} go through
 * {@code send}/{@code sendmsg} on sockets for this).
 *
 * <p><b>Addresses</b> are {@link InetSocketAddress}es (resolved; IPv4, or IPv6 with its scope
 * id) and {@link UnixDomainSocketAddress}es. An unnamed unix socket's address is the empty
 * path; an abstract unix address (Linux) is reported as its name with a leading {@code '@'},
 * for display: abstract addresses cannot be passed in. An IPv6 socket needs IPv6 addresses
 * (an IPv4 peer of a dual-stack socket is its IPv4-mapped address, {@code ::ffff:a.b.c.d}).
 *
 * <p>Every method may be called from any thread; none touches an event loop. The calls
 * block the calling thread (not cooperatively) when the descriptor is blocking.
 */
public final class Posix {
  private Posix() {}

  // ---- constants, from C ------------------------------------------------------------------

  /** IPv4 ({@code socket(2)}'s domain). */
  public static final int AF_INET = Constants.AF_INET;
  /** IPv6. */
  public static final int AF_INET6 = Constants.AF_INET6;
  /** Unix domain. */
  public static final int AF_UNIX = Constants.AF_UNIX;
  /** A byte stream (TCP). */
  public static final int SOCK_STREAM = Constants.SOCK_STREAM;
  /** Datagrams (UDP). */
  public static final int SOCK_DGRAM = Constants.SOCK_DGRAM;
  /** Records with boundaries over a connection (unix domain). */
  public static final int SOCK_SEQPACKET = Constants.SOCK_SEQPACKET;
  /** Or'ed into a socket type (or passed to {@link #accept}): the descriptor starts non-blocking. */
  public static final int SOCK_NONBLOCK = Constants.SOCK_NONBLOCK;
  /** Socket-level options. */
  public static final int SOL_SOCKET = Constants.SOL_SOCKET;
  /** Allow binding an address in TIME_WAIT. */
  public static final int SO_REUSEADDR = Constants.SO_REUSEADDR;
  /** Let several sockets bind one address and share its load. */
  public static final int SO_REUSEPORT = Constants.SO_REUSEPORT;
  /** TCP keep-alive probes. */
  public static final int SO_KEEPALIVE = Constants.SO_KEEPALIVE;
  /** Send buffer size. */
  public static final int SO_SNDBUF = Constants.SO_SNDBUF;
  /** Receive buffer size. */
  public static final int SO_RCVBUF = Constants.SO_RCVBUF;
  /** The pending error (read-only, and reading clears it): how a non-blocking connect ended. */
  public static final int SO_ERROR = Constants.SO_ERROR;
  /** Allow sending to broadcast addresses. */
  public static final int SO_BROADCAST = Constants.SO_BROADCAST;
  /** Linger on close: as an int option here, seconds when on, -1 when off. */
  public static final int SO_LINGER = Constants.SO_LINGER;
  /** The socket type (read-only). */
  public static final int SO_TYPE = Constants.SO_TYPE;
  /** The socket domain (read-only). */
  public static final int SO_DOMAIN = Constants.SO_DOMAIN;
  /** Whether the socket listens (read-only). */
  public static final int SO_ACCEPTCONN = Constants.SO_ACCEPTCONN;
  /** IPv4-level options. */
  public static final int IPPROTO_IP = Constants.IPPROTO_IP;
  /** IPv6-level options. */
  public static final int IPPROTO_IPV6 = Constants.IPPROTO_IPV6;
  /** TCP-level options; also TCP's protocol number. */
  public static final int IPPROTO_TCP = Constants.IPPROTO_TCP;
  /** UDP's protocol number. */
  public static final int IPPROTO_UDP = Constants.IPPROTO_UDP;
  /** An IPv6 socket that refuses IPv4 peers. */
  public static final int IPV6_V6ONLY = Constants.IPV6_V6ONLY;
  /** Disable Nagle's algorithm. */
  public static final int TCP_NODELAY = Constants.TCP_NODELAY;
  /** Idle seconds before keep-alive probes start. */
  public static final int TCP_KEEPIDLE = Constants.TCP_KEEPIDLE;
  /** Seconds between keep-alive probes. */
  public static final int TCP_KEEPINTVL = Constants.TCP_KEEPINTVL;
  /** Unanswered keep-alive probes before the connection drops. */
  public static final int TCP_KEEPCNT = Constants.TCP_KEEPCNT;
  /** {@link #shutdown}: no more receives. */
  public static final int SHUT_RD = Constants.SHUT_RD;
  /** {@link #shutdown}: no more sends (the peer reads end of file). */
  public static final int SHUT_WR = Constants.SHUT_WR;
  /** {@link #shutdown}: both. */
  public static final int SHUT_RDWR = Constants.SHUT_RDWR;
  /** Send/receive flag: do not block this call, whatever the descriptor's mode. */
  public static final int MSG_DONTWAIT = Constants.MSG_DONTWAIT;
  /** Receive flag: leave the data queued. */
  public static final int MSG_PEEK = Constants.MSG_PEEK;
  /** {@link #pipe2} flag, open flag: non-blocking. */
  public static final int O_NONBLOCK = Constants.O_NONBLOCK;
  /** Open for reading. */
  public static final int O_RDONLY = Constants.O_RDONLY;
  /** Open for writing. */
  public static final int O_WRONLY = Constants.O_WRONLY;
  /** Open for reading and writing. */
  public static final int O_RDWR = Constants.O_RDWR;
  /** Create the file when missing. */
  public static final int O_CREAT = Constants.O_CREAT;
  /** Truncate the file. */
  public static final int O_TRUNC = Constants.O_TRUNC;
  /** Append to the file. */
  public static final int O_APPEND = Constants.O_APPEND;
  /** {@link #waitpid} option: return null at once when the child has not changed state. */
  public static final int WNOHANG = Constants.WNOHANG;
  /** {@link #waitpid} option: also report stopped children. */
  public static final int WUNTRACED = Constants.WUNTRACED;

  /** What the I/O calls return instead of throwing when a non-blocking descriptor is not ready ({@code -EAGAIN}). */
  public static final int WOULD_BLOCK = -Constants.EAGAIN;
  /** What {@link #connect} returns for a non-blocking connection under way ({@code -EINPROGRESS}). */
  public static final int IN_PROGRESS = -Constants.EINPROGRESS;
  /** The most bytes one {@code byte[]} read or write transfers (the C side's copy buffer, 64 KiB). */
  public static final int MAX_ARRAY_TRANSFER = Constants.ARRAY_IO_MAX;

  /** The address layout shared with g4j_posix.c (g4j_jni.h): where its fields are, from C. */
  private static final int ADDR_FAMILY = Constants.ADDR_FAMILY_OFFSET;
  private static final int ADDR_PORT = Constants.ADDR_PORT_OFFSET;
  private static final int ADDR_SCOPE = Constants.ADDR_SCOPE_OFFSET;
  private static final int ADDR_LENGTH = Constants.ADDR_LENGTH_OFFSET;
  private static final int ADDR_HEADER = Constants.ADDR_HEADER;
  /** Room for any address in that layout: the header and a whole sun_path. */
  private static final int ADDR_BYTES = ADDR_HEADER + Constants.SIZEOF_SUN_PATH;
  /** Paths, arguments and environment are encoded as the JDK encodes them for the OS. */
  private static final Charset FS_CHARSET = fsCharset();

  private static Charset fsCharset() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (RuntimeException e) {
      return StandardCharsets.UTF_8;
    }
  }

  // ---- sockets and pipes ------------------------------------------------------------------

  /**
   * Creates a socket: {@code socket(2)}, always with {@code SOCK_CLOEXEC}.
   *
   * @param domain {@link #AF_INET}, {@link #AF_INET6} or {@link #AF_UNIX}
   * @param type {@link #SOCK_STREAM}, {@link #SOCK_DGRAM} or {@link #SOCK_SEQPACKET}, possibly
   *     or'ed with {@link #SOCK_NONBLOCK}
   * @param protocol 0 for the domain's default
   * @return the new descriptor
   * @throws NativeIoException when the kernel refuses (e.g. {@code EAFNOSUPPORT}, {@code EMFILE})
   */
  public static int socket(int domain, int type, int protocol) throws IOException {
    Native.ensureAvailable();
    return Errors.check(Natives.socket0(domain, type, protocol), "socket");
  }

  /**
   * A pair of connected sockets: {@code socketpair(2)}, always with {@code SOCK_CLOEXEC}.
   *
   * @param domain {@link #AF_UNIX}
   * @param type as for {@link #socket}
   * @return the two descriptors
   * @throws NativeIoException when the kernel refuses
   */
  public static int[] socketpair(int domain, int type, int protocol) throws IOException {
    Native.ensureAvailable();
    int[] fds = new int[2];
    Errors.check(Natives.socketpair0(domain, type, protocol, fds), "socketpair");
    return fds;
  }

  /**
   * A pipe: {@code pipe2(2)}, always with {@code O_CLOEXEC}.
   *
   * @param flags 0 or {@link #O_NONBLOCK} (for both ends)
   * @return {read end, write end}
   * @throws NativeIoException when the kernel refuses (e.g. {@code EMFILE})
   */
  public static int[] pipe2(int flags) throws IOException {
    Native.ensureAvailable();
    int[] fds = new int[2];
    Errors.check(Natives.pipe20(flags, fds), "pipe2");
    return fds;
  }

  /**
   * Closes a descriptor: {@code close(2)}, never retried (after {@code EINTR} the descriptor
   * is gone on Linux, and its number may already be someone else's); {@code EINTR} counts as
   * success.
   *
   * <p>The io watchers started on {@code fd}, on every loop, are stopped first, so that no
   * loop ever polls a dead descriptor: each fires once with {@link Watcher#ERROR} (and
   * READ|WRITE), which wakes whoever waits on it. Watchers of this thread's loops (its hub's,
   * from a greenlet too) are stopped at once; a loop of another thread is woken and lets go
   * on its next iteration, and the {@code close(2)} itself happens then, so the descriptor
   * stays open until then (its number is not reused under that loop). From that moment on
   * the descriptor counts as closed: a second close is {@code EBADF}, a watcher cannot start
   * on it.
   *
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open ({@code EBADF})
   * @throws IllegalArgumentException when {@code fd} is a loop's own descriptor (its epoll set
   *     or wake-up): close the {@link Loop} instead
   * @throws NativeIoException when the close reported an I/O error (the descriptor is closed anyway)
   */
  public static void close(int fd) throws IOException {
    Native.ensureAvailable();
    int rc = Natives.close0(fd);
    if (rc == -Constants.EBUSY) {
      throw new IllegalArgumentException("close(fd " + fd + ") failed: EBUSY: fd " + fd
          + " is a gevent4j loop's own descriptor (its epoll set or wake-up); close the Loop (or Hub) instead",
          new NativeIoException(Constants.EBUSY, "close", fd));
    }
    Errors.check(rc, "close", fd);
  }

  /**
   * Binds a socket to a local address: {@code bind(2)}.
   *
   * @throws java.net.BindException when the address is in use ({@code EADDRINUSE})
   * @throws IllegalArgumentException for an unresolved or unsupported address, or a unix
   *     path too long
   * @throws NativeIoException for other failures (e.g. {@code EADDRNOTAVAIL}, {@code EACCES})
   */
  public static void bind(int fd, SocketAddress local) throws IOException {
    byte[] address = encode(local);
    Native.ensureAvailable();
    Errors.check(Natives.bind0(fd, address), "bind", fd);
  }

  /**
   * Marks a socket as accepting connections: {@code listen(2)}.
   *
   * @param backlog the queue of connections not yet accepted (the kernel caps it)
   * @throws NativeIoException when the kernel refuses
   */
  public static void listen(int fd, int backlog) throws IOException {
    Native.ensureAvailable();
    Errors.check(Natives.listen0(fd, backlog), "listen", fd);
  }

  /**
   * Connects a socket: {@code connect(2)}. On a non-blocking socket, wait until the
   * descriptor is writable after {@link #IN_PROGRESS}, then call {@link #finishConnect}.
   *
   * @return 0 when connected; {@link #IN_PROGRESS} when a non-blocking connection is under
   *     way; {@link #WOULD_BLOCK} when a non-blocking unix socket's peer has a full backlog
   * @throws java.net.ConnectException when refused ({@code ECONNREFUSED})
   * @throws java.net.NoRouteToHostException when unreachable
   * @throws IllegalArgumentException for an unresolved or unsupported address
   * @throws NativeIoException for other failures
   */
  public static int connect(int fd, SocketAddress remote) throws IOException {
    byte[] address = encode(remote);
    Native.ensureAvailable();
    int rc = Natives.connect0(fd, address);
    if (rc == IN_PROGRESS || rc == WOULD_BLOCK) return rc;
    return Errors.check(rc, "connect", fd);
  }

  /**
   * Completes a non-blocking {@link #connect} once the descriptor became writable: reads
   * and clears {@code SO_ERROR} ({@code getsockopt(2)}) and throws what it holds.
   *
   * @throws java.net.ConnectException when the connection was refused
   * @throws NativeIoException with the call name {@code "connect"} for other failures
   */
  public static void finishConnect(int fd) throws IOException {
    int error = getsockopt(fd, SOL_SOCKET, SO_ERROR);
    if (error != 0) throw Errors.newIoException(-error, "connect", fd);
  }

  /**
   * Accepts a connection: {@code accept4(2)} with {@code SOCK_CLOEXEC}. A connection reset
   * before it was accepted ({@code ECONNABORTED}) is skipped for the next one.
   *
   * @param flags 0, or {@link #SOCK_NONBLOCK} for a non-blocking new descriptor
   * @return the new descriptor, or {@link #WOULD_BLOCK} when a non-blocking listener has none
   * @throws NativeIoException when the kernel refuses (e.g. {@code EMFILE}, {@code EINVAL}
   *     when not listening)
   */
  public static int accept(int fd, int flags) throws IOException {
    Native.ensureAvailable();
    int rc = Natives.accept0(fd, flags, null);
    return rc == WOULD_BLOCK ? rc : Errors.check(rc, "accept", fd);
  }

  /**
   * Accepts a connection, as {@link #accept(int, int)}, and stores the peer's address in
   * {@code peer[0]} when one was accepted.
   *
   * @param peer an array of at least one element
   * @return the new descriptor, or {@link #WOULD_BLOCK}
   * @throws IllegalArgumentException when {@code peer} is empty
   */
  public static int accept(int fd, int flags, SocketAddress[] peer) throws IOException {
    Objects.requireNonNull(peer, "peer");
    if (peer.length == 0) throw new IllegalArgumentException("peer must have room for one address");
    Native.ensureAvailable();
    byte[] address = new byte[ADDR_BYTES];
    int rc = Natives.accept0(fd, flags, address);
    if (rc == WOULD_BLOCK) return rc;
    Errors.check(rc, "accept", fd);
    peer[0] = decode(address);
    return rc;
  }

  /**
   * Shuts down part of a full-duplex connection: {@code shutdown(2)}.
   *
   * @param how {@link #SHUT_RD}, {@link #SHUT_WR} or {@link #SHUT_RDWR}
   * @throws NativeIoException e.g. {@code ENOTCONN}
   */
  public static void shutdown(int fd, int how) throws IOException {
    Native.ensureAvailable();
    Errors.check(Natives.shutdown0(fd, how), "shutdown", fd);
  }

  /**
   * The socket's local address: {@code getsockname(2)}.
   *
   * @return an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}
   * @throws NativeIoException e.g. {@code ENOTSOCK}
   */
  public static SocketAddress getsockname(int fd) throws IOException {
    Native.ensureAvailable();
    byte[] address = new byte[ADDR_BYTES];
    Errors.check(Natives.getsockname0(fd, address), "getsockname", fd);
    return decode(address);
  }

  /**
   * The connected peer's address: {@code getpeername(2)}.
   *
   * @return an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}
   * @throws NativeIoException e.g. {@code ENOTCONN}
   */
  public static SocketAddress getpeername(int fd) throws IOException {
    Native.ensureAvailable();
    byte[] address = new byte[ADDR_BYTES];
    Errors.check(Natives.getpeername0(fd, address), "getpeername", fd);
    return decode(address);
  }

  /**
   * An int-valued socket option: {@code getsockopt(2)}. {@link #SO_LINGER} reads as its
   * seconds when on, -1 when off.
   *
   * @param level e.g. {@link #SOL_SOCKET}, {@link #IPPROTO_TCP}
   * @param option e.g. {@link #SO_RCVBUF}, {@link #TCP_NODELAY}
   * @throws NativeIoException e.g. {@code ENOPROTOOPT}
   */
  public static int getsockopt(int fd, int level, int option) throws IOException {
    Native.ensureAvailable();
    long rc = Natives.getsockopt0(fd, level, option);
    if (rc < 0) throw Errors.newIoException((int) rc, "getsockopt", fd);
    return (int) rc;
  }

  /**
   * Sets an int-valued socket option: {@code setsockopt(2)}. Boolean options take 0 or 1;
   * {@link #SO_LINGER} takes seconds, or a negative value for off.
   *
   * @throws NativeIoException e.g. {@code ENOPROTOOPT}, {@code EINVAL}
   */
  public static void setsockopt(int fd, int level, int option, int value) throws IOException {
    Native.ensureAvailable();
    Errors.check(Natives.setsockopt0(fd, level, option, value), "setsockopt", fd);
  }

  /**
   * Sets or clears {@code O_NONBLOCK}: {@code fcntl(2)} {@code F_GETFL}/{@code F_SETFL}.
   *
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open
   */
  public static void setNonBlocking(int fd, boolean nonBlocking) throws IOException {
    Native.ensureAvailable();
    Errors.check(Natives.setNonBlocking0(fd, nonBlocking), "fcntl", fd);
  }

  /**
   * Whether {@code O_NONBLOCK} is set: {@code fcntl(2)} {@code F_GETFL}.
   *
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open
   */
  public static boolean isNonBlocking(int fd) throws IOException {
    Native.ensureAvailable();
    return Errors.check(Natives.isNonBlocking0(fd), "fcntl", fd) != 0;
  }

  // ---- reads and writes -------------------------------------------------------------------

  /**
   * Reads into {@code dst} from its position to its limit: {@code read(2)}.
   *
   * @param dst a direct, writable buffer; its position advances by the count read
   * @return the count read, 0 at end of file (or when {@code dst} has no room), or
   *     {@link #WOULD_BLOCK}
   * @throws IllegalArgumentException when {@code dst} is not direct
   * @throws java.nio.ReadOnlyBufferException when {@code dst} is read-only
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open
   * @throws java.net.SocketException when the connection was reset
   * @throws NativeIoException for other failures
   */
  public static int read(int fd, ByteBuffer dst) throws IOException {
    checkWritable(dst, "dst");
    int pos = dst.position();
    int rc = Natives.read0(fd, dst, pos, dst.limit());
    if (rc > 0) {
      dst.position(pos + rc);
      return rc;
    }
    return rc == WOULD_BLOCK ? rc : Errors.check(rc, "read", fd);
  }

  /**
   * Writes {@code src} from its position to its limit: {@code write(2)} ({@code send(2)} with
   * {@code MSG_NOSIGNAL} on a socket).
   *
   * @param src a direct buffer; its position advances by the count written
   * @return the count written (possibly fewer than remaining), or {@link #WOULD_BLOCK}
   * @throws IllegalArgumentException when {@code src} is not direct
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open
   * @throws NativeIoException e.g. {@code EPIPE} when the reader is gone
   */
  public static int write(int fd, ByteBuffer src) throws IOException {
    checkDirect(src, "src");
    int pos = src.position();
    int rc = Natives.write0(fd, src, pos, src.limit());
    if (rc > 0) {
      src.position(pos + rc);
      return rc;
    }
    return rc == WOULD_BLOCK ? rc : Errors.check(rc, "write", fd);
  }

  /**
   * Reads into {@code b[off .. off+len)}: {@code read(2)} through a native copy, at most
   * {@link #MAX_ARRAY_TRANSFER} bytes.
   *
   * @return the count read, 0 at end of file (or when {@code len} is 0), or {@link #WOULD_BLOCK}
   * @throws IndexOutOfBoundsException when {@code off}/{@code len} do not fit {@code b}
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open
   * @throws NativeIoException for other failures
   */
  public static int read(int fd, byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, Objects.requireNonNull(b, "b").length);
    Native.ensureAvailable();
    int rc = Natives.readBytes0(fd, b, off, len);
    return rc >= 0 || rc == WOULD_BLOCK ? rc : Errors.check(rc, "read", fd);
  }

  /**
   * Writes {@code b[off .. off+len)}: {@code write(2)} ({@code send(2)} with
   * {@code MSG_NOSIGNAL} on a socket) through a native copy, at most
   * {@link #MAX_ARRAY_TRANSFER} bytes.
   *
   * @return the count written (possibly fewer than {@code len}), or {@link #WOULD_BLOCK}
   * @throws IndexOutOfBoundsException when {@code off}/{@code len} do not fit {@code b}
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open
   * @throws NativeIoException e.g. {@code EPIPE} when the reader is gone
   */
  public static int write(int fd, byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, Objects.requireNonNull(b, "b").length);
    Native.ensureAvailable();
    int rc = Natives.writeBytes0(fd, b, off, len);
    return rc >= 0 || rc == WOULD_BLOCK ? rc : Errors.check(rc, "write", fd);
  }

  /**
   * Scatter read into {@code dsts[offset .. offset+length)}: {@code readv(2)}. At most
   * {@code IOV_MAX} buffers are used per call; positions advance over the buffers in order.
   *
   * @return the count read, 0 at end of file, or {@link #WOULD_BLOCK}
   * @throws IllegalArgumentException when a buffer is not direct
   * @throws java.nio.ReadOnlyBufferException when a buffer is read-only
   * @throws IndexOutOfBoundsException when {@code offset}/{@code length} do not fit {@code dsts}
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open
   * @throws NativeIoException for other failures
   */
  public static long readv(int fd, ByteBuffer[] dsts, int offset, int length) throws IOException {
    int count = Math.min(length, Constants.IOV_MAX);
    int[] bounds = bounds(dsts, offset, length, count, true);
    long rc = Natives.readv0(fd, dsts, offset, count, bounds);
    if (rc > 0) {
      advance(dsts, offset, count, bounds, rc);
      return rc;
    }
    return rc == WOULD_BLOCK ? rc : Errors.check(rc, "readv", fd);
  }

  /** Scatter read into all of {@code dsts}: {@link #readv(int, ByteBuffer[], int, int)}. */
  public static long readv(int fd, ByteBuffer... dsts) throws IOException {
    return readv(fd, dsts, 0, Objects.requireNonNull(dsts, "dsts").length);
  }

  /**
   * Gather write of {@code srcs[offset .. offset+length)}: {@code writev(2)}
   * ({@code sendmsg(2)} with {@code MSG_NOSIGNAL} on a socket). At most {@code IOV_MAX}
   * buffers are used per call; positions advance over the buffers in order.
   *
   * @return the count written, or {@link #WOULD_BLOCK}
   * @throws IllegalArgumentException when a buffer is not direct
   * @throws IndexOutOfBoundsException when {@code offset}/{@code length} do not fit {@code srcs}
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open
   * @throws NativeIoException e.g. {@code EPIPE} when the reader is gone
   */
  public static long writev(int fd, ByteBuffer[] srcs, int offset, int length) throws IOException {
    int count = Math.min(length, Constants.IOV_MAX);
    int[] bounds = bounds(srcs, offset, length, count, false);
    long rc = Natives.writev0(fd, srcs, offset, count, bounds);
    if (rc > 0) {
      advance(srcs, offset, count, bounds, rc);
      return rc;
    }
    return rc == WOULD_BLOCK ? rc : Errors.check(rc, "writev", fd);
  }

  /** Gather write of all of {@code srcs}: {@link #writev(int, ByteBuffer[], int, int)}. */
  public static long writev(int fd, ByteBuffer... srcs) throws IOException {
    return writev(fd, srcs, 0, Objects.requireNonNull(srcs, "srcs").length);
  }

  /**
   * Sends on a connected socket: {@code send(2)}, with {@code MSG_NOSIGNAL} added.
   *
   * @param flags e.g. {@link #MSG_DONTWAIT}, or 0
   * @return the count sent, or {@link #WOULD_BLOCK}
   * @throws IllegalArgumentException when {@code src} is not direct
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open
   * @throws NativeIoException e.g. {@code EPIPE}, {@code ENOTSOCK}
   */
  public static int send(int fd, ByteBuffer src, int flags) throws IOException {
    checkDirect(src, "src");
    int pos = src.position();
    int rc = Natives.sendto0(fd, src, pos, src.limit(), flags, null);
    if (rc > 0) {
      src.position(pos + rc);
      return rc;
    }
    return rc == WOULD_BLOCK ? rc : Errors.check(rc, "send", fd);
  }

  /**
   * Receives on a connected socket: {@code recv(2)}.
   *
   * @param flags e.g. {@link #MSG_PEEK}, {@link #MSG_DONTWAIT}, or 0
   * @return the count received (0 at end of stream, or an empty datagram), or {@link #WOULD_BLOCK}
   * @throws IllegalArgumentException when {@code dst} is not direct
   * @throws java.nio.ReadOnlyBufferException when {@code dst} is read-only
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open
   * @throws NativeIoException for other failures
   */
  public static int recv(int fd, ByteBuffer dst, int flags) throws IOException {
    checkWritable(dst, "dst");
    int pos = dst.position();
    int rc = Natives.recvfrom0(fd, dst, pos, dst.limit(), flags, null);
    if (rc > 0) {
      dst.position(pos + rc);
      return rc;
    }
    return rc == WOULD_BLOCK ? rc : Errors.check(rc, "recv", fd);
  }

  /**
   * Sends a datagram to {@code target}: {@code sendto(2)}, with {@code MSG_NOSIGNAL} added.
   *
   * @return the count sent, or {@link #WOULD_BLOCK}
   * @throws IllegalArgumentException when {@code src} is not direct, or for an unresolved or
   *     unsupported address
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open
   * @throws NativeIoException e.g. {@code EMSGSIZE}
   */
  public static int sendto(int fd, ByteBuffer src, int flags, SocketAddress target) throws IOException {
    checkDirect(src, "src");
    byte[] address = encode(target);
    int pos = src.position();
    int rc = Natives.sendto0(fd, src, pos, src.limit(), flags, address);
    if (rc > 0) {
      src.position(pos + rc);
      return rc;
    }
    return rc == WOULD_BLOCK ? rc : Errors.check(rc, "sendto", fd);
  }

  /**
   * Receives a datagram and its sender: {@code recvfrom(2)}. The sender goes to
   * {@code sender[0]} (null when the socket reports none, as a stream socket does).
   *
   * @param sender an array of at least one element
   * @return the count received (a datagram longer than the room is truncated), or
   *     {@link #WOULD_BLOCK}
   * @throws IllegalArgumentException when {@code dst} is not direct or {@code sender} is empty
   * @throws java.nio.ReadOnlyBufferException when {@code dst} is read-only
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open
   * @throws NativeIoException for other failures
   */
  public static int recvfrom(int fd, ByteBuffer dst, int flags, SocketAddress[] sender) throws IOException {
    checkWritable(dst, "dst");
    Objects.requireNonNull(sender, "sender");
    if (sender.length == 0) throw new IllegalArgumentException("sender must have room for one address");
    byte[] address = new byte[ADDR_BYTES];
    int pos = dst.position();
    int rc = Natives.recvfrom0(fd, dst, pos, dst.limit(), flags, address);
    if (rc == WOULD_BLOCK) return rc;
    Errors.check(rc, "recvfrom", fd);
    dst.position(pos + rc);
    sender[0] = decode(address);
    return rc;
  }

  // ---- processes --------------------------------------------------------------------------

  /**
   * What a spawned child does before it runs the program: file actions
   * ({@code posix_spawn_file_actions_add*}), applied in the order they were added, and
   * session or process-group placement. Descriptors made by {@link Posix} are close-on-exec,
   * so the child gets exactly what {@link #addDup2} hands it (plus the JVM's inheritable
   * descriptors, unless {@link #addCloseFrom} closes them).
   *
   * <p>Not thread-safe; may be reused for several spawns.
   */
  public static final class SpawnOptions {
    // Shared with g4j_posix.c (g4j_jni.h): four ints {op, a, b, c} per action, and a path per action.
    private static final int ACTION = 4;
    private static final int DUP2 = Constants.SPAWN_DUP2, OPEN = Constants.SPAWN_OPEN, CLOSE = Constants.SPAWN_CLOSE,
        CHDIR = Constants.SPAWN_CHDIR, CLOSEFROM = Constants.SPAWN_CLOSEFROM;
    private static final int SETSID = Constants.SPAWN_SETSID, SETPGROUP = Constants.SPAWN_SETPGROUP;

    private int[] actions = new int[4 * ACTION];
    private final List<byte[]> paths = new ArrayList<>();
    private int flags;
    private int processGroup;

    /** No actions: the child inherits the descriptors, directory and group of this process. */
    public SpawnOptions() {}

    private SpawnOptions add(int op, int a, int b, int c, byte[] path) {
      int at = paths.size() * ACTION;
      if (at + ACTION > actions.length) actions = Arrays.copyOf(actions, actions.length * 2);
      actions[at] = op;
      actions[at + 1] = a;
      actions[at + 2] = b;
      actions[at + 3] = c;
      paths.add(path);
      return this;
    }

    /**
     * The child's {@code newFd} becomes a copy of {@code fd}
     * ({@code posix_spawn_file_actions_adddup2}); with {@code fd == newFd}, {@code fd} just
     * loses close-on-exec. E.g. {@code addDup2(pipe[1], 1)} for the child's stdout.
     *
     * @throws IllegalArgumentException for a negative descriptor
     */
    public SpawnOptions addDup2(int fd, int newFd) {
      checkFd(fd);
      checkFd(newFd);
      return add(DUP2, fd, newFd, 0, null);
    }

    /**
     * The child opens {@code path} as {@code fd} ({@code posix_spawn_file_actions_addopen}).
     * A failure fails the spawn, naming the program.
     *
     * @param flags e.g. {@link Posix#O_RDONLY}, {@link Posix#O_WRONLY} | {@link Posix#O_CREAT} | {@link Posix#O_TRUNC}
     * @param mode the permission bits when the file is created, e.g. {@code 0644}
     * @throws IllegalArgumentException for a negative descriptor or a path with a NUL character
     */
    public SpawnOptions addOpen(int fd, String path, int flags, int mode) {
      checkFd(fd);
      return add(OPEN, fd, flags, mode, bytes(path, "path"));
    }

    /**
     * The child closes {@code fd} ({@code posix_spawn_file_actions_addclose}).
     *
     * @throws IllegalArgumentException for a negative descriptor
     */
    public SpawnOptions addClose(int fd) {
      checkFd(fd);
      return add(CLOSE, fd, 0, 0, null);
    }

    /**
     * The child closes every descriptor from {@code lowFd} up
     * ({@code posix_spawn_file_actions_addclosefrom_np}): Python's {@code close_fds}.
     *
     * @throws IllegalArgumentException for a negative descriptor
     */
    public SpawnOptions addCloseFrom(int lowFd) {
      checkFd(lowFd);
      return add(CLOSEFROM, lowFd, 0, 0, null);
    }

    /**
     * The child changes to {@code directory} ({@code posix_spawn_file_actions_addchdir_np}),
     * in order with the other actions: relative paths of later actions, and a program path
     * with a {@code '/'}, are resolved from there.
     *
     * @throws IllegalArgumentException for a path with a NUL character
     */
    public SpawnOptions addChdir(String directory) {
      return add(CHDIR, 0, 0, 0, bytes(directory, "directory"));
    }

    /** The child starts a new session ({@code POSIX_SPAWN_SETSID}): Python's {@code start_new_session}. */
    public SpawnOptions setSid() {
      flags |= SETSID;
      return this;
    }

    /**
     * The child joins process group {@code pgid}, or leads a new one when 0
     * ({@code POSIX_SPAWN_SETPGROUP}): Python's {@code process_group}.
     *
     * @throws IllegalArgumentException for a negative group
     */
    public SpawnOptions setProcessGroup(int pgid) {
      if (pgid < 0) throw new IllegalArgumentException("negative process group: " + pgid);
      flags |= SETPGROUP;
      processGroup = pgid;
      return this;
    }

    private static void checkFd(int fd) {
      if (fd < 0) throw new IllegalArgumentException("negative file descriptor: " + fd);
    }
  }

  /**
   * Starts a program: {@code posix_spawnp(3)} when {@code program} has no {@code '/'} (a
   * search of {@code PATH}), else {@code posix_spawn(3)}. The child starts with no signal
   * blocked and every signal at its default disposition, whatever the JVM blocks or handles.
   * Reap it with {@link #waitpid} or a {@link ChildWatcher}: the JDK does not know it.
   *
   * @param program the file to run, or a name to look for on {@code PATH}
   * @param argv the arguments, {@code argv[0]} first (conventionally the program's name); an
   *     empty array runs it with {@code argv = {program}}
   * @param envp the environment as {@code "NAME=value"} strings, or null to inherit this
   *     process's environment
   * @param options file actions and placement, or null for none
   * @return the child's pid
   * @throws IOException naming the program when it cannot be run (missing, not executable,
   *     a file action failed); its cause is the {@link NativeIoException} with the errno
   * @throws IllegalArgumentException when a string holds a NUL character
   */
  public static int spawn(String program, String[] argv, String[] envp, SpawnOptions options) throws IOException {
    byte[] prog = bytes(program, "program");
    Objects.requireNonNull(argv, "argv");
    byte[][] args = argv.length == 0 ? new byte[][] {prog} : strings(argv, "argv");
    byte[][] env = envp == null ? null : strings(envp, "envp");
    SpawnOptions o = options != null ? options : new SpawnOptions();
    int[] actions = Arrays.copyOf(o.actions, o.paths.size() * SpawnOptions.ACTION);
    byte[][] paths = o.paths.toArray(new byte[0][]);
    Native.ensureAvailable();
    int rc = Natives.spawn0(prog, args, env, actions, paths, o.flags, o.processGroup);
    if (rc >= 0) return rc;
    NativeIoException cause = new NativeIoException(-rc, program.indexOf('/') < 0 ? "posix_spawnp" : "posix_spawn");
    throw new IOException("cannot run program \"" + program + "\": " + cause.getMessage(), cause);
  }

  /**
   * How a child changed state, from {@link #waitpid}: its pid and raw wait status (the
   * {@code int} {@code waitpid(2)} fills in), decoded as {@code WIFEXITED} and friends do.
   *
   * @param pid the child's pid
   * @param status the raw wait status
   */
  public record WaitStatus(int pid, int status) {
    /** The child exited ({@code WIFEXITED}). */
    public boolean exited() {
      return (status & 0x7f) == 0;
    }

    /** Its exit status ({@code WEXITSTATUS}); meaningful when {@link #exited()}. */
    public int exitStatus() {
      return (status >> 8) & 0xff;
    }

    /** A signal ended it ({@code WIFSIGNALED}). */
    public boolean signaled() {
      int low = status & 0x7f;
      return low != 0 && low != 0x7f;
    }

    /** The signal that ended it ({@code WTERMSIG}); meaningful when {@link #signaled()}. */
    public int termSignal() {
      return status & 0x7f;
    }

    /** It stopped ({@code WIFSTOPPED}; only with {@link Posix#WUNTRACED}). */
    public boolean stopped() {
      return (status & 0xff) == 0x7f;
    }

    /**
     * Python's {@code returncode}: the exit status, or minus the signal that ended the child.
     *
     * @throws IllegalStateException when the child only stopped
     */
    public int returncode() {
      if (exited()) return exitStatus();
      if (signaled()) return -termSignal();
      throw new IllegalStateException("pid " + pid + " has not ended (status " + status + ")");
    }
  }

  /**
   * Waits for the child {@code pid}: {@code waitpid(2)}, reaping it when it ended. Only
   * single pids: waiting for any child ({@code -1}) or a group would reap the JDK's own
   * children. Blocks the calling thread unless {@link #WNOHANG} is given.
   *
   * @param options 0, {@link #WNOHANG}, {@link #WUNTRACED}, or both
   * @return the child's new state, or null with {@link #WNOHANG} when it has not changed
   * @throws IllegalArgumentException when {@code pid} is not positive
   * @throws NativeIoException {@code ECHILD} when {@code pid} is not a child of this process
   *     waiting to be reaped
   */
  public static WaitStatus waitpid(int pid, int options) throws IOException {
    if (pid <= 0) throw new IllegalArgumentException("waitpid needs a child's pid, not " + pid);
    Native.ensureAvailable();
    int[] result = new int[2];
    Errors.check(Natives.waitpid0(pid, options, result), "waitpid");
    if (result[0] == 0) return null;
    return new WaitStatus(result[0], result[1]);
  }

  /**
   * Sends a signal to a process: {@code kill(2)}. Signal 0 only checks that the process
   * exists.
   *
   * @param signal e.g. {@link Signals#SIGTERM}, or 0
   * @throws IllegalArgumentException when {@code pid} is not positive (use {@link #killpg}
   *     for groups) or the signal is out of range
   * @throws NativeIoException {@code ESRCH} when there is no such process, {@code EPERM}
   *     when it is not ours to signal
   */
  public static void kill(int pid, int signal) throws IOException {
    if (pid <= 0) throw new IllegalArgumentException("kill needs a pid, not " + pid + " (killpg signals groups)");
    checkSignal(signal);
    Native.ensureAvailable();
    Errors.check(Natives.kill0(pid, signal), "kill");
  }

  /**
   * Sends a signal to a process group: {@code killpg(3)}, i.e. {@code kill(-pgid, signal)}.
   *
   * @throws IllegalArgumentException when {@code pgid} is below 2 (0 and 1 would signal
   *     this process's group or every process) or the signal is out of range
   * @throws NativeIoException {@code ESRCH} when there is no such group
   */
  public static void killpg(int pgid, int signal) throws IOException {
    if (pgid <= 1) throw new IllegalArgumentException("killpg needs a process group id above 1, not " + pgid);
    checkSignal(signal);
    Native.ensureAvailable();
    Errors.check(Natives.kill0(-pgid, signal), "killpg");
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static void checkSignal(int signal) {
    Native.ensureAvailable();
    if (signal < 0 || signal >= Constants.NSIG) {
      throw new IllegalArgumentException("no signal " + signal + " (0 .. " + (Constants.NSIG - 1) + ")");
    }
  }

  private static void checkDirect(ByteBuffer buffer, String name) {
    Objects.requireNonNull(buffer, name);
    if (!buffer.isDirect()) {
      throw new IllegalArgumentException(name + " must be a direct ByteBuffer (ByteBuffer.allocateDirect), not a heap buffer");
    }
    Native.ensureAvailable();
  }

  private static void checkWritable(ByteBuffer buffer, String name) {
    checkDirect(buffer, name);
    if (buffer.isReadOnly()) throw new java.nio.ReadOnlyBufferException();
  }

  /** {position, limit} of each buffer used, after checking them all. */
  private static int[] bounds(ByteBuffer[] buffers, int offset, int length, int count, boolean writable) {
    Objects.requireNonNull(buffers, "buffers");
    Objects.checkFromIndexSize(offset, length, buffers.length);
    int[] bounds = new int[2 * count];
    for (int i = 0; i < count; i++) {
      ByteBuffer b = buffers[offset + i];
      String name = "buffers[" + (offset + i) + "]";
      if (writable) checkWritable(b, name); else checkDirect(b, name);
      bounds[2 * i] = b.position();
      bounds[2 * i + 1] = b.limit();
    }
    return bounds;
  }

  /** Moves the positions forward over {@code n} bytes transferred, buffer by buffer. */
  private static void advance(ByteBuffer[] buffers, int offset, int count, int[] bounds, long n) {
    for (int i = 0; i < count && n > 0; i++) {
      int room = bounds[2 * i + 1] - bounds[2 * i];
      int step = (int) Math.min(room, n);
      buffers[offset + i].position(bounds[2 * i] + step);
      n -= step;
    }
  }

  private static byte[] bytes(String s, String name) {
    Objects.requireNonNull(s, name);
    if (s.indexOf('\0') >= 0) throw new IllegalArgumentException(name + " holds a NUL character: " + s.replace('\0', '?'));
    return s.getBytes(FS_CHARSET);
  }

  private static byte[][] strings(String[] values, String name) {
    byte[][] result = new byte[values.length][];
    for (int i = 0; i < values.length; i++) result[i] = bytes(values[i], name + "[" + i + "]");
    return result;
  }

  /** An address in the layout shared with g4j_posix.c (see there). */
  static byte[] encode(SocketAddress address) {
    Objects.requireNonNull(address, "address");
    Native.ensureAvailable();
    int family;
    int port = 0;
    int scope = 0;
    byte[] raw;
    if (address instanceof InetSocketAddress inet) {
      InetAddress ia = inet.getAddress();
      if (ia == null) throw new IllegalArgumentException("unresolved address " + inet + ": resolve it first");
      raw = ia.getAddress();
      port = inet.getPort();
      if (ia instanceof Inet6Address v6) {
        family = AF_INET6;
        scope = v6.getScopeId();
      } else {
        family = AF_INET;
      }
    } else if (address instanceof UnixDomainSocketAddress unix) {
      family = AF_UNIX;
      raw = unix.getPath().toString().getBytes(FS_CHARSET);
      if (raw.length >= Constants.SIZEOF_SUN_PATH) {
        throw new IllegalArgumentException("unix socket path too long (" + raw.length + " bytes, at most "
            + (Constants.SIZEOF_SUN_PATH - 1) + "): " + unix.getPath());
      }
    } else {
      throw new IllegalArgumentException("unsupported address type " + address.getClass().getName()
          + ": an InetSocketAddress or a UnixDomainSocketAddress");
    }
    byte[] out = new byte[ADDR_HEADER + raw.length];
    put16(out, ADDR_FAMILY, family);
    put16(out, ADDR_PORT, port);
    put32(out, ADDR_SCOPE, scope);
    put16(out, ADDR_LENGTH, raw.length);
    System.arraycopy(raw, 0, out, ADDR_HEADER, raw.length);
    return out;
  }

  /** The address C wrote in the shared layout, or null for family 0 (no address). */
  static SocketAddress decode(byte[] a) {
    int family = get16(a, ADDR_FAMILY);
    int port = get16(a, ADDR_PORT);
    int scope = get32(a, ADDR_SCOPE);
    int length = get16(a, ADDR_LENGTH);
    byte[] raw = Arrays.copyOfRange(a, ADDR_HEADER, ADDR_HEADER + length);
    try {
      if (family == 0) return null;
      if (family == AF_INET) return new InetSocketAddress(InetAddress.getByAddress(raw), port);
      if (family == AF_INET6) {
        // Kept an Inet6Address even when IPv4-mapped, so it can be passed back to the same socket.
        return new InetSocketAddress(Inet6Address.getByAddress(null, raw, scope == 0 ? -1 : scope), port);
      }
    } catch (UnknownHostException e) {
      throw new IllegalStateException("bad address from g4j_posix.c", e);
    }
    if (family == AF_UNIX) {
      if (length > 0 && raw[0] == 0) {
        return UnixDomainSocketAddress.of("@" + new String(raw, 1, length - 1, FS_CHARSET));
      }
      return UnixDomainSocketAddress.of(new String(raw, FS_CHARSET));
    }
    throw new IllegalStateException("address family " + family + " from g4j_posix.c");
  }

  private static void put16(byte[] a, int at, int v) {
    a[at] = (byte) (v >>> 8);
    a[at + 1] = (byte) v;
  }

  private static void put32(byte[] a, int at, int v) {
    put16(a, at, v >>> 16);
    put16(a, at + 2, v);
  }

  private static int get16(byte[] a, int at) {
    return (a[at] & 0xff) << 8 | (a[at + 1] & 0xff);
  }

  private static int get32(byte[] a, int at) {
    return get16(a, at) << 16 | get16(a, at + 2);
  }

  // ---- natives ------------------------------------------------------------------------

  /**
   * The natives of {@code g4j_posix.c}, a holder without static state: counts, descriptors or
   * pids >= 0, else -errno.
   */
  static final class Natives {
    private Natives() {}

    static native int socket0(int domain, int type, int protocol);

    static native int socketpair0(int domain, int type, int protocol, int[] fds);

    static native int pipe20(int flags, int[] fds);

    static native int close0(int fd);

    static native int bind0(int fd, byte[] address);

    static native int listen0(int fd, int backlog);

    static native int connect0(int fd, byte[] address);

    static native int accept0(int fd, int flags, byte[] peer);

    static native int shutdown0(int fd, int how);

    static native int getsockname0(int fd, byte[] address);

    static native int getpeername0(int fd, byte[] address);

    /** The value as an unsigned 32-bit number, or -errno. */
    static native long getsockopt0(int fd, int level, int option);

    static native int setsockopt0(int fd, int level, int option, int value);

    static native int setNonBlocking0(int fd, boolean nonBlocking);

    static native int isNonBlocking0(int fd);

    static native int read0(int fd, ByteBuffer dst, int position, int limit);

    static native int write0(int fd, ByteBuffer src, int position, int limit);

    static native int readBytes0(int fd, byte[] b, int off, int len);

    static native int writeBytes0(int fd, byte[] b, int off, int len);

    static native long readv0(int fd, ByteBuffer[] dsts, int offset, int count, int[] bounds);

    static native long writev0(int fd, ByteBuffer[] srcs, int offset, int count, int[] bounds);

    /** sendto with MSG_NOSIGNAL added; a null address is send. */
    static native int sendto0(int fd, ByteBuffer src, int position, int limit, int flags, byte[] address);

    /** recvfrom; the sender is written to {@code from} when it is not null. */
    static native int recvfrom0(int fd, ByteBuffer dst, int position, int limit, int flags, byte[] from);

    static native int spawn0(byte[] program, byte[][] argv, byte[][] envp, int[] actions, byte[][] paths, int flags,
        int processGroup);

    /** 0 with {pid, raw status} in {@code result} ({0, 0} when WNOHANG found nothing), or -errno. */
    static native int waitpid0(int pid, int options, int[] result);

    static native int kill0(int pid, int signal);
  }
}
