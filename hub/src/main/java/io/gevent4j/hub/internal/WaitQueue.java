package io.gevent4j.hub.internal;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.LoopExit;
import io.gevent4j.hub.RawGreenlet;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A first-come, first-served queue of waiting greenlets and threads, on any hubs: the
 * building block of events, locks and queues (gevent's {@code AbstractLinkable}).
 *
 * <p>The owner keeps its own state under its own lock, and under that lock either finds it
 * can go on or {@link #enqueue enqueues} a {@link Ticket}; then, outside the lock, it
 * {@link Ticket#await awaits} the ticket. A notifier {@link #wakeOne wakes} tickets in FIFO
 * order, handing each one a value (a permit, an item...); when the hand-off must be decided
 * under the owner's lock, it {@link #claimOne claims} the ticket there and
 * {@linkplain Ticket#signal() signals} it after releasing the lock. A ticket that times out or is
 * killed leaves the queue; if it had been woken meanwhile, what it was handed is given back
 * through the owner's {@code abandoned} callback, so nothing is lost. Waking a waiter parked
 * on another hub goes through that hub's thread-safe submission.
 *
 * <p><b>Shared or not.</b> A wait nothing can ever end is {@link LoopExit}, not a hang. A queue
 * used only by the thread (or the greenlets of the hub) that created it cannot be woken from
 * elsewhere, so waiting on it with nothing else in flight is such a wait. Once any other thread
 * or hub has used it ({@link #enqueue}, {@link #wakeOne}, {@link #wakeAll}, {@link #touch}), or
 * it was {@linkplain #markShared() marked shared}, its waits keep their hub alive instead.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class WaitQueue {
  private static final int WAITING = 0;
  private static final int WOKEN = 1;
  private static final int CANCELLED = 2;

  private final ArrayDeque<Ticket> tickets = new ArrayDeque<>();
  private final Thread creator = identity();
  private volatile boolean shared;

  /** Who uses the queue: a hub's greenlets, callbacks and owner count as one (its owner thread). */
  private static Thread identity() {
    RawGreenlet g = RawGreenlet.current();
    if (g != null) return g.hub().owner();
    Hub h = HubAccess.get().ofHubThread();
    return h != null ? h.owner() : Thread.currentThread();
  }

  /**
   * Notes a use by the calling thread or greenlet: a use from another thread or hub than the
   * creator's makes the queue shared. Owners call it from their methods that change state
   * without waiting or waking (an {@code Event.clear()}, say).
   */
  public void touch() {
    if (!shared && identity() != creator) shared = true;
  }

  /** Makes every wait on this queue keep its hub alive, as if another thread had used it. */
  public void markShared() {
    shared = true;
  }

  /** True once used by another thread or hub than its creator's, or marked shared. */
  public boolean isShared() {
    return shared;
  }

  /** One waiter's place in the queue. */
  public final class Ticket {
    private final Hub hub;
    private final Thread thread;
    private final java.util.function.Consumer<Object> abandoned;
    private final Object owner;
    private final String waitsFor;
    private final AtomicInteger state = new AtomicInteger(WAITING);
    private volatile Object value;

    private Ticket(java.util.function.Consumer<Object> abandoned, Object owner, String waitsFor) {
      this.hub = Hub.current();
      this.thread = Thread.currentThread();
      this.abandoned = abandoned;
      this.owner = owner;
      this.waitsFor = waitsFor;
    }

    /**
     * Waits until woken (cooperatively: parks the greenlet, or hands the hub its turn from its
     * owner thread).
     *
     * @param timeout seconds; infinite waits as long as it takes, 0 does not wait
     * @return true when woken, false when the timeout came first (the ticket left the queue)
     * @throws LoopExit when nothing can ever wake it (see "shared or not" above)
     */
    public boolean await(double timeout) {
      return await(timeout, false, false);
    }

    /**
     * Waits as the {@code java.util.concurrent} interfaces do ({@code BlockingQueue.take},
     * {@code Lock.lock}, {@code Condition.await}...): never a {@link LoopExit}; when nothing on
     * the hub can end the wait, it waits for another thread to.
     *
     * @param interruptible as {@link #awaitInterruptibly}
     * @return as {@link #await(double)}
     * @throws InterruptedException when interruptible and interrupted before it was woken
     */
    public boolean awaitLikeJdk(double timeout, boolean interruptible) throws InterruptedException {
      if (!interruptible) return await(timeout, false, true);
      if (await(timeout, true, true)) return true;
      if (Thread.interrupted()) throw new InterruptedException();
      return false;
    }

    /**
     * {@link #await(double)}, ended also by an interrupt (the {@code java.util.concurrent.locks}
     * contracts): an interrupted waiter that was not woken leaves the queue and gets an
     * {@link InterruptedException}, its interrupt status cleared. An interrupt ends the wait at
     * once, in a greenlet and on a plain thread alike.
     *
     * @return true when woken (even if interrupted meanwhile: the status then stays set), false
     *     when the timeout came first
     * @throws InterruptedException when interrupted before it was woken, or on entry
     */
    public boolean awaitInterruptibly(double timeout) throws InterruptedException {
      if (await(timeout, true, false)) return true;
      if (Thread.interrupted()) throw new InterruptedException();
      return false;
    }

    private boolean await(double timeout, boolean interruptible, boolean likeJdk) {
      Timeouts.check(timeout);
      if (Thread.currentThread() != thread) {
        throw new IllegalStateException("only the greenlet or thread that enqueued a ticket may await it");
      }
      boolean woken;
      try {
        woken = HubAccess.get().block(hub, () -> state.get() == WOKEN, timeout, shared || likeJdk, this, interruptible);
        // (read when the wait starts: a queue that becomes shared later cannot save a wait
        // that already ended in LoopExit)
      } catch (Throwable t) {
        abandon();
        throw t;
      }
      if (woken) return true;
      return !cancel(); // woken between the timeout and here: keep what it brought
    }

    /** What this ticket waits for, in its user's terms: "an item from Queue(...)". */
    public String describe() {
      String of = owner == null ? "a WaitQueue"
          : owner instanceof java.util.Collection<?> c // its toString would list the items
              ? owner.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(owner)) + " (" + c.size() + " items)"
              : owner.toString();
      return (waitsFor != null ? waitsFor : "a wake-up") + " from " + of;
    }

    @Override
    public String toString() {
      return describe();
    }

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
      if (!claim(handed)) return false;
      signal();
      return true;
    }

    /** Marks it woken with {@code handed}, without waking its waiter yet; false when it had left. */
    private boolean claim(Object handed) {
      value = handed;
      return state.compareAndSet(WAITING, WOKEN);
    }

    /**
     * Wakes the waiter of a ticket {@link WaitQueue#claimOne claimed} earlier; any thread may
     * call, once, after releasing the lock under which it claimed it.
     *
     * @throws IllegalStateException when the ticket was not claimed
     */
    public void signal() {
      if (state.get() != WOKEN) throw new IllegalStateException("signal() a ticket that claimOne/claimAll returned");
      HubAccess.get().wake(hub, thread);
    }
  }

  /**
   * Puts the current greenlet or thread at the back of the queue.
   *
   * @param abandoned given what a woken ticket was handed when its waiter gave up anyway
   *     (timed out or killed after the wake-up), to pass it on; may be null
   */
  public Ticket enqueue(java.util.function.Consumer<Object> abandoned) {
    return enqueue(abandoned, null, null);
  }

  /**
   * {@link #enqueue(java.util.function.Consumer)} for a wait on {@code owner} for
   * {@code waitsFor} (e.g. a Queue, "an item"): what a {@link LoopExit} says when the wait
   * cannot end.
   */
  public Ticket enqueue(java.util.function.Consumer<Object> abandoned, Object owner, String waitsFor) {
    touch();
    Ticket t = new Ticket(abandoned, owner, waitsFor);
    synchronized (this) {
      tickets.add(t);
    }
    return t;
  }

  /**
   * Wakes the first waiter still waiting, handing it {@code value}.
   *
   * @return false when nobody waits
   */
  public boolean wakeOne(Object value) {
    touch();
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
    touch();
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

  /**
   * Takes the first waiter still waiting out of the queue and hands it {@code value}, without
   * waking it yet. An owner calls it under its own lock, so that who gets a permit (an item...)
   * is decided atomically with the owner's state, then {@linkplain Ticket#signal() signals} the
   * ticket once it has released that lock: nothing is woken while the owner's lock is held, and
   * no waiter can enqueue between the decision and the hand-off. From the claim on, the ticket
   * counts as woken: a timeout or kill that reaches its waiter before the signal behaves as it
   * does after a {@link #wakeOne} (the value is kept, or passed to {@code abandoned}).
   *
   * @return the claimed ticket, or null when nobody waits
   */
  public Ticket claimOne(Object value) {
    touch();
    while (true) {
      Ticket t;
      synchronized (this) {
        t = tickets.poll();
      }
      if (t == null) return null;
      if (t.claim(value)) return t;
    }
  }

  /**
   * Claims every waiter in the queue now, in order, each with {@code value} (see
   * {@link #claimOne}); signal each after releasing the owner's lock.
   *
   * @return the claimed tickets, in queue order
   */
  public java.util.List<Ticket> claimAll(Object value) {
    touch();
    Ticket[] all;
    synchronized (this) {
      if (tickets.isEmpty()) return java.util.List.of();
      all = tickets.toArray(new Ticket[0]);
      tickets.clear();
    }
    java.util.List<Ticket> claimed = new java.util.ArrayList<>(all.length);
    for (Ticket t : all) {
      if (t.claim(value)) claimed.add(t);
    }
    return claimed;
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
