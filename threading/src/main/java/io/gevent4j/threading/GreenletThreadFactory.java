package io.gevent4j.threading;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.hub.internal.HubAccess;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link ThreadFactory} of {@link GreenletExecutors#threadFactory}: each thread is the
 * virtual thread of a raw greenlet of one hub (the hub's own, made as {@code Hub.execute}
 * makes them), handed out unstarted.
 */
final class GreenletThreadFactory implements ThreadFactory {
  private static final AtomicLong IDS = new AtomicLong();

  private final Hub hub;
  private final String prefix;
  private final AtomicLong count = new AtomicLong();

  GreenletThreadFactory(Hub hub) {
    this.hub = Objects.requireNonNull(hub, "hub");
    if (hub.isClosed()) {
      throw new IllegalStateException("cannot make a thread factory for hub " + hub.owner().getName() + ": it is closed");
    }
    this.prefix = "greenlet-thread-" + IDS.incrementAndGet() + "-";
  }

  /**
   * A thread that runs {@code task} as a greenlet of the hub once started.
   *
   * @throws RejectedExecutionException when the hub is closed
   * @throws NullPointerException when {@code task} is null
   */
  @Override
  public Thread newThread(Runnable task) {
    Objects.requireNonNull(task, "task");
    try {
      RawGreenlet g = hub.newGreenlet(task, prefix + count.incrementAndGet());
      return HubAccess.get().unstartedThread(g);
    } catch (IllegalStateException closed) {
      if (!hub.isClosed()) throw closed;
      throw new RejectedExecutionException("cannot make a thread for " + task + ": hub " + hub.owner().getName() + " is closed",
          closed);
    }
  }

  @Override
  public String toString() {
    return "GreenletThreadFactory[hub " + hub.owner().getName() + ", " + count.get() + " threads]";
  }
}
