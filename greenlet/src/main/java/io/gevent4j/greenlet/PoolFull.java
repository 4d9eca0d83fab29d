package io.gevent4j.greenlet;

import io.gevent4j.queue.QueueFull;

/**
 * No slot of a {@link Pool} came free in time (gevent's {@code PoolFull}, a {@code queue.Full}):
 * thrown by {@link Pool#spawn(java.util.concurrent.Callable, double)} and
 * {@link Pool#add(Greenlet, double)}.
 */
public class PoolFull extends QueueFull {
  private static final long serialVersionUID = 1L;

  /**
   * A PoolFull whose message says what was waited for.
   *
   * @param message what was waited for, and how long
   */
  public PoolFull(String message) {
    super(message);
  }
}
