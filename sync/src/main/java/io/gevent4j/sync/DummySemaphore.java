package io.gevent4j.sync;

/**
 * A semaphore that never blocks (gevent's {@code gevent.lock.DummySemaphore}): every acquire
 * succeeds at once and release does nothing. It stands in where a bound is optional, as for a
 * pool without a size limit. Timeouts are still checked; any thread may call any method.
 */
public final class DummySemaphore extends Semaphore {

  /** A semaphore that never blocks. */
  public DummySemaphore() {
    super(1);
  }

  /** Succeeds at once (gevent's {@code acquire()}). */
  @Override
  public void acquire() {}

  /**
   * Succeeds at once.
   *
   * @return true
   * @throws IllegalArgumentException for a negative or NaN timeout
   */
  @Override
  public boolean acquire(double timeout) {
    Seconds.check(timeout);
    return true;
  }

  /** Succeeds at once: true. */
  @Override
  public boolean tryAcquire() {
    return true;
  }

  /** Does nothing (gevent's {@code release()}). */
  @Override
  public void release() {}

  /** Returns at once: 1, as gevent's {@code wait()}. */
  @Override
  public int await() {
    return 1;
  }

  /**
   * Returns at once: 1, as gevent's {@code wait()}.
   *
   * @throws IllegalArgumentException for a negative or NaN timeout
   */
  @Override
  public int await(double timeout) {
    Seconds.check(timeout);
    return 1;
  }

  /** Always 1: there is always a permit. */
  @Override
  public int counter() {
    return 1;
  }

  /** Always false. */
  @Override
  public boolean locked() {
    return false;
  }

  /** Always true. */
  @Override
  public boolean ready() {
    return true;
  }

  /** As {@link Semaphore#markShared()}; returns this. */
  @Override
  public DummySemaphore markShared() {
    super.markShared();
    return this;
  }
}
