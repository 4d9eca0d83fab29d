package io.gevent4j.greenlet;

import io.gevent4j.hub.internal.WaitQueue;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A {@link Group} of at most {@code size} greenlets (gevent's {@code gevent.pool.Pool}):
 * {@link #spawn} waits, cooperatively and first come first served, while the pool is full. A
 * member that dies — killed or not — frees its slot. {@code imap} keeps at most {@code size}
 * items in flight.
 */
public class Pool extends Group {
  private final int size;
  private final WaitQueue slotWaiters = new WaitQueue();
  /** Members plus slots handed to waiters that have not added their greenlet yet. */
  private int taken;

  /**
   * A pool of {@code size} slots.
   *
   * @param size the number of slots: the most members at once
   * @throws IllegalArgumentException when {@code size <= 0}
   */
  public Pool(int size) {
    if (size <= 0) throw new IllegalArgumentException("a pool needs size > 0, not " + size);
    this.size = size;
  }

  /** {@return the number of slots} */
  public int poolSize() {
    return size;
  }

  /** Starts {@code body} in a member greenlet, first waiting for a free slot. */
  @Override
  public <T> Greenlet<T> spawn(Callable<T> body) {
    return spawn(body, Double.POSITIVE_INFINITY);
  }

  /**
   * Starts {@code body} in a member greenlet, waiting up to {@code timeout} for a free slot
   * (gevent's {@code spawn} with {@code blocking}/{@code timeout}); 0 does not wait.
   *
   * @param <T> the body's value type
   * @param body what the greenlet runs
   * @param timeout the longest wait for a slot, in seconds
   * @return the member greenlet, started
   * @throws PoolFull when no slot came free in time
   */
  public <T> Greenlet<T> spawn(Callable<T> body, double timeout) {
    Objects.requireNonNull(body, "body");
    if (!acquireSlot(timeout)) throw new PoolFull("no free slot in " + this + " within " + timeout + " s");
    return startHoldingSlot(body);
  }

  /** Makes, adds and starts a member for {@code body} in the slot the caller acquired. */
  private <T> Greenlet<T> startHoldingSlot(Callable<T> body) {
    Greenlet<T> g;
    try {
      g = new Greenlet<>(body);
    } catch (RuntimeException | Error e) {
      releaseSlot();
      throw e;
    }
    addHoldingSlot(g);
    g.start();
    return g;
  }

  /** Adds a greenlet, first waiting for a free slot. */
  @Override
  public void add(Greenlet<?> g) {
    add(g, Double.POSITIVE_INFINITY);
  }

  /**
   * Adds a greenlet, waiting up to {@code timeout} for a free slot (gevent's {@code add} with
   * {@code blocking}/{@code timeout}).
   *
   * @param g the greenlet to add
   * @param timeout the longest wait for a slot, in seconds
   * @throws PoolFull when no slot came free in time
   */
  public void add(Greenlet<?> g, double timeout) {
    if (contains(g)) return;
    if (!acquireSlot(timeout)) throw new PoolFull("no free slot in " + this + " within " + timeout + " s");
    addHoldingSlot(g);
  }

  /**
   * Runs {@code body} without waiting (gevent's {@code apply_async}): in a member greenlet
   * when a slot is free, else — as gevent's — in a greenlet outside the pool, so it never
   * blocks.
   */
  @Override
  public <T> Greenlet<T> applyAsync(Callable<T> body) {
    Objects.requireNonNull(body, "body");
    return acquireSlot(0) ? startHoldingSlot(body) : Greenlet.spawn(body);
  }

  private void addHoldingSlot(Greenlet<?> g) {
    super.add(g);
    if (g.dead()) discard(g); // died before it could be linked: the slot comes back
  }

  /** Takes a slot, waiting up to {@code timeout}; false when none came free in time. */
  private boolean acquireSlot(double timeout) {
    Gevent.checkTimeout(timeout);
    long deadline = Double.isInfinite(timeout) ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
    while (true) {
      WaitQueue.Ticket ticket;
      synchronized (this) {
        if (taken < size && slotWaiters.isEmpty()) {
          taken++;
          return true;
        }
        if (timeout == 0) return false;
        ticket = slotWaiters.enqueue(slot -> releaseSlot(), this, "a free slot");
      }
      double left = deadline == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : Math.max(0, (deadline - System.nanoTime()) / 1e9);
      if (ticket.await(left)) return true; // the slot was handed over
      if (System.nanoTime() >= deadline) return false;
    }
  }

  private void releaseSlot() {
    synchronized (this) {
      taken--;
      if (taken >= size) return;
      taken++; // hand it straight to the first waiter, if any
    }
    if (!slotWaiters.wakeOne(Boolean.TRUE)) {
      synchronized (this) {
        taken--;
      }
    }
  }

  @Override
  void left(Greenlet<?> g) {
    releaseSlot();
  }

  /** {@return the free slots now (gevent's {@code free_count})} */
  public synchronized int freeCount() {
    return Math.max(0, size - taken);
  }

  /** {@return true when no slot is free (gevent's {@code full})} */
  public boolean full() {
    return freeCount() == 0;
  }

  /**
   * Waits until a slot is free or the timeout passes, without taking it (gevent's
   * {@code wait_available}).
   *
   * @param timeout the longest wait, in seconds
   * @return the free count: 0 when still full at the timeout
   */
  public int waitAvailable(double timeout) {
    Gevent.checkTimeout(timeout);
    long deadline = Double.isInfinite(timeout) ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
    while (full()) {
      WaitQueue.Ticket ticket = slotWaiters.enqueue(slot -> releaseSlot(), this, "a free slot");
      double left = deadline == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : Math.max(0, (deadline - System.nanoTime()) / 1e9);
      if (ticket.await(left)) {
        releaseSlot(); // woken with a slot we do not want: give it back, it stays free
        break;
      }
      if (System.nanoTime() >= deadline) break;
    }
    return freeCount();
  }

  @Override
  int inFlightLimit() {
    return size;
  }

  @Override
  public String toString() {
    return "Pool(" + size() + "/" + size + ")";
  }
}
