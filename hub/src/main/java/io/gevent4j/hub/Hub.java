package io.gevent4j.hub;

import io.gevent4j.loop.AsyncWatcher;
import io.gevent4j.loop.Backend;
import io.gevent4j.loop.IdleWatcher;
import io.gevent4j.loop.Loop;
import io.gevent4j.loop.RunMode;
import io.gevent4j.loop.SignalWatcher;
import io.gevent4j.loop.TimerWatcher;
import io.gevent4j.loop.Watcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub: one per platform thread, the scheduler of that thread's greenlets and the owner
 * of its event loop (gevent's {@code gevent.hub.Hub}).
 *
 * <p>Greenlets are virtual threads whose continuations the hub runs on its platform thread,
 * one at a time, in the order they became runnable. The hub runs when its platform thread
 * waits ({@link #sleep}, a join, an {@code Event.await}...): it runs a bounded batch of ready
 * greenlets and callbacks, polls the loop (without waiting if work is still ready), dispatches
 * what fired, and again, until the wait is over. Other threads hand work over through a
 * thread-safe queue plus the loop's async watcher, sent only while the hub sleeps in its poll.
 *
 * <p>{@link #current()} is created on first use. A closed hub throws
 * {@link IllegalStateException} when used; {@code current()} then makes a fresh one.
 */
public final class Hub implements Executor, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
  private static final ThreadLocal<Hub> THREAD_HUB = new ThreadLocal<>();
  private static final AtomicLong GREENLET_NAMES = new AtomicLong();
  /** Every open hub, for the blocking monitor and run info. */
  static final Set<Hub> HUBS = ConcurrentHashMap.newKeySet();

  /** Hub callbacks are marked so that blocking inside one is refused. */
  private record Callback(Runnable body) implements Runnable {
    @Override
    public void run() {
      body.run();
    }
  }

  final Thread thread;
  final Loop loop;
  private final RawGreenlet main;
  private final Thread.Builder.OfVirtual builder;
  private final ArrayDeque<Runnable> readyQueue = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<Runnable> incoming = new ConcurrentLinkedQueue<>();
  private final AsyncWatcher wakeUp;
  private volatile boolean sleeping;
  private volatile boolean closed;
  /** Greenlets alive on this hub (started, not ended). */
  final Set<RawGreenlet> greenlets = ConcurrentHashMap.newKeySet();
  private int liveGreenlets;
  private int atWaitPoint;
  /** Work in flight elsewhere that will come back to this hub: keeps it from LoopExit. Hub thread only. */
  private int keepAlive;
  /** Waits in progress on armed (unreferenced) watchers: each keeps the hub alive as a referenced watcher would. */
  private int armedWaits;
  private boolean looping;
  private boolean inCallback;
  private Error fatal;
  private ThreadPool threadPool;
  private Resolver resolver;

  // read by the blocking monitor; kept only once it watches this hub (a clock read and
  // volatile writes per task are a measurable share of a switch)
  volatile boolean monitored;
  volatile long taskStartedNanos;
  volatile long tasksRun;

  private Hub() {
    this.thread = Thread.currentThread();
    if (thread.isVirtual()) {
      throw new IllegalStateException("a hub runs on a platform thread; this virtual thread is not a greenlet");
    }
    Backend backend = Config.loop();
    this.builder = VirtualThreads.builder(this::schedule);
    this.loop = Loop.create(backend);
    loop.setOwner(t -> t.isVirtual() && isOwnGreenlet());
    this.wakeUp = loop.async();
    wakeUp.start(revents -> {});
    wakeUp.setRef(false);
    this.main = new RawGreenlet(this, null, thread.getName(), true);
    HUBS.add(this);
    if (Config.monitorThread()) BlockingMonitor.watch(this);
  }

  /**
   * This thread's hub, or this greenlet's; created on first use (gevent's {@code get_hub()}).
   *
   * @throws IllegalStateException in a virtual thread that is not a greenlet, or without the
   *     JVM flags greenlets need (the message names them)
   */
  public static Hub current() {
    RawGreenlet g = RawGreenlet.current();
    if (g != null) return g.hub;
    Hub hub = THREAD_HUB.get();
    if (hub == null || hub.closed) {
      hub = new Hub();
      THREAD_HUB.set(hub);
    }
    return hub;
  }

  /** The library and its I/O method, e.g. {@code "libev:epoll"}. */
  public String backend() {
    return loop.backend();
  }

  /** The hub's event loop; hub thread only. */
  public Loop loop() {
    checkOpen();
    return loop;
  }

  /** The platform thread this hub runs on. */
  public Thread thread() {
    return thread;
  }

  /** The main greenlet: this hub's platform thread. */
  public RawGreenlet mainGreenlet() {
    return main;
  }

  /** The hub's thread pool, {@code gevent.threadpool.size} threads, created on first use. */
  public synchronized ThreadPool threadPool() {
    checkOpen();
    if (threadPool == null) threadPool = new ThreadPool(Config.threadpoolSize());
    return threadPool;
  }

  /** The hub's resolver, chosen by {@code gevent.resolver}, created on first use. */
  public synchronized Resolver resolver() {
    checkOpen();
    if (resolver == null) resolver = Resolvers.create(Config.resolver(), this);
    return resolver;
  }

  /** True after {@link #close()}. */
  public boolean isClosed() {
    return closed;
  }

  void checkOpen() {
    if (closed) throw new IllegalStateException("this hub (" + thread.getName() + ") is closed");
  }

  // ---- scheduling ---------------------------------------------------------------------

  private boolean isOwnGreenlet() {
    RawGreenlet g = RawGreenlet.current();
    return g != null && g.hub == this;
  }

  /** True on the hub's platform thread or in one of its greenlets (which run there). */
  boolean onHubThread() {
    Thread t = Thread.currentThread();
    return t == thread || (t.isVirtual() && isOwnGreenlet());
  }

  /** The virtual-thread scheduler: a greenlet became runnable. */
  private void schedule(Runnable continuation) {
    if (onHubThread()) {
      readyQueue.add(continuation);
    } else {
      submit(continuation);
    }
  }

  /** From another thread: queue, and wake the hub only if it sleeps in its poll. */
  private void submit(Runnable task) {
    incoming.add(task);
    if (sleeping && !closed) {
      try {
        wakeUp.send();
      } catch (IllegalStateException closedMeanwhile) {
        // the hub closed: nothing to wake
      }
    }
  }

  /** Runs {@code action} on the hub thread: now when already there, else as a callback. */
  void runOnHub(Runnable action) {
    if (onHubThread()) action.run();
    else submit(new Callback(action));
  }

  /**
   * Runs {@code callback} on the hub thread soon, after the greenlets already ready (gevent's
   * {@code loop.run_callback}). It must not block ({@link BlockingSwitchOutError}). Any thread
   * may call.
   */
  public void callSoon(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    checkOpen();
    Callback c = new Callback(callback);
    if (onHubThread()) readyQueue.add(c);
    else submit(c);
  }

  /**
   * Spawns a raw greenlet on this hub running {@code task} (gevent's {@code spawn_raw}); any
   * thread may call. It has no result; an exception escaping it is logged.
   */
  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    newGreenlet(task, null).start();
  }

  /** A raw greenlet of this hub, not started. Any thread may call. */
  public RawGreenlet newGreenlet(Runnable body, String name) {
    checkOpen();
    return new RawGreenlet(this, Objects.requireNonNull(body, "body"),
        name != null ? name : "greenlet-" + GREENLET_NAMES.incrementAndGet(), false);
  }

  void startGreenlet(RawGreenlet g) {
    if (!onHubThread()) {
      runOnHub(() -> startGreenlet(g));
      return;
    }
    if (g.hasPending(true)) {
      // killed before it started: it never runs
      g.finishUnstarted();
      return;
    }
    Thread t = builder.name(g.name()).unstarted(g::run);
    g.bindThread(t);
    t.start(); // the scheduler queues it behind what is ready now
  }

  void greenletStarted(RawGreenlet g) {
    liveGreenlets++;
    greenlets.add(g);
  }

  void greenletEnded(RawGreenlet g, Throwable failure) {
    if (g.thread() != null && greenlets.remove(g)) liveGreenlets--;
    if (failure != null) handleError(g, failure);
  }

  /**
   * An exception escaped a greenlet or a callback: logged once with the greenlet's name and
   * stack (gevent's {@code handle_error}); the hub keeps running. A VirtualMachineError other
   * than OutOfMemoryError is rethrown from the hub's wait.
   */
  void handleError(RawGreenlet g, Throwable failure) {
    if (failure instanceof VirtualMachineError vme && !(failure instanceof OutOfMemoryError)) {
      if (fatal == null) fatal = vme;
      return;
    }
    LOG.error("{} failed", g != null ? g.name() : "a hub callback on " + thread.getName(), failure);
  }

  // ---- the loop -------------------------------------------------------------------------

  private void drainIncoming() {
    Runnable r;
    while ((r = incoming.poll()) != null) readyQueue.add(r);
  }

  /** How many tasks run between two looks at the clock during a batch (gevent: 50). */
  private static final int BATCH_CHECK_COUNT = 64;
  /** How long a batch may go on with work that became ready during it (gevent: 5 ms). */
  private static final long BATCH_NANOS = 1_000_000;

  /**
   * Runs what is ready, including what becomes ready meanwhile, until the ready queue is
   * empty or the batch has run for {@link #BATCH_NANOS} (checked every
   * {@link #BATCH_CHECK_COUNT} tasks), as gevent drains its callback queue. Every task ready
   * at the start runs in this batch, in FIFO order; the bound keeps I/O and timers from
   * starving behind greenlets that keep waking each other (a ping-pong then costs no poll
   * per hop: the poll is paid once per batch).
   */
  private void runBatch() {
    drainIncoming();
    int mustRun = readyQueue.size();
    long started = 0;
    for (int n = 0; ; n++) {
      if (n >= mustRun && n % BATCH_CHECK_COUNT == 0) {
        long now = System.nanoTime();
        if (started == 0) started = now;
        else if (now - started >= BATCH_NANOS) break;
      }
      Runnable task = readyQueue.poll();
      if (task == null) break;
      boolean timed = monitored;
      if (timed) {
        taskStartedNanos = System.nanoTime();
        tasksRun++;
      }
      if (task instanceof Callback c) {
        inCallback = true;
        try {
          c.run();
        } catch (Throwable t) {
          handleError(null, t);
        } finally {
          inCallback = false;
        }
      } else {
        task.run(); // a greenlet continuation: runs until it parks, yields or ends
      }
      if (timed) taskStartedNanos = 0;
      if (fatal != null) {
        Error e = fatal;
        fatal = null;
        throw e;
      }
    }
  }

  /** True when nothing can make progress: nothing ready, nothing watched, nothing in flight. */
  private boolean nothingCanProgress() {
    return readyQueue.isEmpty() && incoming.isEmpty() && loop.referencedCount() == 0 && keepAlive == 0 && armedWaits == 0
        && liveGreenlets == atWaitPoint;
  }

  /** Polls the loop once: without waiting when work is ready, else until something fires. */
  private void poll() {
    drainIncoming();
    if (!readyQueue.isEmpty()) {
      pollNowait();
      return;
    }
    // Greenlets parked in JDK calls and work on other threads come back through incoming:
    // while there is any, the wake-up watcher must keep the poll waiting for it.
    wakeUp.setRef(keepAlive > 0 || armedWaits > 0 || liveGreenlets > atWaitPoint);
    sleeping = true;
    try {
      if (!incoming.isEmpty()) pollNowait();
      else loop.run(RunMode.ONCE);
    } finally {
      sleeping = false;
    }
  }

  /**
   * Polls without waiting. The wake-up watcher is referenced first: libuv's {@code uv_run}
   * does not poll at all while nothing referenced is active, and armed socket watchers and
   * signal handlers are unreferenced, so a busy hub would never see them.
   */
  private void pollNowait() {
    wakeUp.setRef(true);
    loop.run(RunMode.NOWAIT);
  }

  /**
   * Runs the hub on its platform thread until {@code done}; when nothing can make progress,
   * returns false (for join) or throws LoopExit (for a wait).
   */
  private boolean runUntil(BooleanSupplier done, boolean loopExit, String what) {
    if (looping) {
      throw new BlockingSwitchOutError("cannot wait for " + what + " inside a hub callback on " + thread.getName());
    }
    looping = true;
    try {
      while (true) {
        if (done.getAsBoolean()) return true;
        runBatch();
        if (done.getAsBoolean()) return true;
        drainIncoming();
        if (nothingCanProgress()) {
          if (loopExit) {
            throw new LoopExit("waiting for " + what + " on " + thread.getName()
                + ", but nothing can make progress: no greenlet is ready, no watcher is active and no work is in flight");
          }
          return false;
        }
        poll();
      }
    } finally {
      looping = false;
    }
  }

  /**
   * Runs until nothing keeps the hub alive (gevent's {@code hub.join()} / {@code gevent.wait()}):
   * no ready greenlet, no referenced active watcher, no work in flight.
   *
   * @param timeout seconds; infinite waits as long as it takes
   * @return false when the timeout came first
   * @throws IllegalStateException from a greenlet or another thread
   */
  public boolean join(double timeout) {
    Timeouts.check(timeout);
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException("Hub.join runs the hub: call it from its thread " + thread.getName());
    }
    checkOpen();
    boolean[] expired = {false};
    TimerWatcher timer = Double.isInfinite(timeout) ? null : startingTimer(timeout);
    if (timer != null) {
      timer.start(revents -> expired[0] = true);
      timer.setRef(false); // the deadline alone does not keep the hub alive
    }
    try {
      boolean done = runUntil(() -> expired[0], false, "join");
      return !done || !expired[0];
    } finally {
      if (timer != null) timer.close();
    }
  }

  // ---- waiting ----------------------------------------------------------------------------

  /**
   * The one wait point: waits cooperatively until {@code ready} holds, the timeout passes, or a
   * kill or Timeout is delivered (which is thrown). From a greenlet, parks it; from the hub's
   * platform thread, runs the hub.
   *
   * @param shared whether another thread may make it ready (keeps the hub from LoopExit)
   * @return {@code ready}'s value at the end: false on timeout
   */
  boolean block(BooleanSupplier ready, double timeout, boolean shared, Object what) {
    return block(ready, timeout, shared, what, false);
  }

  /**
   * {@link #block(BooleanSupplier, double, boolean, Object)}, ended also by an interrupt when
   * {@code interruptible}: it then returns false with the interrupt status still set. A
   * greenlet's interrupt ends the wait at once. A plain thread's counts only on entry: while it
   * runs the hub, its interrupt status is not reliable (the JDK clears a carrier's status each
   * time a virtual thread mounts or unmounts on it, and an interrupt does not wake the poll).
   */
  boolean block(BooleanSupplier ready, double timeout, boolean shared, Object what, boolean interruptible) {
    checkOpen();
    RawGreenlet g = RawGreenlet.current();
    if (g == null) {
      if (Thread.currentThread() != thread) {
        throw new IllegalStateException("cannot wait on hub " + thread.getName() + " from " + Thread.currentThread());
      }
      g = main;
    } else if (g.hub != this) {
      throw new IllegalStateException(g + " cannot wait on another hub (" + thread.getName() + ")");
    }
    if (g.isMain() && looping) {
      throw new BlockingSwitchOutError("cannot wait for " + what + " inside a hub callback on " + thread.getName());
    }
    g.throwPending(true);
    if (ready.getAsBoolean()) return true;
    if (timeout == 0) return false;
    if (interruptible && Thread.currentThread().isInterrupted()) return false;
    boolean[] expired = {false};
    TimerWatcher timer = null;
    if (!Double.isInfinite(timeout)) {
      timer = waitTimer(timeout);
      Thread waiting = g.thread();
      boolean greenlet = !g.isMain();
      timer.start(revents -> {
        expired[0] = true;
        if (greenlet) LockSupport.unpark(waiting);
      });
    }
    RawGreenlet self = g;
    if (shared) keepAlive++;
    try {
      if (g.isMain()) {
        runUntil(() -> expired[0] || self.hasPending(true) || ready.getAsBoolean(), true, String.valueOf(what));
      } else {
        atWaitPoint++;
        g.atWaitPoint = true;
        boolean interrupted = false;
        try {
          while (!ready.getAsBoolean() && !expired[0] && !g.hasPending(true)) {
            LockSupport.park(what);
            if (Thread.interrupted()) {
              interrupted = true;
              if (interruptible) break;
            }
          }
        } finally {
          g.atWaitPoint = false;
          atWaitPoint--;
          if (interrupted && !g.hasPending(true)) Thread.currentThread().interrupt();
        }
      }
    } finally {
      if (shared) keepAlive--;
      if (timer != null) releaseWaitTimer(timer);
    }
    g.throwPending(true);
    return ready.getAsBoolean();
  }

  /** How many stopped timers {@link #block} keeps for its next timed waits. */
  private static final int SPARE_TIMERS = 64;
  private final java.util.ArrayDeque<TimerWatcher> spareTimers = new java.util.ArrayDeque<>();

  /**
   * {@link #startingTimer}, reusing a stopped timer of an earlier wait when there is one: a
   * socket with a timeout waits with a timer at every read, and a native timer made and freed
   * each time costs more than one restarted.
   */
  private TimerWatcher waitTimer(double seconds) {
    TimerWatcher spare = spareTimers.pollLast();
    if (spare == null || spare.isClosed()) return startingTimer(seconds);
    loop.updateNow();
    spare.set(seconds, 0);
    return spare;
  }

  private void releaseWaitTimer(TimerWatcher timer) {
    if (timer.isClosed()) return;
    timer.stop(); // a firing still pending in this batch is dropped, also once it is restarted
    if (spareTimers.size() < SPARE_TIMERS && !closed) spareTimers.addLast(timer);
    else timer.close();
  }

  /**
   * A one-shot timer of {@code seconds} counted from now: the loop's clock is brought up to date
   * first, since it is only read at each poll and the hub may have been busy since (a wait would
   * otherwise end early by that long).
   */
  TimerWatcher startingTimer(double seconds) {
    loop.updateNow();
    return loop.timer(seconds, 0);
  }

  /**
   * Wakes whoever waits in {@link #block} on this hub from {@code waiter}: a greenlet is
   * unparked (through its hub's scheduler, from any thread); the hub's own thread is woken
   * when the waker is elsewhere.
   */
  void wake(Thread waiter) {
    if (waiter.isVirtual()) {
      LockSupport.unpark(waiter);
    } else if (!onHubThread()) {
      submit(new Callback(() -> {}));
    }
  }

  /** Keeps the hub from LoopExit while work elsewhere will come back; hub thread only. */
  void keepAlive(int delta) {
    keepAlive += delta;
  }

  /**
   * Sleeps cooperatively (gevent's {@code gevent.sleep}): other greenlets run meanwhile.
   * {@code sleep(0)} lets every other ready greenlet run once; like gevent's it may run again
   * before the next poll, but a batch is bounded (about 1 ms), so a {@code sleep(0)} loop
   * never starves I/O or timers.
   *
   * @throws IllegalArgumentException for a negative or NaN delay
   */
  public static void sleep(double seconds) {
    Timeouts.check(seconds);
    Hub hub = current();
    if (seconds == 0) {
      hub.yieldOnce();
      return;
    }
    hub.block(() -> false, seconds, false, "sleep(" + seconds + ")");
  }

  private void yieldOnce() {
    checkOpen();
    RawGreenlet g = RawGreenlet.current();
    if (g != null) {
      g.throwPending(false);
      Thread.yield(); // back of the ready queue: runs after the others (a poll at latest after the batch)
      g.throwPending(false);
      return;
    }
    if (looping) throw new BlockingSwitchOutError("sleep(0) inside a hub callback on " + thread.getName());
    main.throwPending(false);
    looping = true;
    try {
      runBatch();
      pollNowait();
    } finally {
      looping = false;
    }
    main.throwPending(false);
  }

  /** Waits until the loop is idle (gevent's {@code gevent.idle}): nothing else to do. */
  public static void idle() {
    Hub hub = current();
    IdleWatcher w = hub.loop.idle();
    boolean[] fired = {false};
    RawGreenlet g = RawGreenlet.current();
    Thread waiting = Thread.currentThread();
    w.start(revents -> {
      fired[0] = true;
      if (g != null) LockSupport.unpark(waiting);
    });
    try {
      hub.block(() -> fired[0], Double.POSITIVE_INFINITY, false, "idle()");
    } finally {
      w.close();
    }
  }

  /**
   * Waits cooperatively for {@code stage} (what gevent's asyncio bridges do): parks the
   * greenlet, or runs the hub when called from a plain thread. The future completing on
   * another thread keeps the hub alive meanwhile.
   *
   * @return its value
   * @throws RuntimeException the failure as it is when unchecked; a checked one in a
   *     {@link CompletionException}; a {@link CancellationException} when cancelled
   */
  public static <T> T await(CompletionStage<T> stage) {
    return await(stage, Double.POSITIVE_INFINITY);
  }

  /**
   * {@link #await(CompletionStage)} with a timeout.
   *
   * @throws Timeout when it is not done in time
   */
  public static <T> T await(CompletionStage<T> stage, double timeout) {
    Timeouts.check(timeout);
    CompletableFuture<T> future = stage.toCompletableFuture();
    if (!future.isDone()) {
      Hub hub = current();
      Thread waiting = Thread.currentThread();
      future.whenComplete((v, e) -> hub.wake(waiting));
      if (!hub.block(future::isDone, timeout, true, future)) {
        throw new Timeout(timeout);
      }
    }
    return resultOf(future);
  }

  /** A done future's value, or its failure rethrown as {@code get()} does everywhere in gevent4j. */
  static <T> T resultOf(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException(e);
    }
  }

  /** Unchecked failures as they are, checked ones in a CompletionException. */
  static RuntimeException rethrow(Throwable failure) {
    if (failure instanceof RuntimeException r) throw r;
    if (failure instanceof Error e) throw e;
    throw new CompletionException(failure);
  }

  @SuppressWarnings("unchecked")
  static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }

  // ---- waiting on watchers ----------------------------------------------------------------

  /**
   * The callback of a watcher being waited on, and the state of that wait: hub thread only.
   * A watcher left started by {@link #waitArmed} keeps it between waits ({@code waiter} null).
   */
  private static final class WatcherWait implements Watcher.Callback, BooleanSupplier {
    final Hub hub;
    final Watcher watcher;
    boolean keepStarted;
    Thread waiter;
    boolean greenlet;
    int revents;
    Throwable cancelled;

    WatcherWait(Hub hub, Watcher watcher) {
      this.hub = hub;
      this.watcher = watcher;
    }

    @Override
    public void fired(int events) {
      if (waiter == null) {
        // armed, nobody waits: stop, or a level-triggered fd would fire at every poll
        watcher.stop();
        return;
      }
      if (revents != 0 || cancelled != null) return; // woken already, not resumed yet
      revents = events;
      if (!keepStarted) watcher.stop();
      if (greenlet) LockSupport.unpark(waiter);
    }

    /** The wait is over. */
    @Override
    public boolean getAsBoolean() {
      return revents != 0 || cancelled != null;
    }
  }

  /**
   * Starts {@code watcher} and waits cooperatively until it fires, the timeout passes, or
   * another greenlet {@linkplain #cancelWait cancels} the wait; stops it again (gevent's
   * {@code hub.wait(watcher)}). The watcher must belong to this hub's loop; one wait per
   * watcher at a time.
   *
   * @return the events that fired; 0 on timeout
   * @throws IllegalStateException when the watcher is already waited on
   * @throws RuntimeException the error given to {@link #cancelWait} (checked ones as they are)
   */
  public int wait(Watcher watcher, double timeout) {
    return waitOn(watcher, timeout, false);
  }

  /**
   * {@link #wait(Watcher, double)} for a watcher waited on again and again, such as a socket's:
   * the watcher stays started after the wait, unreferenced (it does not keep the hub alive),
   * so the next wait costs no start and no stop (for an io watcher: no {@code epoll_ctl}).
   * While a greenlet waits on it, the wait keeps the hub alive. When it fires while nobody waits, the
   * hub stops it, and the next wait starts it again. The owner stops or closes the watcher
   * when done with it.
   *
   * @return the events that fired; 0 on timeout
   * @throws IllegalStateException when the watcher is already waited on
   * @throws RuntimeException the error given to {@link #cancelWait} (checked ones as they are)
   */
  public int waitArmed(Watcher watcher, double timeout) {
    return waitOn(watcher, timeout, true);
  }

  private int waitOn(Watcher watcher, double timeout, boolean keepStarted) {
    Timeouts.check(timeout);
    checkOpen();
    WatcherWait wait = watcher.callback() instanceof WatcherWait w && w.hub == this ? w : null;
    if (wait != null && wait.waiter != null) throw new IllegalStateException(watcher + " is already waited on");
    if (wait == null) wait = new WatcherWait(this, watcher);
    wait.keepStarted = keepStarted;
    wait.revents = 0;
    wait.cancelled = null;
    wait.greenlet = RawGreenlet.current() != null;
    // An armed watcher stays unreferenced: the wait keeps the hub alive through armedWaits
    // instead, which spares two native ref changes per wait.
    if (keepStarted) watcher.setRef(false);
    if (!watcher.isActive() || watcher.callback() != wait) watcher.start(wait);
    wait.waiter = Thread.currentThread(); // after start: a bad fd leaves the watcher unclaimed
    if (keepStarted) armedWaits++;
    try {
      block(wait, timeout, false, watcher);
    } finally {
      wait.waiter = null;
      if (keepStarted) armedWaits--;
      else if (!watcher.isClosed()) watcher.stop();
    }
    if (wait.cancelled != null) throw sneaky(wait.cancelled);
    return wait.revents;
  }

  /**
   * Ends a {@link #wait(Watcher, double)} or {@link #waitArmed} on {@code watcher} with
   * {@code error}, thrown in the waiter (gevent's {@code hub.cancel_wait}); no-op when nobody
   * waits on it. Hub thread only: a socket closed while a greenlet reads from it wakes that
   * greenlet this way before its fd is closed, so the descriptor cannot be reused under it.
   *
   * @return true when a wait was cancelled
   */
  public boolean cancelWait(Watcher watcher, Throwable error) {
    Objects.requireNonNull(error, "error");
    if (!(watcher.callback() instanceof WatcherWait wait) || wait.hub != this) return false;
    if (wait.waiter == null || wait.cancelled != null || wait.revents != 0) return false;
    wait.cancelled = error;
    if (!watcher.isClosed()) watcher.stop();
    if (wait.greenlet) LockSupport.unpark(wait.waiter);
    return true;
  }

  // ---- signals ----------------------------------------------------------------------------

  /**
   * Runs {@code handler} in a new greenlet each time the process receives {@code signum}
   * (gevent's {@code gevent.signal_handler}). The watcher does not keep the hub alive.
   * Hub thread only.
   *
   * @return closing it stops the handling and restores the previous handler
   */
  public AutoCloseable signalHandler(int signum, Runnable handler) {
    Objects.requireNonNull(handler, "handler");
    checkOpen();
    SignalWatcher watcher = loop.signal(signum);
    watcher.start(revents -> execute(handler));
    watcher.setRef(false);
    return watcher::close;
  }

  // ---- closing ----------------------------------------------------------------------------

  /**
   * Frees the loop and its watchers, and the hub's thread pool (gevent's
   * {@code hub.destroy()}). Greenlets still parked here never resume. Hub thread only;
   * idempotent.
   */
  @Override
  public void close() {
    if (closed) return;
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException("close the hub from its thread " + thread.getName());
    }
    if (looping) throw new BlockingSwitchOutError("cannot close the hub from inside one of its callbacks");
    closed = true;
    HUBS.remove(this);
    ThreadPool pool;
    synchronized (this) {
      pool = threadPool;
      threadPool = null;
    }
    try {
      if (pool != null) pool.close();
    } finally {
      loop.close();
      if (THREAD_HUB.get() == this) THREAD_HUB.remove();
    }
  }

  /** Every open hub of this JVM (gevent.util.format_run_info walks them). */
  public static List<Hub> all() {
    return new ArrayList<>(HUBS);
  }

  /** The greenlets alive on this hub, for run info and the monitor. */
  public List<RawGreenlet> liveGreenlets() {
    return new ArrayList<>(greenlets);
  }

  @Override
  public String toString() {
    return "Hub(" + thread.getName() + ", " + (closed ? "closed" : loop.backend()) + ", " + greenlets.size() + " greenlets)";
  }
}
