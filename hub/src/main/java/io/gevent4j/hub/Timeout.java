package io.gevent4j.hub;

import io.gevent4j.loop.TimerWatcher;
import java.util.concurrent.Callable;

/**
 * Raises itself (or a given throwable) in the greenlet that started it after a number of
 * seconds, at that greenlet's current or next wait point (gevent's {@code gevent.Timeout}).
 * Use it with try-with-resources:
 *
 * <pre>{@code
 * try (Timeout t = Timeout.start(2.0)) {
 *   queue.get();
 * } catch (Timeout t) { ... }
 * }</pre>
 *
 * <p>An {@link Error} (as gevent's is a {@code BaseException}), so {@code catch (Exception e)}
 * does not swallow it. Timeouts nest; each one only ever fires at a wait point of the greenlet
 * that started it; a greenlet parked in a JDK blocking call is interrupted. {@code start(0)}
 * fires at the first wait that really waits ({@code sleep(0)} does not). A restart after
 * {@link #cancel()} runs the full period again, on both backends.
 */
public class Timeout extends Error implements AutoCloseable {
  private static final long serialVersionUID = 1L;

  private final double seconds;
  private final transient Throwable toThrow;
  private transient TimerWatcher timer;
  private transient RawGreenlet target;

  /**
   * A timeout of {@code seconds}, not started.
   *
   * @throws IllegalArgumentException for NaN or a negative value
   */
  public Timeout(double seconds) {
    this(seconds, null);
  }

  /**
   * A timeout that raises {@code toThrow} instead of itself; not started.
   *
   * @throws IllegalArgumentException for NaN or a negative value
   */
  public Timeout(double seconds, Throwable toThrow) {
    super(null, null, false, false);
    this.seconds = Timeouts.check(seconds);
    this.toThrow = toThrow;
  }

  /** Starts a timeout of {@code seconds} in the current greenlet (or thread). */
  public static Timeout start(double seconds) {
    return new Timeout(seconds).start();
  }

  /**
   * Starts a timeout that raises {@code toThrow} (checked ones as they are) instead of a Timeout.
   */
  public static Timeout start(double seconds, Throwable toThrow) {
    return new Timeout(seconds, toThrow).start();
  }

  /**
   * Runs {@code body} with a timeout; returns {@code fallback} when this timeout fires
   * (gevent's {@code with_timeout(seconds, function, timeout_value=...)}).
   *
   * @throws RuntimeException what {@code body} throws: unchecked as is, checked in a
   *     {@code CompletionException}
   */
  public static <T> T withTimeout(double seconds, Callable<T> body, T fallback) {
    Timeout timeout = new Timeout(seconds).start();
    try {
      return body.call();
    } catch (Timeout t) {
      if (t == timeout) return fallback;
      throw t;
    } catch (Exception e) {
      throw Hub.rethrow(e);
    } finally {
      timeout.cancel();
    }
  }

  /**
   * (Re)starts the timer for the full period in the current greenlet or thread.
   *
   * @return this
   * @throws IllegalStateException when already pending
   */
  public Timeout start() {
    if (pending()) throw new IllegalStateException("this Timeout is already pending");
    Hub hub = Hub.current();
    RawGreenlet g = RawGreenlet.current();
    target = g != null ? g : hub.mainGreenlet();
    if (Double.isInfinite(seconds)) return this; // never fires
    timer = hub.startingTimer(seconds);
    RawGreenlet victim = target;
    timer.start(revents -> {
      timer.close();
      timer = null;
      victim.deliver(toThrow != null ? toThrow : this, true);
    });
    return this;
  }

  /** The period in seconds. */
  public double seconds() {
    return seconds;
  }

  /** True while started and not yet fired nor cancelled. */
  public boolean pending() {
    return timer != null && timer.isActive();
  }

  /**
   * Stops the timer; a firing not yet raised in the greenlet is withdrawn. Idempotent.
   */
  public void cancel() {
    if (timer != null) {
      timer.close();
      timer = null;
    }
    if (target != null) target.withdraw(toThrow != null ? toThrow : this);
  }

  /** {@link #cancel()}: for try-with-resources. */
  @Override
  public void close() {
    cancel();
  }

  @Override
  public String getMessage() {
    return toThrow != null ? seconds + " seconds (raising " + toThrow + ")" : seconds + " second" + (seconds == 1 ? "" : "s");
  }
}
