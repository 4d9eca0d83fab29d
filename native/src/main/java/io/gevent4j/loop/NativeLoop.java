package io.gevent4j.loop;

import io.gevent4j.loop.internal.LoopAccess;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The {@link Loop} over libgevent4j.so; peer of {@code g4j_native_loop.c}.
 *
 * <p>Watchers are numbered; the native loop reports fired watchers by number in the event
 * batch (a direct buffer over C memory), and {@link #run} dispatches them. A number freed
 * while a batch is dispatched is reused only after the next native run, so a stale event can
 * never reach a new watcher.
 */
final class NativeLoop implements Loop {
  static {
    LoopAccess.install(new LoopAccess() {
      @Override
      public void checkThread(Loop loop) {
        ((NativeLoop) loop).checkThread();
      }

      @Override
      public void checkUsable(Loop loop) {
        ((NativeLoop) loop).checkUsable();
      }

      @Override
      public void onClose(Loop loop, Runnable hook) {
        ((NativeLoop) loop).onClose(java.util.Objects.requireNonNull(hook, "hook"));
      }

      @Override
      public void removeOnClose(Loop loop, Runnable hook) {
        ((NativeLoop) loop).removeOnClose(hook);
      }

      @Override
      public int constant(String name) {
        return Native.constant(name);
      }
    });
  }

  private static final int[] JVM_SIGNALS = {
    Constants.SIGSEGV, Constants.SIGBUS, Constants.SIGFPE, Constants.SIGILL, Constants.SIGQUIT, Constants.SIGUSR2,
    Constants.SIGPIPE, Constants.SIGXFSZ, Constants.SIGKILL, Constants.SIGSTOP,
  };
  /** The event batch's records (g4j_event): their size and where their fields are, from C. */
  private static final int EVENT_SIZE = Constants.EVENT_SIZE;
  private static final int EVENT_ID = Constants.EVENT_ID_OFFSET;
  private static final int EVENT_REVENTS = Constants.EVENT_REVENTS_OFFSET;

  private final Backend library;
  private final String backendName;
  private final Thread creator;
  private volatile Predicate<Thread> owner = t -> false;
  private long pointer;
  private ByteBuffer events;
  private int eventsCapacity;
  private Watcher[] watchers = new Watcher[64];
  private int nextId;
  private final ArrayDeque<Integer> freeIds = new ArrayDeque<>();
  private final ArrayDeque<Integer> freedThisBatch = new ArrayDeque<>();
  private final ArrayDeque<long[]> fed = new ArrayDeque<>();
  private boolean breakRequested;
  private boolean dispatching;
  private boolean closeRequested;
  /** What runs when the loop closes, before the watchers are freed (LoopAccess.onClose). */
  private List<Runnable> closeHooks;
  /** Counts native runs; a watcher stopped during batch N skips the rest of batch N. */
  long batch;

  NativeLoop(Backend backend) {
    Native.ensureAvailable();
    this.library = backend;
    long p = Natives.loopNew0(backend.ordinal());
    if (p < 0) {
      NativeIoException cause = new NativeIoException((int) -p, "loop_new");
      throw new IllegalStateException("cannot create a " + backend.id() + " loop: " + cause.getMessage()
          + (cause.errnoName().equals("EMFILE") || cause.errnoName().equals("ENFILE")
              ? " (out of file descriptors: raise the limit, ulimit -n, or close some)" : ""), cause);
    }
    this.pointer = p;
    this.creator = Thread.currentThread();
    this.backendName = Natives.loopBackendName0(p);
    refreshEvents();
  }

  private void refreshEvents() {
    events = Natives.loopEvents0(pointer).order(ByteOrder.nativeOrder());
    eventsCapacity = events.capacity() / EVENT_SIZE;
  }

  // ---- threads and state --------------------------------------------------------------

  @Override
  public void setOwner(Predicate<Thread> mayUse) {
    checkThread();
    owner = Objects.requireNonNull(mayUse, "mayUse");
  }

  @Override
  public void claim() {
    checkUsable();
    Natives.loopClaim0(pointer);
  }

  void checkThread() {
    Thread t = Thread.currentThread();
    if (t != creator && !owner.test(t)) {
      throw new IllegalStateException("this " + backendName + " loop belongs to thread '" + creator.getName()
          + "', not to '" + t.getName() + "' (only AsyncWatcher.send() may be called from any thread)");
    }
  }

  void checkUsable() {
    checkThread();
    if (pointer == 0) throw new IllegalStateException("the " + backendName + " loop is closed");
  }

  @Override
  public boolean isClosed() {
    return pointer == 0;
  }

  // ---- the loop -----------------------------------------------------------------------

  @Override
  public String backend() {
    return backendName;
  }

  @Override
  public Backend library() {
    return library;
  }

  @Override
  public double now() {
    checkUsable();
    return Natives.loopNow0(pointer);
  }

  @Override
  public void updateNow() {
    checkUsable();
    Natives.loopUpdateNow0(pointer);
  }

  @Override
  public int pendingCount() {
    checkUsable();
    return Natives.loopPendingCount0(pointer);
  }

  @Override
  public int activeCount() {
    checkUsable();
    return Natives.loopActiveCount0(pointer);
  }

  @Override
  public int referencedCount() {
    checkUsable();
    return Natives.loopReferencedCount0(pointer);
  }

  @Override
  public void breakLoop() {
    checkUsable();
    breakRequested = true;
    Natives.loopBreak0(pointer);
  }

  @Override
  public int run(RunMode mode) {
    checkUsable();
    if (dispatching) throw new IllegalStateException("run() called from a watcher callback of the same loop");
    breakRequested = false;
    int dispatched = 0;
    try {
      do {
        // A queued feed must not wait behind a blocking poll.
        int nativeMode = mode == RunMode.NOWAIT || !fed.isEmpty() ? Constants.RUN_NOWAIT : Constants.RUN_ONCE;
        dispatched += runOnce(nativeMode);
      } while (mode == RunMode.DEFAULT && !breakRequested && !closeRequested
          && (Natives.loopReferencedCount0(pointer) > 0 || !fed.isEmpty()));
    } finally {
      if (closeRequested) close();
    }
    return dispatched;
  }

  private int runOnce(int nativeMode) {
    while (!freedThisBatch.isEmpty()) freeIds.add(freedThisBatch.poll());
    batch++;
    int count = Natives.loopRun0(pointer, nativeMode);
    if (count < 0) {
      // A system error in the backend's poll (its epoll set closed behind its back, out of
      // descriptors): the loop cannot run again.
      NativeIoException cause = new NativeIoException(-count, "loop run");
      throw new IllegalStateException("the " + backendName + " loop failed and cannot run again ("
          + cause.getMessage() + "); close it", cause);
    }
    if (count > eventsCapacity) refreshEvents();
    dispatching = true;
    Throwable failure = null;
    int dispatched = 0;
    try {
      ByteBuffer batchEvents = events;
      for (int i = 0; i < count; i++) {
        int id = batchEvents.getInt(EVENT_SIZE * i + EVENT_ID);
        int revents = batchEvents.getInt(EVENT_SIZE * i + EVENT_REVENTS);
        failure = dispatch(id, revents, failure);
        dispatched++;
      }
      for (int i = fed.size(); i > 0 && pointer != 0; i--) {
        long[] event = fed.poll();
        failure = dispatch((int) event[0], (int) event[1], failure);
        dispatched++;
      }
    } finally {
      dispatching = false;
    }
    if (failure instanceof RuntimeException e) throw e;
    if (failure instanceof Error e) throw e;
    return dispatched;
  }

  /** Runs one callback; a failure is kept and the batch goes on, the first one is rethrown after. */
  private Throwable dispatch(int id, int revents, Throwable failure) {
    Watcher w = id >= 0 && id < watchers.length ? watchers[id] : null;
    if (w == null || w.pointer == 0 || w.stoppedInBatch == batch || w.callback == null) return failure;
    w.fired(revents);
    try {
      w.callback.fired(revents);
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError vme && !(t instanceof OutOfMemoryError)) throw vme;
      if (failure == null) return t;
      failure.addSuppressed(t);
    }
    return failure;
  }

  @Override
  public void feed(Watcher watcher, int revents) {
    checkUsable();
    if (watcher.loop != this) throw new IllegalArgumentException(watcher + " belongs to another loop");
    watcher.checkOpen();
    fed.add(new long[] {watcher.id, revents});
  }

  void onClose(Runnable hook) {
    checkUsable();
    if (closeHooks == null) closeHooks = new ArrayList<>();
    closeHooks.add(hook);
  }

  void removeOnClose(Runnable hook) {
    checkThread();
    if (closeHooks != null) closeHooks.remove(hook);
  }

  @Override
  public void close() {
    if (pointer == 0) return;
    checkThread();
    if (dispatching) {
      // Freed memory must not be touched by the batch being dispatched: close after it.
      closeRequested = true;
      breakRequested = true;
      return;
    }
    // What depends on the loop goes first (a c-ares channel stops its watchers and closes its
    // sockets), each hook once, every one even when another fails.
    Throwable failure = null;
    while (closeHooks != null && !closeHooks.isEmpty()) {
      Runnable hook = closeHooks.removeLast();
      try {
        hook.run();
      } catch (Throwable t) {
        if (t instanceof VirtualMachineError vme && !(t instanceof OutOfMemoryError)) throw vme;
        if (failure == null) failure = t;
        else failure.addSuppressed(t);
      }
      if (pointer == 0) break; // a hook closed the loop
    }
    closeHooks = null;
    if (pointer != 0) free();
    if (failure instanceof RuntimeException e) throw e;
    if (failure instanceof Error e) throw e;
  }

  private void free() {
    for (Watcher w : watchers) {
      if (w == null) continue;
      if (w instanceof AsyncWatcher a) a.lockForFree();
      w.pointer = 0;
      w.active = false;
      if (w instanceof AsyncWatcher a) a.unlockAfterFree();
    }
    Arrays.fill(watchers, null);
    fed.clear();
    long p = pointer;
    pointer = 0;
    Natives.loopDestroy0(p);
  }

  // ---- watcher bookkeeping ------------------------------------------------------------

  int register(Watcher w) {
    checkUsable();
    Integer free = freeIds.poll();
    int id = free != null ? free : nextId++;
    if (id >= watchers.length) watchers = Arrays.copyOf(watchers, watchers.length * 2);
    watchers[id] = w;
    return id;
  }

  void unregister(int id) {
    watchers[id] = null;
    freedThisBatch.add(id);
  }

  long nativeWatcher(int kind, int id, Watcher w) {
    long p = Natives.watcherNew0(pointer, kind, id);
    if (p < 0) {
      int errno = (int) -p;
      if (errno == Constants.ENOTSUP) {
        throw new UnsupportedOperationException(library.id() + " has no " + w.getClass().getSimpleName()
            + " (" + new NativeIoException(errno, "watcher init").getMessage() + ")");
      }
      Errors.checkUnchecked((int) p, "watcher init");
    }
    return p;
  }

  void closeWatcher(Watcher w) {
    if (pointer == 0) {
      w.pointer = 0;
      return;
    }
    if (w instanceof AsyncWatcher a) a.lockForFree();
    try {
      long p = w.pointer;
      w.pointer = 0;
      if (w.active) w.stoppedInBatch = batch;
      w.active = false;
      Natives.watcherFree0(p);
    } finally {
      if (w instanceof AsyncWatcher a) a.unlockAfterFree();
    }
    unregister(w.id);
  }

  /**
   * Makes start failures say what went wrong in the watcher's own terms: the message names
   * the watcher (and its fd or pid), the call and the errno.
   */
  int translate(int rc, Watcher w) {
    if (rc >= 0) return rc;
    int errno = -rc;
    String reason = null;
    if (errno == Constants.EBADF) reason = "not an open file descriptor (closed already?)";
    else if (errno == Constants.ECHILD) reason = "not a child of this process, or already reaped";
    else if (errno == Constants.ESRCH) reason = "no such process";
    else if (errno == Constants.EBUSY && w instanceof SignalWatcher s) {
      throw new IllegalStateException("signal " + s.signum() + " is already watched by another loop",
          new NativeIoException(errno, "watcher start"));
    } else if (errno == Constants.EBUSY && w instanceof IoWatcher) {
      reason = "a gevent4j loop's own descriptor (its epoll set or wake-up) cannot be watched";
    } else if (errno == Constants.EPERM) {
      reason = "the descriptor cannot be polled (a regular file or a directory: epoll refuses it)";
    }
    if (reason != null) {
      throw new IllegalArgumentException(w.describe() + " start failed: " + Errors.describe(errno) + ": " + reason,
          new NativeIoException(errno, "watcher start"));
    }
    return rc;
  }

  // ---- factories ----------------------------------------------------------------------

  @Override
  public IoWatcher io(int fd, int events) {
    checkUsable();
    if (fd < 0) throw new IllegalArgumentException("Loop.io(fd " + fd + "): a file descriptor cannot be negative");
    if (events == 0 || (events & ~(Watcher.READ | Watcher.WRITE)) != 0) {
      throw new IllegalArgumentException("Loop.io(fd " + fd + "): events must be READ, WRITE or both, not " + events);
    }
    return new IoWatcher(this, fd, events);
  }

  @Override
  public TimerWatcher timer(double after, double repeat) {
    checkUsable();
    if (!(after >= 0) || Double.isInfinite(after)) throw new IllegalArgumentException("timer after must be >= 0 and finite: " + after);
    if (!(repeat >= 0) || Double.isInfinite(repeat)) throw new IllegalArgumentException("timer repeat must be >= 0 and finite: " + repeat);
    return new TimerWatcher(this, after, repeat);
  }

  @Override
  public SignalWatcher signal(int signum) {
    checkUsable();
    if (signum <= 0 || signum >= Constants.NSIG) throw new IllegalArgumentException("no such signal: " + signum);
    for (int s : JVM_SIGNALS) {
      if (s == signum) {
        throw new IllegalArgumentException("signal " + signum + " (" + Signals.name(signum)
            + ") is the JVM's own or cannot be caught; watch another one");
      }
    }
    return new SignalWatcher(this, signum);
  }

  @Override
  public AsyncWatcher async() {
    checkUsable();
    return new AsyncWatcher(this);
  }

  @Override
  public ChildWatcher child(int pid) {
    checkUsable();
    if (pid <= 0) throw new IllegalArgumentException("a child watcher needs a positive pid, not " + pid);
    return new ChildWatcher(this, pid);
  }

  @Override
  public IdleWatcher idle() {
    checkUsable();
    return new IdleWatcher(this);
  }

  @Override
  public PrepareWatcher prepare() {
    checkUsable();
    return new PrepareWatcher(this);
  }

  @Override
  public CheckWatcher check() {
    checkUsable();
    return new CheckWatcher(this);
  }

  @Override
  public StatWatcher stat(Path path, double interval) {
    checkUsable();
    Objects.requireNonNull(path, "path");
    if (!(interval >= 0) || Double.isInfinite(interval)) {
      throw new IllegalArgumentException("stat interval must be >= 0 and finite: " + interval);
    }
    return new StatWatcher(this, path, interval);
  }

  @Override
  public ForkWatcher fork() {
    checkUsable();
    return new ForkWatcher(this);
  }

  @Override
  public String toString() {
    return "Loop(" + backendName + (pointer == 0 ? ", closed)" : ")");
  }

  // ---- natives ------------------------------------------------------------------------

  /** The natives of {@code g4j_native_loop.c}: a holder without static state. */
  static final class Natives {
    private Natives() {}

    /** A new loop of the backend (its ordinal): its pointer, or -errno. */
    static native long loopNew0(int backend);

    /** Frees the loop and every watcher it still has. */
    static native void loopDestroy0(long loop);

    /** One run in the mode: the count of event records in the batch, or -errno. */
    static native int loopRun0(long loop, int mode);

    /** The event batch as a direct buffer over C memory; it moves only when a run outgrew it. */
    static native ByteBuffer loopEvents0(long loop);

    /** The loop's cached time, in seconds. */
    static native double loopNow0(long loop);

    /** Updates the loop's cached time. */
    static native void loopUpdateNow0(long loop);

    /** Breaks a run in progress. */
    static native void loopBreak0(long loop);

    /** Watchers pending (libev), 0 on libuv. */
    static native int loopPendingCount0(long loop);

    /** Active watchers. */
    static native int loopActiveCount0(long loop);

    /** The calling thread takes the loop over (Java checked that it may). */
    static native void loopClaim0(long loop);

    /** Active referenced watchers. */
    static native int loopReferencedCount0(long loop);

    /** "libev:epoll", "libuv:epoll". */
    static native String loopBackendName0(long loop);

    /** A new watcher of the kind, reported with the id: its pointer, or -errno. */
    static native long watcherNew0(long loop, int kind, int id);

    /** 0 or -errno. */
    static native int watcherStart0(long watcher);

    /** Stops the watcher. */
    static native void watcherStop0(long watcher);

    /** Stops and frees the watcher. */
    static native void watcherFree0(long watcher);

    /** Whether the watcher is active. */
    static native boolean watcherActive0(long watcher);

    /** Whether the watcher keeps its loop alive. */
    static native void watcherRef0(long watcher, boolean ref);

    /** 0 or -errno. */
    static native int ioSet0(long watcher, int fd, int events);

    /** 0 or -errno. */
    static native int timerSet0(long watcher, double after, double repeat);

    /** 0 or -errno. */
    static native int timerAgain0(long watcher);

    /** 0 or -errno. */
    static native int signalSet0(long watcher, int signum);

    /** 0 or -errno. */
    static native int childSet0(long watcher, int pid);

    /** The raw wait status of the child, once the watcher fired. */
    static native int childStatus0(long watcher);

    /** 0 or -errno. */
    static native int statSet0(long watcher, byte[] path, double interval);

    /** 0 or -errno; any thread. */
    static native int asyncSend0(long watcher);
  }
}
