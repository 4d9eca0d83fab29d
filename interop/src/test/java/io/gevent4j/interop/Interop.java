package io.gevent4j.interop;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the interop tests share: running in greenlets, timing, waiting for a condition, reporting. */
final class Interop {
  private Interop() {}

  /** A test body that may throw. */
  @FunctionalInterface
  interface Body {
    void run() throws Exception;
  }

  /** The body of the {@code i}th of many greenlets. */
  @FunctionalInterface
  interface Each {
    void run(int i) throws Exception;
  }

  /** A condition polled by {@link #awaitCondition}, which may throw. */
  @FunctionalInterface
  interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Runs {@code body} in a greenlet of a fresh hub (on a fresh owner thread, which only waits for
   * it), then checks what {@code onFreshHub} checks: every greenlet ended, no descriptor or thread
   * left behind. The clients are used from greenlets only: the owner thread never takes their
   * locks (see docs/hub.md, "What blocks the hub").
   */
  static void inGreenlet(Body body) {
    onFreshHub(60, hub -> Greenlet.spawn(() -> {
      body.run();
      return null;
    }).get());
  }

  /** Runs {@code body(0..n-1)} in {@code n} greenlets at once; waits for them all; returns the seconds it took. */
  static double inGreenlets(int n, Each body) {
    return timedInGreenlets(n, body).seconds();
  }

  /**
   * When many greenlets ran: their start, the instant the first one finished (until then all were
   * in flight) and the instant the last one did ({@code System.nanoTime()}).
   */
  record Run(long start, long firstDone, long lastDone) {
    double seconds() {
      return (lastDone - start) / 1e9;
    }
  }

  /** {@link #inGreenlets}, with when the first and the last greenlet finished. */
  static Run timedInGreenlets(int n, Each body) {
    long start = System.nanoTime();
    long[] firstDone = {Long.MAX_VALUE};
    List<Greenlet<Void>> greenlets = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int index = i;
      greenlets.add(Greenlet.spawn(() -> {
        body.run(index);
        firstDone[0] = Math.min(firstDone[0], System.nanoTime()); // greenlets of one hub: one at a time
        return null;
      }));
    }
    Gevent.joinAll(greenlets, 60, true);
    long lastDone = System.nanoTime();
    for (Greenlet<Void> g : greenlets) g.get(); // each one's failure, if any
    return new Run(start, firstDone[0], lastDone);
  }

  /**
   * Polls {@code condition} every 20 ms (a cooperative sleep) until it holds; returns the seconds
   * it took. For what a server does on its own time (a backend that exits, a client it drops).
   *
   * @throws AssertionError when it does not hold within {@code seconds}
   */
  static double awaitCondition(double seconds, String what, Condition condition) throws Exception {
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) throw new AssertionError(what + ": not within " + seconds + " s");
      Gevent.sleep(0.02);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** Prints a measured figure to the build's output, tagged with the backend. */
  static void report(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[interop %s] %s%n", System.getProperty("gevent.loop", "libev"),
        String.format(Locale.ROOT, format, args));
  }

  static double secondsSince(long nanoTime) {
    return (System.nanoTime() - nanoTime) / 1e9;
  }
}
