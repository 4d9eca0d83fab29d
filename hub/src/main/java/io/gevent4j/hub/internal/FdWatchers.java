package io.gevent4j.hub.internal;

import io.gevent4j.hub.Hub;
import io.gevent4j.loop.IoWatcher;
import io.gevent4j.loop.Watcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * How the owner of a descriptor (a socket, a file object's descriptor, a child's pipe) waits
 * on it: a read and a write watcher kept armed on the hub that waited first, so that a wait
 * costs no {@code epoll_ctl}, and a temporary watcher on any other hub. Not thread-safe beyond
 * what {@link #await} and {@link #close} promise: one reader and one writer may wait at once,
 * from any hub.
 *
 * <p>{@link #close} is final: it wakes every waiter, armed or temporary, with the owner's
 * error, and a later {@link #await} throws that error at once; so a close that races with a
 * wait about to start (another thread closing between the owner's check and its wait) never
 * leaves a waiter behind, even when the owner does not close the descriptor itself.
 */
public final class FdWatchers {
  private Hub hub;
  private IoWatcher read;
  private IoWatcher write;
  /** Temporary watchers being waited on, each with its hub; guarded by this. */
  private final List<Temporary> temporaries = new ArrayList<>(1);
  /** Set by {@link #close}: what a later {@link #await} throws; guarded by this. */
  private Supplier<? extends Throwable> closed;

  private record Temporary(Hub hub, IoWatcher watcher) {}

  /** Nothing armed yet. */
  public FdWatchers() {}

  /**
   * Waits until {@code fd} is ready for {@code events} ({@link Watcher#READ} or
   * {@link Watcher#WRITE}) or {@code seconds} pass; cooperatively in a greenlet, through the
   * thread's hub on a plain thread.
   *
   * @return the events that fired ({@link Watcher#ERROR} among them when the descriptor was
   *     closed meanwhile through {@code Posix.close}); 0 when the time passed
   * @throws IllegalStateException when another greenlet already waits for the same events on
   *     this hub (the hub's message says "already waited on")
   * @throws Throwable (undeclared) the error given to {@link #close}, when closed before or during the wait
   */
  public int await(int fd, int events, double seconds) {
    Hub current = Hub.current();
    Temporary temporary = null;
    IoWatcher w;
    synchronized (this) {
      if (closed != null) throw sneaky(closed.get());
      w = watcher(current, fd, events);
      if (w != read && w != write) {
        temporary = new Temporary(current, w);
        temporaries.add(temporary);
      }
    }
    try {
      return temporary != null ? current.wait(w, seconds) : current.waitArmed(w, seconds);
    } finally {
      if (temporary != null) {
        synchronized (this) {
          temporaries.remove(temporary);
        }
        w.close();
      }
    }
  }

  /** Guarded by this. */
  private IoWatcher watcher(Hub current, int fd, int events) {
    if (hub == null || hub.isClosed()) {
      hub = current;
      read = null;
      write = null;
    }
    if (hub != current || (events != Watcher.READ && events != Watcher.WRITE)) return current.loop().io(fd, events);
    if (events == Watcher.READ) {
      if (read == null) read = current.loop().io(fd, Watcher.READ);
      return read;
    }
    if (write == null) write = current.loop().io(fd, Watcher.WRITE);
    return write;
  }

  /**
   * Frees the armed watchers and wakes whoever waits, on any hub, with a new {@code error}: at
   * once on the caller's own hub, else soon through the waiter's hub (a closed hub freed its
   * watchers already). Call it before closing the descriptor. From then on {@link #await}
   * throws a new {@code error} at once. Idempotent (a second call changes nothing); any thread.
   */
  public void close(Supplier<? extends Throwable> error) {
    Hub owner;
    IoWatcher r;
    IoWatcher w;
    List<Temporary> waiting;
    synchronized (this) {
      if (closed != null) return;
      closed = error;
      owner = hub;
      r = read;
      w = write;
      hub = null;
      read = null;
      write = null;
      waiting = List.copyOf(temporaries);
    }
    // a temporary watcher is closed by its waiter, once woken
    for (Temporary t : waiting) onHub(t.hub(), () -> t.hub().cancelWait(t.watcher(), error.get()));
    if (owner == null || (r == null && w == null)) return;
    onHub(owner, () -> {
      for (IoWatcher watcher : new IoWatcher[] {r, w}) {
        if (watcher == null || watcher.isClosed()) continue;
        owner.cancelWait(watcher, error.get());
        watcher.close();
      }
    });
  }

  /** Runs {@code task} on {@code hub}: now when it is the caller's, else soon; not at all when it closed. */
  private static void onHub(Hub hub, Runnable task) {
    if (hub.isClosed()) return;
    if (hub.isCurrent()) {
      task.run();
      return;
    }
    try {
      hub.callSoon(task);
    } catch (IllegalStateException closedMeanwhile) {
      // the hub closed: its loop freed the watchers, and its waiters never resume
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }
}
