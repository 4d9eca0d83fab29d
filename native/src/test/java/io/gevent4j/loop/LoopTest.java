package io.gevent4j.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.testing.Leaks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop and its watchers. Written once, run on the backend surefire selects with
 * {@code -Dgevent.loop} (the native module runs it for libev and for libuv).
 */
@Timeout(30)
class LoopTest {
  private Leaks leaks;
  private Loop loop;

  @BeforeEach
  void open() {
    leaks = Leaks.snapshot();
    loop = Loop.create();
  }

  @AfterEach
  void closeAndCheck() {
    loop.close();
    leaks.assertNoLeak();
  }

  /** Runs the loop until the condition holds; fails after {@code seconds}, never hangs. */
  static void runUntil(Loop loop, BooleanSupplier done, double seconds) {
    TimerWatcher guard = loop.timer(seconds, 0);
    boolean[] expired = {false};
    guard.start(revents -> expired[0] = true);
    try {
      while (!done.getAsBoolean()) {
        if (expired[0]) throw new AssertionError("not done after " + seconds + "s on " + loop.backend());
        loop.run(RunMode.ONCE);
      }
    } finally {
      guard.close();
    }
  }

  @Test
  void backendIsTheConfiguredOne() {
    String configured = System.getProperty("gevent.loop", "libev");
    assertTrue(loop.backend().startsWith(configured + ":"), loop.backend());
    assertTrue(loop.backend().endsWith(":epoll"), loop.backend());
    assertEquals(Backend.parse(configured, "test"), loop.library());
  }

  @Test
  void timersFireInDeadlineOrder() {
    List<Double> order = new ArrayList<>();
    for (double d : new double[] {0.03, 0.0, 0.01, 0.02, 0.005}) {
      loop.timer(d, 0).start(revents -> order.add(d));
    }
    double start = loop.now();
    loop.run(RunMode.DEFAULT);
    assertEquals(List.of(0.0, 0.005, 0.01, 0.02, 0.03), order);
    loop.updateNow();
    assertTrue(loop.now() - start >= 0.03 - 1e-3, "returned before the last timer: " + (loop.now() - start));
  }

  @Test
  void oneShotTimerStopsAfterFiring() {
    TimerWatcher timer = loop.timer(0.001, 0);
    AtomicInteger fired = new AtomicInteger();
    timer.start(revents -> {
      assertEquals(Constants.EV_TIMER, revents);
      fired.incrementAndGet();
    });
    assertTrue(timer.isActive());
    loop.run(RunMode.DEFAULT);
    assertEquals(1, fired.get());
    assertFalse(timer.isActive());
    assertEquals(0, loop.activeCount());
  }

  @Test
  void aDueTimerDoesNotLetOnceBlockWhileAnotherWatcherKeepsTheLoopAlive() throws Exception {
    // libuv's ONCE runs due timers before polling and used to poll without a timeout anyway.
    AsyncWatcher rescue = loop.async();
    boolean[] rescued = {false};
    rescue.start(revents -> rescued[0] = true);
    CountDownLatch done = new CountDownLatch(1);
    Thread watchdog = Thread.ofPlatform().start(() -> {
      try {
        if (!done.await(10, TimeUnit.SECONDS)) rescue.send();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    TimerWatcher timer = loop.timer(0, 0);
    AtomicInteger fired = new AtomicInteger();
    for (int i = 0; i < 1000 && !rescued[0]; i++) {
      timer.start(revents -> fired.incrementAndGet());
      loop.run(RunMode.ONCE);
    }
    done.countDown();
    watchdog.join();
    assertFalse(rescued[0], "run(ONCE) blocked with a fired timer in its batch");
    assertEquals(1000, fired.get());
  }

  @Test
  void repeatingTimerFiresUntilStopped() {
    TimerWatcher timer = loop.timer(0.001, 0.002);
    AtomicInteger fired = new AtomicInteger();
    timer.start(revents -> {
      if (fired.incrementAndGet() == 5) timer.stop();
    });
    loop.run(RunMode.DEFAULT);
    assertEquals(5, fired.get());
    assertFalse(timer.isActive());
  }

  @Test
  void againRestartsRepeatingTimersAndStopsOneShots() {
    TimerWatcher repeating = loop.timer(10, 0.005);
    AtomicInteger fired = new AtomicInteger();
    repeating.start(revents -> {
      fired.incrementAndGet();
      repeating.stop();
    });
    repeating.again(); // now due in 5 ms instead of 10 s
    assertTrue(repeating.isActive());
    loop.run(RunMode.DEFAULT);
    assertEquals(1, fired.get());

    TimerWatcher oneShot = loop.timer(10, 0);
    oneShot.start(revents -> fired.incrementAndGet());
    oneShot.again();
    assertFalse(oneShot.isActive());
    assertEquals(0, loop.activeCount());
    assertThrows(IllegalStateException.class, () -> loop.timer(1, 1).again());
  }

  @Test
  void asyncWakesTheLoopFromManyThreadsAtOnce() throws Exception {
    AsyncWatcher async = loop.async();
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger callbacks = new AtomicInteger();
    int threads = 8;
    int perThread = 2_000;
    // Every send after the loop's last wake-up makes another wake-up, so a callback that
    // has seen every send must come: waiting for it cannot miss the last send.
    int[] seenAtCallback = {0};
    async.start(revents -> {
      assertEquals(Constants.EV_ASYNC, revents);
      callbacks.incrementAndGet();
      seenAtCallback[0] = sent.get();
    });
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      senders.add(Thread.ofPlatform().start(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
        for (int i = 0; i < perThread; i++) {
          sent.incrementAndGet();
          async.send();
        }
      }));
    }
    go.countDown();
    runUntil(loop, () -> seenAtCallback[0] == threads * perThread, 20);
    for (Thread t : senders) t.join();
    assertTrue(callbacks.get() >= 1);
    assertTrue(callbacks.get() <= threads * perThread, "sends coalesce, never multiply: " + callbacks.get());
  }

  @Test
  void asyncSendAfterCloseIsAClearError() {
    AsyncWatcher async = loop.async();
    async.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, async::send);
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void signalFromOutsideIsDelivered() throws Exception {
    SignalWatcher watcher = loop.signal(Signals.SIGUSR1);
    AtomicInteger fired = new AtomicInteger();
    watcher.start(revents -> {
      assertEquals(Constants.EV_SIGNAL, revents);
      fired.incrementAndGet();
    });
    // kill(2) on ourselves: a `kill` child process would leave pipes the JDK closes later
    PosixProcesses.kill((int) ProcessHandle.current().pid(), Signals.SIGUSR1);
    runUntil(loop, () -> fired.get() > 0, 10);
    assertEquals(1, fired.get());
  }

  @Test
  void aSignalIsWatchedByOneLoopAtATime() throws Exception {
    SignalWatcher first = loop.signal(Signals.SIGWINCH);
    first.start(revents -> {});
    try (Loop other = Loop.create()) {
      SignalWatcher second = other.signal(Signals.SIGWINCH);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> second.start(revents -> {}));
      assertTrue(e.getMessage().contains("another loop"), e.getMessage());
      first.stop();
      second.start(revents -> {}); // free again
      second.stop();
    }
  }

  @Test
  void jvmSignalsAreRefused() {
    for (int signum : new int[] {Constants.SIGSEGV, Constants.SIGQUIT, Constants.SIGUSR2, Constants.SIGPIPE, Constants.SIGKILL}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.signal(signum));
      assertTrue(e.getMessage().contains(Signals.name(signum)), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> loop.signal(0));
    assertThrows(IllegalArgumentException.class, () -> loop.signal(Constants.NSIG));
  }

  @Test
  void statNoticesAChange(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("watched");
    Files.writeString(file, "one");
    StatWatcher watcher = loop.stat(file, 0.02);
    AtomicInteger fired = new AtomicInteger();
    watcher.start(revents -> {
      assertEquals(Constants.EV_STAT, revents);
      fired.incrementAndGet();
    });
    // libuv compares against a first stat taken in the thread pool: let one poll happen
    // before changing the file, so the change is seen as one.
    TimerWatcher change = loop.timer(0.1, 0);
    change.start(revents -> {
      try {
        Files.writeString(file, "two, longer");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });
    runUntil(loop, () -> fired.get() > 0, 10);
    change.close();
    watcher.close();
  }

  @Test
  void idlePrepareAndCheckFireEachIteration() {
    List<String> order = new ArrayList<>();
    PrepareWatcher prepare = loop.prepare();
    CheckWatcher check = loop.check();
    IdleWatcher idle = loop.idle();
    prepare.start(revents -> order.add("prepare"));
    check.start(revents -> order.add("check"));
    idle.start(revents -> order.add("idle"));
    for (int i = 0; i < 3; i++) loop.run(RunMode.ONCE); // idle keeps ONCE from blocking
    assertEquals(3, order.stream().filter("prepare"::equals).count(), order.toString());
    assertEquals(3, order.stream().filter("check"::equals).count(), order.toString());
    assertTrue(order.stream().filter("idle"::equals).count() >= 2, order.toString());
    // Within an iteration prepare comes before check, on both backends.
    int prepareAt = order.indexOf("prepare");
    assertTrue(prepareAt < order.indexOf("check"), order.toString());
  }

  @Test
  void breakLoopEndsADefaultRun() {
    TimerWatcher forever = loop.timer(0.001, 0.001);
    AtomicInteger fired = new AtomicInteger();
    forever.start(revents -> {
      if (fired.incrementAndGet() == 3) loop.breakLoop();
    });
    loop.run(RunMode.DEFAULT);
    assertEquals(3, fired.get());
    assertTrue(forever.isActive());
  }

  @Test
  void unreferencedWatchersDoNotKeepTheLoopRunning() {
    TimerWatcher background = loop.timer(60, 60);
    background.start(revents -> {});
    background.setRef(false);
    assertEquals(1, loop.activeCount());
    assertEquals(0, loop.referencedCount());
    long t0 = System.nanoTime();
    loop.run(RunMode.DEFAULT); // returns at once: nothing referenced
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30));
    background.setRef(true);
    assertEquals(1, loop.referencedCount());
  }

  @Test
  void theEventBatchGrowsPastItsFirstSize() {
    AtomicInteger fired = new AtomicInteger();
    for (int i = 0; i < 3000; i++) loop.timer(0, 0).start(revents -> fired.incrementAndGet());
    int dispatched = loop.run(RunMode.ONCE);
    assertEquals(3000, dispatched);
    assertEquals(3000, fired.get());
  }

  @Test
  void aWatcherStoppedDuringDispatchGetsNoMoreCallbacksFromTheBatch() {
    List<String> order = new ArrayList<>();
    TimerWatcher second = loop.timer(0, 0);
    TimerWatcher first = loop.timer(0, 0);
    first.start(revents -> {
      order.add("first");
      second.stop();
    });
    second.start(revents -> order.add("second"));
    loop.run(RunMode.DEFAULT);
    assertEquals(List.of("first"), order);
  }

  @Test
  void closeWithActiveWatchersFreesEverything(@TempDir Path dir) {
    Loop other = Loop.create();
    List<Watcher> watchers = new ArrayList<>();
    watchers.add(other.timer(10, 1));
    watchers.add(other.async());
    watchers.add(other.idle());
    watchers.add(other.prepare());
    watchers.add(other.check());
    watchers.add(other.signal(Signals.SIGUSR1));
    watchers.add(other.stat(dir.resolve("x"), 1));
    for (Watcher w : watchers) w.start(revents -> {});
    assertEquals(watchers.size(), other.activeCount());
    other.close();
    other.close(); // idempotent
    for (Watcher w : watchers) {
      assertTrue(w.isClosed());
      assertFalse(w.isActive());
      assertThrows(IllegalStateException.class, () -> w.start(revents -> {}));
      w.close(); // idempotent after the loop closed
    }
    // The signal is free again for another loop.
    SignalWatcher again = loop.signal(Signals.SIGUSR1);
    again.start(revents -> {});
    again.close();
  }

  @Test
  void aClosedLoopIsAClearError() {
    Loop other = Loop.create();
    other.close();
    assertTrue(other.isClosed());
    for (Runnable use : List.<Runnable>of(other::now, other::updateNow, () -> other.run(RunMode.NOWAIT),
        () -> other.timer(1, 0), other::async, other::breakLoop, other::activeCount)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, use::run);
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
  }

  @Test
  void aClosedWatcherIsAClearError() {
    TimerWatcher timer = loop.timer(1, 0);
    timer.close();
    timer.close();
    assertTrue(timer.isClosed());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> timer.start(revents -> {}));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> timer.set(1, 1));
    assertThrows(IllegalStateException.class, () -> timer.setRef(false));
    timer.stop(); // stopping a closed watcher is a no-op, as a second stop is
  }

  @Test
  void aWatcherUsedWithAnotherLoopIsRefused() {
    TimerWatcher mine = loop.timer(1, 0);
    try (Loop other = Loop.create()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.feed(mine, 0));
      assertTrue(e.getMessage().contains("another loop"), e.getMessage());
    }
  }

  @Test
  void feedQueuesACallback() {
    TimerWatcher timer = loop.timer(100, 0);
    List<Integer> got = new ArrayList<>();
    timer.start(got::add);
    loop.feed(timer, 42);
    loop.run(RunMode.ONCE); // does not block on the 100 s timer: a feed is pending
    assertEquals(List.of(42), got);
  }

  @Test
  void anotherThreadIsRefused() throws Exception {
    TimerWatcher timer = loop.timer(1, 0);
    List<Throwable> errors = new ArrayList<>();
    Thread t = Thread.ofPlatform().start(() -> {
      for (Runnable r : List.<Runnable>of(() -> loop.run(RunMode.NOWAIT), () -> loop.timer(1, 0),
          () -> timer.start(rev -> {}), loop::close, timer::close)) {
        try {
          r.run();
        } catch (IllegalStateException e) {
          errors.add(e);
        }
      }
    });
    t.join();
    assertEquals(5, errors.size());
    assertTrue(errors.get(0).getMessage().contains("belongs to thread"), errors.get(0).getMessage());
    assertFalse(timer.isClosed());
  }

  @Test
  void badArgumentsAreClearErrors() {
    assertThrows(IllegalArgumentException.class, () -> loop.timer(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> loop.timer(Double.NaN, 0));
    assertThrows(IllegalArgumentException.class, () -> loop.timer(1, -1));
    assertThrows(IllegalArgumentException.class, () -> loop.timer(Double.POSITIVE_INFINITY, 0));
    assertThrows(IllegalArgumentException.class, () -> loop.io(-1, Watcher.READ));
    assertThrows(IllegalArgumentException.class, () -> loop.io(0, 0));
    assertThrows(IllegalArgumentException.class, () -> loop.io(0, 0x10));
    assertThrows(IllegalArgumentException.class, () -> loop.child(0));
    assertThrows(IllegalArgumentException.class, () -> loop.child(-5));
    assertThrows(IllegalArgumentException.class, () -> loop.stat(Path.of("/tmp"), -1));
    assertThrows(NullPointerException.class, () -> loop.timer(1, 0).start(null));
    assertEquals(0, loop.activeCount());
  }

  @Test
  void ioOnAClosedDescriptorIsAClearError() {
    IoWatcher io = loop.io(100_000, Watcher.READ);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> io.start(revents -> {}));
    assertTrue(e.getMessage().contains("not an open file descriptor"), e.getMessage());
    assertFalse(io.isActive());
  }

  @Test
  void ioOnPipeAndSocketpair() throws IOException {
    int[] pipe = Posix.pipe2(0);
    int[] pair = PosixSockets.socketpair(Posix.AF_UNIX, Posix.SOCK_STREAM, 0);
    try {
      List<String> fired = new ArrayList<>();
      IoWatcher pipeReader = loop.io(pipe[0], Watcher.READ);
      IoWatcher pairReader = loop.io(pair[1], Watcher.READ);
      IoWatcher pairWriter = loop.io(pair[0], Watcher.WRITE);
      pipeReader.start(revents -> {
        fired.add("pipe " + revents);
        pipeReader.stop();
      });
      pairReader.start(revents -> {
        fired.add("pair " + revents);
        pairReader.stop();
      });
      pairWriter.start(revents -> {
        fired.add("writable " + revents);
        pairWriter.stop();
      });
      loop.run(RunMode.NOWAIT);
      assertEquals(List.of("writable " + Watcher.WRITE), fired, "nothing to read yet; an empty socket is writable");
      Posix.write(pipe[1], new byte[] {1}, 0, 1);
      Posix.write(pair[0], new byte[] {2}, 0, 1);
      runUntil(loop, () -> fired.size() == 3, 10);
      assertTrue(fired.contains("pipe " + Watcher.READ), fired.toString());
      assertTrue(fired.contains("pair " + Watcher.READ), fired.toString());
    } finally {
      for (int fd : new int[] {pipe[0], pipe[1], pair[0], pair[1]}) Posix.close(fd);
    }
  }

  @Test
  void twoWatchersOnOneFdEachGetTheirOwnEvents() throws IOException {
    int[] pair = PosixSockets.socketpair(Posix.AF_UNIX, Posix.SOCK_STREAM, 0);
    try {
      AtomicInteger reads = new AtomicInteger();
      AtomicInteger writes = new AtomicInteger();
      IoWatcher reader = loop.io(pair[0], Watcher.READ);
      IoWatcher writer = loop.io(pair[0], Watcher.WRITE);
      reader.start(revents -> {
        assertEquals(Watcher.READ, revents);
        reads.incrementAndGet();
        reader.stop();
      });
      writer.start(revents -> {
        assertEquals(Watcher.WRITE, revents);
        writes.incrementAndGet();
        writer.stop();
      });
      runUntil(loop, () -> writes.get() == 1, 10);
      assertEquals(0, reads.get());
      assertTrue(reader.isActive(), "stopping the writer leaves the reader armed");
      Posix.write(pair[1], new byte[] {1}, 0, 1);
      runUntil(loop, () -> reads.get() == 1, 10);
      // events change while active
      writer.setEvents(Watcher.READ | Watcher.WRITE);
      writer.start(revents -> writes.incrementAndGet());
      writer.setEvents(Watcher.WRITE);
      runUntil(loop, () -> writes.get() == 2, 10);
      writer.stop();
    } finally {
      Posix.close(pair[0]);
      Posix.close(pair[1]);
    }
  }

  @Test
  void aRefusedConnectIsReadyNotAnErrorOnBothBackends() throws IOException {
    int listener = PosixSockets.socket(Posix.AF_INET, Posix.SOCK_STREAM, 0);
    PosixSockets.bind(listener, new java.net.InetSocketAddress("127.0.0.1", 0));
    java.net.SocketAddress closedPort = PosixSockets.getsockname(listener);
    Posix.close(listener); // nobody listens there now
    int fd = PosixSockets.socket(Posix.AF_INET, Posix.SOCK_STREAM | Posix.SOCK_NONBLOCK, 0);
    try {
      int rc = PosixSockets.connect(fd, closedPort);
      if (rc != Posix.IN_PROGRESS) return; // refused at once: nothing to watch
      IoWatcher io = loop.io(fd, Watcher.WRITE);
      int[] fired = {0};
      io.start(revents -> {
        fired[0] = revents;
        io.stop();
      });
      runUntil(loop, () -> fired[0] != 0, 10);
      assertEquals(0, fired[0] & Watcher.ERROR, "a socket error is readiness, not a watcher error: " + fired[0]);
      assertThrows(java.net.ConnectException.class, () -> PosixSockets.finishConnect(fd));
    } finally {
      Posix.close(fd);
    }
  }

  @Test
  void childExitStatusIsReportedAndReaped() throws IOException {
    int pid = PosixProcesses.spawn("/bin/sh", new String[] {"sh", "-c", "exit 7"}, null, new PosixProcesses.SpawnOptions());
    ChildWatcher child = loop.child(pid);
    int[] fired = {0};
    child.start(revents -> fired[0] = revents);
    runUntil(loop, () -> fired[0] != 0, 10);
    assertEquals(Constants.EV_CHILD, fired[0]);
    assertEquals(7, child.returncode());
    assertFalse(child.isActive());
    // reaped: the pid is no child of ours any more
    assertThrows(IllegalArgumentException.class, () -> loop.child(pid).start(revents -> {}));
  }

  @Test
  void childKilledBySignal() throws IOException {
    int pid = PosixProcesses.spawn("/bin/sleep", new String[] {"sleep", "30"}, null, new PosixProcesses.SpawnOptions());
    ChildWatcher child = loop.child(pid);
    int[] fired = {0};
    child.start(revents -> fired[0] = revents);
    PosixProcesses.kill(pid, Signals.SIGTERM);
    runUntil(loop, () -> fired[0] != 0, 10);
    assertEquals(-Signals.SIGTERM, child.returncode());
  }

  @Test
  void childOfAnotherProcessIsAClearError() {
    ChildWatcher init = loop.child(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> init.start(revents -> {}));
    assertTrue(e.getMessage().contains("not a child"), e.getMessage());
  }

  @Test
  void forkWatcherExistsOnLibevOnly() {
    if (loop.library() == Backend.LIBUV) {
      UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, loop::fork);
      assertTrue(e.getMessage().contains("libuv"), e.getMessage());
    } else {
      ForkWatcher fork = loop.fork();
      fork.start(revents -> {});
      assertTrue(fork.isActive());
      fork.close();
    }
  }

  @Test
  void runFromACallbackIsRefused() {
    List<Throwable> errors = new ArrayList<>();
    loop.timer(0, 0).start(revents -> {
      try {
        loop.run(RunMode.NOWAIT);
      } catch (IllegalStateException e) {
        errors.add(e);
      }
    });
    loop.run(RunMode.DEFAULT);
    assertEquals(1, errors.size());
  }

  @Test
  void aFailingCallbackDoesNotLoseTheRestOfTheBatch() {
    AtomicInteger after = new AtomicInteger();
    loop.timer(0, 0).start(revents -> {
      throw new IllegalStateException("boom");
    });
    loop.timer(0, 0).start(revents -> after.incrementAndGet());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.run(RunMode.ONCE));
    assertEquals("boom", e.getMessage());
    assertEquals(1, after.get());
  }

  @Test
  void closeFromACallbackHappensAfterTheBatch() {
    Loop other = Loop.create();
    AtomicInteger fired = new AtomicInteger();
    other.timer(0, 0).start(revents -> {
      fired.incrementAndGet();
      other.close();
    });
    other.timer(0, 0).start(revents -> fired.incrementAndGet());
    other.run(RunMode.DEFAULT);
    assertEquals(2, fired.get());
    assertTrue(other.isClosed());
  }

  @Test
  void versionsAreKnown() {
    assertTrue(Native.isAvailable());
    assertNotNull(Native.libevVersion());
    assertTrue(Native.libuvVersion().matches("\\d+\\.\\d+\\.\\d+"), Native.libuvVersion());
    assertEquals(Native.libevBuildVersion(), Native.libevVersion());
  }

  @Test
  void badBackendNamesListTheValidOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.parse("libevent", "gevent.loop"));
    assertTrue(e.getMessage().contains("gevent.loop=libevent"), e.getMessage());
    assertTrue(e.getMessage().contains("libev, libuv"), e.getMessage());
  }
}
