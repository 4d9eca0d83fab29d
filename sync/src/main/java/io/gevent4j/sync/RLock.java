package io.gevent4j.sync;

import io.gevent4j.hub.internal.WaitQueue;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A reentrant lock owned by a greenlet (gevent's {@code gevent.lock.RLock}), with the
 * {@link Lock} interface: code written for {@code ReentrantLock} works with it, waiting
 * cooperatively.
 *
 * <pre>{@code
 * RLock lock = new RLock();
 * lock.lock();
 * try { update(); } finally { lock.unlock(); }
 * }</pre>
 *
 * <p><b>Owner.</b> The owner is the greenlet that locked it, or the platform thread when locked
 * outside a greenlet (hub callbacks run on their hub's platform thread and count as it). The
 * owner may lock again (each {@code lock} needs its {@code unlock}); anyone else waits. An
 * unlock by anyone but the owner is an {@link IllegalMonitorStateException}.
 *
 * <p><b>Fair.</b> Waiters get the lock first come, first served: {@link #unlock()} hands it
 * straight to the first waiter and wakes only that one; nobody barges in meanwhile, so
 * {@link #tryLock()} fails while others wait. A waiter handed the lock that times out or is
 * killed before it runs passes it on.
 *
 * <p><b>An owner that dies holding it.</b> The lock stays locked, as in gevent and as a
 * {@code ReentrantLock} whose thread ends: no one else can unlock it, and waiters wait until
 * their timeout (or a {@link io.gevent4j.hub.LoopExit} when nothing else can happen). Releasing
 * it behind the owner's back would let others see the state it left half-updated.
 * {@link #toString()} names the owner and says when it is dead.
 *
 * <p><b>Interrupts.</b> {@link #lockInterruptibly()}, {@link #tryLock(long, TimeUnit)} and the
 * condition's {@code await}s honour the {@code Lock}/{@code Condition} contracts: an interrupt
 * on entry, or of a greenlet while it waits, throws {@link InterruptedException} (a platform
 * thread's interrupt counts on entry only: while it runs its hub the JDK clears its status as
 * greenlets mount). A kill or a {@link io.gevent4j.hub.Timeout} ends any wait, interruptible or
 * not. The {@code java.util.concurrent} timeouts keep their contract: zero or negative means
 * "don't wait"; the gevent-style {@link #acquire(double)} rejects negative and NaN.
 *
 * <p><b>Threads and hubs.</b> Any greenlet or platform thread on any hub may use it; waiting in
 * a hub callback throws {@link io.gevent4j.hub.BlockingSwitchOutError}; a lock used only by one
 * thread and its hub's greenlets makes an endless wait nothing can end a {@code LoopExit}.
 */
public final class RLock implements Lock {
  private final Object lock = new Object();
  private final WaitQueue waiters = new WaitQueue();
  /**
   * The owning greenlet's virtual thread, or the owning platform thread; while the lock passes
   * to a woken waiter, the token that waiter was handed; null when free. Guarded by lock.
   */
  private Object owner;
  /** The owner's holds; guarded by lock. */
  private int holds;

  /** An unlocked lock. */
  public RLock() {}

  // ---- gevent's names ---------------------------------------------------------------------

  /**
   * Locks, waiting as long as it takes (gevent's {@code acquire()}); same as {@link #lock()}.
   *
   * @throws io.gevent4j.hub.LoopExit when nothing can ever unlock it
   * @throws io.gevent4j.hub.BlockingSwitchOutError inside a hub callback, when it would wait
   */
  public void acquire() {
    takeUninterruptibly(Seconds.FOREVER, false);
  }

  /**
   * Locks, waiting up to {@code timeout} seconds (gevent's {@code acquire(timeout=...)}); {@code 0}
   * does not wait. Blocks cooperatively. An interrupt does not end this wait.
   *
   * @param timeout the longest wait, in seconds; 0 does not wait
   * @return true when locked (or locked again by its owner), false on timeout
   * @throws IllegalArgumentException for a negative or NaN timeout
   * @throws io.gevent4j.hub.LoopExit when nothing can ever unlock it
   * @throws io.gevent4j.hub.BlockingSwitchOutError inside a hub callback, when it would wait
   */
  public boolean acquire(double timeout) {
    return takeUninterruptibly(Seconds.check(timeout), false);
  }

  /**
   * Undoes one hold (gevent's {@code release()}); same as {@link #unlock()}.
   *
   * @throws IllegalMonitorStateException when the caller is not the owner
   */
  public void release() {
    unlock();
  }

  /**
   * {@return true while anyone holds it (gevent's {@code locked()})} Never blocks; any thread may
   * call.
   */
  public boolean locked() {
    synchronized (lock) {
      return owner != null;
    }
  }

  /** {@return true when the calling greenlet (or platform thread) holds it} Never blocks. */
  public boolean isHeldByCurrentThread() {
    synchronized (lock) {
      return owner == Thread.currentThread();
    }
  }

  /**
   * How many times the calling greenlet (or platform thread) holds it: 0 when it does not
   * (as {@code ReentrantLock.getHoldCount()}). Never blocks.
   *
   * @return how many times the caller holds it; 0 when it does not
   */
  public int getHoldCount() {
    synchronized (lock) {
      return owner == Thread.currentThread() ? holds : 0;
    }
  }

  // ---- java.util.concurrent.locks.Lock ----------------------------------------------------

  /**
   * Locks, waiting as long as it takes; the owner locks again at once. Blocks cooperatively; an
   * interrupt does not end the wait (it stays set).
   *
   * @throws io.gevent4j.hub.LoopExit when nothing can ever unlock it
   * @throws io.gevent4j.hub.BlockingSwitchOutError inside a hub callback, when it would wait
   * @throws io.gevent4j.hub.GreenletExit or a {@link io.gevent4j.hub.Timeout} delivered while
   *     waiting: the lock is then not taken (and not lost)
   */
  @Override
  public void lock() {
    takeUninterruptibly(Seconds.FOREVER, true);
  }

  /**
   * Locks unless interrupted, waiting as long as it takes. Blocks cooperatively.
   *
   * @throws InterruptedException when interrupted on entry or, in a greenlet, while waiting
   *     (the interrupt status is then cleared)
   * @throws io.gevent4j.hub.LoopExit when nothing can ever unlock it
   */
  @Override
  public void lockInterruptibly() throws InterruptedException {
    if (Thread.interrupted()) throw new InterruptedException();
    take(Seconds.FOREVER, true, true);
  }

  /** Locks if it is free (or already the caller's) now; false while others hold it or wait. Never blocks. */
  @Override
  public boolean tryLock() {
    return takeUninterruptibly(0, true);
  }

  /**
   * Locks, waiting up to {@code time}; zero or negative does not wait ({@code Lock}'s contract).
   * Blocks cooperatively.
   *
   * @return true when locked, false when the time passed
   * @throws InterruptedException when interrupted on entry or, in a greenlet, while waiting
   * @throws NullPointerException when {@code unit} is null
   */
  @Override
  public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
    double seconds = Seconds.of(time, unit);
    if (Thread.interrupted()) throw new InterruptedException();
    return take(seconds, true, true);
  }

  /**
   * Undoes one hold; the last one hands the lock to the first waiter, if any. Never blocks.
   *
   * @throws IllegalMonitorStateException when the caller is not the owner
   */
  @Override
  public void unlock() {
    WaitQueue.Ticket next;
    synchronized (lock) {
      if (owner != Thread.currentThread()) {
        throw new IllegalMonitorStateException(owner == null ? "this RLock is not locked"
            : "this RLock is held by " + ownerName() + ", not by " + Thread.currentThread().getName());
      }
      if (--holds > 0) return;
      next = handOff();
    }
    if (next != null) next.signal();
  }

  /**
   * A condition bound to this lock (as {@code ReentrantLock.newCondition()}): {@code await}
   * releases every hold, waits cooperatively for a {@code signal}, then takes the holds back
   * before it returns or throws. Signalled waiters wake first come, first served. Calling any
   * of its methods without holding the lock is an {@link IllegalMonitorStateException}.
   */
  @Override
  public Condition newCondition() {
    return new ConditionObject();
  }

  // ---- the hand-off -----------------------------------------------------------------------

  /** @param likeJdk a Lock method: waits for other threads as the JDK's locks do (no LoopExit) */
  private boolean takeUninterruptibly(double seconds, boolean likeJdk) {
    try {
      return take(seconds, false, likeJdk);
    } catch (InterruptedException e) {
      throw new AssertionError("an uninterruptible wait was interrupted", e);
    }
  }

  private boolean take(double seconds, boolean interruptible, boolean likeJdk) throws InterruptedException {
    Thread me = Thread.currentThread();
    WaitQueue.Ticket ticket;
    synchronized (lock) {
      waiters.touch();
      if (owner == me) {
        if (holds == Integer.MAX_VALUE) throw new IllegalStateException("RLock hold count overflow");
        holds++;
        return true;
      }
      if (owner == null) { // then nobody waits: unlock hands the lock to waiters first
        owner = me;
        holds = 1;
        return true;
      }
      if (seconds == 0) return false;
      ticket = waiters.enqueue(onAbandoned, this, "the lock");
    }
    boolean woken = likeJdk ? ticket.awaitLikeJdk(seconds, interruptible) : ticket.await(seconds);
    if (!woken) return false;
    synchronized (lock) { // the lock was handed to us: owner is our token
      owner = me;
      holds = 1;
    }
    return true;
  }

  /** Under lock: gives the lock to the first waiter (claimed, to signal after) or frees it. */
  private WaitQueue.Ticket handOff() {
    holds = 0;
    if (waiters.isEmpty()) {
      owner = null;
      return null;
    }
    Object token = new Object();
    WaitQueue.Ticket next = waiters.claimOne(token);
    owner = next != null ? token : null;
    return next;
  }

  /** The lock was handed to a waiter that gave up before taking it: on to the next. */
  private final java.util.function.Consumer<Object> onAbandoned = this::passOn;

  private void passOn(Object token) {
    WaitQueue.Ticket next;
    synchronized (lock) {
      if (owner != token) return;
      next = handOff();
    }
    if (next != null) next.signal();
  }

  private String ownerName() {
    if (owner instanceof Thread t) return t.getName() + (t.isAlive() ? "" : " (dead)");
    return owner == null ? "nobody" : "a waiter being woken";
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "RLock(" + (owner == null ? "unlocked" : "held by " + ownerName() + " x" + holds)
          + ", " + waiters.size() + " waiting)";
    }
  }

  /** Greenlets and threads waiting to lock now (for tests and diagnostics). */
  int waiting() {
    return waiters.size();
  }

  // ---- conditions -------------------------------------------------------------------------

  private final class ConditionObject implements Condition {
    private final WaitQueue signals = new WaitQueue();

    @Override
    public void await() throws InterruptedException {
      await(Seconds.FOREVER, true);
    }

    @Override
    public void awaitUninterruptibly() {
      try {
        await(Seconds.FOREVER, false);
      } catch (InterruptedException e) {
        throw new AssertionError("an uninterruptible wait was interrupted", e);
      }
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
      long start = System.nanoTime();
      boolean signalled = await(Seconds.of(nanosTimeout, TimeUnit.NANOSECONDS), true);
      long left = nanosTimeout - (System.nanoTime() - start);
      // The loop's timers count from its cached clock, which may lag the wall clock a little:
      // a wait that timed out says so, whatever the estimate.
      return signalled ? left : Math.min(left, 0);
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
      return await(Seconds.of(time, unit), true);
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
      long millis = Objects.requireNonNull(deadline, "deadline").getTime() - System.currentTimeMillis();
      return await(Seconds.of(millis, TimeUnit.MILLISECONDS), true);
    }

    @Override
    public void signal() {
      checkOwner();
      signals.wakeOne(null);
    }

    @Override
    public void signalAll() {
      checkOwner();
      signals.wakeAll(null);
    }

    private void checkOwner() {
      if (!isHeldByCurrentThread()) {
        throw new IllegalMonitorStateException("signal a Condition while holding its RLock");
      }
    }

    /** @return true when signalled, false when the time passed */
    private boolean await(double seconds, boolean interruptible) throws InterruptedException {
      if (interruptible && Thread.interrupted()) throw new InterruptedException();
      Thread me = Thread.currentThread();
      int saved;
      WaitQueue.Ticket ticket;
      WaitQueue.Ticket next;
      synchronized (lock) {
        if (owner != me) throw new IllegalMonitorStateException("await a Condition while holding its RLock");
        saved = holds;
        ticket = signals.enqueue(passSignalOn, RLock.this, "a signal of one of its Conditions"); // before the lock is released: no signal is missed
        next = handOff();
      }
      if (next != null) next.signal();
      try {
        return ticket.awaitLikeJdk(seconds, interruptible); // Condition's contract
      } finally {
        takeUninterruptibly(Seconds.FOREVER, true);
        synchronized (lock) {
          holds = saved;
        }
      }
    }

    /** A signal whose waiter gave up before it ran goes to the next waiter. */
    private final java.util.function.Consumer<Object> passSignalOn = signal -> signals.wakeOne(null);
  }
}
