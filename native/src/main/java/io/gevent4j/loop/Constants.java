package io.gevent4j.loop;

/**
 * Constants of the platform and of the library (event bits, errno values, socket options,
 * signals, the layout of the records C and Java share), read from C by name: each field is
 * the constant of {@code g4j_constants.h} with the same name.
 *
 * <p>{@link Native} checks, when it loads the library, that the library's list holds exactly
 * the fields declared here, and refuses a library that lacks one or has one this class does
 * not know (naming them): the library and the jar are then from different builds. This
 * class reads the values afterwards, so it does not matter which class a program touches
 * first. When the library is not available every constant is 0: the entry points call
 * {@link Native#ensureAvailable()} first, which says why.
 *
 * <p>To add a constant: a line in {@code g4j_constants.h} and a field here, same name.
 */
final class Constants {
  private Constants() {}

  // event bits
  static final int EV_READ = get("EV_READ"), EV_WRITE = get("EV_WRITE"), EV_TIMER = get("EV_TIMER"),
      EV_SIGNAL = get("EV_SIGNAL"), EV_CHILD = get("EV_CHILD"), EV_STAT = get("EV_STAT"),
      EV_IDLE = get("EV_IDLE"), EV_PREPARE = get("EV_PREPARE"), EV_CHECK = get("EV_CHECK"),
      EV_ASYNC = get("EV_ASYNC"), EV_FORK = get("EV_FORK"), EV_ERROR = get("EV_ERROR");
  // watcher kinds
  static final int KIND_IO = get("KIND_IO"), KIND_TIMER = get("KIND_TIMER"),
      KIND_SIGNAL = get("KIND_SIGNAL"), KIND_ASYNC = get("KIND_ASYNC"), KIND_CHILD = get("KIND_CHILD"),
      KIND_IDLE = get("KIND_IDLE"), KIND_PREPARE = get("KIND_PREPARE"), KIND_CHECK = get("KIND_CHECK"),
      KIND_STAT = get("KIND_STAT"), KIND_FORK = get("KIND_FORK"), WATCHER_KINDS = get("WATCHER_KINDS");
  // run modes
  static final int RUN_DEFAULT = get("RUN_DEFAULT"), RUN_NOWAIT = get("RUN_NOWAIT"),
      RUN_ONCE = get("RUN_ONCE");
  // the event batch: g4j_event records
  static final int EVENT_SIZE = get("EVENT_SIZE"), EVENT_ID_OFFSET = get("EVENT_ID_OFFSET"),
      EVENT_REVENTS_OFFSET = get("EVENT_REVENTS_OFFSET");
  // errno values Java maps to JDK exceptions or messages
  static final int EAGAIN = get("EAGAIN"), EINTR = get("EINTR"), EBADF = get("EBADF"),
      EINVAL = get("EINVAL"), ENOTSUP = get("ENOTSUP"), EBUSY = get("EBUSY"), ECHILD = get("ECHILD"),
      ESRCH = get("ESRCH"), ENOMEM = get("ENOMEM"), ECONNREFUSED = get("ECONNREFUSED"),
      ECONNRESET = get("ECONNRESET"), EPIPE = get("EPIPE"), EINPROGRESS = get("EINPROGRESS"),
      ETIMEDOUT = get("ETIMEDOUT"), EADDRINUSE = get("EADDRINUSE"), ENOTCONN = get("ENOTCONN"),
      EISCONN = get("EISCONN"), EALREADY = get("EALREADY"), ENOENT = get("ENOENT"), EACCES = get("EACCES"),
      EHOSTUNREACH = get("EHOSTUNREACH"), ENETUNREACH = get("ENETUNREACH"), EMFILE = get("EMFILE"),
      EPERM = get("EPERM");
  // sockets
  static final int AF_INET = get("AF_INET"), AF_INET6 = get("AF_INET6"), AF_UNIX = get("AF_UNIX"),
      SOCK_STREAM = get("SOCK_STREAM"), SOCK_DGRAM = get("SOCK_DGRAM"),
      SOCK_SEQPACKET = get("SOCK_SEQPACKET"), SOCK_NONBLOCK = get("SOCK_NONBLOCK"),
      SOCK_CLOEXEC = get("SOCK_CLOEXEC"), SOL_SOCKET = get("SOL_SOCKET"), SO_REUSEADDR = get("SO_REUSEADDR"),
      SO_REUSEPORT = get("SO_REUSEPORT"), SO_KEEPALIVE = get("SO_KEEPALIVE"), SO_SNDBUF = get("SO_SNDBUF"),
      SO_RCVBUF = get("SO_RCVBUF"), SO_ERROR = get("SO_ERROR"), SO_BROADCAST = get("SO_BROADCAST"),
      SO_LINGER = get("SO_LINGER"), SO_TYPE = get("SO_TYPE"), SO_DOMAIN = get("SO_DOMAIN"),
      SO_ACCEPTCONN = get("SO_ACCEPTCONN"), IPPROTO_IP = get("IPPROTO_IP"),
      IPPROTO_IPV6 = get("IPPROTO_IPV6"), IPPROTO_TCP = get("IPPROTO_TCP"), IPPROTO_UDP = get("IPPROTO_UDP"),
      IPV6_V6ONLY = get("IPV6_V6ONLY"), TCP_NODELAY = get("TCP_NODELAY"), TCP_KEEPIDLE = get("TCP_KEEPIDLE"),
      TCP_KEEPINTVL = get("TCP_KEEPINTVL"), TCP_KEEPCNT = get("TCP_KEEPCNT"), SHUT_RD = get("SHUT_RD"),
      SHUT_WR = get("SHUT_WR"), SHUT_RDWR = get("SHUT_RDWR"), MSG_DONTWAIT = get("MSG_DONTWAIT"),
      MSG_PEEK = get("MSG_PEEK"), MSG_NOSIGNAL = get("MSG_NOSIGNAL"),
      SIZEOF_SOCKADDR_UN = get("SIZEOF_SOCKADDR_UN"), SIZEOF_SUN_PATH = get("SIZEOF_SUN_PATH");
  // the socket-address layout
  static final int ADDR_FAMILY_OFFSET = get("ADDR_FAMILY_OFFSET"),
      ADDR_PORT_OFFSET = get("ADDR_PORT_OFFSET"), ADDR_SCOPE_OFFSET = get("ADDR_SCOPE_OFFSET"),
      ADDR_LENGTH_OFFSET = get("ADDR_LENGTH_OFFSET"), ADDR_HEADER = get("ADDR_HEADER");
  // descriptors
  static final int O_NONBLOCK = get("O_NONBLOCK"), O_CLOEXEC = get("O_CLOEXEC"), O_RDONLY = get("O_RDONLY"),
      O_WRONLY = get("O_WRONLY"), O_RDWR = get("O_RDWR"), O_CREAT = get("O_CREAT"), O_TRUNC = get("O_TRUNC"),
      O_APPEND = get("O_APPEND"), IOV_MAX = get("IOV_MAX"), ARRAY_IO_MAX = get("ARRAY_IO_MAX");
  // processes: waitpid options, posix_spawn's file actions and flags
  static final int WNOHANG = get("WNOHANG"), WUNTRACED = get("WUNTRACED"), SPAWN_DUP2 = get("SPAWN_DUP2"),
      SPAWN_OPEN = get("SPAWN_OPEN"), SPAWN_CLOSE = get("SPAWN_CLOSE"), SPAWN_CHDIR = get("SPAWN_CHDIR"),
      SPAWN_CLOSEFROM = get("SPAWN_CLOSEFROM"), SPAWN_SETSID = get("SPAWN_SETSID"),
      SPAWN_SETPGROUP = get("SPAWN_SETPGROUP");
  // the c-ares channel's records and the statuses Java maps (read by loop.internal.Ares through LoopAccess)
  static final int ARES_RECORD_SIZE = get("ARES_RECORD_SIZE"), ARES_RECORD_KIND_OFFSET = get("ARES_RECORD_KIND_OFFSET"),
      ARES_RECORD_FD_OFFSET = get("ARES_RECORD_FD_OFFSET"), ARES_RECORD_EVENTS_OFFSET = get("ARES_RECORD_EVENTS_OFFSET"),
      ARES_RECORD_TOKEN_OFFSET = get("ARES_RECORD_TOKEN_OFFSET"),
      ARES_RECORD_STATUS_OFFSET = get("ARES_RECORD_STATUS_OFFSET"),
      ARES_RECORD_LENGTH_OFFSET = get("ARES_RECORD_LENGTH_OFFSET"), ARES_RECORD_SOCKET = get("ARES_RECORD_SOCKET"),
      ARES_RECORD_DONE = get("ARES_RECORD_DONE"), ARES_SUCCESS = get("ARES_SUCCESS"),
      ARES_ETIMEOUT = get("ARES_ETIMEOUT"), ARES_ECONNREFUSED = get("ARES_ECONNREFUSED"),
      ARES_EDESTRUCTION = get("ARES_EDESTRUCTION"), ARES_ECANCELLED = get("ARES_ECANCELLED"),
      ARES_ENOMEM = get("ARES_ENOMEM"), ARES_EBADQUERY = get("ARES_EBADQUERY"), ARES_EBADSTR = get("ARES_EBADSTR");
  // signals
  static final int SIGHUP = get("SIGHUP"), SIGINT = get("SIGINT"), SIGQUIT = get("SIGQUIT"),
      SIGILL = get("SIGILL"), SIGABRT = get("SIGABRT"), SIGFPE = get("SIGFPE"), SIGKILL = get("SIGKILL"),
      SIGSEGV = get("SIGSEGV"), SIGPIPE = get("SIGPIPE"), SIGALRM = get("SIGALRM"), SIGTERM = get("SIGTERM"),
      SIGUSR1 = get("SIGUSR1"), SIGUSR2 = get("SIGUSR2"), SIGCHLD = get("SIGCHLD"), SIGCONT = get("SIGCONT"),
      SIGSTOP = get("SIGSTOP"), SIGTSTP = get("SIGTSTP"), SIGBUS = get("SIGBUS"), SIGWINCH = get("SIGWINCH"),
      SIGXFSZ = get("SIGXFSZ"), NSIG = get("NSIG");

  private static int get(String name) {
    return Native.constant(name);
  }
}
