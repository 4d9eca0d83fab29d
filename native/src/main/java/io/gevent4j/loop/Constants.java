package io.gevent4j.loop;

/**
 * Constants of the platform (event bits, errno values, socket options, signals), read from C
 * in one call into an {@code int[]} and consumed in the order {@code g4j_native.c} lists
 * them. Keep both in step: append at the end of both.
 *
 * <p>A class of its own, not part of {@link Native}: {@code JNI_OnLoad} initializes the
 * classes whose natives it registers while {@link Native} is still initializing, and those
 * classes may read constants; this class is initialized on first read, with the
 * {@code constants} native already registered. When the library is not available every
 * constant is 0 (the entry points call {@link Native#ensureAvailable()} first).
 */
final class Constants {
  private Constants() {}

  static final int EV_READ, EV_WRITE, EV_TIMER, EV_SIGNAL, EV_CHILD, EV_STAT, EV_IDLE, EV_PREPARE,
      EV_CHECK, EV_ASYNC, EV_FORK, EV_ERROR;
  static final int KIND_IO, KIND_TIMER, KIND_SIGNAL, KIND_ASYNC, KIND_CHILD, KIND_IDLE, KIND_PREPARE,
      KIND_CHECK, KIND_STAT, KIND_FORK;
  static final int RUN_DEFAULT, RUN_NOWAIT, RUN_ONCE;
  static final int EAGAIN, EINTR, EBADF, EINVAL, ENOTSUP, EBUSY, ECHILD, ESRCH, ENOMEM, ECONNREFUSED,
      ECONNRESET, EPIPE, EINPROGRESS, ETIMEDOUT, EADDRINUSE, ENOTCONN, EISCONN, EALREADY, ENOENT, EACCES,
      EHOSTUNREACH, ENETUNREACH, EMFILE;
  static final int AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_CLOEXEC,
      SOL_SOCKET, SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_SNDBUF, SO_RCVBUF, SO_ERROR, SO_BROADCAST,
      IPPROTO_TCP, TCP_NODELAY, IPPROTO_IPV6, IPV6_V6ONLY, SO_LINGER, SHUT_RD, SHUT_WR, SHUT_RDWR,
      MSG_DONTWAIT, MSG_PEEK, MSG_NOSIGNAL, O_NONBLOCK, O_CLOEXEC, O_RDONLY, O_WRONLY, O_RDWR, O_CREAT,
      O_TRUNC, O_APPEND;
  static final int SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGABRT, SIGFPE, SIGKILL, SIGSEGV, SIGPIPE, SIGALRM,
      SIGTERM, SIGUSR1, SIGUSR2, SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP, SIGBUS, SIGWINCH, SIGXFSZ, NSIG;
  static final int SIZEOF_SOCKADDR_UN, SIZEOF_SUN_PATH, WATCHER_KINDS;
  static final int EPERM;
  static final int WNOHANG, WUNTRACED, IOV_MAX;
  static final int SOCK_SEQPACKET, SO_TYPE, SO_DOMAIN, SO_ACCEPTCONN, IPPROTO_IP, IPPROTO_UDP;
  static final int TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, ARRAY_IO_MAX;

  private static final int READ;
  private static final int AVAILABLE;

  static {
    int[] values;
    try {
      values = Native.constants();
    } catch (UnsatisfiedLinkError e) {
      values = null;
    }
    int[] cursor = {0};
    int[] source = values;
    java.util.function.IntSupplier next = () -> source == null || cursor[0] >= source.length ? 0 : source[cursor[0]++];
    EV_READ = next.getAsInt(); EV_WRITE = next.getAsInt(); EV_TIMER = next.getAsInt();
    EV_SIGNAL = next.getAsInt(); EV_CHILD = next.getAsInt(); EV_STAT = next.getAsInt();
    EV_IDLE = next.getAsInt(); EV_PREPARE = next.getAsInt(); EV_CHECK = next.getAsInt();
    EV_ASYNC = next.getAsInt(); EV_FORK = next.getAsInt(); EV_ERROR = next.getAsInt();
    KIND_IO = next.getAsInt(); KIND_TIMER = next.getAsInt(); KIND_SIGNAL = next.getAsInt();
    KIND_ASYNC = next.getAsInt(); KIND_CHILD = next.getAsInt(); KIND_IDLE = next.getAsInt();
    KIND_PREPARE = next.getAsInt(); KIND_CHECK = next.getAsInt(); KIND_STAT = next.getAsInt();
    KIND_FORK = next.getAsInt();
    RUN_DEFAULT = next.getAsInt(); RUN_NOWAIT = next.getAsInt(); RUN_ONCE = next.getAsInt();
    EAGAIN = next.getAsInt(); EINTR = next.getAsInt(); EBADF = next.getAsInt(); EINVAL = next.getAsInt();
    ENOTSUP = next.getAsInt(); EBUSY = next.getAsInt(); ECHILD = next.getAsInt(); ESRCH = next.getAsInt();
    ENOMEM = next.getAsInt(); ECONNREFUSED = next.getAsInt(); ECONNRESET = next.getAsInt();
    EPIPE = next.getAsInt(); EINPROGRESS = next.getAsInt(); ETIMEDOUT = next.getAsInt();
    EADDRINUSE = next.getAsInt(); ENOTCONN = next.getAsInt(); EISCONN = next.getAsInt();
    EALREADY = next.getAsInt(); ENOENT = next.getAsInt(); EACCES = next.getAsInt();
    EHOSTUNREACH = next.getAsInt(); ENETUNREACH = next.getAsInt(); EMFILE = next.getAsInt();
    AF_INET = next.getAsInt(); AF_INET6 = next.getAsInt(); AF_UNIX = next.getAsInt();
    SOCK_STREAM = next.getAsInt(); SOCK_DGRAM = next.getAsInt(); SOCK_NONBLOCK = next.getAsInt();
    SOCK_CLOEXEC = next.getAsInt(); SOL_SOCKET = next.getAsInt(); SO_REUSEADDR = next.getAsInt();
    SO_REUSEPORT = next.getAsInt(); SO_KEEPALIVE = next.getAsInt(); SO_SNDBUF = next.getAsInt();
    SO_RCVBUF = next.getAsInt(); SO_ERROR = next.getAsInt(); SO_BROADCAST = next.getAsInt();
    IPPROTO_TCP = next.getAsInt(); TCP_NODELAY = next.getAsInt(); IPPROTO_IPV6 = next.getAsInt();
    IPV6_V6ONLY = next.getAsInt(); SO_LINGER = next.getAsInt(); SHUT_RD = next.getAsInt();
    SHUT_WR = next.getAsInt(); SHUT_RDWR = next.getAsInt(); MSG_DONTWAIT = next.getAsInt();
    MSG_PEEK = next.getAsInt(); MSG_NOSIGNAL = next.getAsInt(); O_NONBLOCK = next.getAsInt();
    O_CLOEXEC = next.getAsInt(); O_RDONLY = next.getAsInt(); O_WRONLY = next.getAsInt();
    O_RDWR = next.getAsInt(); O_CREAT = next.getAsInt(); O_TRUNC = next.getAsInt(); O_APPEND = next.getAsInt();
    SIGHUP = next.getAsInt(); SIGINT = next.getAsInt(); SIGQUIT = next.getAsInt(); SIGILL = next.getAsInt();
    SIGABRT = next.getAsInt(); SIGFPE = next.getAsInt(); SIGKILL = next.getAsInt(); SIGSEGV = next.getAsInt();
    SIGPIPE = next.getAsInt(); SIGALRM = next.getAsInt(); SIGTERM = next.getAsInt(); SIGUSR1 = next.getAsInt();
    SIGUSR2 = next.getAsInt(); SIGCHLD = next.getAsInt(); SIGCONT = next.getAsInt(); SIGSTOP = next.getAsInt();
    SIGTSTP = next.getAsInt(); SIGBUS = next.getAsInt(); SIGWINCH = next.getAsInt(); SIGXFSZ = next.getAsInt();
    NSIG = next.getAsInt();
    SIZEOF_SOCKADDR_UN = next.getAsInt(); SIZEOF_SUN_PATH = next.getAsInt(); WATCHER_KINDS = next.getAsInt();
    EPERM = next.getAsInt();
    WNOHANG = next.getAsInt(); WUNTRACED = next.getAsInt(); IOV_MAX = next.getAsInt();
    SOCK_SEQPACKET = next.getAsInt(); SO_TYPE = next.getAsInt(); SO_DOMAIN = next.getAsInt();
    SO_ACCEPTCONN = next.getAsInt(); IPPROTO_IP = next.getAsInt(); IPPROTO_UDP = next.getAsInt();
    TCP_KEEPIDLE = next.getAsInt(); TCP_KEEPINTVL = next.getAsInt(); TCP_KEEPCNT = next.getAsInt();
    ARRAY_IO_MAX = next.getAsInt();
    READ = cursor[0];
    AVAILABLE = values == null ? -1 : values.length;
  }

  /** A library from another build than these classes: null when the constants line up. */
  static Throwable mismatch() {
    if (AVAILABLE < 0 || AVAILABLE == READ) return null;
    return new LinkageError("libgevent4j.so has " + AVAILABLE + " constants, Constants.java reads " + READ
        + ": the library and the jar are from different builds");
  }
}
