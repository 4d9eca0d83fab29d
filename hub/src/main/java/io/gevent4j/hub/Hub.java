package io.gevent4j.hub;

import io.gevent4j.hub.internal.HubAccess;
import io.gevent4j.hub.internal.Timeouts;
import io.gevent4j.hub.internal.WaitQueue;

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
 * The hub: the scheduler of a thread's greenlets and the owner of their event loop (gevent's
 * {@code gevent.hub.Hub}).
 *
 * <p>A hub belongs to the platform thread that first used it, its <em>owner</em>, which is
 * gevent's main greenlet; it runs on a platform thread of its own, the <em>hub thread</em>,
 * which runs the loop and carries the greenlets (virtual threads whose continuations the hub
 * runs one at a time, in the order they became runnable). The owner and the hub thread take
 * turns, never running at once: while the owner runs its own code, greenlets do not run (as in
 * gevent, where nothing runs while the main greenlet does not switch); when it waits
 * ({@link #sleep}, a join, an {@code Event.await}...), it hands the turn to the hub thread,
 * which runs the ready greenlets and polls the loop until the owner's wait is over and its turn
 * comes in the FIFO of ready greenlets. The owner never carries a greenlet itself: HotSpot
 * does not support a thread that holds monitors mounting virtual threads.
 *
 * <p>Other threads hand work to the hub through a thread-safe queue plus the loop's async
 * watcher, sent only while the hub thread sleeps in its poll. A hub closes when its owner ends
 * (the hub thread sees the owner's termination) or when the owner {@linkplain #close closes}
 * it; greenlets still parked in it then never resume. {@link #current()} is created on first
 * use; after a close, {@code current()} makes a fresh one.
 */
public final class Hub implements Executor, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
  private static final ThreadLocal<Hub> THREAD_HUB = new ThreadLocal<>();
  private static final AtomicLong GREENLET_NAMES = new AtomicLong();
  /** Every open hub, for the blocking monitor and run info. */
  static final Set<Hub> HUBS = ConcurrentHashMap.newKeySet();

  static {
    HubAccess.install(new HubAccess() {
      @Override
      public boolean block(Hub hub, BooleanSupplier ready, double timeout, boolean shared, Object what, boolean interruptible) {
        return hub.block(ready, timeout, shared, what, interruptible);
      }

      @Override
      public void wake(Hub hub, Thread waiter) {
        hub.wake(waiter);
      }

      @Override
      public Hub ofHubThread() {
        return Hub.ofHubThread();
      }

      @Override
      public boolean ownsHub(Thread thread) {
        return Hub.ofOwner(thread) != null;
      }

      @Override
      public void owner(RawGreenlet g, Object owner) {
        g.owner(owner);
      }

      @Override
      public boolean startIfNotStarted(RawGreenlet g) {
        return g.startIfNotStarted();
      }

      @Override
      public Thread unstartedThread(RawGreenlet g) {
        return g.unstartedThread();
      }

      @Override
      public void onExit(RawGreenlet g, java.util.function.Consumer<RawGreenlet> hook) {
        g.onExit(hook);
      }

      @Override
      public boolean onClose(Hub hub, Runnable hook) {
        return hub.onClose(hook);
      }

      @Override
      public void removeOnClose(Hub hub, Runnable hook) {
        hub.closeHooks.remove(hook);
      }

      @Override
      public long[] handOffs(Hub hub) {
        return new long[] {hub.handedIn, hub.wakeUpsSent.sum(), JdkPollers.wakeups(hub)};
      }
    });
  }

  /** Hub callbacks are marked so that blocking inside one is refused. */
  private record Callback(Runnable body) implements Runnable {
    @Override
    public void run() {
      body.run();
    }
  }

  /** In the ready queue: the owner's turn (gevent's main greenlet is one entry of the FIFO). */
  private static final Runnable OWNER_TURN = () -> {};

  /** The hub thread stops at once: the owner ended, or closed the hub. */
  private static final class HubStopped extends Error {
    HubStopped() {
      super(null, null, false, false);
    }
  }

  /** The platform thread whose hub this is: gevent's main greenlet. */
  final Thread owner;
  /** The platform thread that runs the loop and carries the greenlets. */
  final Thread thread;
  Loop loop;
  private final RawGreenlet main;
  private final Thread.Builder.OfVirtual builder;
  private final ArrayDeque<Runnable> readyQueue = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<Runnable> incoming = new ConcurrentLinkedQueue<>();
  private AsyncWatcher wakeUp;
  private volatile boolean sleeping;
  private volatile boolean closed;
  /** Greenlets alive on this hub (started, not ended). */
  final Set<RawGreenlet> greenlets = ConcurrentHashMap.newKeySet();
  private int liveGreenlets;
  private int atWaitPoint;
  /** Work in flight elsewhere that will come back to this hub: keeps it from LoopExit. Hub only. */
  private int keepAlive;
  /** Waits in progress on armed (unreferenced) watchers: each keeps the hub alive as a referenced watcher would. */
  private int armedWaits;
  private Error fatal;
  private ThreadPool threadPool;
  private Resolver resolver;
  /** Tasks other threads handed to this hub (continuations, callbacks), counted as drained; hub thread, read racily. */
  private long handedIn;
  /** Wake-ups other threads sent to this hub's loop while it slept in its poll. */
  private final java.util.concurrent.atomic.LongAdder wakeUpsSent = new java.util.concurrent.atomic.LongAdder();
  /** This hub's epoll sets for its greenlets' JDK I/O waits (gevent.jdkPollers=hub); made at the first. Hub thread. */
  JdkPollers.HubIo jdkIo;
  /** What other modules free when the hub closes (HubAccess.onClose): run once, by release(). */
  private final ConcurrentLinkedQueue<Runnable> closeHooks = new ConcurrentLinkedQueue<>();

  // ---- the turn: the owner and the hub thread, one at a time ------------------------------
  /** True while the owner runs (the hub thread waits); written by whoever hands the turn over. */
  private volatile boolean ownerTurn = true;
  /** What the owner waits for while the hub thread runs; null while the owner runs. */
  private OwnerWait ownerWait;
  /** {@link #OWNER_TURN} is in the ready queue. */
  private boolean ownerQueued;

  // read by the blocking monitor; kept only once it watches this hub (a clock read and
  // volatile writes per task are a measurable share of a switch)
  volatile boolean monitored;
  volatile long taskStartedNanos;
  volatile long tasksRun;
  /** When the owner got its turn (monitored hubs only): the owner holds the hub meanwhile. */
  volatile long ownerTurnStartedNanos;

  /** What the owner waits for, and how that wait ended. */
  private static final class OwnerWait {
    final BooleanSupplier done;
    final Object what;
    /** join(): the hub has nothing left to do. */
    final boolean untilIdle;
    boolean idle;
    LoopExit loopExit;
    /** A VirtualMachineError that escaped a greenlet: rethrown in the owner. */
    Error fatal;
    /** Set by the owner's thread when interrupted during an interruptible wait. */
    volatile boolean interrupted;
    final boolean interruptible;

    OwnerWait(BooleanSupplier done, Object what, boolean untilIdle, boolean interruptible) {
      this.done = done;
      this.what = what;
      this.untilIdle = untilIdle;
      this.interruptible = interruptible;
    }

    boolean over() {
      return idle || loopExit != null || fatal != null || interrupted || done.getAsBoolean();
    }
  }

  private Hub(Thread owner) {
    if (owner.isVirtual()) {
      throw new IllegalStateException("a hub belongs to a platform thread; this virtual thread is not a greenlet");
    }
    this.owner = owner;
    this.builder = VirtualThreads.builder(this::schedule);
    JdkPollers.install(); // once per JVM: before any greenlet can do JDK I/O
    this.main = new RawGreenlet(this, null, owner.getName(), true);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    this.thread = Thread.ofPlatform().daemon(true).name("hub-" + owner.getName()).unstarted(() -> hubThread(ready));
    thread.start();
    try {
      ready.join();
    } catch (CompletionException e) {
      throw rethrow(e.getCause());
    }
    HUBS.add(this);
    if (Config.monitorThread()) BlockingMonitor.watch(this);
  }


  /** The hub thread: makes the loop (it belongs to this thread), then serves the owner's waits. */
  private void hubThread(CompletableFuture<Void> ready) {
    try {
      Backend backend = Config.loop();
      Resolvers.checkAvailable(Config.resolver());
      loop = Loop.create(backend);
      loop.setOwner(t -> (t.isVirtual() && isOwnGreenlet()) || (t == owner && ownerTurn));
      wakeUp = loop.async();
      wakeUp.start(revents -> {});
      wakeUp.setRef(false);
      THREAD_HUB.set(this);
    } catch (Throwable t) {
      if (loop != null) loop.close();
      ready.completeExceptionally(t);
      return;
    }
    ready.complete(null);
    try {
      awaitTurn();
      while (!closed) {
        runBatch();
        drainIncoming();
        OwnerWait w = ownerWait;
        if (w != null && !ownerQueued && w.over()) {
          // a wait that ended without a wake-up call (a condition read after each batch)
          queueOwner();
          continue;
        }
        if (nothingCanProgress()) {
          if (w == null) throw new IllegalStateException("the hub ran without an owner waiting");
          if (w.untilIdle) w.idle = true;
          else w.loopExit = loopExit(w.what);
          giveTurnToOwner();
          continue;
        }
        poll();
      }
    } catch (HubStopped stopped) {
      // the owner ended or closed the hub
    } catch (Throwable t) {
      LOG.error("hub {} failed", thread.getName(), t);
    } finally {
      if (!closed) closeOnHubThread();
    }
  }

  /**
   * This thread's hub, or this greenlet's; created on first use (gevent's {@code get_hub()}).
   *
   * @return the hub of the calling thread or greenlet
   * @throws IllegalStateException in a virtual thread that is not a greenlet, or without the
   *     JVM flags greenlets need (the message names them)
   */
  public static Hub current() {
    RawGreenlet g = RawGreenlet.current();
    if (g != null) return g.hub;
    Hub hub = THREAD_HUB.get();
    if (hub == null || hub.closed) {
      hub = new Hub(Thread.currentThread());
      THREAD_HUB.set(hub);
    }
    return hub;
  }

  /** The open hub {@code thread} owns (its main greenlet), or null; without making one. */
  static Hub ofOwner(Thread thread) {
    if (thread != Thread.currentThread() || thread.isVirtual()) return null;
    Hub h = THREAD_HUB.get();
    return h != null && !h.closed && h.owner == thread ? h : null;
  }

  /** The hub whose hub thread this is, or null. */
  static Hub ofHubThread() {
    Hub h = THREAD_HUB.get();
    return h != null && h.thread == Thread.currentThread() ? h : null;
  }

  /** {@return the library and its I/O method, e.g. {@code "libev:epoll"}} */
  public String backend() {
    return loop.backend();
  }

  /**
   * {@return the hub's event loop} For its greenlets, its hub thread, and its owner (which then has
   * the turn).
   */
  public Loop loop() {
    checkOpen();
    return loop;
  }

  /** {@return the platform thread that runs this hub's loop and carries its greenlets} */
  public Thread thread() {
    return thread;
  }

  /** {@return the platform thread this hub belongs to: its main greenlet} */
  public Thread owner() {
    return owner;
  }

  /** {@return the main greenlet: this hub's owner thread} */
  public RawGreenlet mainGreenlet() {
    return main;
  }

  /**
   * {@return the hub's thread pool, {@code gevent.threadpool.size} threads, created on first use}
   */
  public synchronized ThreadPool threadPool() {
    checkOpen();
    if (threadPool == null) threadPool = new ThreadPool(Config.threadpoolSize());
    return threadPool;
  }

  /**
   * The hub's resolver, chosen by {@code gevent.resolver}, created on first use (gevent's
   * {@code hub.resolver}). A resolver that is {@link AutoCloseable} is closed with the hub.
   *
   * @return the hub's resolver
   */
  public synchronized Resolver resolver() {
    checkOpen();
    if (resolver == null) resolver = Resolvers.create(Config.resolver(), this);
    return resolver;
  }

  /**
   * Makes {@code resolver} this hub's (gevent's {@code hub.resolver = ...}), e.g. one of the dns
   * module's made with a configuration of its own. The hub closes it when it closes, if it is
   * {@link AutoCloseable}; the one it replaces is not closed.
   *
   * @param resolver the resolver this hub's lookups use from now on
   * @throws NullPointerException when {@code resolver} is null
   * @throws IllegalStateException when the hub is closed
   */
  public synchronized void setResolver(Resolver resolver) {
    checkOpen();
    this.resolver = java.util.Objects.requireNonNull(resolver, "resolver");
  }

  /** {@return true after {@link #close()}, or once its owner ended} */
  public boolean isClosed() {
    return closed;
  }

  void checkOpen() {
    if (closed) throw new IllegalStateException("this hub (" + owner.getName() + ") is closed");
  }

  // ---- scheduling ---------------------------------------------------------------------

  private boolean isOwnGreenlet() {
    RawGreenlet g = RawGreenlet.current();
    return g != null && g.hub == this;
  }

  /**
   * True when the calling code runs on this hub: in one of its greenlets, on its hub thread,
   * or on its owner while the owner has the turn (all of which never run at once).
   *
   * @return true when the caller runs on this hub now
   */
  public boolean isCurrent() {
    Thread t = Thread.currentThread();
    return t == thread || (t.isVirtual() ? isOwnGreenlet() : t == owner && ownerTurn);
  }

  /** The virtual-thread scheduler: a greenlet became runnable. */
  private void schedule(Runnable continuation) {
    if (isCurrent()) {
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
        wakeUpsSent.increment();
        wakeUp.send();
      } catch (IllegalStateException closedMeanwhile) {
        // the hub closed: nothing to wake
      }
    }
  }

  /** Runs {@code action} on the hub: now when already there, else as a callback. */
  void runOnHub(Runnable action) {
    if (isCurrent()) action.run();
    else submit(new Callback(action));
  }

  /**
   * Runs {@code callback} on the hub thread soon, after the greenlets already ready (gevent's
   * {@code loop.run_callback}). It must not block ({@link BlockingSwitchOutError}). Any thread
   * may call.
   *
   * @param callback what to run; it must not block
   */
  public void callSoon(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    checkOpen();
    Callback c = new Callback(callback);
    if (isCurrent()) readyQueue.add(c);
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

  /**
   * {@return a raw greenlet of this hub, not started} Any thread may call.
   *
   * @param body what the greenlet runs
   * @param name the greenlet's name (and its virtual thread's)
   */
  public RawGreenlet newGreenlet(Runnable body, String name) {
    checkOpen();
    return new RawGreenlet(this, Objects.requireNonNull(body, "body"),
        name != null ? name : "greenlet-" + GREENLET_NAMES.incrementAndGet(), false);
  }

  void startGreenlet(RawGreenlet g) {
    if (!isCurrent()) {
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

  /**
   * The virtual thread of {@code g}, not started, scheduled by this hub once started
   * ({@link RawGreenlet#unstartedThread}); any thread. It gets a builder of its own: the hub's
   * is the hub thread's (a builder is not thread-safe), and this one's scheduler refuses the
   * thread's start, its first submission, once the hub is closed.
   */
  Thread unstartedThread(RawGreenlet g) {
    Executor scheduler = new Executor() {
      /** The first submission is {@code Thread.start()}'s, made once, before any other. */
      private volatile boolean started;

      @Override
      public void execute(Runnable continuation) {
        if (!started) {
          started = true;
          if (closed) {
            throw new java.util.concurrent.RejectedExecutionException(
                "cannot start " + g.name() + ": its hub (" + owner.getName() + ") is closed");
          }
        }
        schedule(continuation);
      }
    };
    return VirtualThreads.builder(scheduler).name(g.name()).unstarted(g::run);
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
   * than OutOfMemoryError is rethrown in the owner's wait.
   */
  void handleError(RawGreenlet g, Throwable failure) {
    if (failure instanceof VirtualMachineError vme && !(failure instanceof OutOfMemoryError)) {
      if (fatal == null) fatal = vme;
      return;
    }
    String who = g != null ? g.name() : "a hub callback on " + owner.getName();
    if (LOGGING) {
      LOG.error("{} failed", who, failure);
      return;
    }
    // No SLF4J provider: the failure must not vanish. As a Java user expects of a thread, it
    // goes to the default uncaught-exception handler, or to stderr.
    Thread.UncaughtExceptionHandler handler = Thread.getDefaultUncaughtExceptionHandler();
    Thread t = g != null && g.thread() != null ? g.thread() : thread;
    if (handler != null) {
      handler.uncaughtException(t, failure);
    } else {
      System.err.println("gevent4j: " + who + " failed (add an SLF4J provider, e.g. logback-classic, to log this instead):");
      failure.printStackTrace();
    }
  }

  /** False when no SLF4J provider is bound: its no-operation logger would drop greenlets' failures. */
  private static final boolean LOGGING = !(LoggerFactory.getILoggerFactory() instanceof org.slf4j.helpers.NOPLoggerFactory);

  // ---- the turn -------------------------------------------------------------------------

  /**
   * Owner: hands the turn to the hub thread and waits until its own turn comes back, with
   * {@code wait} over (or ended by LoopExit, or by an interrupt of an interruptible wait).
   */
  private void ownerWaits(OwnerWait wait) {
    ownerWait = wait;
    ownerTurnStartedNanos = 0;
    handTurn(false);
    spinUntil(true);
    boolean interrupted = false;
    while (!ownerTurn) {
      LockSupport.park(this);
      if (Thread.interrupted()) {
        // An interrupt must not make this loop spin; it ends an interruptible wait (through
        // the hub, which has the turn), and is kept for the caller either way.
        if (!interrupted && wait.interruptible) {
          submit(new Callback(() -> {
            wait.interrupted = true;
            wakeOwner();
          }));
        }
        interrupted = true;
      }
    }
    loop.claim();
    if (interrupted) owner.interrupt();
  }

  /** Hub thread: the owner's wait is over: its turn; returns when the owner waits again. */
  private void giveTurnToOwner() {
    ownerWait = null;
    if (monitored) ownerTurnStartedNanos = System.nanoTime();
    handTurn(true);
    LockSupport.unpark(owner);
    awaitTurn();
  }

  private void handTurn(boolean toOwner) {
    // the owner's monitor is also what the JVM notifies when the owner ends (Thread.join)
    synchronized (owner) {
      ownerTurn = toOwner;
      if (!toOwner) owner.notifyAll();
    }
  }

  /**
   * How long either side spins for the turn before it sleeps: a hand-over to a thread asleep
   * costs two wake-ups of an OS thread (some 10-25 µs each on a small VM), and an owner's wait
   * is often shorter than that (a {@code sleep(0)}, a quick greenlet).
   */
  private static final long SPIN_NANOS = 20_000;

  /** Spins until the turn is the owner's ({@code ownersTurn}) or the hub thread's, at most SPIN_NANOS. */
  private void spinUntil(boolean ownersTurn) {
    long deadline = 0;
    for (int i = 0; ownerTurn != ownersTurn && !closed; i++) {
      if ((i & 63) == 0) {
        long now = System.nanoTime();
        if (deadline == 0) deadline = now + SPIN_NANOS;
        else if (now > deadline) return;
      }
      Thread.onSpinWait();
    }
  }

  /** Hub thread: waits while the owner has the turn; HubStopped when it ended or closed the hub. */
  private void awaitTurn() {
    spinUntil(false);
    synchronized (owner) {
      while (ownerTurn && !closed) {
        if (!owner.isAlive()) throw new HubStopped();
        try {
          owner.wait();
        } catch (InterruptedException e) {
          // nobody is meant to interrupt the hub thread: keep waiting
        }
      }
    }
    if (closed) throw new HubStopped();
    loop.claim();
  }

  /** On the hub: the owner's wait may be over: it takes its place in the FIFO. */
  void wakeOwner() {
    if (ownerWait != null && !ownerQueued) queueOwner();
  }

  private void queueOwner() {
    ownerQueued = true;
    readyQueue.add(OWNER_TURN);
  }

  // ---- the loop -------------------------------------------------------------------------

  private void drainIncoming() {
    Runnable r;
    int n = 0;
    while ((r = incoming.poll()) != null) {
      readyQueue.add(r);
      n++;
    }
    if (n != 0) handedIn += n;
  }

  /** How many tasks run between two looks at the clock during a batch (gevent: 50). */
  private static final int BATCH_CHECK_COUNT = 64;
  /** How long a batch may go on with work that became ready during it (gevent: 5 ms). */
  private static final long BATCH_NANOS = 1_000_000;

  /**
   * Hub thread: runs what is ready, including what becomes ready meanwhile, until the ready
   * queue is empty or the batch has run for {@link #BATCH_NANOS} (checked every
   * {@link #BATCH_CHECK_COUNT} tasks), as gevent drains its callback queue. Every task ready at
   * the start runs in this batch, in FIFO order; the owner's turn is one of them. The bound
   * keeps I/O and timers from starving behind greenlets that keep waking each other (a
   * ping-pong then costs no poll per hop: the poll is paid once per batch).
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
      if (task == OWNER_TURN) {
        ownerQueued = false;
        OwnerWait w = ownerWait;
        if (w != null && w.over()) giveTurnToOwner();
        continue;
      }
      boolean timed = monitored;
      if (timed) {
        taskStartedNanos = System.nanoTime();
        tasksRun++;
      }
      if (task instanceof Callback c) {
        try {
          c.run();
        } catch (Throwable t) {
          handleError(null, t);
        }
      } else {
        task.run(); // a greenlet continuation: runs until it parks, yields or ends
        if (deferredDeliveries != null) retryDeliveries();
      }
      if (timed) taskStartedNanos = 0;
      if (fatal != null) {
        Error e = fatal;
        fatal = null;
        OwnerWait w = ownerWait;
        if (w == null) throw e;
        w.fatal = e;
        giveTurnToOwner();
      }
    }
  }

  /** True when nothing can make progress: nothing ready, nothing watched, nothing in flight. */
  private boolean nothingCanProgress() {
    return readyQueue.isEmpty() && incoming.isEmpty() && loop.referencedCount() == 0 && keepAlive == 0 && armedWaits == 0
        && liveGreenlets == atWaitPoint;
  }

  private LoopExit loopExit(Object what) {
    return new LoopExit("waiting for " + describe(what) + " on " + owner.getName()
        + ", but nothing can make progress: no greenlet is ready, no watcher is active and no work is in flight "
        + "(if another thread is meant to end this wait, use the object's java.util.concurrent method, or markShared() it first)");
  }

  /** What a wait is for, in the user's terms (never an internal ticket). */
  static String describe(Object what) {
    if (what instanceof WaitQueue.Ticket t) return t.describe();
    return String.valueOf(what);
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

  /** Owner only, with the turn: the hub thread runs until {@code wait} is over. */
  private void ownerRuns(OwnerWait wait) {
    while (!wait.over()) ownerWaits(wait);
    if (wait.fatal != null) throw wait.fatal;
    if (wait.loopExit != null) throw wait.loopExit;
  }

  private void checkOwner(String what) {
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException(what + " belongs to the hub's owner thread " + owner.getName() + ", not to "
          + Thread.currentThread());
    }
  }

  /**
   * Runs until nothing keeps the hub alive (gevent's {@code hub.join()} / {@code gevent.wait()}):
   * no ready greenlet, no referenced active watcher, no work in flight.
   *
   * @param timeout seconds; infinite waits as long as it takes
   * @return false when the timeout came first
   * @throws IllegalStateException from a greenlet or another thread than the owner
   */
  public boolean join(double timeout) {
    Timeouts.check(timeout);
    checkOwner("Hub.join");
    checkOpen();
    WaitTimer timer = Double.isInfinite(timeout) ? null : waitTimer(timeout, null);
    if (timer != null) timer.watcher.setRef(false); // the deadline alone does not keep the hub alive
    OwnerWait wait = new OwnerWait(timer == null ? () -> false : timer::expired, "join", true, false);
    try {
      ownerRuns(wait);
      return wait.idle;
    } finally {
      if (timer != null) releaseWaitTimer(timer);
    }
  }

  // ---- waiting ----------------------------------------------------------------------------

  /**
   * The one wait point: waits cooperatively until {@code ready} holds, the timeout passes, or a
   * kill or Timeout is delivered (which is thrown). From a greenlet, parks it; from the owner,
   * hands the turn to the hub thread.
   *
   * @param shared whether another thread may make it ready (keeps the hub from LoopExit)
   * @return {@code ready}'s value at the end: false on timeout
   */
  boolean block(BooleanSupplier ready, double timeout, boolean shared, Object what) {
    return block(ready, timeout, shared, what, false);
  }

  /**
   * {@link #block(BooleanSupplier, double, boolean, Object)}, ended also by an interrupt when
   * {@code interruptible}: it then returns false with the interrupt status still set.
   */
  boolean block(BooleanSupplier ready, double timeout, boolean shared, Object what, boolean interruptible) {
    return block(ready, timeout, shared, what, interruptible, true);
  }

  /** @param timerRef false: the wait's timer does not keep the hub alive (gevent's {@code ref=False}) */
  private boolean block(BooleanSupplier ready, double timeout, boolean shared, Object what, boolean interruptible,
      boolean timerRef) {
    checkOpen();
    RawGreenlet g = RawGreenlet.current();
    if (g == null) {
      Thread t = Thread.currentThread();
      if (t == thread) throw new BlockingSwitchOutError("cannot wait for " + describe(what) + " inside a hub callback on " + thread.getName());
      if (t != owner) throw new IllegalStateException("cannot wait on hub " + owner.getName() + " from " + t);
      g = main;
    } else if (g.hub != this) {
      throw new IllegalStateException(g + " cannot wait on another hub (" + owner.getName() + ")");
    }
    g.throwPending(true);
    if (ready.getAsBoolean()) return true;
    if (timeout == 0) return false;
    if (interruptible && Thread.currentThread().isInterrupted()) return false;
    WaitTimer timer = Double.isInfinite(timeout) ? null : waitTimer(timeout, g.isMain() ? null : g.thread());
    if (timer != null && !timerRef) timer.watcher.setRef(false);
    RawGreenlet self = g;
    if (shared) keepAlive++;
    try {
      if (g.isMain()) {
        OwnerWait wait = new OwnerWait(
            () -> (timer != null && timer.expired()) || self.hasPending(true) || ready.getAsBoolean(), what, false, interruptible);
        ownerRuns(wait);
      } else {
        atWaitPoint++;
        g.atWaitPoint = true;
        boolean interrupted = false;
        try {
          while (!ready.getAsBoolean() && !(timer != null && timer.expired()) && !g.hasPending(true)) {
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

  /**
   * A wait's timer and its callback. Kept for reuse once the wait is over, with its waiter
   * forgotten: a spare timer must not keep a finished greenlet (or what it captured) reachable.
   */
  private final class WaitTimer implements Watcher.Callback {
    final TimerWatcher watcher;
    /** The greenlet to unpark when it fires; null for the owner (woken through the FIFO). */
    private Thread waiter;
    private boolean expired;

    WaitTimer(TimerWatcher watcher) {
      this.watcher = watcher;
    }

    boolean expired() {
      return expired;
    }

    @Override
    public void fired(int revents) {
      expired = true;
      Thread w = waiter;
      if (w != null) LockSupport.unpark(w);
      else wakeOwner();
    }
  }

  // ---- errors that could not be delivered yet ----------------------------------------------

  /** Greenlets with a kill or Timeout pending that no interrupt could deliver yet; hub only. */
  private ArrayList<RawGreenlet> deferredDeliveries;

  /** Hub only: {@code g} gets its pending error at its next wait point (RawGreenlet.wakeForDelivery). */
  void deferDelivery(RawGreenlet g) {
    if (deferredDeliveries == null) deferredDeliveries = new ArrayList<>();
    if (!deferredDeliveries.contains(g)) deferredDeliveries.add(g);
  }

  /** After a greenlet yielded: one of those may be parked at a wait point now. */
  private void retryDeliveries() {
    deferredDeliveries.removeIf(RawGreenlet::retryDelivery);
    if (deferredDeliveries.isEmpty()) deferredDeliveries = null;
  }

  /** How many stopped timers {@link #block} keeps for its next timed waits. */
  private static final int SPARE_TIMERS = 64;
  private final ArrayDeque<WaitTimer> spareTimers = new ArrayDeque<>();

  /**
   * A started one-shot timer of {@code seconds} from now for a wait, reusing a stopped one of an
   * earlier wait when there is one: a socket with a timeout waits with a timer at every read,
   * and a native timer made and freed each time costs more than one restarted. The loop's clock
   * is brought up to date first, since it is only read at each poll and the hub may have been
   * busy since (a wait would otherwise end early by that long).
   */
  private WaitTimer waitTimer(double seconds, Thread waiter) {
    WaitTimer timer = spareTimers.pollLast();
    loop.updateNow();
    if (timer == null || timer.watcher.isClosed()) {
      timer = new WaitTimer(loop.timer(seconds, 0));
    } else {
      timer.watcher.set(seconds, 0);
      timer.watcher.setRef(true);
    }
    timer.waiter = waiter;
    timer.expired = false;
    timer.watcher.start(timer);
    return timer;
  }

  private void releaseWaitTimer(WaitTimer timer) {
    timer.waiter = null;
    if (timer.watcher.isClosed()) return;
    timer.watcher.stop(); // a firing still pending in this batch is dropped, also once it is restarted
    if (spareTimers.size() < SPARE_TIMERS && !closed) spareTimers.addLast(timer);
    else timer.watcher.close();
  }

  /** A one-shot timer of {@code seconds} from now, not started (the loop's clock brought up to date). */
  TimerWatcher startingTimer(double seconds) {
    loop.updateNow();
    return loop.timer(seconds, 0);
  }

  /**
   * Wakes whoever waits in {@link #block} on this hub from {@code waiter}: a greenlet is
   * unparked (through its hub's scheduler, from any thread); the owner takes its place in the
   * FIFO of ready greenlets.
   */
  void wake(Thread waiter) {
    if (waiter.isVirtual()) LockSupport.unpark(waiter);
    else if (waiter == owner) runOnHub(this::wakeOwner);
  }

  /** Keeps the hub from LoopExit while work elsewhere will come back; hub only. */
  void keepAlive(int delta) {
    keepAlive += delta;
  }

  /**
   * Sleeps cooperatively (gevent's {@code gevent.sleep}): other greenlets run meanwhile.
   * {@code sleep(0)} lets every other ready greenlet run once; like gevent's it may run again
   * before the next poll, but a batch is bounded (about 1 ms), so a {@code sleep(0)} loop
   * never starves I/O or timers.
   *
   * @param seconds how long to sleep; 0 only lets the other ready greenlets run
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

  /**
   * {@link #sleep(double)} whose timer does not keep the hub alive when {@code ref} is false
   * (gevent's {@code sleep(seconds, ref=False)}): with nothing else to do, the wait ends in
   * {@link LoopExit}.
   *
   * @param seconds how long to sleep
   * @param ref false for a timer that does not keep the hub alive
   * @throws IllegalArgumentException for a negative or NaN delay
   */
  public static void sleep(double seconds, boolean ref) {
    if (ref || seconds == 0) {
      sleep(seconds);
      return;
    }
    Timeouts.check(seconds);
    current().block(() -> false, seconds, false, "sleep(" + seconds + ", ref=false)", false, false);
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
    if (Thread.currentThread() == thread) throw new BlockingSwitchOutError("sleep(0) inside a hub callback on " + thread.getName());
    checkOwner("sleep(0)");
    main.throwPending(false);
    // The owner goes to the back of the FIFO: every greenlet ready now runs once first.
    OwnerWait wait = new OwnerWait(() -> true, "sleep(0)", false, false);
    ownerWait = wait;
    queueOwner();
    ownerWaits(wait);
    main.throwPending(false);
  }

  /** Waits until the loop is idle (gevent's {@code gevent.idle}): nothing else to do. */
  public static void idle() {
    Hub hub = current();
    IdleWatcher w = hub.loop().idle();
    boolean[] fired = {false};
    RawGreenlet g = RawGreenlet.current();
    Thread waiting = Thread.currentThread();
    w.start(revents -> {
      fired[0] = true;
      if (g != null) LockSupport.unpark(waiting);
      else hub.wakeOwner();
    });
    try {
      hub.block(() -> fired[0], Double.POSITIVE_INFINITY, false, "idle()");
    } finally {
      w.close();
    }
  }

  /**
   * Waits cooperatively for {@code stage} (what gevent's asyncio bridges do): parks the
   * greenlet, or hands the turn to the hub thread when called from the owner. The future
   * completing on another thread keeps the hub alive meanwhile.
   *
   * @param <T> the value's type
   * @param stage the stage to wait for
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
   * @param <T> the value's type
   * @param stage the stage to wait for
   * @param timeout the longest wait, in seconds
   * @return its value
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
   * The callback of a watcher being waited on, and the state of that wait: hub only.
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
      wakeWaiter();
    }

    void wakeWaiter() {
      if (greenlet) LockSupport.unpark(waiter);
      else hub.wakeOwner();
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
   * @param watcher a watcher of this hub's loop
   * @param timeout the longest wait, in seconds; infinity waits as long as it takes
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
   * @param watcher a watcher of this hub's loop
   * @param timeout the longest wait, in seconds; infinity waits as long as it takes
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
   * waits on it. On the hub only: a socket closed while a greenlet reads from it wakes that
   * greenlet this way before its fd is closed, so the descriptor cannot be reused under it.
   *
   * @param watcher the watcher waited on
   * @param error what the waiter throws
   * @return true when a wait was cancelled
   */
  public boolean cancelWait(Watcher watcher, Throwable error) {
    Objects.requireNonNull(error, "error");
    if (!(watcher.callback() instanceof WatcherWait wait) || wait.hub != this) return false;
    if (wait.waiter == null || wait.cancelled != null || wait.revents != 0) return false;
    wait.cancelled = error;
    if (!watcher.isClosed()) watcher.stop();
    wait.wakeWaiter();
    return true;
  }

  // ---- signals ----------------------------------------------------------------------------

  /**
   * Runs {@code handler} in a new greenlet each time the process receives {@code signum}
   * (gevent's {@code gevent.signal_handler}). The watcher does not keep the hub alive.
   * On the hub only.
   *
   * @param signum the signal's number, e.g. {@code Signals.SIGTERM}
   * @param handler what each new greenlet runs
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
   * Frees the loop and its watchers, and the hub's thread pool, and ends the hub thread
   * (gevent's {@code hub.destroy()}). Greenlets still parked here never resume. From the owner
   * only; idempotent. A hub also closes by itself when its owner ends.
   */
  @Override
  public void close() {
    if (closed) return;
    if (Thread.currentThread() == thread || isOwnGreenlet()) {
      throw new BlockingSwitchOutError("cannot close the hub from inside one of its greenlets or callbacks");
    }
    checkOwner("Hub.close");
    release();
    synchronized (owner) {
      owner.notifyAll(); // the hub thread waits for its turn: it ends now
    }
    if (THREAD_HUB.get() == this) THREAD_HUB.remove();
  }

  /** The hub thread, after its owner ended: nobody else can touch the hub any more. */
  private void closeOnHubThread() {
    try {
      loop.claim();
    } catch (RuntimeException closedAlready) {
      // closed by the owner meanwhile
    }
    release();
  }

  /** See {@link HubAccess#onClose}: a hook added while the hub closes runs, or is taken back here. */
  private boolean onClose(Runnable hook) {
    Objects.requireNonNull(hook, "hook");
    closeHooks.add(hook);
    // release() sets closed before it takes the hooks: each one runs there, or is removed here
    return !(closed && closeHooks.remove(hook));
  }

  private void release() {
    closed = true;
    HUBS.remove(this);
    ThreadPool pool;
    Resolver res;
    synchronized (this) {
      pool = threadPool;
      threadPool = null;
      res = resolver;
      resolver = null;
    }
    try {
      // What other modules keep on this hub (a c-ares channel and its watchers, whether or not a
      // resolver of the hub's uses it) goes first, while the loop is still there; a failing hook
      // is logged and the others still run.
      for (Runnable hook; (hook = closeHooks.poll()) != null; ) {
        try {
          hook.run();
        } catch (Throwable t) {
          if (t instanceof VirtualMachineError vme && !(t instanceof OutOfMemoryError)) throw vme;
          handleError(null, t);
        }
      }
      JdkPollers.HubIo io = jdkIo;
      jdkIo = null;
      if (io != null) io.close(); // before the loop: its watchers are the loop's
      if (pool != null) pool.close();
      // before the loop: a resolver may have watchers on it (ares)
      if (res instanceof AutoCloseable closeable) closeResolver(closeable);
    } finally {
      for (WaitTimer t : spareTimers) t.watcher.close();
      spareTimers.clear();
      loop.close();
      readyQueue.clear();
      incoming.clear();
      greenlets.clear();
    }
  }

  private static void closeResolver(AutoCloseable resolver) {
    try {
      resolver.close();
    } catch (Exception e) {
      LOG.warn("closing the resolver {} failed", resolver, e);
    }
  }

  /**
   * Where the JDK's blocking I/O in greenlets waits ({@code java.net} sockets, blocking NIO
   * channels, pipes), decided once per JVM at the first hub's creation from
   * {@code gevent.jdkPollers}:
   *
   * <ul>
   *   <li>{@code "hub"}: in the greenlet's own hub, whose loop polls the descriptor and wakes the
   *       greenlet on the hub thread, as for gevent4j's own sockets. Other virtual threads keep
   *       the JDK's pollers.
   *   <li>{@code "jdk"}: in the JDK's pollers, whose threads wake the greenlet through its hub's
   *       thread-safe queue (chosen with {@code gevent.jdkPollers=jdk}, or taken when the JVM
   *       lacks {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}, when this JDK's pollers are
   *       not the ones gevent4j knows, or when a virtual thread did I/O before the first hub;
   *       one line is logged then, on {@code io.gevent4j.hub.jdkPollers}, saying why).
   * </ul>
   *
   * Either way gevent4j starts the JDK's pollers itself at the first hub's creation, from a
   * platform thread, so that they run on the JDK's default scheduler and never on a hub.
   *
   * @return {@code "hub"} or {@code "jdk"}; null while no hub has been created in this JVM
   */
  public static String jdkPollers() {
    return JdkPollers.route();
  }

  /** {@return every open hub of this JVM} gevent.util.format_run_info walks them. */
  public static List<Hub> all() {
    return new ArrayList<>(HUBS);
  }

  /** {@return the greenlets alive on this hub} For run info and the monitor. */
  public List<RawGreenlet> liveGreenlets() {
    return new ArrayList<>(greenlets);
  }

  /**
   * How many greenlets are alive on this hub (started running, not ended): what
   * {@code liveGreenlets().size()} says, without the copy. Any thread, without a lock; a greenlet
   * spawned but not yet run is not counted yet. A load figure for schedulers (HubGroup's
   * least-loaded hub), exact only on the hub itself.
   *
   * @return the greenlets alive on this hub now
   */
  public int greenletCount() {
    return greenlets.size();
  }

  /** True while the owner runs its own code (its greenlets wait for it to wait). */
  boolean ownerHasTurn() {
    return ownerTurn;
  }

  /**
   * Greenlets alive or ready, or work handed in by other threads: someone waits for the hub to
   * turn. For the monitor, from its thread: the ready queue's emptiness is read racily (a stale
   * answer delays a report by one look).
   */
  boolean hasWaitingWork() {
    return !greenlets.isEmpty() || !incoming.isEmpty() || !readyQueue.isEmpty();
  }

  @Override
  public String toString() {
    return "Hub(" + owner.getName() + ", " + (closed ? "closed" : loop.backend()) + ", " + greenlets.size() + " greenlets)";
  }
}
