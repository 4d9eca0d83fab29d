package io.gevent4j.loop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The native library {@code libgevent4j.so}: whether it could be loaded, why not, and the
 * versions of the libev and libuv it runs with (for bug reports).
 *
 * <p>The library is looked for on {@code java.library.path} first, then extracted from the
 * jar's {@code META-INF/native/<os>-<arch>/} folder together with the libev and libuv
 * shared objects it was linked against (its RUNPATH is {@code $ORIGIN}, so those copies
 * win over whatever the system has). Extraction goes to {@code java.io.tmpdir}, or to the
 * directory named by the system property {@code gevent4j.native.workdir} where the temp
 * directory is mounted {@code noexec}. Every failed attempt is attached to the final error
 * as a suppressed exception.
 *
 * <p>Availability is computed once, by really creating and destroying a loop of each
 * backend.
 */
public final class Native {
  private Native() {}

  private static final String LIBRARY = "gevent4j";
  private static final Throwable UNAVAILABILITY_CAUSE;
  private static final String[] VERSIONS;

  // Constants read from C in one call, in the order g4j_native.c lists them.
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

  static {
    Throwable cause = null;
    int[] c = null;
    String[] versions = null;
    try {
      load();
      c = constants();
      versions = versions();
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError vme && !(t instanceof OutOfMemoryError)) throw vme;
      cause = t;
    }
    int[] cursor = {0};
    int[] values = c;
    java.util.function.IntSupplier next = () -> values == null ? 0 : values[cursor[0]++];
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
    if (cause == null && (values.length != cursor[0])) {
      cause = new LinkageError("libgevent4j.so has " + values.length + " constants, Native.java reads "
          + cursor[0] + ": the library and the jar are from different builds");
    }
    if (cause == null) cause = probeLoops();
    UNAVAILABILITY_CAUSE = cause;
    VERSIONS = versions;
  }

  /** True when the library is loaded and both backends can create a loop. */
  public static boolean isAvailable() {
    return UNAVAILABILITY_CAUSE == null;
  }

  /**
   * Throws when the library is not usable, with the reason (and every failed attempt to
   * load it) attached.
   *
   * @throws UnsatisfiedLinkError when {@link #isAvailable()} is false
   */
  public static void ensureAvailable() {
    if (UNAVAILABILITY_CAUSE != null) {
      UnsatisfiedLinkError e = new UnsatisfiedLinkError("gevent4j's native library is not available: "
          + UNAVAILABILITY_CAUSE.getMessage());
      e.initCause(UNAVAILABILITY_CAUSE);
      throw e;
    }
  }

  /** Why the library is not usable, or null when it is. */
  public static Throwable unavailabilityCause() {
    return UNAVAILABILITY_CAUSE;
  }

  /** The libev version the library runs with, e.g. {@code "4.33"}. */
  public static String libevVersion() {
    ensureAvailable();
    return VERSIONS[0];
  }

  /** The libev version the library was compiled against. */
  public static String libevBuildVersion() {
    ensureAvailable();
    return VERSIONS[1];
  }

  /** The libuv version the library runs with, e.g. {@code "1.44.2"}. */
  public static String libuvVersion() {
    ensureAvailable();
    return VERSIONS[2];
  }

  /** The libuv version the library was compiled against. */
  public static String libuvBuildVersion() {
    ensureAvailable();
    return VERSIONS[3];
  }

  /** The jar folder for this machine, e.g. {@code "linux-x86_64"}. */
  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String osName = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "osx" : os.replace(' ', '_');
    String archName = switch (arch) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch_64";
      default -> arch;
    };
    return osName + "-" + archName;
  }

  private static void load() throws IOException {
    List<Throwable> attempts = new ArrayList<>();
    try {
      System.loadLibrary(LIBRARY);
      return;
    } catch (UnsatisfiedLinkError e) {
      attempts.add(e);
    }
    try {
      loadFromJar();
    } catch (IOException | UnsatisfiedLinkError e) {
      attempts.forEach(e::addSuppressed);
      throw e;
    }
  }

  private static void loadFromJar() throws IOException {
    String platform = platform();
    String folder = "META-INF/native/" + platform + "/";
    ClassLoader loader = Native.class.getClassLoader();
    List<String> files = new ArrayList<>();
    try (InputStream list = loader.getResourceAsStream(folder + "bundled.list")) {
      if (list == null) {
        throw new UnsatisfiedLinkError("gevent4j has no native library for " + platform + " (os.name="
            + System.getProperty("os.name") + ", os.arch=" + System.getProperty("os.arch")
            + "); this jar supports linux-x86_64");
      }
      for (String line : new String(list.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) files.add(line.strip());
      }
    }
    String workdir = System.getProperty("gevent4j.native.workdir", System.getProperty("java.io.tmpdir"));
    Path dir = Files.createTempDirectory(Path.of(workdir), "gevent4j-");
    try {
      for (String name : files) {
        try (InputStream in = loader.getResourceAsStream(folder + name)) {
          if (in == null) throw new IOException("missing from the jar: " + folder + name);
          Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Path library = dir.resolve(System.mapLibraryName(LIBRARY));
      try {
        System.load(library.toString());
      } catch (UnsatisfiedLinkError e) {
        if (String.valueOf(e.getMessage()).contains("failed to map segment")) {
          UnsatisfiedLinkError hint = new UnsatisfiedLinkError(e.getMessage() + " (is " + workdir
              + " mounted noexec? set -Dgevent4j.native.workdir to an executable directory)");
          hint.initCause(e);
          throw hint;
        }
        throw e;
      }
    } finally {
      // The loaded copies stay mapped; the files are no longer needed.
      for (String name : files) Files.deleteIfExists(dir.resolve(name));
      Files.deleteIfExists(dir);
    }
  }

  private static Throwable probeLoops() {
    for (Backend backend : Backend.values()) {
      long loop = NativeLoop.loopNew(backend.ordinal());
      if (loop < 0) {
        return new NativeIoException((int) -loop, backend.id() + " loop_new");
      }
      NativeLoop.loopDestroy(loop);
    }
    return null;
  }

  static native int[] constants();

  static native String errnoName(int errno);

  static native String strerror(int errno);

  static native String[] versions();
}
