package io.gevent4j.bench;

import io.gevent4j.hub.Hub;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
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
   * The state of every benchmark that runs greenlets: a hub on {@code backend}, made on the
   * benchmark thread for the trial and closed after it. The benchmark thread is the hub's owner
   * (gevent's main greenlet) and drives it with {@link #run}.
   */
  @State(Scope.Thread)
  public static class HubState {
    @Param({"libev", "libuv"})
    public String backend;

    Hub hub;

    /**
     * Makes this thread's hub: the property is read when the hub is created, so this runs on
     * the benchmark thread before anything made the hub.
     */
    @Setup(Level.Trial)
    public void setUpHub() {
      System.setProperty("gevent.loop", backend);
      hub = Hub.current();
      if (!hub.backend().startsWith(backend + ":")) {
        throw new IllegalStateException("asked for " + backend + ", got " + hub.backend());
      }
    }

    /** Starts a greenlet that runs {@code body}. */
    void spawn(Runnable body) {
      hub.execute(body);
    }

    /** Runs the hub until every greenlet has ended. */
    void run() {
      hub.join(Double.POSITIVE_INFINITY);
    }

    @TearDown(Level.Trial)
    public void tearDownHub() {
      hub.close();
    }
  }
}
