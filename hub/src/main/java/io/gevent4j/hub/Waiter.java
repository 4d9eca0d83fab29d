package io.gevent4j.hub;

import io.gevent4j.hub.internal.Timeouts;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A one-shot hand-off to one waiting greenlet or thread (gevent's {@code gevent.hub.Waiter}):
 * whoever creates it calls {@link #get()}, and anyone — another greenlet, a hub callback,
 * another thread or hub — completes it once with {@link #switchTo} or {@link #throwInto}.
 * The waiter parks cooperatively (or runs its hub when it is a plain thread) until then.
 *
 * @param <T> the value handed over
 */
public final class Waiter<T> {
  private static final Object EMPTY = new Object();

  private final Hub hub;
  private final Thread owner;
  private final boolean shared;
  private final AtomicReference<Object> result = new AtomicReference<>(EMPTY);
  private volatile boolean failed;

  /**
   * A waiter for the current greenlet or thread.
   *
   * @param shared true when another thread or hub may complete it: the wait then keeps the hub
   *     alive instead of ending in {@link LoopExit}
   */
  public Waiter(boolean shared) {
    this.hub = Hub.current();
    this.owner = Thread.currentThread();
    this.shared = shared;
  }

  /** A waiter that only greenlets and callbacks of its own hub complete. */
  public Waiter() {
    this(false);
  }

  /**
   * Completes the waiter with {@code value} and wakes it; any thread may call.
   *
   * @param value the value {@link #get()} returns
   * @return false when it was already completed (the value is dropped)
   */
  public boolean switchTo(T value) {
    if (!result.compareAndSet(EMPTY, value)) return false;
    hub.wake(owner);
    return true;
  }

  /**
   * Completes the waiter with a failure that {@link #get()} throws; any thread may call.
   *
   * @param error what {@link #get()} throws
   * @return false when it was already completed
   */
  public boolean throwInto(Throwable error) {
    if (error == null) throw new NullPointerException("error");
    if (!result.compareAndSet(EMPTY, new Failure(error))) return false;
    failed = true;
    hub.wake(owner);
    return true;
  }

  /** {@return true once completed} */
  public boolean ready() {
    return result.get() != EMPTY;
  }

  /**
   * Waits for the value (gevent's {@code Waiter.get()}).
   *
   * @return the value it was completed with
   * @throws IllegalStateException when called by another greenlet or thread than the creator
   * @throws LoopExit when nothing can ever complete it
   */
  public T get() {
    return get(Double.POSITIVE_INFINITY);
  }

  /**
   * Waits up to {@code timeout} seconds.
   *
   * @param timeout the longest wait, in seconds
   * @return the value it was completed with
   * @throws Timeout when not completed in time
   */
  @SuppressWarnings("unchecked")
  public T get(double timeout) {
    Timeouts.check(timeout);
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException("only the greenlet or thread that created a Waiter may wait on it");
    }
    if (!ready() && !hub.block(this::ready, timeout, shared, this)) {
      throw new Timeout(timeout);
    }
    Object r = result.get();
    if (r instanceof Failure f) throw Hub.<RuntimeException>sneaky(f.error());
    return (T) r;
  }

  private record Failure(Throwable error) {}

  @Override
  public String toString() {
    return "Waiter(" + (ready() ? (failed ? "failed" : "ready") : "waiting") + ")";
  }
}
