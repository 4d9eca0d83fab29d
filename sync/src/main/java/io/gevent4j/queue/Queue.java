package io.gevent4j.queue;

import io.gevent4j.hub.internal.WaitQueue;
import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A first-in, first-out queue that greenlets and threads wait on cooperatively (gevent's
 * {@code gevent.queue.SimpleQueue}, once {@code Queue}), bounded or not; also a
 * {@link BlockingQueue} with the JDK's contracts.
 *
 * <p><b>Waiting.</b> A get on an empty queue, or a put on a full one, waits cooperatively: a
 * greenlet parks and its hub runs others; a plain platform thread runs its own hub meanwhile.
 * Nothing waits while holding the queue's lock. Timeouts are {@code double} seconds:
 * {@code 0} does not wait, {@link Double#POSITIVE_INFINITY} waits as long as it takes, a
 * negative or NaN timeout is an {@link IllegalArgumentException} (whether or not it would
 * have waited). On timeout, gets throw {@link QueueEmpty} and puts {@link QueueFull}, not
 * {@link io.gevent4j.hub.Timeout}. A wait inside a hub callback throws
 * {@link io.gevent4j.hub.BlockingSwitchOutError}; a wait nothing can ever end throws
 * {@link io.gevent4j.hub.LoopExit} (a plain thread getting from an empty queue that no other
 * thread or hub has used, with nothing else in flight on its hub).
 *
 * <p><b>Fairness.</b> Getters and putters are served first come, first served, each side in
 * the order it started waiting. A put hands its item straight to the first waiting getter
 * (one put wakes one getter: no stampede); a get that frees room moves the first waiting
 * putter's item in. If a getter that was handed an item is killed or times out before it
 * returns it, the item goes back to the head of the queue (or to the next getter): no item
 * is ever lost.
 *
 * <p><b>Threads.</b> Every method may be called from any thread: greenlets of any hub and
 * plain threads. A waiter parked on hub A is woken through A's thread-safe submission,
 * whoever puts. Methods that may wait need a greenlet or a platform thread; those that never
 * wait ({@code offer}, {@code poll}, {@code peek()}, {@code size}...) also work from other
 * virtual threads.
 *
 * <p><b>BlockingQueue.</b> Null items are a {@link NullPointerException}. {@link #take()},
 * {@link #poll(long, TimeUnit)} and {@link #offer(Object, long, TimeUnit)} honour interrupts
 * as the JDK's queues do: set on entry, or arriving while a greenlet waits, they throw
 * {@link InterruptedException} (a plain thread's interrupt counts when set on entry; while
 * it runs its hub the JDK does not keep its status reliably). {@link #put(Object)}, like
 * {@link #get()}, is gevent's cooperative put and never throws it (an interrupt stays
 * pending); use {@code offer(e, timeout, unit)} for an interruptible put. A negative
 * {@code long} timeout means "do not wait", as in the JDK. {@link #iterator()} does not
 * consume: it walks a snapshot taken when it is created, in the order gets would take the
 * items, and its {@code remove()} removes that item if it is still queued. {@code size()}
 * is {@link #qsize()}.
 *
 * <p><b>Shutdown</b> (Python 3.13's {@code queue.shutdown}): see {@link #shutdown(boolean)}.
 *
 * @param <T> the items
 */
public class Queue<T> extends AbstractQueue<T> implements BlockingQueue<T> {
  /** Handed to the waiters a shutdown wakes. */
  private static final Object SHUT = new Object();
  /** Handed to a putter whose item was taken. */
  private static final Object TAKEN = new Object();
  /** The outcome of a get or peek that found nothing in time. */
  private static final Object EMPTY = new Object();

  private static final double FOREVER = Double.POSITIVE_INFINITY;

  /** Guards the store, the waiter counts, the put records and the shutdown state. */
  final Object lock = new Object();
  private final int maxsize;
  /** How many items the store holds at most: Integer.MAX_VALUE unbounded, 0 for a Channel. */
  private final int capacity;
  private final Store<T> store;
  /**
   * Tickets of the waiting gets; each is handed its item. Its sharedness stands for the whole
   * queue's: every operation touches it, the other wait queues copy it.
   */
  private final WaitQueue getters = new WaitQueue();
  private final WaitQueue peekers = new WaitQueue();
  private final WaitQueue putters = new WaitQueue();
  /** The waiting putters with their items, in the order of their tickets in {@link #putters}. */
  private final ArrayDeque<PutWait<T>> putWaits = new ArrayDeque<>();
  /** Getters and peekers that may still wait (a hint: those that gave up leave it late). */
  private int getting;
  private int peeking;
  private boolean shutdown;
  private boolean immediate;
  private final Consumer<Object> giveBack = this::giveBack;

  /** A putter waiting with its item (compared by identity). */
  private static final class PutWait<T> {
    private final T item;
    private final WaitQueue.Ticket ticket;

    PutWait(T item, WaitQueue.Ticket ticket) {
      this.item = item;
      this.ticket = ticket;
    }

    T item() {
      return item;
    }

    WaitQueue.Ticket ticket() {
      return ticket;
    }
  }

  /**
   * One call's outcome and the tickets it claimed under the lock, signalled after it.
   */
  static final class Op {
    private WaitQueue.Ticket first;
    private List<WaitQueue.Ticket> more;
    /** The item taken or peeked, SHUT, EMPTY; or null with {@link #wait} set. */
    Object result;
    WaitQueue.Ticket wait;
    PutWait<?> putWait;
    /** A put handed its item straight to a waiting getter. */
    boolean handedToGetter;

    void signalLater(WaitQueue.Ticket t) {
      if (first == null) {
        first = t;
      } else {
        if (more == null) more = new ArrayList<>();
        more.add(t);
      }
    }

    void signalLater(List<WaitQueue.Ticket> tickets) {
      for (WaitQueue.Ticket t : tickets) signalLater(t);
    }

    /** Wakes the claimed waiters: only after the lock is released. */
    void signal() {
      if (first == null) return;
      first.signal();
      if (more != null) {
        for (WaitQueue.Ticket t : more) t.signal();
      }
    }
  }

  /** An unbounded queue (gevent's {@code Queue()}); {@link #maxsize()} is -1. */
  public Queue() {
    this(-1);
  }

  /**
   * A queue of at most {@code maxsize} items (gevent's {@code Queue(maxsize)}).
   *
   * @param maxsize the bound; {@code <= 0} means unbounded, {@link #maxsize()} then returns -1
   */
  public Queue(int maxsize) {
    this(maxsize, Store.fifo(maxsize));
  }

  /** For the subclasses: their own store; maxsize {@code <= 0} is unbounded. */
  Queue(int maxsize, Store<T> store) {
    this.maxsize = maxsize > 0 ? maxsize : -1;
    this.capacity = maxsize > 0 ? maxsize : Integer.MAX_VALUE;
    this.store = store;
  }

  /** A rendezvous: no room at all ({@link Channel}). */
  Queue(Store<T> store) {
    this.maxsize = 0;
    this.capacity = 0;
    this.store = store;
  }

  // ---- hooks for JoinableQueue and PriorityQueue ----------------------------------------

  /** An item was admitted by a put (counted as a task by JoinableQueue). Under the lock. */
  void admittedLocked() {}

  /** {@code n} admitted items were dropped without being got (JoinableQueue marks them done). */
  void droppedLocked(int n, Op op) {}

  /** Refuses an item the store could not order, before it is handed to anyone. */
  void check(T item) {}

  /** Enqueues a waiter on {@code waits}, which shares the queue's sharedness. Under the lock. */
  final WaitQueue.Ticket enqueueLocked(WaitQueue waits, Consumer<Object> abandoned) {
    if (waits != getters && !waits.isShared() && getters.isShared()) waits.markShared();
    String waitsFor = waits == getters ? "an item" : waits == putters ? "room" : waits == peekers ? "an item to peek at" : "every task to be done";
    return waits.enqueue(abandoned, this, waitsFor);
  }

  /** Notes the calling thread or hub as a user: another than the creator's makes the queue shared. */
  final void touch() {
    getters.touch();
  }

  static double checkTimeout(double timeout) {
    return io.gevent4j.hub.internal.Timeouts.check(timeout);
  }

  /** A JDK timeout in seconds: negative means "do not wait", the largest means forever. */
  private static double seconds(long time, TimeUnit unit) {
    long nanos = unit.toNanos(time);
    if (nanos <= 0) return 0;
    if (nanos == Long.MAX_VALUE) return FOREVER;
    return nanos / 1e9;
  }

  private static String within(double timeout) {
    return timeout == 0 ? "" : " within " + timeout + " s";
  }

  // ---- the core, under the lock ---------------------------------------------------------

  /**
   * An item arrives: the first waiting getter takes it, else the store keeps it if there is
   * room; either way the waiting peekers see it.
   *
   * @return false when nobody took it and there is no room
   */
  private boolean offerLocked(T item, Op op) {
    if (getting > 0) {
      WaitQueue.Ticket g = getters.claimOne(item);
      if (g != null) {
        getting--;
        op.signalLater(g);
        op.handedToGetter = true;
        if (peeking > 0) claimPeekersLocked(item, op);
        return true;
      }
    }
    if (store.size() < capacity) {
      store.add(item);
      if (peeking > 0) claimPeekersLocked(item, op);
      return true;
    }
    return false;
  }

  private void claimPeekersLocked(Object value, Op op) {
    List<WaitQueue.Ticket> claimed = peekers.claimAll(value);
    peeking -= claimed.size();
    op.signalLater(claimed);
  }

  /** Takes the first putter still waiting, or null; its ticket is claimed, to signal. */
  private PutWait<T> claimPutterLocked() {
    if (putWaits.isEmpty()) return null;
    WaitQueue.Ticket t = putters.claimOne(TAKEN);
    if (t == null) {
      putWaits.clear(); // every record left belongs to a putter that gave up
      return null;
    }
    PutWait<T> p;
    while ((p = putWaits.poll()) != null && p.ticket() != t) {
      // a putter that gave up and has not removed its record yet
    }
    if (p == null) throw new AssertionError("a claimed putter without its record");
    return p;
  }

  /** The next item a get takes, removed: from the store, or a waiting putter's; null when none. */
  private T takeLocked(Op op) {
    if (!store.isEmpty()) {
      T item = store.remove();
      refillLocked(op);
      return item;
    }
    if (capacity == 0) {
      PutWait<T> p = claimPutterLocked();
      if (p != null) {
        admittedLocked();
        op.signalLater(p.ticket());
        return p.item();
      }
    }
    return null;
  }

  /** Room was made: the first waiting putters move their items in. */
  private void refillLocked(Op op) {
    while (store.size() < capacity && !putWaits.isEmpty()) {
      PutWait<T> p = claimPutterLocked();
      if (p == null) return;
      offerLocked(p.item(), op);
      admittedLocked();
      op.signalLater(p.ticket());
    }
  }

  private T peekLocked() {
    if (!store.isEmpty()) return store.peek();
    if (capacity == 0) {
      PutWait<T> p = putWaits.peekFirst();
      if (p != null) return p.item();
    }
    return null;
  }

  // ---- getting ------------------------------------------------------------------------------

  /** Takes an item, or finds the queue shut down, or enqueues a getter when it may wait. */
  private Op startGet(double timeout) {
    checkTimeout(timeout);
    touch();
    Op op = new Op();
    try {
      synchronized (lock) {
        T item = takeLocked(op);
        if (item != null) {
          op.result = item;
        } else if (shutdown) {
          op.result = SHUT;
        } else if (timeout == 0) {
          op.result = EMPTY;
        } else {
          op.wait = enqueueLocked(getters, giveBack);
          getting++;
        }
      }
    } finally {
      op.signal(); // whatever was claimed is woken, even if enqueueing failed
    }
    return op;
  }

  /** The item a waiting getter was handed, SHUT, or EMPTY on timeout. */
  private Object awaitGet(WaitQueue.Ticket t, double timeout, boolean interruptible) throws InterruptedException {
    boolean woken = false;
    try {
      // take() and poll(t) are BlockingQueue's: they wait for other threads as the JDK's do
      woken = interruptible ? t.awaitLikeJdk(timeout, true) : t.await(timeout);
    } finally {
      if (!woken && !t.woken()) {
        synchronized (lock) {
          getting--;
        }
      }
    }
    return woken ? t.value() : EMPTY;
  }

  private Object get0(double timeout) {
    Op op = startGet(timeout);
    if (op.wait == null) return op.result;
    try {
      return awaitGet(op.wait, timeout, false);
    } catch (InterruptedException e) {
      throw new AssertionError(e); // not interruptible
    }
  }

  private Object getInterruptibly(double timeout) throws InterruptedException {
    if (Thread.interrupted()) throw new InterruptedException();
    Op op = startGet(timeout);
    if (op.wait == null) return op.result;
    return awaitGet(op.wait, timeout, true);
  }

  @SuppressWarnings("unchecked")
  private T itemOrThrow(Object result, double timeout) {
    if (result == EMPTY) throw new QueueEmpty("no item" + within(timeout));
    if (result == SHUT) throw new QueueShutDown("the queue is shut down and empty");
    return (T) result;
  }

  @SuppressWarnings("unchecked")
  private T itemOrNull(Object result) {
    return result == EMPTY || result == SHUT ? null : (T) result;
  }

  /**
   * A getter that was handed {@code value} gave up before returning it (killed, timed out by a
   * {@link io.gevent4j.hub.Timeout}): the item goes to the next getter, or back to the head.
   */
  @SuppressWarnings("unchecked")
  private void giveBack(Object value) {
    if (value == SHUT || value == null) return;
    T item = (T) value;
    Op op = new Op();
    synchronized (lock) {
      giveBackLocked(item, op);
    }
    op.signal();
  }

  private void giveBackLocked(T item, Op op) {
    if (immediate) {
      droppedLocked(1, op); // shut down at once meanwhile: dropped, as the others were
      return;
    }
    if (peeking > 0) claimPeekersLocked(item, op);
    if (getting > 0) {
      WaitQueue.Ticket g = getters.claimOne(item);
      if (g != null) {
        getting--;
        op.signalLater(g);
        return;
      }
    }
    store.giveBack(item); // may briefly exceed maxsize: the item was already admitted
  }

  /**
   * Removes and returns the next item, waiting as long as it takes (gevent's {@code get()}).
   * Waits cooperatively; any greenlet or platform thread may call.
   *
   * @return the item, removed from the queue
   * @throws QueueShutDown when the queue is shut down and nothing is left to drain
   * @throws io.gevent4j.hub.LoopExit when nothing can ever put an item (see the class comment)
   */
  public T get() {
    return itemOrThrow(get0(FOREVER), FOREVER);
  }

  /**
   * Removes and returns the next item, waiting up to {@code timeout} seconds (gevent's
   * {@code get(timeout=t)}; {@code get(0)} is {@link #getNowait()}). Waits cooperatively; any
   * greenlet or platform thread may call.
   *
   * @param timeout the longest wait, in seconds; 0 does not wait
   * @return the item, removed from the queue
   * @throws QueueEmpty when no item came in time
   * @throws QueueShutDown when the queue is shut down and nothing is left to drain
   * @throws IllegalArgumentException for a negative or NaN timeout
   */
  public T get(double timeout) {
    return itemOrThrow(get0(timeout), timeout);
  }

  /**
   * Removes and returns the next item if there is one now (gevent's {@code get_nowait()}).
   * Never waits; any thread may call. On a {@link Channel}, takes the item of a waiting putter.
   *
   * @return the item, removed from the queue
   * @throws QueueEmpty when there is none
   * @throws QueueShutDown when the queue is shut down and nothing is left to drain
   */
  public T getNowait() {
    return get(0);
  }

  /**
   * {@link BlockingQueue#take()}: {@link #get()} that honours interrupts. Waits cooperatively;
   * any greenlet or platform thread may call.
   *
   * @throws InterruptedException when interrupted on entry or, in a greenlet, while waiting
   *     (its status cleared)
   * @throws QueueShutDown when the queue is shut down and nothing is left to drain
   */
  @Override
  public T take() throws InterruptedException {
    return itemOrThrow(getInterruptibly(FOREVER), FOREVER);
  }

  /**
   * {@link java.util.Queue#poll()}: removes and returns the next item, or null when there is
   * none now (also once a shut-down queue is drained). Never waits; any thread may call.
   */
  @Override
  public T poll() {
    return itemOrNull(get0(0));
  }

  /**
   * {@link BlockingQueue#poll(long, TimeUnit)}: removes and returns the next item, waiting up to
   * the timeout (a negative one does not wait); null on timeout, and once a shut-down queue is
   * drained. Waits cooperatively; any greenlet or platform thread may call.
   *
   * @throws InterruptedException when interrupted on entry or, in a greenlet, while waiting
   */
  @Override
  public T poll(long timeout, TimeUnit unit) throws InterruptedException {
    double seconds = seconds(timeout, unit);
    return itemOrNull(getInterruptibly(seconds));
  }

  // ---- peeking ------------------------------------------------------------------------------

  /**
   * {@link java.util.Queue#peek()}: the next item without removing it, or null when there is
   * none now. Never waits; any thread may call. On a {@link Channel}, the first waiting
   * putter's item.
   */
  @Override
  public T peek() {
    synchronized (lock) {
      return peekLocked();
    }
  }

  /**
   * The next item without removing it, waiting up to {@code timeout} seconds for one (gevent's
   * {@code peek(timeout=t)}; {@code peek(0)} is gevent's {@code peek_nowait()}). Every peeker
   * waiting when an item arrives sees it. Waits cooperatively; any greenlet or platform thread
   * may call.
   *
   * @param timeout the longest wait, in seconds; 0 does not wait
   * @return the next item, left in the queue
   * @throws QueueEmpty when no item came in time
   * @throws QueueShutDown when the queue is shut down and empty
   * @throws IllegalArgumentException for a negative or NaN timeout
   */
  @SuppressWarnings("unchecked")
  public T peek(double timeout) {
    checkTimeout(timeout);
    touch();
    WaitQueue.Ticket t;
    synchronized (lock) {
      T item = peekLocked();
      if (item != null) return item;
      if (shutdown) return itemOrThrow(SHUT, timeout);
      if (timeout == 0) return itemOrThrow(EMPTY, timeout);
      t = enqueueLocked(peekers, null);
      peeking++;
    }
    boolean woken = false;
    try {
      woken = t.await(timeout);
    } finally {
      if (!woken && !t.woken()) {
        synchronized (lock) {
          peeking--;
        }
      }
    }
    return itemOrThrow(woken ? t.value() : EMPTY, timeout);
  }

  // ---- putting ------------------------------------------------------------------------------

  /** Admits the item, or finds no room (result EMPTY), or enqueues a putter when it may wait. */
  private Op startPut(T item, double timeout) {
    Objects.requireNonNull(item, "a queue item cannot be null");
    checkTimeout(timeout);
    check(item);
    touch();
    Op op = new Op();
    try {
      synchronized (lock) {
        if (shutdown) throw new QueueShutDown("the queue is shut down");
        if (offerLocked(item, op)) {
          admittedLocked();
        } else if (timeout == 0) {
          op.result = EMPTY;
        } else {
          PutWait<T> p = new PutWait<>(item, enqueueLocked(putters, null));
          putWaits.add(p);
          op.putWait = p;
          if (peeking > 0) claimPeekersLocked(item, op); // a Channel's peekers see a waiting putter's item
        }
      }
    } finally {
      op.signal(); // whatever was claimed is woken, even if enqueueing failed
    }
    return op;
  }

  /**
   * A {@link Channel} is a rendezvous, as gevent's: a put that handed its item to a waiting
   * getter returns only after that getter has run (up to its next switch), so the getter sees
   * its item before the putter goes on. A getter on this hub runs before this greenlet does
   * again once it yields; one on another thread or hub has its item already.
   */
  private void yieldToGetter(Op op) {
    if (maxsize != 0 || !op.handedToGetter) return;
    if (io.gevent4j.hub.RawGreenlet.current() != null || io.gevent4j.hub.internal.HubAccess.get().ownsHub(Thread.currentThread())) {
      io.gevent4j.hub.Hub.sleep(0);
    }
  }

  /** @return true when the item was admitted, false on timeout */
  private boolean awaitPut(PutWait<?> p, double timeout, boolean interruptible, boolean likeJdk) throws InterruptedException {
    WaitQueue.Ticket t = p.ticket();
    boolean woken = false;
    try {
      woken = likeJdk ? t.awaitLikeJdk(timeout, interruptible) : t.await(timeout);
    } finally {
      if (!woken && !t.woken()) {
        synchronized (lock) {
          putWaits.remove(p);
        }
      }
    }
    if (!woken) return false;
    if (t.value() == SHUT) throw new QueueShutDown("the queue was shut down while the put waited");
    return true;
  }

  private boolean put0(T item, double timeout, boolean likeJdk) {
    Op op = startPut(item, timeout);
    if (op.putWait == null) {
      if (timeout != 0) yieldToGetter(op);
      return op.result == null;
    }
    try {
      return awaitPut(op.putWait, timeout, false, likeJdk);
    } catch (InterruptedException e) {
      throw new AssertionError(e); // not interruptible
    }
  }

  /**
   * Puts {@code item}, waiting as long as it takes for room (gevent's {@code put(item)}; also
   * {@link BlockingQueue#put}). Waits cooperatively and never throws
   * {@link InterruptedException}: an interrupt stays pending. Any greenlet or platform thread
   * may call. On a {@link Channel}, returns once a getter has taken the item.
   *
   * @throws NullPointerException for a null item
   * @throws QueueShutDown when the queue is shut down, or is while the put waits
   */
  @Override
  public void put(T item) {
    // BlockingQueue's put: waits for another thread to take, as the JDK's does (no LoopExit)
    if (!put0(item, FOREVER, true)) throw new AssertionError("a put without a timeout timed out");
  }

  /**
   * Puts {@code item}, waiting up to {@code timeout} seconds for room (gevent's
   * {@code put(item, timeout=t)}; {@code put(item, 0)} is {@link #putNowait}). Waits
   * cooperatively; any greenlet or platform thread may call.
   *
   * @param item the item to put; not null
   * @param timeout the longest wait for room, in seconds; 0 does not wait
   * @throws QueueFull when no room came in time (on a {@link Channel}: no getter took it)
   * @throws QueueShutDown when the queue is shut down, or is while the put waits
   * @throws NullPointerException for a null item
   * @throws IllegalArgumentException for a negative or NaN timeout
   */
  public void put(T item, double timeout) {
    if (!put0(item, timeout, false)) throw new QueueFull((maxsize == 0 ? "no getter took the item" : "no room") + within(timeout));
  }

  /**
   * Puts {@code item} if there is room now (gevent's {@code put_nowait()}). Never waits; any
   * thread may call. On a {@link Channel}, hands it to a waiting getter.
   *
   * @param item the item to put; not null
   * @throws QueueFull when there is no room (on a Channel: no getter waits)
   * @throws QueueShutDown when the queue is shut down
   * @throws NullPointerException for a null item
   */
  public void putNowait(T item) {
    put(item, 0);
  }

  /**
   * {@link java.util.Queue#offer(Object)}: puts {@code item} if there is room now. Never waits;
   * any thread may call.
   *
   * @return false when there is no room (on a {@link Channel}: no getter waits)
   * @throws QueueShutDown when the queue is shut down (a put after a shutdown is refused, not
   *     merely unlucky)
   * @throws NullPointerException for a null item
   */
  @Override
  public boolean offer(T item) {
    return put0(item, 0, false);
  }

  /**
   * {@link BlockingQueue#offer(Object, long, TimeUnit)}: puts {@code item}, waiting up to the
   * timeout for room (a negative one does not wait). Waits cooperatively; any greenlet or
   * platform thread may call.
   *
   * @return false when no room came in time
   * @throws InterruptedException when interrupted on entry or, in a greenlet, while waiting
   * @throws QueueShutDown when the queue is shut down, or is while the put waits
   * @throws NullPointerException for a null item
   */
  @Override
  public boolean offer(T item, long timeout, TimeUnit unit) throws InterruptedException {
    Objects.requireNonNull(item, "a queue item cannot be null");
    double seconds = seconds(timeout, unit);
    if (Thread.interrupted()) throw new InterruptedException();
    Op op = startPut(item, seconds);
    if (op.putWait == null) {
      if (seconds != 0) yieldToGetter(op);
      return op.result == null;
    }
    return awaitPut(op.putWait, seconds, true, true);
  }

  // ---- state --------------------------------------------------------------------------------

  /**
   * {@return the number of items queued now (gevent's {@code qsize()}; on a {@link Channel}, 0)}
   * Any thread.
   */
  public int qsize() {
    synchronized (lock) {
      return store.size();
    }
  }

  /** {@link #qsize()}: the items queued now. Any thread. */
  @Override
  public int size() {
    return qsize();
  }

  /** {@return true when no item is queued now (gevent's {@code empty()})} Any thread. */
  public boolean empty() {
    return qsize() == 0;
  }

  /**
   * True when a put would wait now (gevent's {@code full()}): a bounded queue holding
   * {@link #maxsize()} items; never for an unbounded one; always for a {@link Channel}. Any thread.
   *
   * @return true when a put would wait now
   */
  public boolean full() {
    synchronized (lock) {
      return store.size() >= capacity;
    }
  }

  /**
   * {@return the bound given at construction (gevent's {@code maxsize}): -1 when unbounded, 0 for a
   * {@link Channel}}
   */
  public int maxsize() {
    return maxsize;
  }

  /**
   * {@link BlockingQueue#remainingCapacity()}: {@link Integer#MAX_VALUE} when unbounded, else
   * the room left (0 for a {@link Channel}). Any thread.
   */
  @Override
  public int remainingCapacity() {
    if (capacity == Integer.MAX_VALUE) return Integer.MAX_VALUE;
    synchronized (lock) {
      return Math.max(0, capacity - store.size());
    }
  }

  /**
   * {@return true once {@link #shutdown(boolean)} was called (gevent's {@code is_shutdown})} Any
   * thread.
   */
  public boolean isShutdown() {
    synchronized (lock) {
      return shutdown;
    }
  }

  // ---- shutdown -----------------------------------------------------------------------------

  /**
   * {@link #shutdown(boolean) shutdown(false)} (gevent's {@code shutdown()}).
   */
  public void shutdown() {
    shutdown(false);
  }

  /**
   * Shuts the queue down (gevent's {@code shutdown(immediate)}, Python 3.13's
   * {@code queue.shutdown}). Every later put throws {@link QueueShutDown}, and so does every
   * putter waiting now (its item is not admitted). Getters drain what is left, then
   * {@code get}/{@code take}/{@code getNowait}/{@code peek(timeout)} throw QueueShutDown while
   * {@code poll}/{@code peek()} return null; getters waiting now are woken with it. With
   * {@code immediate}, the items left are dropped first (a {@link JoinableQueue} marks them
   * done, which may end {@code join}). Idempotent; a later {@code shutdown(true)} still drops
   * the items. Never waits; any thread may call.
   *
   * @param immediate true to drop the items still queued; false to let getters drain them
   */
  public void shutdown(boolean immediate) {
    touch();
    Op op = new Op();
    synchronized (lock) {
      shutdown = true;
      if (immediate && !this.immediate) {
        this.immediate = true;
        int dropped = store.size();
        store.clear();
        if (dropped > 0) droppedLocked(dropped, op);
      }
      List<WaitQueue.Ticket> woken = getters.claimAll(SHUT);
      getting -= woken.size();
      op.signalLater(woken);
      claimPeekersLocked(SHUT, op);
      op.signalLater(putters.claimAll(SHUT));
      putWaits.clear();
    }
    op.signal();
  }

  // ---- the rest of BlockingQueue and Collection ---------------------------------------------

  /**
   * {@link BlockingQueue#drainTo(Collection)}: moves every item queued now into {@code target}
   * (on a {@link Channel}, the items of the waiting putters). Never waits; any thread may call.
   */
  @Override
  public int drainTo(Collection<? super T> target) {
    return drainTo(target, Integer.MAX_VALUE);
  }

  /**
   * {@link BlockingQueue#drainTo(Collection, int)}: moves up to {@code maxElements} items into
   * {@code target}, in get order; waiting putters move theirs in as room is made. If adding to
   * {@code target} fails, the items not added go back to the head. Never waits; any thread.
   *
   * @throws IllegalArgumentException when {@code target} is this queue
   */
  @Override
  public int drainTo(Collection<? super T> target, int maxElements) {
    Objects.requireNonNull(target, "target");
    if (target == this) throw new IllegalArgumentException("cannot drain a queue into itself");
    if (maxElements <= 0) return 0;
    touch();
    Op op = new Op();
    List<T> taken = new ArrayList<>();
    synchronized (lock) {
      T item;
      while (taken.size() < maxElements && (item = takeLocked(op)) != null) taken.add(item);
    }
    op.signal();
    int added = 0;
    try {
      for (T item : taken) {
        target.add(item);
        added++;
      }
    } finally {
      if (added < taken.size()) {
        Op back = new Op();
        synchronized (lock) {
          for (int i = taken.size() - 1; i >= added; i--) giveBackLocked(taken.get(i), back);
        }
        back.signal();
      }
    }
    return added;
  }

  /**
   * A snapshot of the items queued now, in the order gets would take them (a
   * {@link PriorityQueue}'s ties in no particular order). Does not consume and never waits;
   * its {@code remove()} removes that very item if it is still queued. Any thread.
   */
  @Override
  public Iterator<T> iterator() {
    Object[] snapshot;
    synchronized (lock) {
      snapshot = store.toArray();
    }
    return new Iterator<>() {
      private int next;
      private Object last;

      @Override
      public boolean hasNext() {
        return next < snapshot.length;
      }

      @Override
      @SuppressWarnings("unchecked")
      public T next() {
        if (next >= snapshot.length) throw new NoSuchElementException();
        last = snapshot[next++];
        return (T) last;
      }

      @Override
      public void remove() {
        if (last == null) throw new IllegalStateException("next() first");
        Object item = last;
        last = null;
        removeWhere(item, true);
      }
    };
  }

  /**
   * Removes one queued item equal to {@code o}; a waiting putter may then move its item in. On
   * a {@link JoinableQueue} the removed item counts as done. Never waits; any thread.
   */
  @Override
  public boolean remove(Object o) {
    return o != null && removeWhere(o, false);
  }

  private boolean removeWhere(Object o, boolean same) {
    touch();
    Op op = new Op();
    synchronized (lock) {
      if (!(same ? store.removeSame(o) : store.removeEqual(o))) return false;
      droppedLocked(1, op);
      refillLocked(op);
    }
    op.signal();
    return true;
  }

  /** True when an item equal to {@code o} is queued now. Any thread. */
  @Override
  public boolean contains(Object o) {
    if (o == null) return false;
    synchronized (lock) {
      return store.contains(o);
    }
  }

  /**
   * Removes every queued item; waiting putters may then move theirs in. On a
   * {@link JoinableQueue} the removed items count as done. Never waits; any thread.
   */
  @Override
  public void clear() {
    touch();
    Op op = new Op();
    synchronized (lock) {
      int n = store.size();
      store.clear();
      if (n > 0) droppedLocked(n, op);
      refillLocked(op);
    }
    op.signal();
  }

  /** The items queued now, in get order. Any thread. */
  @Override
  public Object[] toArray() {
    synchronized (lock) {
      return store.toArray();
    }
  }

  /** The items queued now, in get order, in {@code a} if they fit. Any thread. */
  @Override
  @SuppressWarnings("unchecked")
  public <A> A[] toArray(A[] a) {
    Object[] all = toArray();
    if (a.length < all.length) return (A[]) Arrays.copyOf(all, all.length, a.getClass());
    System.arraycopy(all, 0, a, 0, all.length);
    if (a.length > all.length) a[all.length] = null;
    return a;
  }

  /**
   * Declares that other threads use this queue: the gevent-named waits on it ({@link #get()},
   * {@link #put(Object, double)}, {@link #peek(double)}) then keep their hub alive as the
   * {@code BlockingQueue} methods do, instead of ending in a {@link io.gevent4j.hub.LoopExit}
   * when nothing on the hub can make progress. A queue becomes shared by itself once a second
   * thread or hub uses it; this is for the thread that has not used it yet.
   *
   * @return this queue
   */
  public Queue<T> markShared() {
    getters.markShared();
    putters.markShared();
    peekers.markShared();
    return this;
  }


  /** Putters waiting minus getters waiting (gevent's {@code Channel.balance}). Any thread. */
  int balance() {
    synchronized (lock) {
      return putWaits.size() - getting;
    }
  }
}
