package io.gevent4j.loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * POSIX socket calls on raw descriptors (the {@code _socket} functions gevent's sockets and
 * servers are built on); peer of {@code g4j_posix_sockets.c}. Their constants ({@code AF_*},
 * {@code SOCK_*}, {@code SO_*}, ...) are {@link Posix}'s; so are the calls that work on any
 * descriptor ({@link Posix#close}, {@link Posix#read}, {@link Posix#write}, ...).
 *
 * <p>As for {@link Posix}: descriptors are the caller's to {@link Posix#close}, and made
 * close-on-exec; the I/O calls ({@link #send}, {@link #recv}, {@link #sendto},
 * {@link #recvfrom}, {@link #accept}, {@link #connect}) return {@link Posix#WOULD_BLOCK} when a
 * non-blocking socket is not ready, {@link #connect} returns {@link Posix#IN_PROGRESS} for a
 * connection under way, and every other failure throws as Posix describes; calls on
 * {@link ByteBuffer}s take direct buffers.
 *
 * <p><b>Sends</b> carry {@code MSG_NOSIGNAL}: sending to a socket whose peer is gone fails
 * with {@code EPIPE}, never with SIGPIPE.
 *
 * <p><b>Addresses</b> are {@link InetSocketAddress}es (resolved; IPv4, or IPv6 with its scope
 * id) and {@link UnixDomainSocketAddress}es. An unnamed unix socket's address is the empty
 * path; an abstract unix address (Linux) is reported as its name with a leading {@code '@'},
 * for display: abstract addresses cannot be passed in. An IPv6 socket needs IPv6 addresses
 * (an IPv4 peer of a dual-stack socket is its IPv4-mapped address, {@code ::ffff:a.b.c.d}).
 *
 * <p>Every method may be called from any thread; none touches an event loop. The calls
 * block the calling thread (not cooperatively) when the socket is blocking.
 */
public final class PosixSockets {
  private PosixSockets() {}

  // ---- sockets ----------------------------------------------------------------------------

  /**
   * Creates a socket: {@code socket(2)}, always with {@code SOCK_CLOEXEC}.
   *
   * @param domain {@link Posix#AF_INET}, {@link Posix#AF_INET6} or {@link Posix#AF_UNIX}
   * @param type {@link Posix#SOCK_STREAM}, {@link Posix#SOCK_DGRAM} or {@link Posix#SOCK_SEQPACKET}, possibly
   *     or'ed with {@link Posix#SOCK_NONBLOCK}
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
   * @param domain {@link Posix#AF_UNIX}
   * @param type as for {@link #socket}
   * @param protocol 0 for the domain's default
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
   * Binds a socket to a local address: {@code bind(2)}.
   *
   * @param fd the socket
   * @param local the address to bind to: an {@link InetSocketAddress} or a {@link
   *     UnixDomainSocketAddress}
   * @throws java.net.BindException when the address is in use ({@code EADDRINUSE})
   * @throws IllegalArgumentException for an unresolved or unsupported address, or a unix
   *     path too long
   * @throws NativeIoException for other failures (e.g. {@code EADDRNOTAVAIL}, {@code EACCES})
   */
  public static void bind(int fd, SocketAddress local) throws IOException {
    byte[] address = SocketAddressCodec.encode(local);
    Native.ensureAvailable();
    Errors.check(Natives.bind0(fd, address), "bind", fd);
  }

  /**
   * Marks a socket as accepting connections: {@code listen(2)}.
   *
   * @param fd a bound socket
   * @param backlog the queue of connections not yet accepted (the kernel caps it)
   * @throws NativeIoException when the kernel refuses
   */
  public static void listen(int fd, int backlog) throws IOException {
    Native.ensureAvailable();
    Errors.check(Natives.listen0(fd, backlog), "listen", fd);
  }

  /**
   * Connects a socket: {@code connect(2)}. On a non-blocking socket, wait until the
   * descriptor is writable after {@link Posix#IN_PROGRESS}, then call {@link #finishConnect}.
   *
   * @param fd the socket
   * @param remote the address to connect to: an {@link InetSocketAddress} or a {@link
   *     UnixDomainSocketAddress}
   * @return 0 when connected; {@link Posix#IN_PROGRESS} when a non-blocking connection is under
   *     way; {@link Posix#WOULD_BLOCK} when a non-blocking unix socket's peer has a full backlog
   * @throws java.net.ConnectException when refused ({@code ECONNREFUSED})
   * @throws java.net.NoRouteToHostException when unreachable
   * @throws IllegalArgumentException for an unresolved or unsupported address
   * @throws NativeIoException for other failures
   */
  public static int connect(int fd, SocketAddress remote) throws IOException {
    byte[] address = SocketAddressCodec.encode(remote);
    Native.ensureAvailable();
    int rc = Natives.connect0(fd, address);
    if (rc == Posix.IN_PROGRESS || rc == Posix.WOULD_BLOCK) return rc;
    return Errors.check(rc, "connect", fd);
  }

  /**
   * Completes a non-blocking {@link #connect} once the descriptor became writable: reads
   * and clears {@code Posix.SO_ERROR} ({@code getsockopt(2)}) and throws what it holds.
   *
   * @param fd the socket whose connection is under way
   * @throws java.net.ConnectException when the connection was refused
   * @throws NativeIoException with the call name {@code "connect"} for other failures
   */
  public static void finishConnect(int fd) throws IOException {
    int error = getsockopt(fd, Posix.SOL_SOCKET, Posix.SO_ERROR);
    if (error != 0) throw Errors.newIoException(-error, "connect", fd);
  }

  /**
   * Accepts a connection: {@code accept4(2)} with {@code SOCK_CLOEXEC}. A connection reset
   * before it was accepted ({@code ECONNABORTED}) is skipped for the next one.
   *
   * @param fd a listening socket
   * @param flags 0, or {@link Posix#SOCK_NONBLOCK} for a non-blocking new descriptor
   * @return the new descriptor, or {@link Posix#WOULD_BLOCK} when a non-blocking listener has none
   * @throws NativeIoException when the kernel refuses (e.g. {@code EMFILE}, {@code EINVAL}
   *     when not listening)
   */
  public static int accept(int fd, int flags) throws IOException {
    Native.ensureAvailable();
    int rc = Natives.accept0(fd, flags, null);
    return rc == Posix.WOULD_BLOCK ? rc : Errors.check(rc, "accept", fd);
  }

  /**
   * Accepts a connection, as {@link #accept(int, int)}, and stores the peer's address in
   * {@code peer[0]} when one was accepted.
   *
   * @param fd a listening socket
   * @param flags as for {@link #accept(int, int)}
   * @param peer an array of at least one element
   * @return the new descriptor, or {@link Posix#WOULD_BLOCK}
   * @throws IllegalArgumentException when {@code peer} is empty
   * @throws IOException as {@link #accept(int, int)}
   */
  public static int accept(int fd, int flags, SocketAddress[] peer) throws IOException {
    Objects.requireNonNull(peer, "peer");
    if (peer.length == 0) throw new IllegalArgumentException("peer must have room for one address");
    Native.ensureAvailable();
    byte[] address = new byte[SocketAddressCodec.BYTES];
    int rc = Natives.accept0(fd, flags, address);
    if (rc == Posix.WOULD_BLOCK) return rc;
    Errors.check(rc, "accept", fd);
    peer[0] = SocketAddressCodec.decode(address);
    return rc;
  }

  /**
   * Shuts down part of a full-duplex connection: {@code shutdown(2)}.
   *
   * @param fd a connected socket
   * @param how {@link Posix#SHUT_RD}, {@link Posix#SHUT_WR} or {@link Posix#SHUT_RDWR}
   * @throws NativeIoException e.g. {@code ENOTCONN}
   */
  public static void shutdown(int fd, int how) throws IOException {
    Native.ensureAvailable();
    Errors.check(Natives.shutdown0(fd, how), "shutdown", fd);
  }

  /**
   * The socket's local address: {@code getsockname(2)}.
   *
   * @param fd the socket
   * @return an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}
   * @throws NativeIoException e.g. {@code ENOTSOCK}
   */
  public static SocketAddress getsockname(int fd) throws IOException {
    Native.ensureAvailable();
    byte[] address = new byte[SocketAddressCodec.BYTES];
    Errors.check(Natives.getsockname0(fd, address), "getsockname", fd);
    return SocketAddressCodec.decode(address);
  }

  /**
   * The connected peer's address: {@code getpeername(2)}.
   *
   * @param fd a connected socket
   * @return an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}
   * @throws NativeIoException e.g. {@code ENOTCONN}
   */
  public static SocketAddress getpeername(int fd) throws IOException {
    Native.ensureAvailable();
    byte[] address = new byte[SocketAddressCodec.BYTES];
    Errors.check(Natives.getpeername0(fd, address), "getpeername", fd);
    return SocketAddressCodec.decode(address);
  }

  /**
   * An int-valued socket option: {@code getsockopt(2)}. {@link Posix#SO_LINGER} reads as its
   * seconds when on, -1 when off.
   *
   * @param fd the socket
   * @param level e.g. {@link Posix#SOL_SOCKET}, {@link Posix#IPPROTO_TCP}
   * @param option e.g. {@link Posix#SO_RCVBUF}, {@link Posix#TCP_NODELAY}
   * @return the option's value
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
   * {@link Posix#SO_LINGER} takes seconds, or a negative value for off.
   *
   * @param fd the socket
   * @param level e.g. {@link Posix#SOL_SOCKET}, {@link Posix#IPPROTO_TCP}
   * @param option e.g. {@link Posix#SO_RCVBUF}, {@link Posix#TCP_NODELAY}
   * @param value the option's new value
   * @throws NativeIoException e.g. {@code ENOPROTOOPT}, {@code EINVAL}
   */
  public static void setsockopt(int fd, int level, int option, int value) throws IOException {
    Native.ensureAvailable();
    Errors.check(Natives.setsockopt0(fd, level, option, value), "setsockopt", fd);
  }

  // ---- sends and receives -----------------------------------------------------------------

  /**
   * Sends on a connected socket: {@code send(2)}, with {@code MSG_NOSIGNAL} added.
   *
   * @param fd a connected socket
   * @param src a direct buffer; its position advances by the count sent
   * @param flags e.g. {@link Posix#MSG_DONTWAIT}, or 0
   * @return the count sent, or {@link Posix#WOULD_BLOCK}
   * @throws IllegalArgumentException when {@code src} is not direct
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open
   * @throws NativeIoException e.g. {@code EPIPE}, {@code ENOTSOCK}
   */
  public static int send(int fd, ByteBuffer src, int flags) throws IOException {
    Posix.checkDirect(src, "src");
    int pos = src.position();
    int rc = Natives.sendto0(fd, src, pos, src.limit(), flags, null);
    if (rc > 0) {
      src.position(pos + rc);
      return rc;
    }
    return rc == Posix.WOULD_BLOCK ? rc : Errors.check(rc, "send", fd);
  }

  /**
   * Receives on a connected socket: {@code recv(2)}.
   *
   * @param fd a connected socket
   * @param dst a direct, writable buffer; its position advances by the count received
   * @param flags e.g. {@link Posix#MSG_PEEK}, {@link Posix#MSG_DONTWAIT}, or 0
   * @return the count received (0 at end of stream, or an empty datagram), or {@link Posix#WOULD_BLOCK}
   * @throws IllegalArgumentException when {@code dst} is not direct
   * @throws java.nio.ReadOnlyBufferException when {@code dst} is read-only
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open
   * @throws NativeIoException for other failures
   */
  public static int recv(int fd, ByteBuffer dst, int flags) throws IOException {
    Posix.checkWritable(dst, "dst");
    int pos = dst.position();
    int rc = Natives.recvfrom0(fd, dst, pos, dst.limit(), flags, null);
    if (rc > 0) {
      dst.position(pos + rc);
      return rc;
    }
    return rc == Posix.WOULD_BLOCK ? rc : Errors.check(rc, "recv", fd);
  }

  /**
   * Sends a datagram to {@code target}: {@code sendto(2)}, with {@code MSG_NOSIGNAL} added.
   *
   * @param fd the socket
   * @param src a direct buffer holding the datagram; its position advances by the count sent
   * @param flags e.g. {@link Posix#MSG_DONTWAIT}, or 0
   * @param target the address to send to
   * @return the count sent, or {@link Posix#WOULD_BLOCK}
   * @throws IllegalArgumentException when {@code src} is not direct, or for an unresolved or
   *     unsupported address
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open
   * @throws NativeIoException e.g. {@code EMSGSIZE}
   */
  public static int sendto(int fd, ByteBuffer src, int flags, SocketAddress target) throws IOException {
    Posix.checkDirect(src, "src");
    byte[] address = SocketAddressCodec.encode(target);
    int pos = src.position();
    int rc = Natives.sendto0(fd, src, pos, src.limit(), flags, address);
    if (rc > 0) {
      src.position(pos + rc);
      return rc;
    }
    return rc == Posix.WOULD_BLOCK ? rc : Errors.check(rc, "sendto", fd);
  }

  /**
   * Receives a datagram and its sender: {@code recvfrom(2)}. The sender goes to
   * {@code sender[0]} (null when the socket reports none, as a stream socket does).
   *
   * @param fd the socket
   * @param dst a direct, writable buffer; its position advances by the count received
   * @param flags e.g. {@link Posix#MSG_PEEK}, {@link Posix#MSG_DONTWAIT}, or 0
   * @param sender an array of at least one element
   * @return the count received (a datagram longer than the room is truncated), or
   *     {@link Posix#WOULD_BLOCK}
   * @throws IllegalArgumentException when {@code dst} is not direct or {@code sender} is empty
   * @throws java.nio.ReadOnlyBufferException when {@code dst} is read-only
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open
   * @throws NativeIoException for other failures
   */
  public static int recvfrom(int fd, ByteBuffer dst, int flags, SocketAddress[] sender) throws IOException {
    Posix.checkWritable(dst, "dst");
    Objects.requireNonNull(sender, "sender");
    if (sender.length == 0) throw new IllegalArgumentException("sender must have room for one address");
    byte[] address = new byte[SocketAddressCodec.BYTES];
    int pos = dst.position();
    int rc = Natives.recvfrom0(fd, dst, pos, dst.limit(), flags, address);
    if (rc == Posix.WOULD_BLOCK) return rc;
    Errors.check(rc, "recvfrom", fd);
    dst.position(pos + rc);
    sender[0] = SocketAddressCodec.decode(address);
    return rc;
  }

  // ---- natives ------------------------------------------------------------------------

  /**
   * The natives of {@code g4j_posix_sockets.c}, a holder without static state: counts or
   * descriptors >= 0, else -errno.
   */
  static final class Natives {
    private Natives() {}

    static native int socket0(int domain, int type, int protocol);

    static native int socketpair0(int domain, int type, int protocol, int[] fds);

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

    /** sendto with MSG_NOSIGNAL added; a null address is send. */
    static native int sendto0(int fd, ByteBuffer src, int position, int limit, int flags, byte[] address);

    /** recvfrom; the sender is written to {@code from} when it is not null. */
    static native int recvfrom0(int fd, ByteBuffer dst, int position, int limit, int flags, byte[] from);
  }
}
