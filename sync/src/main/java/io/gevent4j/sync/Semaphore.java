package io.gevent4j.sync;

import io.gevent4j.hub.internal.WaitQueue;
import java.util.List;

/**
 * A counting semaphore for greenlets and threads (gevent's {@code gevent.lock.Semaphore}).
 *
 * <pre>{@code
 * Semaphore slots = new Semaphore(10);
 * slots.acquire();
 * try { fetch(url); } finally { slots.release(); }
 * }</pre>
 *
 * <p><b>Fair, no stampede.</b> Waiters are served first come, first served: {@link #release()}
 * hands its permit straight to the first waiter (the counter does not go up), and wakes only
 * that one. Nobody can barge in between (gevent allows it; this class does not), so
 * {@link #tryAcquire()} fails while others wait. A waiter handed a permit that times out or
 * is killed before it runs passes the permit on to the next one.
 *
 * <p><b>Threads and hubs.</b> Any greenlet or platform thread on any hub may call any method; a
 * permit released on one hub wakes a waiter on another through that hub's thread-safe
 * submission. Waiting parks a greenlet cooperatively or runs a platform thread's hub; in a hub
 * callback it throws {@link io.gevent4j.hub.BlockingSwitchOutError}. A semaphore used by one
 * thread only (and its hub's greenlets) makes an endless wait nothing can end a
 * {@link io.gevent4j.hub.LoopExit}; once another thread or hub has used it (or after
 * {@link #markShared()}), such a wait keeps its hub alive.
 *
 * <p>Subclasses in this package: {@link BoundedSemaphore}, {@link DummySemaphore}.
 */
public class Semaphore extends AbstractLinkable {
  private static final Object PERMIT = "permit";

  /** Greenlets and threads waiting for a free permit without taking it ({@link #await}). */
  private final WaitQueue watchers = new WaitQueue();
  private final int initial;
  private final boolean bounded;
  /** Free permits; guarded by lock (volatile for lock-free reads). */
  private volatile int counter;

  /**
   * A semaphore with {@code value} free permits (gevent's {@code Semaphore(value)}).
   *
   * @param value the free permits at the start
   * @throws IllegalArgumentException when {@code value} is negative
   */
  public Semaphore(int value) {
    this(value, false);
  }

  Semaphore(int value, boolean bounded) {
    super(true);
    if (value < 0) throw new IllegalArgumentException("a semaphore's initial value must be >= 0, not " + value);
    this.initial = value;
    this.bounded = bounded;
    this.counter = value;
  }

  /**
   * Takes a permit, waiting as long as it takes (gevent's {@code acquire()}). Blocks
   * cooperatively while none is free.
   *
   * @throws io.gevent4j.hub.LoopExit when nothing can ever release one
   * @throws io.gevent4j.hub.BlockingSwitchOutError inside a hub callback, when it would wait
   * @throws io.gevent4j.hub.GreenletExit or a {@link io.gevent4j.hub.Timeout} delivered meanwhile
   *     (no permit is then taken, and none is lost)
   */
  public void acquire() {
    acquire(Seconds.FOREVER);
  }

  /**
   * Takes a permit, waiting up to {@code timeout} seconds (gevent's
   * {@code acquire(timeout=...)}); {@code 0} does not wait. Blocks cooperatively while none is
   * free.
   *
   * @param timeout the longest wait, in seconds; 0 does not wait
   * @return true when a permit was taken, false on timeout (not an exception, as gevent)
   * @throws IllegalArgumentException for a negative or NaN timeout
   * @throws io.gevent4j.hub.LoopExit when nothing can ever release one
   * @throws io.gevent4j.hub.BlockingSwitchOutError inside a hub callback, when it would wait
   */
  public boolean acquire(double timeout) {
    Seconds.check(timeout);
    WaitQueue.Ticket ticket;
    synchronized (lock) {
      waiters.touch();
      if (counter > 0) { // then nobody waits: release hands permits to waiters first
        counter--;
        return true;
      }
      if (timeout == 0) return false;
      ticket = waiters.enqueue(passOn, this, "a permit");
    }
    return ticket.await(timeout); // woken: the releaser handed us its permit
  }

  /**
   * Takes a permit if one is free now (gevent's {@code acquire(blocking=False)}); false while
   * others wait for one. Never blocks; any thread may call.
   *
   * @return true when a permit was taken
   */
  public boolean tryAcquire() {
    return acquire(0);
  }

  /**
   * Gives a permit back (gevent's {@code release()}): to the first waiter if any, which is woken
   * (only that one); else the counter goes up, waking {@link #await} callers and scheduling
   * rawlinks. Never blocks; any thread may call, whether or not it acquired.
   *
   * @throws IllegalStateException for a {@link BoundedSemaphore} already at its initial value,
   *     or when the counter would overflow
   */
  public void release() {
    release(true);
  }

  /** A permit whose waiter gave up after it was handed over goes on to the next. */
  private final java.util.function.Consumer<Object> passOn = permit -> release(false);

  private void release(boolean check) {
    WaitQueue.Ticket next;
    List<WaitQueue.Ticket> woken = List.of();
    List<Links.Link> due = null;
    synchronized (lock) {
      if (check && bounded && counter >= initial) {
        throw new IllegalStateException("BoundedSemaphore released too many times (its initial value is " + initial + ")");
      }
      next = waiters.claimOne(PERMIT);
      if (next == null) {
        if (counter == Integer.MAX_VALUE) throw new IllegalStateException("semaphore counter overflow");
        counter++;
        woken = watchers.claimAll(null);
        due = links.due();
      }
    }
    if (next != null) {
      next.signal();
      return;
    }
    for (WaitQueue.Ticket t : woken) t.signal();
    links.schedule(due);
  }

  /**
   * Waits until a permit is free, without taking it, as long as it takes (gevent's
   * {@code wait()}). Blocks cooperatively.
   *
   * @return the free permits when it returns: may be 0 if another greenlet took it first
   * @throws io.gevent4j.hub.LoopExit when nothing can ever release one
   */
  public int await() {
    return await(Seconds.FOREVER);
  }

  /**
   * Waits until a permit is free, without taking it, or until {@code timeout} seconds pass
   * (gevent's {@code wait(timeout)}). A permit released while others wait to acquire goes to
   * them, so it does not end this wait. {@code 0} does not wait. Blocks cooperatively.
   *
   * @param timeout the longest wait, in seconds; 0 does not wait
   * @return the free permits when it returns: 0 on timeout, and may be 0 if another greenlet
   *     took the permit between the wake-up and the return
   * @throws IllegalArgumentException for a negative or NaN timeout
   * @throws io.gevent4j.hub.LoopExit when nothing can ever release one
   * @throws io.gevent4j.hub.BlockingSwitchOutError inside a hub callback, when it would wait
   */
  public int await(double timeout) {
    Seconds.check(timeout);
    WaitQueue.Ticket ticket;
    synchronized (lock) {
      if (counter > 0 || timeout == 0) return counter;
      ticket = watchers.enqueue(null, this, "a permit to be free");
      if (waiters.isShared()) watchers.markShared();
    }
    ticket.await(timeout);
    return counter;
  }

  /**
   * {@return the free permits now (gevent's {@code counter})} Never blocks; any thread may call.
   */
  public int counter() {
    return counter;
  }

  /** {@return true when no permit is free (gevent's {@code locked()})} Never blocks. */
  public boolean locked() {
    return counter() == 0;
  }

  /** True when a permit is free (gevent's {@code ready()}). Never blocks. */
  @Override
  public boolean ready() {
    return counter() > 0;
  }

  /**
   * Makes waits on this semaphore keep their hub alive, as if another thread had used it
   * already: for a semaphore that a thread or hub which has not touched it yet will release.
   * Returns this.
   *
   * @return this semaphore
   */
  public Semaphore markShared() {
    waiters.markShared();
    watchers.markShared();
    return this;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(counter=" + counter() + ", " + waiters.size() + " waiting)";
  }
}
