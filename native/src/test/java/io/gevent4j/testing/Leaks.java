package io.gevent4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Counts what a test may leak: open file descriptors ({@code /proc/self/fd}) and live
 * platform threads. Take a snapshot before, {@link #assertNoLeak()} after.
 */
public final class Leaks {
  private final long fds;
  private final Set<Thread> threads;

  private static boolean warmedUp;

  /**
   * The JDK opens its virtual-thread I/O pollers (epoll descriptors) once per JVM, the first
   * time a virtual thread parks on a socket; gevent4j's first hub starts them itself and, with
   * {@code gevent.jdkPollers=hub}, adds pollers of its own (docs/hub.md). Make both happen before
   * any snapshot, so that they are not taken for a test's leak, and in the order a gevent4j
   * program has them: the first hub first (when the hub module is there), then a virtual thread
   * whose accept no client ever answers, which must park (20 ms).
   */
  // Not from a static initializer: the virtual thread would wait for this class's initialization.
  private static synchronized void warmUpJdkPollers() {
    if (warmedUp) return;
    warmedUp = true;
    firstHub();
    java.net.InetAddress loopback = java.net.InetAddress.getLoopbackAddress();
    try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, loopback)) {
      server.setSoTimeout(20);
      Thread acceptor = Thread.ofVirtual().start(() -> {
        try {
          server.accept().close();
        } catch (java.net.SocketTimeoutException expected) {
          // parked in the poller, as wanted
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      acceptor.join();
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("cannot warm up the JDK's pollers", e);
    }
  }

  /**
   * Creates and closes a hub on a thread of its own, if the hub module is on the class path. A
   * hub that cannot be made (a test's bad setting) is the test's business: nothing is said here.
   */
  private static void firstHub() {
    Class<?> hubClass;
    try {
      hubClass = Class.forName("io.gevent4j.hub.Hub");
    } catch (ClassNotFoundException e) {
      return; // this module's own tests: no hub
    }
    java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    Thread t = Thread.ofPlatform().name("leaks-first-hub").start(() -> {
      try {
        Object hub = hubClass.getMethod("current").invoke(null);
        Thread hubThread = (Thread) hubClass.getMethod("thread").invoke(hub);
        hubClass.getMethod("close").invoke(hub);
        hubThread.join();
      } catch (java.lang.reflect.InvocationTargetException e) {
        // the test sees it for itself
      } catch (ReflectiveOperationException | InterruptedException e) {
        failure.set(e);
      }
    });
    try {
      t.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    if (failure.get() != null) throw new AssertionError("cannot create the first hub", failure.get());
  }

  private Leaks(long fds, Set<Thread> threads) {
    this.fds = fds;
    this.threads = threads;
  }

  /** The counts now. */
  public static Leaks snapshot() {
    // Process-wide, once-only descriptors (libuv's signal lock pipe) are not a test's leak.
    io.gevent4j.loop.Native.isAvailable();
    warmUpJdkPollers();
    return new Leaks(openFds(), Thread.getAllStackTraces().keySet());
  }

  // The JDK starts some threads of its own on demand (Common-Cleaner, ...) and keeps them.
  private static boolean isJdkThread(Thread t) {
    if (t.getName().startsWith("junit-")) return true; // JUnit's own timeout watcher
    ThreadGroup g = t.getThreadGroup();
    // CarrierThreads: the default virtual-thread scheduler's workers, started on first use
    return g != null && (g.getName().equals("system") || g.getName().equals("InnocuousThreadGroup")
        || g.getName().equals("CarrierThreads"));
  }

  /** What each open descriptor is, for failure messages. */
  public static String describeFds() {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      StringBuilder b = new StringBuilder();
      for (Path p : (Iterable<Path>) s::iterator) {
        try {
          b.append(p.getFileName()).append("->").append(Files.readSymbolicLink(p)).append(' ');
        } catch (IOException e) {
          // closed while listing: the stream's own
        }
      }
      return b.toString();
    } catch (IOException e) {
      return "(cannot list /proc/self/fd)";
    }
  }

  /** The number of open descriptors of this process. */
  public static long openFds() {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count() - 1; // the directory stream's own
    } catch (IOException e) {
      throw new AssertionError("cannot list /proc/self/fd", e);
    }
  }

  /**
   * Fails when descriptors are above the snapshot, or when a thread started since is still
   * alive after a bounded join (threads that are ending get to end).
   */
  public void assertNoLeak() {
    // Threads first: a thread that is ending (a hub's thread closing its loop once its owner
    // ended) gets to end, and to close its descriptors, before they are counted.
    List<Thread> leaked = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (threads.contains(t) || !t.isAlive() || isJdkThread(t)) continue;
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      if (t.isAlive()) leaked.add(t);
    }
    long nowFds = openFds();
    if (nowFds > fds) {
      throw new AssertionError("file descriptor leak: " + fds + " before, " + nowFds + " after: " + describeFds());
    }
    if (!leaked.isEmpty()) throw new AssertionError("thread leak: " + leaked);
  }

}
