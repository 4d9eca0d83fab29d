package io.gevent4j.hub.internal;

import io.gevent4j.hub.Hub;
import io.gevent4j.loop.IoWatcher;
import io.gevent4j.loop.Watcher;
import java.util.function.Supplier;

/**
 * How the owner of a descriptor (a socket, a child's pipe) waits on it: a read and a write
 * watcher kept armed on the hub that waited first, so that a wait costs no {@code epoll_ctl}, and
 * a temporary watcher on any other hub. Not thread-safe beyond what {@link #await} and
 * {@link #close} promise: one reader and one writer may wait at once, from any hub.
 */
public final class FdWatchers {
  private Hub hub;
  private IoWatcher read;
  private IoWatcher write;

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
   */
  public int await(int fd, int events, double seconds) {
    Hub current = Hub.current();
    IoWatcher w = watcher(current, fd, events);
    boolean temporary = w != read && w != write;
    try {
      return temporary ? current.wait(w, seconds) : current.waitArmed(w, seconds);
    } finally {
      if (temporary) w.close();
    }
  }

  private synchronized IoWatcher watcher(Hub current, int fd, int events) {
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
   * Frees the armed watchers, waking whoever waits on them with a new {@code error}: at once on their
   * hub's threads, else soon through the hub (a closed hub freed them already). Call it before
   * closing the descriptor. Idempotent; any thread.
   */
  public void close(Supplier<? extends Throwable> error) {
    Hub owner;
    IoWatcher r;
    IoWatcher w;
    synchronized (this) {
      owner = hub;
      r = read;
      w = write;
      hub = null;
      read = null;
      write = null;
    }
    if (owner == null || owner.isClosed() || (r == null && w == null)) return;
    Runnable release = () -> {
      for (IoWatcher watcher : new IoWatcher[] {r, w}) {
        if (watcher == null || watcher.isClosed()) continue;
        owner.cancelWait(watcher, error.get());
        watcher.close();
      }
    };
    if (owner.isCurrent()) {
      release.run();
    } else {
      try {
        owner.callSoon(release);
      } catch (IllegalStateException closedMeanwhile) {
        // the hub closed: its loop freed the watchers
      }
    }
  }
}
