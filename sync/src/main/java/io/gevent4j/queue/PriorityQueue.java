package io.gevent4j.queue;

import java.util.Comparator;

/**
 * A queue whose gets take the lowest item first (gevent's {@code gevent.queue.PriorityQueue},
 * a heap), by natural order or by a {@link Comparator}. Items that compare equal come out in
 * no particular order, as with {@code heapq}; {@link #iterator()} walks a sorted snapshot.
 * Waiting, fairness, shutdown and threads as in {@link Queue}.
 *
 * @param <T> the items: {@link Comparable} unless a comparator is given
 */
public class PriorityQueue<T> extends Queue<T> {
  private final boolean natural;

  /** An unbounded priority queue in natural order; {@link #maxsize()} is -1. */
  public PriorityQueue() {
    this(-1, null);
  }

  /**
   * A priority queue of at most {@code maxsize} items, in natural order.
   *
   * @param maxsize the bound; {@code <= 0} means unbounded
   */
  public PriorityQueue(int maxsize) {
    this(maxsize, null);
  }

  /**
   * A priority queue of at most {@code maxsize} items, lowest by {@code order} first.
   *
   * @param maxsize the bound; {@code <= 0} means unbounded
   * @param order the order; null means the items' natural order
   */
  public PriorityQueue(int maxsize, Comparator<? super T> order) {
    super(maxsize, Store.heap(maxsize, order));
    this.natural = order == null;
  }

  /** @throws ClassCastException for an item that is not Comparable in a natural-order queue */
  @Override
  void check(T item) {
    if (natural && !(item instanceof Comparable)) {
      throw new ClassCastException(item.getClass().getName() + " is not Comparable: give the PriorityQueue a Comparator");
    }
  }
}
