package io.gevent4j.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Defaults every gevent4j benchmark shares: average time in nanoseconds, one fork, short
 * warm-up (the machine has 2 cores; runs are compared side by side within one run, never
 * across runs). The fork gets the JVM flags greenlets need from the jar's {@link Main}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class BenchmarkBase {
  /**
   * This thread's hub on {@code backend} ("libev" or "libuv"): the property is read when the hub
   * is created, so call it on the benchmark thread before anything made the hub.
   */
  static io.gevent4j.hub.Hub hubOn(String backend) {
    System.setProperty("gevent.loop", backend);
    io.gevent4j.hub.Hub hub = io.gevent4j.hub.Hub.current();
    if (!hub.backend().startsWith(backend + ":")) {
      throw new IllegalStateException("asked for " + backend + ", got " + hub.backend());
    }
    return hub;
  }
}
