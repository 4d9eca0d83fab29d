package io.gevent4j.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * POSIX calls on raw file descriptors (the {@code os} functions gevent's sockets, servers and
 * subprocesses are built on), and the platform's constants they and their siblings take:
 * {@link PosixSockets} for sockets, {@link PosixProcesses} for child processes. Peer of
 * {@code g4j_posix.c}.
 *
 * <p><b>Descriptors</b> are plain {@code int}s that the caller owns and must {@link #close}.
 * Every descriptor made by these classes is close-on-exec ({@code SOCK_CLOEXEC},
 * {@code O_CLOEXEC}), so a spawned child gets only what its
 * {@link PosixProcesses.SpawnOptions} hand it.
 *
 * <p><b>Would block.</b> The I/O calls ({@link #read}, {@link #write}, {@link #readv},
 * {@link #writev}, and {@link PosixSockets}' {@code send}, {@code recv}, {@code sendto},
 * {@code recvfrom}, {@code accept}, {@code connect}) return {@link #WOULD_BLOCK}, a negative
 * value, when a non-blocking descriptor is not ready ({@code EAGAIN}/{@code EWOULDBLOCK}), and
 * {@link PosixSockets#connect} returns {@link #IN_PROGRESS} for a connection under way
 * ({@code EINPROGRESS}): no exception is built on these paths. Every other failure throws,
 * a {@link NativeIoException} naming the call and the errno, or the
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
 * <p><b>Writes</b> to a socket carry {@code MSG_NOSIGNAL}: writing to a socket whose peer is
 * gone fails with {@code EPIPE}, never with SIGPIPE ({@link #write} and {@link #writev} go
 * through {@code send}/{@code sendmsg} on sockets for this).
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
  /** Or'ed into a socket type (or passed to {@link PosixSockets#accept}): the descriptor starts non-blocking. */
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
  /** {@link PosixSockets#shutdown}: no more receives. */
  public static final int SHUT_RD = Constants.SHUT_RD;
  /** {@link PosixSockets#shutdown}: no more sends (the peer reads end of file). */
  public static final int SHUT_WR = Constants.SHUT_WR;
  /** {@link PosixSockets#shutdown}: both. */
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
  /** {@link PosixProcesses#waitpid} option: return null at once when the child has not changed state. */
  public static final int WNOHANG = Constants.WNOHANG;
  /** {@link PosixProcesses#waitpid} option: also report stopped children. */
  public static final int WUNTRACED = Constants.WUNTRACED;

  /** What the I/O calls return instead of throwing when a non-blocking descriptor is not ready ({@code -EAGAIN}). */
  public static final int WOULD_BLOCK = -Constants.EAGAIN;
  /** What {@link PosixSockets#connect} returns for a non-blocking connection under way ({@code -EINPROGRESS}). */
  public static final int IN_PROGRESS = -Constants.EINPROGRESS;
  /** The most bytes one {@code byte[]} read or write transfers (the C side's copy buffer, 64 KiB). */
  public static final int MAX_ARRAY_TRANSFER = Constants.ARRAY_IO_MAX;

  /** Paths, arguments and environment are encoded as the JDK encodes them for the OS. */
  static final Charset FS_CHARSET = fsCharset();

  private static Charset fsCharset() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (RuntimeException e) {
      return StandardCharsets.UTF_8;
    }
  }

  // ---- descriptors ------------------------------------------------------------------------

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
   * @param fd the descriptor to close
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
   * Sets or clears {@code O_NONBLOCK}: {@code fcntl(2)} {@code F_GETFL}/{@code F_SETFL}.
   *
   * @param fd an open descriptor
   * @param nonBlocking true to set {@code O_NONBLOCK}, false to clear it
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open
   */
  public static void setNonBlocking(int fd, boolean nonBlocking) throws IOException {
    Native.ensureAvailable();
    Errors.check(Natives.setNonBlocking0(fd, nonBlocking), "fcntl", fd);
  }

  /**
   * Whether {@code O_NONBLOCK} is set: {@code fcntl(2)} {@code F_GETFL}.
   *
   * @param fd an open descriptor
   * @return true when {@code O_NONBLOCK} is set
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
   * @param fd the descriptor to read from
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
   * @param fd the descriptor to write to
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
   * @param fd the descriptor to read from
   * @param b the array to fill
   * @param off where in {@code b} the bytes go
   * @param len the most bytes to read
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
   * @param fd the descriptor to write to
   * @param b the bytes
   * @param off where in {@code b} they start
   * @param len how many to write
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
   * @param fd the descriptor to read from
   * @param dsts direct, writable buffers
   * @param offset the first buffer to use
   * @param length how many buffers to use
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

  /**
   * Scatter read into all of {@code dsts}: {@link #readv(int, ByteBuffer[], int, int)}.
   *
   * @param fd the descriptor to read from
   * @param dsts direct, writable buffers
   * @return the count read, 0 at end of file, or {@link #WOULD_BLOCK}
   * @throws IOException as {@link #readv(int, ByteBuffer[], int, int)}
   */
  public static long readv(int fd, ByteBuffer... dsts) throws IOException {
    return readv(fd, dsts, 0, Objects.requireNonNull(dsts, "dsts").length);
  }

  /**
   * Gather write of {@code srcs[offset .. offset+length)}: {@code writev(2)}
   * ({@code sendmsg(2)} with {@code MSG_NOSIGNAL} on a socket). At most {@code IOV_MAX}
   * buffers are used per call; positions advance over the buffers in order.
   *
   * @param fd the descriptor to write to
   * @param srcs direct buffers
   * @param offset the first buffer to use
   * @param length how many buffers to use
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

  /**
   * Gather write of all of {@code srcs}: {@link #writev(int, ByteBuffer[], int, int)}.
   *
   * @param fd the descriptor to write to
   * @param srcs direct buffers
   * @return the count written, or {@link #WOULD_BLOCK}
   * @throws IOException as {@link #writev(int, ByteBuffer[], int, int)}
   */
  public static long writev(int fd, ByteBuffer... srcs) throws IOException {
    return writev(fd, srcs, 0, Objects.requireNonNull(srcs, "srcs").length);
  }

  // ---- helpers ----------------------------------------------------------------------------

  static void checkDirect(ByteBuffer buffer, String name) {
    Objects.requireNonNull(buffer, name);
    if (!buffer.isDirect()) {
      throw new IllegalArgumentException(name + " must be a direct ByteBuffer (ByteBuffer.allocateDirect), not a heap buffer");
    }
    Native.ensureAvailable();
  }

  static void checkWritable(ByteBuffer buffer, String name) {
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

  // ---- natives ------------------------------------------------------------------------

  /**
   * The natives of {@code g4j_posix.c}, a holder without static state: counts or descriptors
   * >= 0, else -errno.
   */
  static final class Natives {
    private Natives() {}

    static native int pipe20(int flags, int[] fds);

    static native int close0(int fd);

    static native int setNonBlocking0(int fd, boolean nonBlocking);

    static native int isNonBlocking0(int fd);

    static native int read0(int fd, ByteBuffer dst, int position, int limit);

    static native int write0(int fd, ByteBuffer src, int position, int limit);

    static native int readBytes0(int fd, byte[] b, int off, int len);

    static native int writeBytes0(int fd, byte[] b, int off, int len);

    static native long readv0(int fd, ByteBuffer[] dsts, int offset, int count, int[] bounds);

    static native long writev0(int fd, ByteBuffer[] srcs, int offset, int count, int[] bounds);
  }
}
