package io.gevent4j.sync;

import io.gevent4j.hub.BlockingSwitchOutError;
import io.gevent4j.hub.Linkable;
import io.gevent4j.hub.internal.WaitQueue;
import java.util.List;

/**
 * What {@link Event}, {@link AsyncResult} and {@link Semaphore} share (gevent's
 * {@code AbstractLinkable}): the lock their state is guarded by, the queue of waiters whose
 * sharing decides between {@link io.gevent4j.hub.LoopExit} and waiting on, and the rawlinks run
 * when the object is ready.
 */
abstract class AbstractLinkable implements Linkable {
  /** Guards the subclass's state, the waiters' hand-off and the links. */
  final Object lock = new Object();
  /** The greenlets and threads waiting for the object to be ready (a semaphore's acquirers). */
  final WaitQueue waiters = new WaitQueue();
  final Links links;

  /**
   * @param linksOnlyWhileReady true when a due link that finds the object no longer ready stays
   *     linked for the next time (a semaphore's, as gevent's); false when every link due at a
   *     notification runs (an event's, even if cleared since)
   */
  AbstractLinkable(boolean linksOnlyWhileReady) {
    this.links = new Links(lock, linksOnlyWhileReady ? this::ready : null);
  }

  /**
   * Runs {@code callback} once, soon after this object is (or becomes) ready, on the hub of the
   * caller (gevent's {@code rawlink}): in that hub's thread, as a {@code Hub.callSoon} callback,
   * after the call that made it ready (never inside it). The link is one-shot: it is removed
   * before the call, and links run in the order they were added. A semaphore's links run only
   * while a permit is free (a link that finds none when its turn comes stays linked for the next
   * release) and do not take the permit. The callback must not block (a wait there throws
   * {@link BlockingSwitchOutError}); an exception escaping it is logged by its hub. When that hub
   * is closed by then, the callback is dropped. Never blocks. Any greenlet or platform thread may
   * call (a platform thread's hub is created if needed, and runs the callback when the thread
   * next runs its hub).
   *
   * @throws NullPointerException when {@code callback} is null
   * @throws IllegalStateException in a virtual thread that is not a greenlet (it has no hub)
   */
  @Override
  public final void rawlink(Runnable callback) {
    List<Links.Link> due;
    synchronized (lock) {
      due = links.add(callback, ready());
    }
    links.schedule(due);
  }

  /**
   * Removes the first link to {@code callback} (compared with {@code equals}) that has not run
   * yet, even when already scheduled (gevent's {@code unlink}); nothing when there is none.
   * Never blocks; any thread may call.
   *
   * @throws NullPointerException when {@code callback} is null
   */
  @Override
  public final void unlink(Runnable callback) {
    synchronized (lock) {
      links.remove(callback);
    }
  }

  /**
   * {@return the rawlinks not run yet (gevent's {@code linkcount()})} Never blocks; any thread may
   * call.
   */
  public final int linkCount() {
    synchronized (lock) {
      return links.size();
    }
  }

  /**
   * True once another thread or hub than its creator's has used this object, or after
   * {@code markShared()}: waits on it (and {@code Gevent.waitAll} on it) then keep their hub
   * alive instead of ending in {@link io.gevent4j.hub.LoopExit}.
   */
  @Override
  public final boolean isShared() {
    return waiters.isShared();
  }

  /** Greenlets and threads waiting now (for tests and diagnostics). */
  final int waiting() {
    return waiters.size();
  }
}
