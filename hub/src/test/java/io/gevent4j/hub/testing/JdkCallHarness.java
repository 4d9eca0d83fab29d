package io.gevent4j.hub.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Timeout;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Tells whether a JDK call made in a greenlet <b>cooperates</b> or <b>holds the hub</b>: the
 * harness of the "Which JDK calls cooperate" table (docs/hub.md, "What blocks the hub"), shared by
 * the hub, dns and threading modules' {@code JdkCallsTest}s. Each check runs on the hub's owner
 * thread (in {@link HubTesting#onFreshHub}), starts {@code n} greenlets of that hub that each make
 * the call, and a {@link Ticker}: a greenlet of the same hub that sleeps {@value #TICK} s in a loop
 * and counts its wake-ups. The ticks a greenlet sees between entering and leaving its call tell
 * whether the hub thread ran other greenlets meanwhile.
 *
 * <p>A row that <b>cooperates</b> ({@link #cooperates}): the {@code n} calls are released by a
 * greenlet of the same hub, and only once all {@code n} are in their call and the timer has
 * ticked 3 more times. So each call overlapped all the others ({@link Outcome#allAtOnce}) and
 * the timer ticked at least 3 times while each was waiting. The releaser being a greenlet of that
 * hub is what makes the check conclusive: a call that held the hub thread would never be
 * released, and the row fails at its time-out ({@value #PATIENCE} s) instead of passing slowly.
 * A row whose calls end by themselves (no release) needs at least 1 tick during each call.
 *
 * <p>A row that <b>holds the hub</b> ({@link #blocksTheHub}): the calls are released by a plain
 * platform thread (a greenlet could not run while the hub thread is held), each
 * {@value #PIN_SECONDS} s after it started; or they end by themselves after a known time. The
 * timer did not tick during any of them (its count, read before and after each call, did not
 * move, though it would have ticked dozens of times in that while had the hub been free), no call
 * started before the previous one returned ({@link Outcome#oneAtATime}), and each took at least
 * that time (so the zero ticks are not those of a call too short to see one).
 * {@link #blocksTheHubOnTheOwner} checks the same of a call made by the hub's owner itself, not
 * in a greenlet.
 *
 * <p>Every wait of the harness is bounded by {@value #PATIENCE} s and made cooperatively
 * ({@link Hub#sleep}, {@link Hub#await}), on the owner or in a greenlet; what a greenlet or the
 * releaser throws fails the row, with the cause attached.
 */
public final class JdkCallHarness {
  /** The timer's period, seconds. */
  public static final double TICK = 0.002;
  /** How long a plain thread holds a call that blocks the hub before releasing it, seconds. */
  public static final double PIN_SECONDS = 0.1;
  /** The bound on every wait of the harness, seconds. */
  public static final double PATIENCE = 20;

  /** No condition beyond "all the calls are under way" before the release. */
  private static final BooleanSupplier ALWAYS = () -> true;

  private JdkCallHarness() {}

  /** A JDK call that waits. */
  @FunctionalInterface
  public interface Call {
    void run() throws Exception;
  }

  /** What greenlet {@code i} of a row does: gets ready (connects, opens...), then returns its call. */
  @FunctionalInterface
  public interface Row {
    Call prepare(int i) throws Exception;
  }

  /** Releases the call of greenlet {@code i}, from a plain thread. */
  @FunctionalInterface
  public interface Release {
    void release(int i) throws Exception;
  }

  /** A greenlet of the hub that counts the ticks of a {@link #TICK} timer until closed. */
  public static final class Ticker implements AutoCloseable {
    private final AtomicInteger ticks = new AtomicInteger();
    private volatile boolean stop;

    public Ticker(Hub hub) {
      hub.execute(() -> {
        while (!stop) {
          Hub.sleep(TICK);
          ticks.incrementAndGet();
        }
      });
    }

    public int ticks() {
      return ticks.get();
    }

    /** Waits (cooperatively, on the owner or in a greenlet) until the timer ticked {@code more} times. */
    public void awaitTicks(int more) {
      int target = ticks.get() + more;
      waitUntil(() -> ticks.get() >= target, "the timer to tick " + more + " times");
    }

    @Override
    public void close() {
      stop = true;
    }
  }

  /** Polls {@code condition} at each tick, cooperatively; fails after {@link #PATIENCE}. */
  public static void waitUntil(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + (long) (PATIENCE * 1e9);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("waited " + PATIENCE + " s for " + what);
      Hub.sleep(TICK);
    }
  }

  /**
   * What a row's greenlets saw: when each entered and left its call ({@link System#nanoTime}),
   * the ticks meanwhile, and when the release began (0 without a release).
   */
  public record Outcome(String what, long[] entered, long[] returned, int[] ticksDuring, long released) {
    public int n() {
      return entered.length;
    }

    /** Whether every call was under way at once: the last one started before the first returned. */
    public boolean allAtOnce() {
      return Arrays.stream(entered).max().orElseThrow() < Arrays.stream(returned).min().orElseThrow();
    }

    /** Whether no call started before the previous one had returned. */
    public boolean oneAtATime() {
      Integer[] order = new Integer[n()];
      for (int i = 0; i < order.length; i++) order[i] = i;
      Arrays.sort(order, Comparator.comparingLong(i -> entered[i]));
      for (int k = 1; k < order.length; k++) {
        if (entered[order[k]] < returned[order[k - 1]]) return false;
      }
      return true;
    }

    public int minTicks() {
      return Arrays.stream(ticksDuring).min().orElseThrow();
    }

    public int maxTicks() {
      return Arrays.stream(ticksDuring).max().orElseThrow();
    }

    /** The shortest call, seconds. */
    public double shortest() {
      double s = Double.MAX_VALUE;
      for (int i = 0; i < n(); i++) s = Math.min(s, (returned[i] - entered[i]) / 1e9);
      return s;
    }

    /** From the first call's start to the last call's return, seconds. */
    public double span() {
      return (Arrays.stream(returned).max().orElseThrow() - Arrays.stream(entered).min().orElseThrow()) / 1e9;
    }

    /** From the release to the last call's return, seconds (0 without a release). */
    public double wakeAll() {
      return released == 0 ? 0 : (Arrays.stream(returned).max().orElseThrow() - released) / 1e9;
    }

    @Override
    public String toString() {
      return String.format("%s: %d calls, %s, ticks during each call %d..%d, span %.1f ms%s", what, n(),
          allAtOnce() ? "all at once" : oneAtATime() ? "one at a time" : "partly overlapping", minTicks(), maxTicks(),
          span() * 1e3, released == 0 ? "" : String.format(", all %d woken %.2f ms after the release", n(), wakeAll() * 1e3));
    }
  }

  /**
   * Runs {@code n} greenlets that each make {@code row}'s call, and a greenlet that runs
   * {@code release} (null: the calls end by themselves) once all of them are in their call,
   * {@code ready} holds and the timer has ticked 3 more times. Called on the hub's owner; returns
   * once every call returned and the release is done.
   */
  private static Outcome run(Hub hub, String what, int n, Row row, BooleanSupplier ready, Call release) {
    long[] entered = new long[n];
    long[] returned = new long[n];
    int[] ticksDuring = new int[n];
    long[] released = new long[1];
    AtomicInteger inCall = new AtomicInteger();
    AtomicInteger over = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CompletableFuture<Void> allReturned = new CompletableFuture<>();
    // The releaser may still be at work when the calls return (a client socket it opens after the
    // last call returned): the row waits for it too, else what it opens outlives the test.
    CompletableFuture<Void> releaseDone = new CompletableFuture<>();
    try (Ticker ticker = new Ticker(hub)) {
      for (int i = 0; i < n; i++) {
        int id = i;
        hub.execute(() -> {
          try {
            Call call = row.prepare(id);
            int before = ticker.ticks();
            entered[id] = System.nanoTime();
            inCall.incrementAndGet();
            call.run();
            returned[id] = System.nanoTime();
            ticksDuring[id] = ticker.ticks() - before;
          } catch (Throwable e) {
            failures.add(e);
          } finally {
            if (over.incrementAndGet() == n) allReturned.complete(null);
          }
        });
      }
      if (release != null) {
        hub.execute(() -> {
          try {
            // a greenlet that failed never enters its call: release the others anyway, the row fails with its cause
            waitUntil(() -> (inCall.get() == n && ready.getAsBoolean()) || !failures.isEmpty(),
                "all " + n + " greenlets in their call" + (ready == ALWAYS ? "" : ", the row ready"));
            ticker.awaitTicks(3);
            released[0] = System.nanoTime();
            release.run();
          } catch (Throwable e) {
            failures.add(e);
          } finally {
            releaseDone.complete(null);
          }
        });
      } else {
        releaseDone.complete(null);
      }
      try {
        Hub.await(allReturned.thenCombine(releaseDone, (a, b) -> null), PATIENCE);
      } catch (Timeout t) {
        AssertionError e = new AssertionError(what + ": " + over.get() + " of " + n + " calls returned in " + PATIENCE + " s"
            + (releaseDone.isDone() ? "" : ", the release not done"));
        failures.forEach(e::addSuppressed);
        throw e;
      }
    }
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError(what + ": a greenlet failed");
      failures.forEach(e::addSuppressed);
      throw e;
    }
    return new Outcome(what, entered, returned, ticksDuring, released[0]);
  }

  /**
   * Checks that {@code row}'s call cooperates: {@code n} greenlets each make it, and a greenlet
   * of the same hub runs {@code release} (null: the calls end by themselves) once all of them are
   * in their call and the timer has ticked 3 more times. The calls must all have been under way at
   * once, and the timer must have ticked during each (3 times; once without a release).
   */
  public static Outcome cooperates(Hub hub, String what, int n, Row row, Call release) {
    return cooperates(hub, what, n, row, ALWAYS, release);
  }

  /**
   * {@link #cooperates(Hub, String, int, Row, Call)} whose release also waits for {@code ready}
   * (polled at each tick): for a row whose calls are under way only once something else saw them,
   * as a server that holds all {@code n} requests.
   */
  public static Outcome cooperates(Hub hub, String what, int n, Row row, BooleanSupplier ready, Call release) {
    Outcome o = run(hub, what, n, row, ready, release);
    System.out.println("[jdkcalls] cooperates: " + o);
    assertTrue(o.allAtOnce(), o::toString);
    assertTrue(o.minTicks() >= (release == null ? 1 : 3), () -> "the timer ticked during each call: " + o);
    return o;
  }

  /**
   * Checks that {@code row}'s call holds the hub thread until a plain thread releases it:
   * {@code n} greenlets each make it; a plain thread runs {@code release} for each call
   * {@link #PIN_SECONDS} after it started. No tick during any of them, one at a time, each as long
   * as its release took.
   */
  public static Outcome blocksTheHub(Hub hub, String what, int n, Row row, Release release) throws InterruptedException {
    // A greenlet tells the releaser its call starts without a wait of its own: no JDK lock (a
    // LinkedBlockingQueue's, say), which could park the greenlet inside the measured call and let
    // the timer tick. A lock-free queue and an unpark.
    ConcurrentLinkedQueue<Integer> started = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    Thread releaser = Thread.ofPlatform().name("releaser").start(() -> {
      try {
        for (int k = 0; k < n; k++) {
          long deadline = System.nanoTime() + (long) (PATIENCE * 1e9);
          Integer id;
          while ((id = started.poll()) == null) {
            if (System.nanoTime() > deadline) throw new AssertionError("no call started in " + PATIENCE + " s");
            LockSupport.parkNanos(deadline - System.nanoTime());
          }
          Thread.sleep((long) (PIN_SECONDS * 1000));
          release.release(id);
        }
      } catch (Throwable e) {
        failures.add(e);
      }
    });
    Outcome o;
    try {
      o = run(hub, what, n, i -> {
        Call call = row.prepare(i);
        return () -> {
          started.add(i);
          LockSupport.unpark(releaser);
          call.run();
        };
      }, ALWAYS, null);
    } finally {
      releaser.join((long) (PATIENCE * 1000));
    }
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError(what + ": the releaser failed");
      failures.forEach(e::addSuppressed);
      throw e;
    }
    return heldTheHub(o, PIN_SECONDS);
  }

  /**
   * Checks that {@code row}'s call, which takes at least {@code seconds} by itself, holds the hub
   * thread meanwhile: {@code n} greenlets each make it; no tick during any of them, one at a time,
   * each at least {@code seconds} long.
   */
  public static Outcome blocksTheHub(Hub hub, String what, int n, double seconds, Row row) {
    return heldTheHub(run(hub, what, n, row, ALWAYS, null), seconds);
  }

  private static Outcome heldTheHub(Outcome o, double seconds) {
    System.out.println("[jdkcalls] blocks the hub: " + o);
    assertEquals(0, o.maxTicks(), () -> "the timer must not tick while the hub thread is held: " + o);
    assertTrue(o.oneAtATime(), o::toString);
    assertTrue(o.shortest() >= seconds, o::toString);
    return o;
  }

  /**
   * Checks that the hub's owner making {@code call}, which a plain thread releases after
   * {@link #PIN_SECONDS}, holds the hub: the timer greenlet, ticking before (the owner waits
   * cooperatively), does not tick during the call, and ticks again after it.
   */
  public static void blocksTheHubOnTheOwner(Hub hub, String what, Call call, Call release) throws Exception {
    try (Ticker ticker = new Ticker(hub)) {
      ticker.awaitTicks(2); // the owner waits cooperatively: the timer runs
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      Thread releaser = Thread.ofPlatform().name("releaser").start(() -> {
        try {
          Thread.sleep((long) (PIN_SECONDS * 1000));
          release.run();
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      int before = ticker.ticks();
      long start = System.nanoTime();
      call.run();
      double took = (System.nanoTime() - start) / 1e9;
      int during = ticker.ticks() - before;
      releaser.join();
      assertTrue(failures.isEmpty(), failures::toString);
      System.out.printf("[jdkcalls] on the owner, blocks the hub: %s: %.1f ms, %d ticks%n", what, took * 1e3, during);
      assertEquals(0, during, what + ": the timer must not tick while the owner holds the hub");
      assertTrue(took >= PIN_SECONDS, what + " took " + took);
      ticker.awaitTicks(2); // and it ticks again once the owner waits in gevent4j
    }
  }
}
