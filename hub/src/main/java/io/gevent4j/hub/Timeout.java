package io.gevent4j.hub;

import io.gevent4j.hub.internal.Timeouts;

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

  /** The period, in seconds. */
  private final double seconds;
  private final transient Throwable toThrow;
  /** The text given to {@link #Timeout(double, String)}, or null. */
  private final String message;
  private transient TimerWatcher timer;
  private transient RawGreenlet target;
  /** It fired: its error was delivered to the target (thrown at a wait point, or by an interrupt). */
  private transient volatile boolean fired;

  /**
   * A timeout of {@code seconds}, not started.
   *
   * @param seconds the period; infinity never fires
   * @throws IllegalArgumentException for NaN or a negative value
   */
  public Timeout(double seconds) {
    this(seconds, (Throwable) null);
  }

  /**
   * A timeout that raises {@code toThrow} instead of itself; not started.
   *
   * @param seconds the period; infinity never fires
   * @param toThrow what it raises when it fires
   * @throws IllegalArgumentException for NaN or a negative value
   */
  public Timeout(double seconds, Throwable toThrow) {
    super(null, null, false, false);
    this.seconds = Timeouts.check(seconds);
    this.toThrow = toThrow;
    this.message = null;
  }

  /**
   * A timeout that raises itself with {@code message} in its text (gevent's
   * {@code Timeout(seconds, "message")}); not started.
   *
   * @param seconds the period; infinity never fires
   * @param message the text its message carries
   * @throws IllegalArgumentException for NaN or a negative value
   */
  public Timeout(double seconds, String message) {
    super(null, null, false, false);
    this.seconds = Timeouts.check(seconds);
    this.toThrow = null;
    this.message = message;
  }

  /** {@return what it raises instead of itself, or null (gevent's {@code Timeout.exception})} */
  public Throwable exception() {
    return toThrow;
  }

  /**
   * {@return a timeout of {@code seconds}, started in the current greenlet (or thread)}
   *
   * @param seconds the period; infinity never fires
   */
  public static Timeout start(double seconds) {
    return new Timeout(seconds).start();
  }

  /**
   * Starts a timeout that raises {@code toThrow} (checked ones as they are) instead of a Timeout.
   *
   * @param seconds the period; infinity never fires
   * @param toThrow what it raises when it fires
   * @return the timeout, started
   */
  public static Timeout start(double seconds, Throwable toThrow) {
    return new Timeout(seconds, toThrow).start();
  }

  /**
   * Runs {@code body} with a timeout; returns {@code fallback} when this timeout fires
   * (gevent's {@code with_timeout(seconds, function, timeout_value=...)}) — also when it fired
   * in a JDK blocking call of a greenlet, which the interrupt it delivered ended with the
   * JDK's own exception ({@code InterruptedException}, {@code SocketException: Closed by
   * interrupt}...): that exception is the timeout's doing, not the body's failure.
   *
   * @param <T> the body's value type
   * @param seconds the period; infinity never fires
   * @param body what to run
   * @param fallback what to return when the timeout fires
   * @return what {@code body} returned, or {@code fallback} when the timeout fired
   * @throws RuntimeException what {@code body} throws otherwise: unchecked as is, checked in a
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
      if (timeout.fired) return fallback;
      throw Hub.rethrow(e);
    } finally {
      timeout.cancel();
    }
  }

  /**
   * Runs {@code body} under a timeout of {@code seconds} and raises the timeout when it fires
   * (gevent's {@code with Timeout(seconds): body}): when it fired, the {@code Timeout} is thrown
   * whatever the body then threw — a JDK blocking call it interrupted ends with the JDK's own
   * exception ({@code SocketException: Closed by interrupt}, a JDBC driver's
   * {@code SQLException} over it...), which is the timeout's doing — so a caller catches one
   * type, {@code Timeout}, for every way the body can be cut short.
   *
   * <pre>{@code
   * try {
   *   rows = Timeout.call(0.5, () -> statement.executeQuery());
   * } catch (Timeout t) { ... }     // never the driver's exception for it
   * }</pre>
   *
   * @param <T> the body's value type
   * @param seconds the period; infinity never fires
   * @param body what to run
   * @return what {@code body} returned
   * @throws Timeout this call's timeout, when it fired
   * @throws Exception what {@code body} threw, when the timeout did not fire
   */
  public static <T> T call(double seconds, Callable<T> body) throws Exception {
    Timeout timeout = new Timeout(seconds).start();
    try {
      return body.call();
    } catch (Timeout t) {
      throw t == timeout || !timeout.fired ? t : timeout;
    } catch (Exception | Error e) {
      if (timeout.fired) throw timeout;
      throw e;
    } finally {
      timeout.cancel();
    }
  }

  /**
   * True when this timeout fired. In a greenlet parked in a JDK blocking call, a timeout that
   * fires interrupts the call, which then ends with the JDK's exception rather than this one
   * ({@code catch (Timeout t)} cannot see it): check {@code t.fired()} in the JDK exception's
   * handler, or use {@link #withTimeout}. {@link #close()} at the end of the block then
   * withdraws the delivery and the interrupt status it set.
   *
   * @return true when this timeout fired
   */
  public boolean fired() {
    return fired;
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
    fired = false;
    timer.start(revents -> {
      timer.close();
      timer = null;
      fired = true;
      victim.deliver(toThrow != null ? toThrow : this, true);
    });
    return this;
  }

  /** {@return the period in seconds} */
  public double seconds() {
    return seconds;
  }

  /** {@return true while started and not yet fired nor cancelled} */
  public boolean pending() {
    return timer != null && timer.isActive();
  }

  /**
   * Stops the timer; a firing not yet raised in the greenlet is withdrawn, with the interrupt
   * status it set to reach a JDK call (a delivery that no wait point threw must not hit an
   * unrelated later call). Idempotent.
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
    if (toThrow != null) return seconds + " seconds (raising " + toThrow + ")";
    String text = seconds + " second" + (seconds == 1 ? "" : "s");
    return message != null ? text + ": " + message : text;
  }
}
