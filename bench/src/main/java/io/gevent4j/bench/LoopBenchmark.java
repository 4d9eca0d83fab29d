package io.gevent4j.bench;

import io.gevent4j.loop.AsyncWatcher;
import io.gevent4j.loop.Backend;
import io.gevent4j.loop.IoWatcher;
import io.gevent4j.loop.Loop;
import io.gevent4j.loop.Posix;
import io.gevent4j.loop.Watcher;
import io.gevent4j.loop.RunMode;
import io.gevent4j.loop.TimerWatcher;
import java.util.concurrent.CountDownLatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The native loop's baseline, per backend: a timer started and fired through one loop
 * iteration (start, native poll, event batch, Java dispatch), an io watcher started on a
 * readable pipe and fired the same way, and an async wake-up round trip between two loops on
 * two threads.
 */
@State(Scope.Thread)
public class LoopBenchmark extends BenchmarkBase {
  @Param({"libev", "libuv"})
  public String backend;

  private Loop loop;
  private TimerWatcher timer;
  private final int[] fired = new int[1];
  private int[] pipe;
  private IoWatcher readable;

  // async round trip: this thread's loop and a peer loop on its own thread
  private AsyncWatcher pong;
  private volatile AsyncWatcher ping;
  private Thread peer;
  private volatile boolean stopping;
  private boolean ponged;

  @Setup(Level.Trial)
  public void setUp() throws InterruptedException {
    Backend kind = Backend.parse(backend, "backend");
    loop = Loop.create(kind);
    timer = loop.timer(0, 0);
    try {
      pipe = Posix.pipe2(0);
      Posix.write(pipe[1], new byte[1], 0, 1); // readable for good
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    readable = loop.io(pipe[0], Watcher.READ);
    pong = loop.async();
    pong.start(revents -> ponged = true);
    CountDownLatch ready = new CountDownLatch(1);
    peer = Thread.ofPlatform().name("peer-loop").start(() -> {
      try (Loop peerLoop = Loop.create(kind)) {
        AsyncWatcher p = peerLoop.async();
        p.start(revents -> {
          if (stopping) peerLoop.breakLoop();
          else pong.send();
        });
        ping = p;
        ready.countDown();
        peerLoop.run(RunMode.DEFAULT);
      }
    });
    ready.await();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    stopping = true;
    ping.send();
    peer.join();
    loop.close();
    try {
      Posix.close(pipe[0]);
      Posix.close(pipe[1]);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Start a 0 s timer and run one iteration that fires and dispatches it. */
  @Benchmark
  public int timerStartFire() {
    timer.start(revents -> fired[0]++);
    loop.run(RunMode.ONCE);
    return fired[0];
  }

  /**
   * Start an io watcher on a readable pipe, run one iteration that fires it, stop it: what a
   * wait on a temporary watcher costs ({@code Sockets.waitRead}), an {@code epoll_ctl} and the
   * descriptor checks included.
   */
  @Benchmark
  public int ioStartFireStop() {
    readable.start(revents -> fired[0]++);
    loop.run(RunMode.ONCE);
    readable.stop();
    return fired[0];
  }

  /**
   * One non-blocking loop iteration with nothing to dispatch (what the hub pays after each
   * batch when work is still ready): one JNI crossing and a zero-timeout poll. The loop holds
   * an active async watcher, as a hub's does.
   */
  @Benchmark
  public int runNowait() {
    return loop.run(RunMode.NOWAIT);
  }

  /** Wake the peer loop, which wakes this one back: two cross-thread wake-ups. */
  @Benchmark
  public boolean asyncRoundTrip() {
    ponged = false;
    ping.send();
    while (!ponged) loop.run(RunMode.ONCE);
    return ponged;
  }
}
