package io.gevent4j.sync;

/**
 * A {@link Semaphore} that refuses to be released above its initial value (gevent's
 * {@code gevent.lock.BoundedSemaphore}): an over-release is a bug in the caller, reported at
 * once. Same fairness and threading rules as {@link Semaphore}.
 */
public final class BoundedSemaphore extends Semaphore {

  /**
   * A bounded semaphore with {@code value} free permits, which is also its maximum.
   *
   * @param value the free permits at the start, and the most there may be
   * @throws IllegalArgumentException when {@code value} is negative
   */
  public BoundedSemaphore(int value) {
    super(value, true);
  }

  /**
   * Gives a permit back, as {@link Semaphore#release()}.
   *
   * @throws IllegalStateException when the counter is already at the initial value (gevent
   *     raises ValueError)
   */
  @Override
  public void release() {
    super.release();
  }

  /** As {@link Semaphore#markShared()}; returns this. */
  @Override
  public BoundedSemaphore markShared() {
    super.markShared();
    return this;
  }
}
