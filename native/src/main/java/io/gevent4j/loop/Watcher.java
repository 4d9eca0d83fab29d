package io.gevent4j.loop;

/**
 * A watcher of a {@link Loop}: gevent's loop watchers ({@code loop.io()}, {@code loop.timer()},
 * ...), created by the loop's factory methods.
 *
 * <p>{@link #start(Callback)} arms it; the callback runs on the loop's thread during
 * {@link Loop#run}, with the events that fired. A watcher stopped while a batch is being
 * dispatched gets no more callbacks from that batch. A closed watcher throws
 * {@link IllegalStateException} from every method but {@link #close()}; closing the loop
 * closes its watchers.
 */
public abstract sealed class Watcher implements AutoCloseable
    permits IoWatcher, TimerWatcher, SignalWatcher, AsyncWatcher, ChildWatcher, IdleWatcher,
        PrepareWatcher, CheckWatcher, StatWatcher, ForkWatcher {

  /** An io watcher's readable event. */
  public static final int READ = Constants.EV_READ;
  /** An io watcher's writable event. */
  public static final int WRITE = Constants.EV_WRITE;
  /**
   * Added to the events when the watcher failed: its fd was closed through {@link Posix#close}
   * (on any thread), or found closed or replaced behind gevent4j's back before a poll. The
   * watcher has been stopped; an io watcher gets READ and WRITE too, so that whoever waits
   * for either wakes.
   */
  public static final int ERROR = Constants.EV_ERROR;

  /** What runs when a watcher fires. */
  @FunctionalInterface
  public interface Callback {
    /**
     * Called on the loop's thread with what fired.
     *
     * @param revents the events that fired (for io: {@link #READ}, {@link #WRITE},
     *     {@link #ERROR}); for the other kinds their own bit
     */
    void fired(int revents);
  }

  final NativeLoop loop;
  final int id;
  long pointer;
  Callback callback;
  boolean active;
  boolean referenced = true;
  long stoppedInBatch = -1;

  Watcher(NativeLoop loop, int kind) {
    this.loop = loop;
    this.id = loop.register(this);
    try {
      this.pointer = loop.nativeWatcher(kind, id, this);
    } catch (RuntimeException | Error e) {
      loop.unregister(id);
      throw e;
    }
  }

  /** {@return the loop this watcher belongs to} */
  public Loop loop() {
    return loop;
  }

  /**
   * Arms the watcher; a running watcher just takes the new callback.
   *
   * @param callback what runs each time the watcher fires
   * @throws IllegalArgumentException when its parameters are bad (a closed fd, a pid that
   *     is not our child)
   */
  public void start(Callback callback) {
    if (callback == null) throw new NullPointerException("callback");
    loop.checkUsable();
    checkOpen();
    this.callback = callback;
    if (active) return;
    int rc = loop.translate(NativeLoop.Natives.watcherStart0(pointer), this);
    if (rc < 0) Errors.checkUnchecked(rc, describe() + " start"); // the message only on failure: starts are hot (every timed wait)
    active = true;
  }

  /** Disarms the watcher; pending callbacks of the batch being dispatched are dropped. Idempotent. */
  public void stop() {
    loop.checkThread();
    if (pointer == 0 || !active) return;
    NativeLoop.Natives.watcherStop0(pointer);
    active = false;
    stoppedInBatch = loop.batch;
  }

  /**
   * {@return the callback of the last {@link #start}, null before (gevent's {@code
   * watcher.callback})}
   */
  public Callback callback() {
    return callback;
  }

  /** {@return true while armed (gevent's {@code watcher.active})} */
  public boolean isActive() {
    return active;
  }

  /**
   * {@return false when the watcher does not keep its loop alive (gevent's {@code watcher.ref})}
   */
  public boolean isRef() {
    return referenced;
  }

  /**
   * Whether this watcher keeps its loop alive while active (gevent's {@code watcher.ref = ...}).
   *
   * @param ref false for a watcher that does not keep its loop alive
   */
  public void setRef(boolean ref) {
    loop.checkUsable();
    checkOpen();
    if (ref == referenced) return;
    NativeLoop.Natives.watcherRef0(pointer, ref);
    referenced = ref;
  }

  /** Stops and frees the watcher. Idempotent; also allowed after the loop closed. */
  @Override
  public void close() {
    if (pointer == 0) return;
    loop.checkThread();
    loop.closeWatcher(this);
  }

  /** {@return true after {@link #close()} (or after its loop closed)} */
  public boolean isClosed() {
    return pointer == 0;
  }

  final void checkOpen() {
    if (pointer == 0) throw new IllegalStateException(describe() + " is closed");
  }

  /** Called by the loop before the callback when the watcher fired: one-shot kinds stop here. */
  void fired(int revents) {
    if ((revents & ERROR) != 0) active = false;
  }

  String describe() {
    return getClass().getSimpleName();
  }

  @Override
  public String toString() {
    return describe() + (pointer == 0 ? " closed" : active ? " active" : " stopped") + (referenced ? "" : " unref");
  }
}
