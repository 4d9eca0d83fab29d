package io.gevent4j.queue;

/**
 * A last-in, first-out queue (gevent's {@code gevent.queue.LifoQueue}): gets take the most
 * recently put item; {@link #iterator()} walks from the top. Waiting, fairness, shutdown and
 * threads as in {@link Queue}: waiting getters are still served in the order they came.
 *
 * @param <T> the items
 */
public class LifoQueue<T> extends Queue<T> {
  /** An unbounded stack; {@link #maxsize()} is -1. */
  public LifoQueue() {
    this(-1);
  }

  /**
   * A stack of at most {@code maxsize} items.
   *
   * @param maxsize the bound; {@code <= 0} means unbounded
   */
  public LifoQueue(int maxsize) {
    super(maxsize, Store.lifo(maxsize));
  }
}
