package io.gevent4j.hub;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A first-come, first-served queue of waiting greenlets and threads, on any hubs: the
 * building block of events, locks and queues (gevent's {@code AbstractLinkable}).
 *
 * <p>The owner keeps its own state under its own lock, and under that lock either finds it
 * can go on or {@link #enqueue enqueues} a {@link Ticket}; then, outside the lock, it
 * {@link Ticket#await awaits} the ticket. A notifier {@link #wakeOne wakes} tickets in FIFO
 * order, handing each one a value (a permit, an item...). A ticket that times out or is
 * killed leaves the queue; if it had been woken meanwhile, what it was handed is given back
 * through the owner's {@code abandoned} callback, so nothing is lost. Waking a waiter parked
 * on another hub goes through that hub's thread-safe submission.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class WaitQueue {
  private static final int WAITING = 0;
  private static final int WOKEN = 1;
  private static final int CANCELLED = 2;

  private final ArrayDeque<Ticket> tickets = new ArrayDeque<>();

  /** One waiter's place in the queue. */
  public final class Ticket {
    private final Hub hub;
    private final Thread thread;
    private final boolean shared;
    private final java.util.function.Consumer<Object> abandoned;
    private final AtomicInteger state = new AtomicInteger(WAITING);
    private volatile Object value;

    private Ticket(boolean shared, java.util.function.Consumer<Object> abandoned) {
      this.hub = Hub.current();
      this.thread = Thread.currentThread();
      this.shared = shared;
      this.abandoned = abandoned;
    }

    /**
     * Waits until woken (cooperatively: parks the greenlet, or runs the hub on a plain thread).
     *
     * @param timeout seconds; infinite waits as long as it takes, 0 does not wait
     * @return true when woken, false when the timeout came first (the ticket left the queue)
     * @throws LoopExit when nothing can ever wake it (an unshared ticket)
     */
    public boolean await(double timeout) {
      Timeouts.check(timeout);
      if (Thread.currentThread() != thread) {
        throw new IllegalStateException("only the greenlet or thread that enqueued a ticket may await it");
      }
      boolean woken;
      try {
        woken = hub.block(() -> state.get() == WOKEN, timeout, shared, this);
      } catch (Throwable t) {
        abandon();
        throw t;
      }
      if (woken) return true;
      return !cancel(); // woken between the timeout and here: keep what it brought
    }

    /** The value the waker handed over (null for a plain wake-up). */
    public Object value() {
      return value;
    }

    /** True once woken. */
    public boolean woken() {
      return state.get() == WOKEN;
    }

    /**
     * Leaves the queue without waiting for a wake-up.
     *
     * @return false when it had already been woken (the caller then owns what it brought)
     */
    public boolean cancel() {
      if (!state.compareAndSet(WAITING, CANCELLED)) return false;
      synchronized (WaitQueue.this) {
        tickets.remove(this);
      }
      return true;
    }

    private void abandon() {
      if (!cancel() && abandoned != null) abandoned.accept(value);
    }

    private boolean wake(Object handed) {
      value = handed;
      if (!state.compareAndSet(WAITING, WOKEN)) return false;
      hub.wake(thread);
      return true;
    }
  }

  /**
   * Puts the current greenlet or thread at the back of the queue.
   *
   * @param shared whether a thread or hub other than the waiter's may wake it: the wait then
   *     keeps the waiter's hub alive instead of ending in {@link LoopExit}
   * @param abandoned given what a woken ticket was handed when its waiter gave up anyway
   *     (timed out or killed after the wake-up), to pass it on; may be null
   */
  public synchronized Ticket enqueue(boolean shared, java.util.function.Consumer<Object> abandoned) {
    Ticket t = new Ticket(shared, abandoned);
    tickets.add(t);
    return t;
  }

  /**
   * Wakes the first waiter still waiting, handing it {@code value}.
   *
   * @return false when nobody waits
   */
  public boolean wakeOne(Object value) {
    while (true) {
      Ticket t;
      synchronized (this) {
        t = tickets.poll();
      }
      if (t == null) return false;
      if (t.wake(value)) return true;
    }
  }

  /**
   * Wakes every waiter in the queue now, in order, each with {@code value}.
   *
   * @return how many were woken
   */
  public int wakeAll(Object value) {
    Ticket[] all;
    synchronized (this) {
      all = tickets.toArray(new Ticket[0]);
      tickets.clear();
    }
    int woken = 0;
    for (Ticket t : all) {
      if (t.wake(value)) woken++;
    }
    return woken;
  }

  /** Waiters in the queue. */
  public synchronized int size() {
    return tickets.size();
  }

  /** True when nobody waits. */
  public synchronized boolean isEmpty() {
    return tickets.isEmpty();
  }
}
