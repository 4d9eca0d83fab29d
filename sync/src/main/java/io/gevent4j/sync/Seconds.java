package io.gevent4j.sync;

import io.gevent4j.hub.internal.Timeouts;
import java.util.concurrent.TimeUnit;

/** This package's names for gevent4j's one timeout rule ({@link Timeouts}). */
final class Seconds {
  static final double FOREVER = Timeouts.FOREVER;

  private Seconds() {}

  /** {@link Timeouts#check}. */
  static double check(double seconds) {
    return Timeouts.check(seconds);
  }

  /** {@link Timeouts#of}. */
  static double of(long time, TimeUnit unit) {
    return Timeouts.of(time, unit);
  }
}
