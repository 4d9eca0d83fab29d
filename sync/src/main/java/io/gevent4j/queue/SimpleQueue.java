package io.gevent4j.queue;

/**
 * A FIFO queue without task tracking: gevent's {@code gevent.queue.SimpleQueue} (the
 * {@code Queue} of gevent 22.10 and earlier). It behaves exactly as {@link Queue}; the name
 * is there for code that follows gevent's.
 *
 * @param <T> the items
 */
public class SimpleQueue<T> extends Queue<T> {
  /** An unbounded queue; {@link #maxsize()} is -1. */
  public SimpleQueue() {
    super();
  }

  /**
   * A queue of at most {@code maxsize} items.
   *
   * @param maxsize the bound; {@code <= 0} means unbounded
   */
  public SimpleQueue(int maxsize) {
    super(maxsize);
  }
}
