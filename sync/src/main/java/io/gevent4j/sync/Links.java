package io.gevent4j.sync;

import io.gevent4j.hub.Hub;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The rawlinks of one object: one-shot callbacks, each run on the hub that added it. Guarded
 * by the owner's lock: {@link #add}, {@link #remove} and {@link #due} are called with it held;
 * {@link #schedule} without it.
 */
final class Links {
  private final Object lock;
  private final BooleanSupplier stillReady;
  private final ArrayList<Link> links = new ArrayList<>(0);

  /**
   * @param lock the owner's lock
   * @param stillReady when not null, checked under the lock as each link is about to run: a link
   *     that finds the object no longer ready stays linked for the next time (gevent notifies a
   *     semaphore's links only while it is ready); when null, every due link runs (an event
   *     notifies everyone linked when it was set, even if cleared since)
   */
  Links(Object lock, BooleanSupplier stillReady) {
    this.lock = lock;
    this.stillReady = stillReady;
  }

  /** One link: its callback and the hub to run it on. */
  final class Link implements Runnable {
    private final Runnable callback;
    private final Hub hub;
    private boolean scheduled;

    private Link(Runnable callback, Hub hub) {
      this.callback = callback;
      this.hub = hub;
    }

    @Override
    public void run() {
      synchronized (lock) {
        if (!scheduled) return; // unlinked meanwhile
        if (stillReady != null && !stillReady.getAsBoolean()) {
          scheduled = false; // not ready any more: wait for the next time
          return;
        }
        scheduled = false;
        links.remove(this);
      }
      callback.run();
    }
  }

  /**
   * Adds a link on the caller's hub; under the owner's lock.
   *
   * @param readyNow true when the object is ready: the link is then returned, due at once
   * @return the link to {@link #schedule} when {@code readyNow}, else null
   */
  List<Link> add(Runnable callback, boolean readyNow) {
    Objects.requireNonNull(callback, "callback");
    Link link = new Link(callback, Hub.current());
    links.add(link);
    if (!readyNow) return null;
    link.scheduled = true;
    return List.of(link);
  }

  /** Removes the first link to {@code callback} not run yet; under the owner's lock. */
  void remove(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    for (int i = 0; i < links.size(); i++) {
      Link link = links.get(i);
      if (link.callback.equals(callback)) {
        link.scheduled = false;
        links.remove(i);
        return;
      }
    }
  }

  /** The links not scheduled yet, now marked scheduled; under the owner's lock. */
  List<Link> due() {
    if (links.isEmpty()) return List.of();
    List<Link> due = new ArrayList<>(links.size());
    for (Link link : links) {
      if (!link.scheduled) {
        link.scheduled = true;
        due.add(link);
      }
    }
    return due;
  }

  /** Hands each link to its hub; without the owner's lock. A closed hub's link is dropped. */
  void schedule(List<Link> due) {
    if (due == null) return;
    for (Link link : due) {
      try {
        link.hub.callSoon(link);
      } catch (IllegalStateException closed) {
        synchronized (lock) {
          link.scheduled = false;
          links.remove(link);
        }
      }
    }
  }

  /** Links not run yet; under the owner's lock. */
  int size() {
    return links.size();
  }
}
