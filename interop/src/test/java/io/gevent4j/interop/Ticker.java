package io.gevent4j.interop;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import java.util.ArrayList;
import java.util.List;

/**
 * A timer greenlet that sleeps {@code period} seconds again and again on the current hub and
 * records when it woke: proof that the hub kept turning while other greenlets waited on a server.
 * {@link #close()} stops it and joins it.
 */
final class Ticker implements AutoCloseable {
  private final double period;
  private final List<Long> ticks = new ArrayList<>(); // nanoTime of each wake-up
  private volatile boolean stopping;
  private final Greenlet<Void> greenlet;

  private Ticker(double period) {
    this.period = period;
    this.greenlet = Greenlet.spawn(() -> {
      while (!stopping) {
        Gevent.sleep(period);
        synchronized (ticks) {
          ticks.add(System.nanoTime());
        }
      }
    });
  }

  /** Starts ticking every {@code period} seconds in a greenlet of the current hub. */
  static Ticker start(double period) {
    return new Ticker(period);
  }

  /** The instant a measured window starts. */
  static long mark() {
    return System.nanoTime();
  }

  /** The ticks from {@code start} (a {@link #mark()}) to now. */
  Window since(long start) {
    return between(start, System.nanoTime());
  }

  /** The ticks from {@code start} to {@code end} (two {@link #mark()}s). */
  Window between(long start, long end) {
    int count = 0;
    long last = start;
    long maxGap = 0;
    synchronized (ticks) {
      for (long t : ticks) {
        if (t <= start || t > end) continue;
        count++;
        maxGap = Math.max(maxGap, t - last);
        last = t;
      }
    }
    maxGap = Math.max(maxGap, end - last);
    return new Window((end - start) / 1e9, count, (end - start) / 1e9 / period, maxGap / 1e9);
  }

  /**
   * What the ticker did during a window.
   *
   * @param seconds the window's length
   * @param ticks how many times it woke in it
   * @param possible how many it could have at most (seconds / period)
   * @param longestGap the longest time without a tick, the window's ends included (seconds)
   */
  record Window(double seconds, int ticks, double possible, double longestGap) {
    @Override
    public String toString() {
      return String.format("%d ticks of %.0f possible in %.3f s, longest gap %.0f ms", ticks, possible, seconds,
          longestGap * 1000);
    }
  }

  @Override
  public void close() {
    stopping = true;
    greenlet.join();
  }
}
