package io.gevent4j.sync;

import java.util.concurrent.TimeUnit;

/** The timeout rules of this package, in one place. */
final class Seconds {
  static final double FOREVER = Double.POSITIVE_INFINITY;

  private Seconds() {}

  /**
   * A gevent-style timeout in seconds: infinity waits as long as it takes, 0 does not wait.
   *
   * @throws IllegalArgumentException for NaN or a negative value
   */
  static double check(double seconds) {
    if (Double.isNaN(seconds) || seconds < 0) {
      throw new IllegalArgumentException("a timeout must be >= 0 seconds (or infinite), not " + seconds);
    }
    return seconds;
  }

  /**
   * A {@code java.util.concurrent} timeout, with the JDK's contract: zero or negative means
   * "don't wait"; a duration too long for nanoseconds waits as long as it takes.
   */
  static double of(long time, TimeUnit unit) {
    java.util.Objects.requireNonNull(unit, "unit");
    if (time <= 0) return 0;
    long nanos = unit.toNanos(time);
    return nanos == Long.MAX_VALUE ? FOREVER : nanos / 1e9;
  }
}
