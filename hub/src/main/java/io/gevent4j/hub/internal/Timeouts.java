package io.gevent4j.hub.internal;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The one rule for every timeout and delay of gevent4j, and its one message: seconds as a
 * {@code double}; infinity waits as long as it takes, 0 does not wait, NaN and negative values
 * are refused. ({@code Socket.setTimeout} is the one setting where a negative means "none".)
 */
public final class Timeouts {
  private Timeouts() {}

  /** As long as it takes. */
  public static final double FOREVER = Double.POSITIVE_INFINITY;

  /**
   * @return {@code seconds}
   * @throws IllegalArgumentException for NaN or a negative value
   */
  public static double check(double seconds) {
    if (Double.isNaN(seconds) || seconds < 0) {
      throw new IllegalArgumentException("a timeout or delay must be >= 0 seconds (or infinite), not " + seconds);
    }
    return seconds;
  }

  /** The deadline of a checked timeout starting now, in {@link System#nanoTime()} terms; {@link Long#MAX_VALUE} for none. */
  public static long deadline(double seconds) {
    check(seconds);
    return Double.isInfinite(seconds) ? Long.MAX_VALUE : System.nanoTime() + (long) (seconds * 1e9);
  }

  /** The seconds left until {@code deadline} (never negative), or infinity for {@link Long#MAX_VALUE}. */
  public static double left(long deadline) {
    return deadline == Long.MAX_VALUE ? FOREVER : Math.max(0, (deadline - System.nanoTime()) / 1e9);
  }

  /**
   * A {@code java.util.concurrent} timeout, with the JDK's contract: zero or negative means
   * "don't wait"; a duration too long for nanoseconds waits as long as it takes.
   */
  public static double of(long time, TimeUnit unit) {
    Objects.requireNonNull(unit, "unit");
    if (time <= 0) return 0;
    long nanos = unit.toNanos(time);
    return nanos == Long.MAX_VALUE ? FOREVER : nanos / 1e9;
  }
}
