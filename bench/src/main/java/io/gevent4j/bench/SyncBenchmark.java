package io.gevent4j.bench;

import io.gevent4j.hub.Hub;
import io.gevent4j.sync.Event;
import io.gevent4j.sync.Semaphore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * gevent4j's sync objects, each side by side with the {@code java.util.concurrent}
 * object doing the same job, used by greenlets of the same hub (they park as virtual threads
 * and the hub schedules them). Every variant runs on a hub made on the benchmark thread, per
 * backend; the benchmark thread drives it with {@link Hub#join}.
 *
 * <ul>
 *   <li>{@code eventPingPong}: two greenlets hand a turn back and forth, each waiting for a fresh
 *       one-shot signal per hop: gevent4j {@link Event} set/await vs a {@link CountDownLatch}(1)
 *       countDown/await. Score = ns per hop (one wake-up and one switch).
 *   <li>{@code semaphorePingPong}: the same hand-off through two reusable semaphores (release
 *       the peer's, acquire one's own): gevent4j {@link Semaphore} vs
 *       {@link java.util.concurrent.Semaphore}. Score = ns per hop.
 *   <li>{@code semaphoreContended}: 100 greenlets share a 10-permit semaphore; each takes a
 *       permit, yields while holding it ({@code Thread.yield()}: the others run and queue up),
 *       and releases it, 100 times. gevent4j (FIFO hand-off), JDK non-fair (the default: the
 *       releaser may take its permit straight back) and JDK fair. Score = ns per
 *       acquire+release.
 * </ul>
 */
public class SyncBenchmark extends BenchmarkBase {
  static final int HOPS = 10_000;
  static final int CONTENDERS = 100;
  static final int PERMITS = 10;
  static final int TURNS = 100;
  static final int CONTENDED_OPS = CONTENDERS * TURNS;

  /** Counts the greenlets that got to the end: a benchmark that lost one fails. */
  static final class Done {
    final AtomicInteger count = new AtomicInteger();

    int check(int expected) {
      if (count.get() != expected) throw new IllegalStateException("only " + count + " of " + expected + " finished");
      return expected;
    }
  }

  // ---- event ping-pong ----------------------------------------------------------------------

  @Benchmark
  @OperationsPerInvocation(HOPS)
  public int eventPingPong_gevent4j(HubState s) {
    Event[] hop = new Event[HOPS + 1];
    for (int i = 0; i < hop.length; i++) hop[i] = new Event();
    Done done = new Done();
    // a waits for the even hops and sets the odd ones; b the other way round
    s.spawn(() -> {
      for (int i = 0; i < HOPS; i += 2) {
        hop[i].await();
        hop[i + 1].set();
      }
      done.count.incrementAndGet();
    });
    s.spawn(() -> {
      for (int i = 1; i < HOPS; i += 2) {
        hop[i].await();
        hop[i + 1].set();
      }
      done.count.incrementAndGet();
    });
    hop[0].set();
    s.run();
    return done.check(2);
  }

  @Benchmark
  @OperationsPerInvocation(HOPS)
  public int eventPingPong_jdkLatch(HubState s) {
    CountDownLatch[] hop = new CountDownLatch[HOPS + 1];
    for (int i = 0; i < hop.length; i++) hop[i] = new CountDownLatch(1);
    Done done = new Done();
    s.spawn(() -> {
      for (int i = 0; i < HOPS; i += 2) {
        awaitLatch(hop[i]);
        hop[i + 1].countDown();
      }
      done.count.incrementAndGet();
    });
    s.spawn(() -> {
      for (int i = 1; i < HOPS; i += 2) {
        awaitLatch(hop[i]);
        hop[i + 1].countDown();
      }
      done.count.incrementAndGet();
    });
    hop[0].countDown();
    s.run();
    return done.check(2);
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- semaphore ping-pong --------------------------------------------------------------------

  @Benchmark
  @OperationsPerInvocation(HOPS)
  public int semaphorePingPong_gevent4j(HubState s) {
    Semaphore a = new Semaphore(0);
    Semaphore b = new Semaphore(0);
    Done done = new Done();
    s.spawn(() -> {
      for (int i = 0; i < HOPS / 2; i++) {
        b.release();
        a.acquire();
      }
      done.count.incrementAndGet();
    });
    s.spawn(() -> {
      for (int i = 0; i < HOPS / 2; i++) {
        b.acquire();
        a.release();
      }
      done.count.incrementAndGet();
    });
    s.run();
    return done.check(2);
  }

  @Benchmark
  @OperationsPerInvocation(HOPS)
  public int semaphorePingPong_jdk(HubState s) {
    java.util.concurrent.Semaphore a = new java.util.concurrent.Semaphore(0);
    java.util.concurrent.Semaphore b = new java.util.concurrent.Semaphore(0);
    Done done = new Done();
    s.spawn(() -> {
      for (int i = 0; i < HOPS / 2; i++) {
        b.release();
        a.acquireUninterruptibly();
      }
      done.count.incrementAndGet();
    });
    s.spawn(() -> {
      for (int i = 0; i < HOPS / 2; i++) {
        b.acquireUninterruptibly();
        a.release();
      }
      done.count.incrementAndGet();
    });
    s.run();
    return done.check(2);
  }

  // ---- a semaphore contended by 100 greenlets -------------------------------------------------

  /** Permit-holders counted, to check that no variant ever lets too many in. */
  static final class Slots {
    int inside;
    int most;

    void enter() {
      if (++inside > most) most = inside; // one hub thread: plain fields
    }

    void leave() {
      inside--;
    }

    int check() {
      if (most > PERMITS) throw new IllegalStateException(most + " holders of " + PERMITS + " permits");
      return most;
    }
  }

  @Benchmark
  @OperationsPerInvocation(CONTENDED_OPS)
  public int semaphoreContended_gevent4j(HubState s) {
    Semaphore sem = new Semaphore(PERMITS);
    Slots slots = new Slots();
    Done done = new Done();
    for (int g = 0; g < CONTENDERS; g++) {
      s.spawn(() -> {
        for (int i = 0; i < TURNS; i++) {
          sem.acquire();
          slots.enter();
          Thread.yield();
          slots.leave();
          sem.release();
        }
        done.count.incrementAndGet();
      });
    }
    s.run();
    slots.check();
    return done.check(CONTENDERS);
  }

  @Benchmark
  @OperationsPerInvocation(CONTENDED_OPS)
  public int semaphoreContended_jdk(HubState s) {
    return contendJdk(s, new java.util.concurrent.Semaphore(PERMITS));
  }

  @Benchmark
  @OperationsPerInvocation(CONTENDED_OPS)
  public int semaphoreContended_jdkFair(HubState s) {
    return contendJdk(s, new java.util.concurrent.Semaphore(PERMITS, true));
  }

  private static int contendJdk(HubState s, java.util.concurrent.Semaphore sem) {
    Slots slots = new Slots();
    Done done = new Done();
    for (int g = 0; g < CONTENDERS; g++) {
      s.spawn(() -> {
        for (int i = 0; i < TURNS; i++) {
          sem.acquireUninterruptibly();
          slots.enter();
          Thread.yield();
          slots.leave();
          sem.release();
        }
        done.count.incrementAndGet();
      });
    }
    s.run();
    slots.check();
    return done.check(CONTENDERS);
  }
}
