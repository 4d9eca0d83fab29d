package io.gevent4j.bench;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.hub.Waiter;
import io.gevent4j.loop.TimerWatcher;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The hub's scheduling costs, each side by side with
 * <ul>
 *   <li>{@code floor}: the same work on virtual threads built by the hub's reflection trick
 *       but scheduled by {@link RawScheduler}, an ArrayDeque drained on the benchmark thread
 *       (the cheapest custom scheduler there is: no event loop, no bookkeeping);
 *   <li>{@code jdk}: the same work on JDK default-scheduler virtual threads
 *       ({@code Thread.ofVirtual()}, a ForkJoinPool with one carrier per core).
 * </ul>
 *
 * <p>{@code gevent4j} variants run on a hub made in {@link BenchmarkBase.HubState}'s setup, on
 * the benchmark thread, per backend; the benchmark thread is the hub's main greenlet and drives
 * it with {@link Hub#join}, which runs the hub until no greenlet is left.
 *
 * <ul>
 *   <li>{@code switch}: two greenlets hand control to each other with LockSupport
 *       park/unpark (identical code in all three variants); score = ns per switch.
 *       {@code switchWaiter_gevent4j} does the same hand-off with gevent4j {@link Waiter}s,
 *       gevent's own switching primitive (one new Waiter per wait, as gevent does).
 *       {@code switchWithWatcher_gevent4j} is {@code switch_gevent4j} with one referenced
 *       watcher active in the loop, as in any server.
 *   <li>{@code sleep0}: 100 greenlets each call {@code Hub.sleep(0)} (floor and jdk:
 *       {@code Thread.yield()}) 1000 times; score = ns per sleep(0).
 *   <li>{@code spawn}: spawn 1000 greenlets that do nothing and wait until all have finished;
 *       score = ns per greenlet (spawn + run + end + bookkeeping).
 * </ul>
 */
public class HubBenchmark extends BenchmarkBase {
  static final int ROUNDS = 10_000;
  static final int SWITCHES = 2 * ROUNDS;
  static final int SLEEPERS = 100;
  static final int SLEEPS = 1_000;
  static final int SLEEP_OPS = SLEEPERS * SLEEPS;
  static final int SPAWNS = 1_000;
  static final int OWNER_ROUNDS = 10_000;

  /** The raw floor's scheduler, drained on the benchmark thread. */
  @State(Scope.Thread)
  public static class FloorState {
    RawScheduler scheduler;

    @Setup(Level.Trial)
    public void setUp() {
      scheduler = new RawScheduler();
    }
  }

  // ---- switch: LockSupport ping-pong -------------------------------------------------------

  /** Two threads take turns: each hand-off is one switch. Identical for every variant. */
  static final class PingPong {
    volatile int turn; // 0: a's, 1: b's
    volatile Thread a;
    volatile Thread b;
    final AtomicInteger finished = new AtomicInteger(); // jdk: a and b may end on two carriers

    void a() {
      for (int i = 0; i < ROUNDS; i++) {
        turn = 1;
        LockSupport.unpark(b);
        while (turn != 0) LockSupport.park();
      }
      finished.incrementAndGet();
    }

    void b() {
      for (int i = 0; i < ROUNDS; i++) {
        while (turn != 1) LockSupport.park();
        turn = 0;
        LockSupport.unpark(a);
      }
      finished.incrementAndGet();
    }

    int check() {
      if (finished.get() != 2) throw new IllegalStateException("ping-pong did not finish: " + finished);
      return turn;
    }
  }

  @Benchmark
  @OperationsPerInvocation(SWITCHES)
  public int switch_gevent4j(HubState s) {
    PingPong p = new PingPong();
    RawGreenlet gb = s.hub.newGreenlet(p::b, "b").start(); // b waits first
    RawGreenlet ga = s.hub.newGreenlet(p::a, "a").start();
    p.b = gb.thread();
    p.a = ga.thread();
    s.run();
    return p.check();
  }

  /**
   * {@link #switch_gevent4j} while the loop has one referenced active watcher, as any server
   * has (a listening socket): here an hour-long timer. libuv's {@code uv_run(NOWAIT)} skips
   * its poll when no referenced watcher is active, libev's {@code ev_run(NOWAIT)} never does;
   * with one active, both pay the per-batch poll. Waits with {@link Hub#await}, since the timer
   * keeps {@link Hub#join} from returning.
   */
  @Benchmark
  @OperationsPerInvocation(SWITCHES)
  public int switchWithWatcher_gevent4j(HubState s) {
    PingPong p = new PingPong();
    CompletableFuture<Void> done = new CompletableFuture<>();
    TimerWatcher timer = s.hub.loop().timer(3600, 0);
    timer.start(revents -> {});
    try {
      RawGreenlet gb = s.hub.newGreenlet(p::b, "b").start();
      RawGreenlet ga = s.hub.newGreenlet(() -> {
        p.a();
        done.complete(null);
      }, "a").start();
      p.b = gb.thread();
      p.a = ga.thread();
      Hub.await(done);
    } finally {
      timer.close();
    }
    s.run(); // b's end
    return p.check();
  }

  @Benchmark
  @OperationsPerInvocation(SWITCHES)
  public int switch_floor(FloorState s) {
    PingPong p = new PingPong();
    p.b = s.scheduler.builder.unstarted(p::b);
    p.a = s.scheduler.builder.unstarted(p::a);
    p.b.start();
    p.a.start();
    s.scheduler.drain();
    return p.check();
  }

  @Benchmark
  @OperationsPerInvocation(SWITCHES)
  public int switch_jdk() throws InterruptedException {
    PingPong p = new PingPong();
    p.b = Thread.ofVirtual().unstarted(p::b);
    p.a = Thread.ofVirtual().unstarted(p::a);
    p.b.start();
    p.a.start();
    p.a.join();
    p.b.join();
    return p.check();
  }

  // ---- switch through gevent4j Waiters -----------------------------------------------------

  /** The same hand-off with a fresh Waiter per wait; hub thread only, so plain fields. */
  static final class WaiterPingPong {
    private static final Object TOKEN = new Object();
    @SuppressWarnings({"unchecked", "rawtypes"})
    final Waiter<Object>[] waiting = new Waiter[2];
    int finished;

    /** Hands off to the other side's waiter and, unless {@code last}, waits for its own. */
    private void handOff(int self, boolean last) {
      Waiter<Object> mine = last ? null : new Waiter<>();
      waiting[self] = mine;
      Waiter<Object> peer = waiting[1 - self];
      waiting[1 - self] = null;
      peer.switchTo(TOKEN);
      if (mine != null) mine.get();
    }

    void a() {
      for (int i = 0; i < ROUNDS; i++) handOff(0, false);
      finished++;
    }

    void b() {
      Waiter<Object> first = new Waiter<>();
      waiting[1] = first;
      first.get();
      for (int i = 0; i < ROUNDS; i++) handOff(1, i == ROUNDS - 1);
      finished++;
    }

    int check() {
      if (finished != 2) throw new IllegalStateException("waiter ping-pong did not finish: " + finished);
      return finished;
    }
  }

  @Benchmark
  @OperationsPerInvocation(SWITCHES)
  public int switchWaiter_gevent4j(HubState s) {
    WaiterPingPong p = new WaiterPingPong();
    s.hub.newGreenlet(p::b, "b").start(); // b runs first and waits
    s.hub.newGreenlet(p::a, "a").start();
    s.run();
    return p.check();
  }

  // ---- sleep(0) among 100 greenlets ------------------------------------------------------

  static final class Sleepers {
    volatile int finished;

    void sleep0() {
      for (int i = 0; i < SLEEPS; i++) Hub.sleep(0);
      finished++; // hub thread only
    }

    void yieldLoop() {
      for (int i = 0; i < SLEEPS; i++) Thread.yield();
      synchronized (this) {
        finished++; // jdk: carriers run in parallel
      }
    }

    int check() {
      if (finished != SLEEPERS) throw new IllegalStateException("sleepers did not finish: " + finished);
      return finished;
    }
  }

  /**
   * The owner (the benchmark thread: gevent's main greenlet) and one greenlet take turns with
   * {@code sleep(0)}: every round is two switches, one of them the owner's. The owner's switch
   * is what a plain thread pays to wait: since the hub has a thread of its own, a hand-over of
   * the turn to it and back.
   */
  @Benchmark
  @OperationsPerInvocation(2 * OWNER_ROUNDS)
  public int ownerSwitch_gevent4j(HubState s) {
    int[] steps = {0};
    boolean[] stop = {false};
    s.hub.execute(() -> {
      while (!stop[0]) {
        steps[0]++;
        Hub.sleep(0);
      }
    });
    for (int i = 0; i < OWNER_ROUNDS; i++) Hub.sleep(0);
    stop[0] = true;
    s.run();
    return steps[0];
  }

  @Benchmark
  @OperationsPerInvocation(SLEEP_OPS)
  public int sleep0_gevent4j(HubState s) {
    Sleepers z = new Sleepers();
    for (int i = 0; i < SLEEPERS; i++) s.hub.execute(z::sleep0);
    s.run();
    return z.check();
  }

  @Benchmark
  @OperationsPerInvocation(SLEEP_OPS)
  public int sleep0_floor(FloorState s) {
    Sleepers z = new Sleepers();
    for (int i = 0; i < SLEEPERS; i++) s.scheduler.builder.start(z::yieldLoop);
    s.scheduler.drain();
    return z.check();
  }

  @Benchmark
  @OperationsPerInvocation(SLEEP_OPS)
  public int sleep0_jdk() throws InterruptedException {
    Sleepers z = new Sleepers();
    Thread[] threads = new Thread[SLEEPERS];
    for (int i = 0; i < SLEEPERS; i++) threads[i] = Thread.ofVirtual().start(z::yieldLoop);
    for (Thread t : threads) t.join();
    return z.check();
  }

  // ---- spawn + finish ----------------------------------------------------------------------

  static final class Nothing {
    int ran;

    void run() {
      ran++; // floor and gevent4j: one thread runs them all
    }

    int check() {
      if (ran != SPAWNS) throw new IllegalStateException("spawned greenlets did not all run: " + ran);
      return ran;
    }
  }

  @Benchmark
  @OperationsPerInvocation(SPAWNS)
  public int spawn_gevent4j(HubState s) {
    Nothing n = new Nothing();
    for (int i = 0; i < SPAWNS; i++) s.hub.execute(n::run);
    s.run();
    return n.check();
  }

  @Benchmark
  @OperationsPerInvocation(SPAWNS)
  public int spawn_floor(FloorState s) {
    Nothing n = new Nothing();
    for (int i = 0; i < SPAWNS; i++) s.scheduler.builder.start(n::run);
    s.scheduler.drain();
    return n.check();
  }

  @Benchmark
  @OperationsPerInvocation(SPAWNS)
  public int spawn_jdk() throws InterruptedException {
    Runnable nothing = () -> {};
    Thread[] threads = new Thread[SPAWNS];
    for (int i = 0; i < SPAWNS; i++) threads[i] = Thread.ofVirtual().start(nothing);
    for (Thread t : threads) t.join();
    return threads.length;
  }
}
