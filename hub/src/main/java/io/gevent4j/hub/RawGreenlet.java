package io.gevent4j.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A greenlet as the hub sees it (the {@code greenlet.greenlet} under gevent's
 * {@code Greenlet}): a virtual thread scheduled by its hub, or — for {@link #isMain() the
 * main one} — the hub's owner, the platform thread the hub belongs to. It carries what wait points need: where to
 * deliver a kill or a {@link Timeout}, and whether it is parked at a gevent4j wait point.
 *
 * <p>{@code io.gevent4j.greenlet.Greenlet} builds on it; {@link Hub#execute} spawns bare ones.
 */
public final class RawGreenlet {
  private static final ThreadLocal<RawGreenlet> CURRENT = new ThreadLocal<>();
  private static final AtomicLong IDS = new AtomicLong();

  final Hub hub;
  private final Runnable body;
  private final long id;
  private volatile String name;
  private volatile Thread thread;
  private volatile boolean started;
  private volatile boolean dead;
  private final boolean main;
  private List<Consumer<RawGreenlet>> exitHooks;
  /** Weak: a live greenlet must not keep its dead spawner (and what it holds) reachable. */
  private final java.lang.ref.WeakReference<RawGreenlet> parent;

  // Delivery of kills and timeouts (written by any thread, read at wait points).
  private volatile Throwable pending;
  private volatile boolean pendingIsTimeout;
  private boolean interruptedByHub;
  private volatile Throwable failure;
  private volatile Object owner;
  /** True while parked at a gevent4j wait point; hub thread only. */
  boolean atWaitPoint;

  RawGreenlet(Hub hub, Runnable body, String name, boolean main) {
    this.hub = hub;
    this.body = body;
    this.main = main;
    this.id = IDS.incrementAndGet();
    this.name = name;
    RawGreenlet spawner = main ? null : current();
    this.parent = spawner != null ? new java.lang.ref.WeakReference<>(spawner) : null;
    if (main) {
      this.thread = Thread.currentThread();
      this.started = true;
    }
  }

  /**
   * {@return the greenlet running this code: null on a plain thread and in virtual threads that are
   * not greenlets}
   */
  public static RawGreenlet current() {
    return CURRENT.get();
  }

  /** {@return what this raw greenlet runs for (a {@code Greenlet}, say), or null} */
  public Object owner() {
    return owner;
  }

  /**
   * Records what this raw greenlet runs for; once.
   *
   * @throws IllegalStateException when already set
   */
  void owner(Object owner) {
    synchronized (this) {
      if (this.owner != null) throw new IllegalStateException(this + " already runs for " + this.owner);
      this.owner = owner;
    }
  }

  /** {@return the hub this greenlet runs on} */
  public Hub hub() {
    return hub;
  }

  /**
   * {@return its virtual thread (null before {@link #start()}); for the main one, the hub's owner
   * thread}
   */
  public Thread thread() {
    return thread;
  }

  /** {@return a number unique in this JVM} */
  public long id() {
    return id;
  }

  /** {@return its name} */
  public String name() {
    return name;
  }

  /**
   * Renames it (and its thread).
   *
   * @param name the new name
   */
  public void name(String name) {
    this.name = Objects.requireNonNull(name, "name");
    Thread t = thread;
    if (t != null && !main) t.setName(name);
  }

  /**
   * {@return the greenlet that created this one, or null when created outside a greenlet or once it
   * is garbage}
   */
  public RawGreenlet parent() {
    return parent != null ? parent.get() : null;
  }

  /**
   * {@return true for the hub's owner thread, which hands the hub its turn when it waits (gevent's
   * main greenlet)}
   */
  public boolean isMain() {
    return main;
  }

  /** {@return true once started} */
  public boolean started() {
    return started;
  }

  /**
   * What ended the greenlet when it failed: an exception that escaped its body, or the error a
   * kill delivered (other than {@link GreenletExit}); null while alive and after a success.
   *
   * @return the failure, or null
   */
  public Throwable failure() {
    return failure;
  }

  /** {@return true once its body has ended, or when killed before it started} */
  public boolean dead() {
    return dead;
  }

  /**
   * Schedules the greenlet: it runs after the current one yields, in FIFO order (any thread
   * may call).
   *
   * @return this greenlet
   * @throws IllegalStateException when already started, or when the hub is closed
   */
  public synchronized RawGreenlet start() {
    if (started) throw new IllegalStateException(this + " was already started");
    hub.checkOpen();
    started = true;
    hub.startGreenlet(this);
    return this;
  }

  /**
   * Starts it unless it was started already (by a timer, or by a kill that ends it before it
   * runs). Any thread.
   *
   * @return true when this call started it
   */
  synchronized boolean startIfNotStarted() {
    if (started) return false;
    start();
    return true;
  }

  /**
   * Makes its virtual thread and hands it out unstarted (HubAccess.unstartedThread): whoever
   * starts that thread starts this greenlet. It counts as started from now on.
   *
   * @throws IllegalStateException when already started, or when the hub is closed
   */
  synchronized Thread unstartedThread() {
    if (started) throw new IllegalStateException(this + " was already started");
    hub.checkOpen();
    Thread t = hub.unstartedThread(this);
    started = true;
    bindThread(t);
    return t;
  }

  void bindThread(Thread t) {
    this.thread = t;
  }

  /**
   * Adds a hook run on the hub when the greenlet ends (or is killed before it starts);
   * runs at once when it has already ended. Hub thread only.
   */
  void onExit(Consumer<RawGreenlet> hook) {
    if (dead) {
      hook.accept(this);
      return;
    }
    if (exitHooks == null) exitHooks = new ArrayList<>(2);
    exitHooks.add(hook);
  }

  /** The body, run on its virtual thread. */
  void run() {
    CURRENT.set(this);
    hub.greenletStarted(this);
    Throwable failure = null;
    try {
      throwPending(true);
      body.run();
    } catch (GreenletExit e) {
      // a kill: success
    } catch (Throwable t) {
      failure = t;
    } finally {
      clearHubInterrupt();
      // A kill delivered by interrupting a JDK call may surface as that call's exception
      // (a SocketException, say): the kill is the outcome.
      Throwable killedBy = pending; // volatile read first: no lock on the common path
      if (killedBy != null) {
        synchronized (this) {
          killedBy = pending;
          pending = null;
        }
      }
      if (killedBy != null) failure = killedBy instanceof GreenletExit ? null : killedBy;
      finish(failure);
    }
  }

  /** A greenlet killed before it ever ran ends here, without running. */
  void finishUnstarted() {
    Throwable killedBy = pending;
    pending = null;
    finish(killedBy instanceof GreenletExit ? null : killedBy);
  }

  private void finish(Throwable failure) {
    this.failure = failure;
    dead = true;
    pending = null;
    hub.greenletEnded(this, failure);
    List<Consumer<RawGreenlet>> hooks = exitHooks;
    exitHooks = null;
    if (hooks != null) {
      for (Consumer<RawGreenlet> hook : hooks) {
        try {
          hook.accept(this);
        } catch (Throwable t) {
          hub.handleError(this, t);
        }
      }
    }
  }

  /**
   * Raises {@code error} in the greenlet at its current or next wait point (gevent's
   * {@code greenlet.throw}); a greenlet parked in a JDK blocking call is interrupted. Any thread
   * may call; it does not wait. The first error delivered wins until it is thrown.
   *
   * @param error what the greenlet throws
   */
  public void throwInto(Throwable error) {
    deliver(Objects.requireNonNull(error, "error"), false);
  }

  void deliver(Throwable error, boolean fromTimeout) {
    if (dead) return;
    synchronized (this) {
      if (pending != null) return;
      pendingIsTimeout = fromTimeout;
      pending = error;
    }
    hub.runOnHub(this::wakeForDelivery);
  }

  /** On the hub thread: make the target notice its pending error. */
  private void wakeForDelivery() {
    if (dead || pending == null) return;
    if (main) {
      hub.wakeOwner(); // its place in the FIFO; its wait throws the pending error
      return;
    }
    Thread t = thread;
    if (!started || t == null || t.getState() == Thread.State.NEW) {
      // never ran (or handed out unstarted and not started yet): it will not run (the body
      // checks pending before anything else)
      return;
    }
    if (atWaitPoint) {
      java.util.concurrent.locks.LockSupport.unpark(t);
    } else if (inInterruptibleCall(t)) {
      // Parked in a JDK call that an interrupt ends (sleep, a socket, a queue's take): the
      // call throws its interrupt exception, and the kill is the greenlet's outcome. (The hub
      // runs one greenlet at a time and this code is that one, so the target is not running.)
      interruptedByHub = true;
      t.interrupt();
    } else {
      // Blocked on a monitor, in an uninterruptible lock(), or about to run: an interrupt
      // would not end that wait, only stay set and hit whatever JDK call comes next. The
      // error waits for the greenlet's next wait point: a gevent4j wait throws it, and the hub
      // looks again each time a greenlet yields, to interrupt a JDK call it parks in then.
      hub.deferDelivery(this);
    }
  }

  /**
   * Retried by the hub while the error is pending and undelivered: true once delivered
   * (or moot), false to try again later.
   */
  boolean retryDelivery() {
    if (dead || pending == null) return true;
    Thread t = thread;
    if (atWaitPoint) {
      java.util.concurrent.locks.LockSupport.unpark(t);
      return true;
    }
    if (!inInterruptibleCall(t)) return false;
    interruptedByHub = true;
    t.interrupt();
    return true;
  }

  /**
   * Whether {@code t} (not running) is parked in a JDK call that an interrupt ends: not on a
   * monitor ({@code BLOCKED}), not ready to run ({@code RUNNABLE}), and not in the
   * {@code java.util.concurrent} waits that ignore interrupts and set the status again when
   * they return ({@code Lock.lock()}, {@code ...Uninterruptibly}).
   */
  private static boolean inInterruptibleCall(Thread t) {
    Thread.State state = t.getState();
    if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) return false;
    for (StackTraceElement f : t.getStackTrace()) {
      String m = f.getMethodName();
      if (m.endsWith("Uninterruptibly")) return false;
      if (m.equals("lock") && f.getClassName().startsWith("java.util.concurrent.locks.")) return false;
      if (!f.getClassName().startsWith("java.") && !f.getClassName().startsWith("jdk.")
          && !f.getClassName().startsWith("sun.")) {
        break; // past the JDK's frames: the user's call
      }
    }
    return true;
  }

  /**
   * Withdraws a pending error that has not been thrown yet (a Timeout cancelled in time, or one
   * whose interrupt a JDK call turned into its own exception), with the interrupt status the
   * hub set to deliver it. From the greenlet itself, or a thread with no hold on it.
   */
  void withdraw(Throwable error) {
    boolean mine;
    synchronized (this) {
      mine = pending == error;
      if (mine) pending = null;
    }
    if (mine && Thread.currentThread() == thread) clearHubInterrupt();
  }

  boolean hasPending(boolean includeTimeouts) {
    Throwable p = pending;
    return p != null && (includeTimeouts || !pendingIsTimeout);
  }

  /** At a wait point: throws the pending kill or timeout, if any. */
  void throwPending(boolean includeTimeouts) {
    if (pending == null) return; // the usual case, without taking the lock
    Throwable p;
    synchronized (this) {
      p = pending;
      if (p == null || (!includeTimeouts && pendingIsTimeout)) return;
      pending = null;
    }
    clearHubInterrupt();
    throw Hub.<RuntimeException>sneaky(p);
  }

  private void clearHubInterrupt() {
    if (interruptedByHub) {
      interruptedByHub = false;
      Thread.interrupted();
    }
  }

  /**
   * Equality stays identity, as {@link Object}'s; the hash is the id's rather than the identity
   * hash, which the JVM computes and stores in the object on first use: every spawn puts a
   * greenlet into its hub's set of live greenlets.
   */
  @Override
  public int hashCode() {
    return Long.hashCode(id);
  }

  @Override
  public String toString() {
    return "RawGreenlet(" + name + ", " + (main ? "main" : dead ? "dead" : started ? "started" : "new") + ")";
  }
}
