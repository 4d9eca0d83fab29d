package io.gevent4j.threading;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.BlockingSwitchOutError;
import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubFuture;
import io.gevent4j.hub.Linkable;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.hub.internal.HubAccess;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future of a task of a {@link GreenletExecutors#executor greenlet executor}: the JDK's
 * {@link java.util.concurrent.FutureTask} contract, with gevent's kill where {@code FutureTask}
 * interrupts. {@link #cancel cancel(true)} kills the greenlet that runs the task
 * ({@link GreenletExit} at its current or next wait point; parked in a JDK call, it is
 * interrupted), as {@code FutureTask} interrupts its runner thread; a plain thread running it
 * is interrupted. A {@link GreenletExit} that ends the task, or any failure once its executor
 * killed it ({@code shutdownNow}), makes it cancelled, as a kill makes
 * {@code Greenlet.toCompletableFuture()} cancelled.
 *
 * <p>It is {@link Linkable}: {@code Gevent.waitAll} and {@code Gevent.iwait} take it, as gevent's
 * {@code gevent.wait} takes the futures of its {@code ThreadPoolExecutor}.
 *
 * <p>{@link #get()} waits cooperatively: in a greenlet (of any hub) it parks the greenlet; on
 * a hub's owner thread it hands that hub its turn; on any other thread it blocks. Inside a hub
 * callback, where nothing may wait, it throws {@link BlockingSwitchOutError}.
 *
 * @param <T> the task's result
 */
final class GreenletFuture<T> implements RunnableFuture<T>, Linkable {
  private static final int NEW = 0;
  private static final int COMPLETING = 1;
  private static final int NORMAL = 2;
  private static final int EXCEPTIONAL = 3;
  private static final int CANCELLED = 4;

  private static final VarHandle STATE;
  private static final VarHandle RUNNER;
  private static final VarHandle LINKS;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      STATE = l.findVarHandle(GreenletFuture.class, "state", int.class);
      RUNNER = l.findVarHandle(GreenletFuture.class, "runner", Object.class);
      LINKS = l.findVarHandle(GreenletFuture.class, "links", ConcurrentLinkedQueue.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile int state;
  /** The task; dropped once done (what it captured must not outlive it). */
  private volatile Callable<T> callable;
  /** What runs it: a {@link Greenlet}, a {@link RawGreenlet} or a {@link Thread}; null otherwise. */
  private volatile Object runner;
  /** Why its executor killed it, or null: a failure then makes it cancelled. */
  private volatile String killedBecause;
  /** The value, the failure, or the CancellationException; written before the final state. */
  private Object outcome;
  /** Completed (with null) once done: what waiters wait on, cooperatively where they can. */
  private final HubFuture<Void> done = new HubFuture<>();
  /** The rawlinks not fired or unlinked yet; made on first use. */
  private volatile ConcurrentLinkedQueue<Link> links;

  /** A rawlink: fired once on its hub unless unlinked first. */
  private static final class Link {
    final Runnable callback;
    volatile boolean unlinked;

    Link(Runnable callback) {
      this.callback = callback;
    }
  }

  GreenletFuture(Callable<T> callable) {
    this.callable = Objects.requireNonNull(callable, "task");
  }

  // ---- running --------------------------------------------------------------------------

  /** Runs the task unless it was cancelled or has run (FutureTask's {@code run}). */
  @Override
  public void run() {
    if (state != NEW || !RUNNER.compareAndSet(this, null, currentRunner())) return;
    try {
      Callable<T> c = callable;
      if (c == null || state != NEW) return;
      T value;
      try {
        value = c.call();
      } catch (Throwable failure) {
        fail(failure);
        return;
      }
      succeed(value);
    } finally {
      runner = null;
    }
  }

  private static Object currentRunner() {
    Greenlet<?> g = Greenlet.getCurrent();
    if (g != null) return g;
    RawGreenlet raw = RawGreenlet.current();
    if (raw != null) return raw;
    return Thread.currentThread();
  }

  private void succeed(T value) {
    if (STATE.compareAndSet(this, NEW, COMPLETING)) {
      outcome = value;
      state = NORMAL;
      finish();
    }
  }

  private void fail(Throwable failure) {
    if (!STATE.compareAndSet(this, NEW, COMPLETING)) return;
    String killed = killedBecause;
    if (failure instanceof GreenletExit || killed != null) {
      CancellationException c = new CancellationException("cancelled: the task was killed"
          + (killed != null ? " (" + killed + ")" : ""));
      c.initCause(failure);
      outcome = c;
      state = CANCELLED;
    } else {
      outcome = failure;
      state = EXCEPTIONAL;
    }
    finish();
  }

  private void finish() {
    callable = null;
    done.complete(null);
  }

  // ---- cancelling -----------------------------------------------------------------------

  /**
   * Cancels the task unless it is done: one that has not started never runs; with
   * {@code mayInterruptIfRunning}, one that runs is killed (its greenlet gets
   * {@link GreenletExit}; a plain thread running it is interrupted), as FutureTask interrupts
   * its runner. The future is cancelled at once, as FutureTask's is; the greenlet ends at its
   * next wait point. Any thread.
   *
   * @return false when it was done already
   */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (!cancel("cancelled", null)) return false;
    if (mayInterruptIfRunning) kill(runner);
    return true;
  }

  /** Cancels with {@code message} (and {@code cause}); false when done already. Does not kill. */
  boolean cancel(String message, Throwable cause) {
    if (!STATE.compareAndSet(this, NEW, COMPLETING)) return false;
    CancellationException c = new CancellationException(message);
    if (cause != null) c.initCause(cause);
    outcome = c;
    state = CANCELLED;
    finish();
    return true;
  }

  /** Its executor kills the greenlet that runs it ({@code shutdownNow}): a failure then makes it cancelled. */
  void killedBecause(String why) {
    killedBecause = why;
  }

  private static void kill(Object runner) {
    if (runner instanceof Greenlet<?> g) {
      g.kill(new GreenletExit(), false, 0);
    } else if (runner instanceof RawGreenlet raw) {
      raw.throwInto(new GreenletExit());
    } else if (runner instanceof Thread t) {
      t.interrupt();
    }
  }

  // ---- waiting --------------------------------------------------------------------------

  /**
   * Waits for the task, cooperatively in a greenlet or on a hub's owner, and returns its
   * value.
   *
   * @throws CancellationException when it was cancelled (or killed)
   * @throws ExecutionException with the task's failure as its cause
   * @throws InterruptedException when the waiting thread is interrupted
   * @throws BlockingSwitchOutError inside a hub callback
   */
  @Override
  public T get() throws InterruptedException, ExecutionException {
    if (state == NEW) {
      checkMayWait();
      try {
        done.get();
      } catch (ExecutionException e) {
        throw new AssertionError("completed with a value only", e);
      }
    }
    return report();
  }

  /**
   * {@link #get()} for at most {@code timeout} (zero or negative: does not wait, as the JDK's).
   *
   * @throws TimeoutException when it is not done in time
   * @throws NullPointerException when {@code unit} is null
   */
  @Override
  public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
    Objects.requireNonNull(unit, "unit");
    if (state == NEW) {
      if (timeout <= 0) throw new TimeoutException(this + " is not done");
      checkMayWait();
      try {
        done.get(timeout, unit);
      } catch (TimeoutException e) {
        throw new TimeoutException(this + " is not done after " + timeout + " " + unit.toString().toLowerCase(java.util.Locale.ROOT));
      } catch (ExecutionException e) {
        throw new AssertionError("completed with a value only", e);
      }
    }
    return report();
  }

  static void checkMayWait() {
    if (HubAccess.get().ofHubThread() != null) {
      throw new BlockingSwitchOutError("cannot wait for a task inside a hub callback on " + Thread.currentThread().getName());
    }
  }

  /** Runs {@code action} once done, on the thread that completes it (at once when done); it must not block. */
  void whenDone(Runnable action) {
    done.whenComplete((v, e) -> action.run());
  }

  // ---- Linkable: waitAll, iwait -------------------------------------------------------------

  /** {@link #isDone()} (gevent's {@code ready()}). */
  @Override
  public boolean ready() {
    return isDone();
  }

  /**
   * Runs {@code callback} on the caller's hub once the future is done (soon, through the hub,
   * when it is already); it must not block. What {@code Gevent.waitAll} and {@code iwait} use.
   */
  @Override
  public void rawlink(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    Hub hub = Hub.current();
    Link link = new Link(callback);
    ConcurrentLinkedQueue<Link> l = links;
    if (l == null) {
      LINKS.compareAndSet(this, null, new ConcurrentLinkedQueue<Link>());
      l = links;
    }
    l.add(link);
    ConcurrentLinkedQueue<Link> all = l;
    done.whenComplete((v, e) -> {
      if (link.unlinked || !all.remove(link)) return;
      try {
        hub.callSoon(callback);
      } catch (IllegalStateException closed) {
        // the waiter's hub closed: nobody waits any more
      }
    });
  }

  /** Removes a callback of {@link #rawlink}; no-op when it fired already or was never added. */
  @Override
  public void unlink(Runnable callback) {
    ConcurrentLinkedQueue<Link> l = links;
    if (l == null) return;
    for (Link link : l) {
      if (link.callback == callback && !link.unlinked) {
        link.unlinked = true;
        l.remove(link);
        return;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private T report() throws ExecutionException {
    int s = settled();
    Object o = outcome;
    if (s == NORMAL) return (T) o;
    if (s == CANCELLED) {
      CancellationException stored = (CancellationException) o;
      CancellationException c = new CancellationException(stored.getMessage()); // the caller's stack
      if (stored.getCause() != null) c.initCause(stored.getCause());
      throw c;
    }
    throw new ExecutionException((Throwable) o);
  }

  /** The state once past COMPLETING (a few instructions away when seen). */
  private int settled() {
    int s = state;
    while (s == COMPLETING) {
      Thread.onSpinWait();
      s = state;
    }
    return s;
  }

  // ---- state ----------------------------------------------------------------------------

  @Override
  public boolean isCancelled() {
    return settled() == CANCELLED;
  }

  @Override
  public boolean isDone() {
    return state != NEW && settled() > COMPLETING;
  }

  @Override
  public State state() {
    return switch (state == NEW ? NEW : settled()) {
      case NORMAL -> State.SUCCESS;
      case EXCEPTIONAL -> State.FAILED;
      case CANCELLED -> State.CANCELLED;
      default -> State.RUNNING;
    };
  }

  @Override
  @SuppressWarnings("unchecked")
  public T resultNow() {
    return switch (state()) {
      case SUCCESS -> (T) outcome;
      case FAILED -> throw new IllegalStateException("the task failed", (Throwable) outcome);
      case CANCELLED -> throw new IllegalStateException("the task was cancelled");
      case RUNNING -> throw new IllegalStateException("the task has not completed");
    };
  }

  @Override
  public Throwable exceptionNow() {
    return switch (state()) {
      case FAILED -> (Throwable) outcome;
      case SUCCESS -> throw new IllegalStateException("the task completed with a result");
      case CANCELLED -> throw new IllegalStateException("the task was cancelled");
      case RUNNING -> throw new IllegalStateException("the task has not completed");
    };
  }

  @Override
  public String toString() {
    String status = switch (state()) {
      case SUCCESS -> "Completed normally";
      case FAILED -> "Completed exceptionally: " + outcome;
      case CANCELLED -> "Cancelled";
      case RUNNING -> {
        Callable<T> c = callable;
        yield "Not completed" + (c != null ? ", task = " + c : "");
      }
    };
    return "GreenletFuture@" + Integer.toHexString(System.identityHashCode(this)) + "[" + status + "]";
  }
}
