package io.gevent4j.threading;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubFuture;
import io.gevent4j.hub.internal.HubAccess;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link java.util.concurrent.ExecutorService} of {@link GreenletExecutors#executor}: each
 * task runs in a greenlet ({@link Greenlet}) of one hub, spawned when the task is submitted.
 *
 * <p>Built on {@link AbstractExecutorService} for {@code submit} and {@code invokeAll}, with
 * {@link #newTaskFor} returning a {@link GreenletFuture}: {@code FutureTask}'s
 * {@code cancel(true)} interrupts its runner, which does not end a greenlet parked at a gevent4j
 * wait, where {@code GreenletFuture} kills it. {@code invokeAny} is its own: the JDK's waits on
 * a {@code LinkedBlockingQueue}, which would block the hub on its owner thread.
 *
 * <p>Thread-safe without locks: the hub's owner may use it while other threads hold it, and a
 * lock shared between the owner and its greenlets can hang both (docs/hub.md).
 */
final class GreenletExecutor extends AbstractExecutorService {
  private static final AtomicLong IDS = new AtomicLong();
  /** In a task's greenlet: the executor it belongs to (close() from it would wait for itself). */
  private static final ThreadLocal<GreenletExecutor> TASK_OF = new ThreadLocal<>();

  private static final int RUNNING = 0;
  private static final int SHUTDOWN = 1;
  private static final int STOP = 2;

  private final Hub hub;
  private final String name;
  private final AtomicInteger runState = new AtomicInteger(RUNNING);
  private final AtomicLong sequence = new AtomicLong();
  /** Tasks accepted and not ended: queued or running. */
  private final AtomicInteger active = new AtomicInteger();
  /** The same tasks by submission order, for shutdownNow and the hub's close. */
  private final ConcurrentSkipListMap<Long, Work> works = new ConcurrentSkipListMap<>();
  private final HubFuture<Void> terminated = new HubFuture<>();
  private final CloseHook closeHook;
  private volatile boolean hubClosed;

  /**
   * A task accepted by {@link #execute}. It is queued until its greenlet enters it: a greenlet
   * spawned and not run yet has not started the task, which shutdownNow may still take back.
   */
  private final class Work {
    static final int QUEUED = 0;
    static final int RUNNING = 1;
    static final int DRAINED = 2;

    final long seq;
    final Runnable command;
    final AtomicInteger state = new AtomicInteger(QUEUED);
    /** Set once it leaves {@link #works} and the count of active tasks. */
    final AtomicBoolean gone = new AtomicBoolean();
    volatile Greenlet<Void> greenlet;
    volatile boolean killRequested;

    Work(long seq, Runnable command) {
      this.seq = seq;
      this.command = command;
    }

    /** Takes it back before it starts (shutdownNow, a rejection, the hub's close): it will not run. */
    boolean drain() {
      return state.compareAndSet(QUEUED, DRAINED);
    }

    /** Kills its greenlet, now or as soon as there is one. */
    void kill(String why) {
      if (command instanceof GreenletFuture<?> f) f.killedBecause(why);
      killRequested = true;
      Greenlet<Void> g = greenlet;
      if (g != null) g.kill(new GreenletExit(), false, 0);
    }
  }

  /**
   * Run when the hub closes: holds the executor weakly, so that one dropped without a shutdown
   * (its tasks all ended) is garbage, not kept by its hub.
   */
  private static final class CloseHook implements Runnable {
    private final WeakReference<GreenletExecutor> executor;

    CloseHook(GreenletExecutor executor) {
      this.executor = new WeakReference<>(executor);
    }

    @Override
    public void run() {
      GreenletExecutor e = executor.get();
      if (e != null) e.hubClosed();
    }
  }

  /**
   * @throws IllegalStateException when the hub is closed
   */
  GreenletExecutor(Hub hub) {
    this.hub = Objects.requireNonNull(hub, "hub");
    this.name = "GreenletExecutor-" + IDS.incrementAndGet() + " of hub " + hub.owner().getName();
    this.closeHook = new CloseHook(this);
    if (!HubAccess.get().onClose(hub, closeHook)) {
      throw new IllegalStateException("cannot make an executor for hub " + hub.owner().getName() + ": it is closed");
    }
  }

  // ---- running tasks ----------------------------------------------------------------------

  /**
   * Runs {@code command} in a new greenlet of the hub: from one of its greenlets (or its owner,
   * or a hub callback) it is spawned at once and runs after the caller yields, FIFO with other
   * spawns; from any other thread it crosses to the hub through its thread-safe submission.
   *
   * @throws RejectedExecutionException after a shutdown, or when the hub is closed
   * @throws NullPointerException when {@code command} is null
   */
  @Override
  public void execute(Runnable command) {
    Objects.requireNonNull(command, "task");
    active.incrementAndGet();
    if (runState.get() != RUNNING || hub.isClosed()) {
      taskGone();
      throw rejected(command, null);
    }
    Work w = new Work(sequence.incrementAndGet(), command);
    works.put(w.seq, w);
    // a shutdownNow (or the hub's close) that went through the tasks before this one was in:
    // not accepted after all, as ThreadPoolExecutor's recheck
    if (runState.get() == STOP && w.drain()) {
      forget(w);
      throw rejected(command, null);
    }
    if (hub.isCurrent()) {
      start(w);
      return;
    }
    try {
      hub.callSoon(() -> start(w));
    } catch (IllegalStateException closed) {
      if (w.drain()) forget(w);
      throw rejected(command, closed);
    }
  }

  private RejectedExecutionException rejected(Runnable command, Throwable cause) {
    String why = hubClosed || hub.isClosed() ? "hub " + hub.owner().getName() + " is closed"
        : runState.get() == RUNNING ? "it was shut down meanwhile" : "it is shut down";
    return new RejectedExecutionException(name + " rejected " + command + ": " + why, cause);
  }

  /** On the hub: spawns the task's greenlet, unless it was taken back meanwhile. */
  private void start(Work w) {
    if (w.state.get() != Work.QUEUED) return; // shutdownNow returned it, or the hub closed
    if (w.command instanceof Future<?> f && f.isDone()) {
      forget(w); // cancelled before it started: no greenlet for nothing
      return;
    }
    Greenlet<Void> g;
    try {
      g = new Greenlet<>(() -> {
        runTask(w);
        return null;
      });
      if (g.hub() != hub) {
        throw new IllegalStateException(name + " spawned on " + g.hub() + " instead of its own hub: a bug");
      }
    } catch (RuntimeException | Error e) {
      // no greenlet: the task will not run, and must not keep the executor from terminating
      if (w.drain()) {
        if (w.command instanceof GreenletFuture<?> f) f.cancel("cancelled: " + name + " could not spawn the task's greenlet", e);
        forget(w);
      }
      throw e;
    }
    w.greenlet = g;
    g.rawlink(x -> forget(w)); // also when killed before it ran
    g.start();
    if (w.killRequested) g.kill(new GreenletExit(), false, 0);
  }

  /** In the task's greenlet: runs it unless it was taken back before. */
  private void runTask(Work w) {
    if (!w.state.compareAndSet(Work.QUEUED, Work.RUNNING)) return;
    TASK_OF.set(this);
    w.command.run(); // an exception escaping it is the greenlet's: kept on it and logged once
  }

  /** It left: ended, taken back, or rejected. Once per task. */
  private void forget(Work w) {
    if (!w.gone.compareAndSet(false, true)) return;
    works.remove(w.seq, w);
    taskGone();
  }

  private void taskGone() {
    if (active.decrementAndGet() == 0 && runState.get() != RUNNING) terminate();
  }

  private void tryTerminate() {
    if (runState.get() != RUNNING && active.get() == 0) terminate();
  }

  private void terminate() {
    if (terminated.complete(null)) HubAccess.get().removeOnClose(hub, closeHook);
  }

  /**
   * The hub closes (its owner closed it, or ended): its greenlets never resume. The tasks that
   * had not started, and those still running, are cancelled when they are futures; the
   * executor is terminated. On the closing thread; never blocks.
   */
  private void hubClosed() {
    hubClosed = true;
    runState.set(STOP);
    String hubName = hub.owner().getName();
    for (Work w : works.values()) {
      boolean queued = w.drain();
      works.remove(w.seq, w);
      String why = "cancelled: hub " + hubName + " closed before the task " + (queued ? "started" : "ended");
      if (w.command instanceof GreenletFuture<?> f) {
        f.cancel(why, null);
      } else if (w.command instanceof Future<?> f) {
        f.cancel(false);
      }
    }
    terminated.complete(null);
  }

  // ---- futures ----------------------------------------------------------------------------

  @Override
  protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
    return new GreenletFuture<>(callable);
  }

  @Override
  protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
    return new GreenletFuture<>(Executors.callable(Objects.requireNonNull(runnable, "task"), value));
  }

  @Override
  public Future<?> submit(Runnable task) {
    return super.submit(Objects.requireNonNull(task, "task"));
  }

  @Override
  public <T> Future<T> submit(Runnable task, T result) {
    return super.submit(Objects.requireNonNull(task, "task"), result);
  }

  @Override
  public <T> Future<T> submit(Callable<T> task) {
    return super.submit(Objects.requireNonNull(task, "task"));
  }

  @Override
  public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
    Objects.requireNonNull(tasks, "tasks");
    GreenletFuture.checkMayWait();
    return super.invokeAll(tasks);
  }

  @Override
  public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
      throws InterruptedException {
    Objects.requireNonNull(tasks, "tasks");
    Objects.requireNonNull(unit, "unit");
    GreenletFuture.checkMayWait();
    return super.invokeAll(tasks, timeout, unit);
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
    try {
      return invokeAny(tasks, false, 0, TimeUnit.NANOSECONDS);
    } catch (TimeoutException cannotHappen) {
      throw new AssertionError(cannotHappen);
    }
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    Objects.requireNonNull(unit, "unit");
    return invokeAny(tasks, true, timeout, unit);
  }

  /**
   * Submits every task, waits for the first that succeeds and cancels the others (with a
   * kill) as soon as it has: those not started yet never start. The tasks run one at a time,
   * in order, on the hub, so a task that succeeds without waiting wins before the next starts.
   */
  private <T> T invokeAny(Collection<? extends Callable<T>> tasks, boolean timed, long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    Objects.requireNonNull(tasks, "tasks");
    if (tasks.isEmpty()) throw new IllegalArgumentException("invokeAny needs at least one task");
    GreenletFuture.checkMayWait();
    List<GreenletFuture<T>> futures = new ArrayList<>(tasks.size());
    for (Callable<T> task : tasks) futures.add(new GreenletFuture<>(Objects.requireNonNull(task, "a task in tasks is null")));
    AnyOf<T> any = new AnyOf<>(futures);
    try {
      for (GreenletFuture<T> f : futures) {
        if (any.decided.isDone()) break; // won already: from another thread, the first tasks may have run meanwhile
        execute(f);
      }
      if (timed) {
        try {
          any.decided.get(timeout, unit);
        } catch (TimeoutException e) {
          throw new TimeoutException("no task of invokeAny succeeded within " + timeout + " "
              + unit.toString().toLowerCase(java.util.Locale.ROOT));
        }
      } else {
        any.decided.get();
      }
    } finally {
      any.cancelAll();
    }
    return any.result();
  }

  /** invokeAny's state: the first success, or every failure. Lock-free (see the class comment). */
  private static final class AnyOf<T> {
    final HubFuture<Void> decided = new HubFuture<>();
    final List<GreenletFuture<T>> futures;
    final AtomicInteger unfinished;
    final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    final AtomicReference<GreenletFuture<T>> winner = new AtomicReference<>();

    AnyOf(List<GreenletFuture<T>> futures) {
      this.futures = futures;
      this.unfinished = new AtomicInteger(futures.size());
      for (GreenletFuture<T> f : futures) f.whenDone(() -> done(f));
    }

    /** On the thread that completed {@code f}: the first success wins and cancels the rest. */
    private void done(GreenletFuture<T> f) {
      Future.State s = f.state();
      if (s == Future.State.SUCCESS && winner.compareAndSet(null, f)) {
        decided.complete(null);
        cancelAll();
        return;
      }
      if (s == Future.State.FAILED) failures.add(f.exceptionNow());
      else if (s == Future.State.CANCELLED) failures.add(new CancellationException("a task of invokeAny was cancelled"));
      if (unfinished.decrementAndGet() == 0) decided.complete(null);
    }

    void cancelAll() {
      for (GreenletFuture<T> f : futures) f.cancel(true);
    }

    T result() throws ExecutionException {
      GreenletFuture<T> w = winner.get();
      if (w != null) return w.resultNow();
      List<Throwable> all = new ArrayList<>(failures);
      ExecutionException e = new ExecutionException("no task of invokeAny succeeded (" + all.size() + " failed)",
          all.isEmpty() ? null : all.get(all.size() - 1));
      for (int i = 0; i < all.size() - 1; i++) e.addSuppressed(all.get(i));
      throw e;
    }
  }

  // ---- lifecycle --------------------------------------------------------------------------

  /**
   * Accepts no new task; those accepted still run (ExecutorService's {@code shutdown}). Does
   * not wait. Any thread; idempotent.
   */
  @Override
  public void shutdown() {
    runState.compareAndSet(RUNNING, SHUTDOWN);
    tryTerminate();
  }

  /**
   * Accepts no new task, takes back those not started and kills the running ones
   * ({@link GreenletExit} at their current or next wait point; parked in a JDK call, they are
   * interrupted). Does not wait for them to end: {@link #awaitTermination} does.
   *
   * @return the tasks that never started, in submission order
   */
  @Override
  public List<Runnable> shutdownNow() {
    runState.set(STOP);
    List<Runnable> never = new ArrayList<>();
    for (Work w : works.values()) {
      if (w.drain()) {
        never.add(w.command);
        forget(w);
      } else {
        w.kill("shutdownNow");
      }
    }
    tryTerminate();
    return never;
  }

  @Override
  public boolean isShutdown() {
    return runState.get() != RUNNING;
  }

  @Override
  public boolean isTerminated() {
    return terminated.isDone();
  }

  /**
   * Waits until every task accepted has ended after a shutdown, or the timeout passes
   * (zero or negative: does not wait). Cooperative in a greenlet and on a hub's owner.
   *
   * @return false on timeout
   * @throws InterruptedException when the waiting thread is interrupted
   * @throws io.gevent4j.hub.BlockingSwitchOutError inside a hub callback
   */
  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    Objects.requireNonNull(unit, "unit");
    if (terminated.isDone()) return true;
    if (timeout <= 0) return false;
    GreenletFuture.checkMayWait();
    try {
      terminated.get(timeout, unit);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new AssertionError("completed with a value only", e);
    }
  }

  /**
   * ExecutorService's {@code close}: shuts down and waits until every task has ended; when
   * interrupted while waiting, kills them ({@link #shutdownNow}) and goes on waiting, and the
   * interrupt status is set again at the end.
   *
   * @throws IllegalStateException from one of its own tasks, which would wait for itself
   */
  @Override
  public void close() {
    if (terminated.isDone()) return;
    if (TASK_OF.get() == this) {
      throw new IllegalStateException("a task of " + name + " cannot close it: close() would wait for that task's own end");
    }
    shutdown();
    boolean interrupted = false;
    while (!terminated.isDone()) {
      try {
        awaitTermination(1, TimeUnit.DAYS);
      } catch (InterruptedException e) {
        if (!interrupted) {
          shutdownNow();
          interrupted = true;
        }
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  @Override
  public String toString() {
    String state = isTerminated() ? "terminated" : runState.get() == RUNNING ? "running" : "shutting down";
    return name + "[" + state + ", " + active.get() + " tasks]";
  }
}
