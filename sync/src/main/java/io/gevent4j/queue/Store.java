package io.gevent4j.queue;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;

/**
 * Where a queue keeps its items, and in which order gets take them (gevent's
 * {@code _create_queue/_put/_get/_peek}). Guarded by the queue's lock: every call is made
 * holding it.
 */
abstract class Store<T> {
  abstract int size();

  final boolean isEmpty() {
    return size() == 0;
  }

  /** A new item. */
  abstract void add(T item);

  /** The item the next get takes, removed; null when empty. */
  abstract T remove();

  /** The item the next get would take; null when empty. */
  abstract T peek();

  /** An item {@link #remove()} handed out comes back: it is the next one taken again. */
  abstract void giveBack(T item);

  abstract void clear();

  /** Iterates in no particular order; its {@code remove()} works. */
  abstract Iterator<T> iterator();

  /** The items in the order gets would take them. */
  abstract Object[] toArray();

  final boolean contains(Object o) {
    for (Iterator<T> it = iterator(); it.hasNext(); ) {
      if (o.equals(it.next())) return true;
    }
    return false;
  }

  /** Removes one item equal to {@code o}. */
  final boolean removeEqual(Object o) {
    for (Iterator<T> it = iterator(); it.hasNext(); ) {
      if (o.equals(it.next())) {
        it.remove();
        return true;
      }
    }
    return false;
  }

  /** Removes {@code o} itself (an iterator's {@code remove()}). */
  final boolean removeSame(Object o) {
    for (Iterator<T> it = iterator(); it.hasNext(); ) {
      if (it.next() == o) {
        it.remove();
        return true;
      }
    }
    return false;
  }

  private static int initialCapacity(int capacity) {
    return Math.max(2, Math.min(capacity, 16));
  }

  /** First in, first out. */
  static <T> Store<T> fifo(int capacity) {
    return new Deq<>(initialCapacity(capacity), false);
  }

  /** Last in, first out. */
  static <T> Store<T> lifo(int capacity) {
    return new Deq<>(initialCapacity(capacity), true);
  }

  /** Lowest first, by {@code order} (natural order when null). */
  static <T> Store<T> heap(int capacity, Comparator<? super T> order) {
    return new Heap<>(initialCapacity(capacity), order);
  }

  /** A deque whose head is the next item out: FIFO adds at the tail, LIFO at the head. */
  private static final class Deq<T> extends Store<T> {
    private final ArrayDeque<T> items;
    private final boolean lifo;

    Deq(int initialCapacity, boolean lifo) {
      this.items = new ArrayDeque<>(initialCapacity);
      this.lifo = lifo;
    }

    @Override
    int size() {
      return items.size();
    }

    @Override
    void add(T item) {
      if (lifo) items.addFirst(item);
      else items.addLast(item);
    }

    @Override
    T remove() {
      return items.pollFirst();
    }

    @Override
    T peek() {
      return items.peekFirst();
    }

    @Override
    void giveBack(T item) {
      items.addFirst(item);
    }

    @Override
    void clear() {
      items.clear();
    }

    @Override
    Iterator<T> iterator() {
      return items.iterator();
    }

    @Override
    Object[] toArray() {
      return items.toArray();
    }
  }

  /** A binary heap: {@code java.util.PriorityQueue}, as gevent's is {@code heapq}. */
  private static final class Heap<T> extends Store<T> {
    private final java.util.PriorityQueue<T> items;
    private final Comparator<? super T> order;

    Heap(int initialCapacity, Comparator<? super T> order) {
      this.items = new java.util.PriorityQueue<>(initialCapacity, order);
      this.order = order;
    }

    @Override
    int size() {
      return items.size();
    }

    @Override
    void add(T item) {
      items.add(item);
    }

    @Override
    T remove() {
      return items.poll();
    }

    @Override
    T peek() {
      return items.peek();
    }

    @Override
    void giveBack(T item) {
      items.add(item);
    }

    @Override
    void clear() {
      items.clear();
    }

    @Override
    Iterator<T> iterator() {
      return items.iterator();
    }

    @Override
    @SuppressWarnings("unchecked")
    Object[] toArray() {
      Object[] all = items.toArray();
      Arrays.sort(all, (Comparator<Object>) (order != null ? order : Comparator.naturalOrder()));
      return all;
    }
  }
}
