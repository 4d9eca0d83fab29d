package io.gevent4j.greenlet;

import io.gevent4j.hub.Linkable;
import io.gevent4j.hub.internal.WaitQueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Collects objects in the order they become ready, through their rawlinks: what
 * {@code waitAll} and {@code iwait} wait on (gevent's {@code _WaitIterator}).
 */
final class ReadyCollector<W> implements AutoCloseable {
  private final ConcurrentLinkedQueue<W> ready = new ConcurrentLinkedQueue<>();
  private final WaitQueue signal = new WaitQueue();
  private final List<Linkable> linked = new ArrayList<>();
  private final List<Runnable> callbacks = new ArrayList<>();
  private int remaining;

  ReadyCollector(Collection<W> objects) {
    boolean shared = false;
    for (W o : objects) {
      if (!(o instanceof Linkable) && !(o instanceof java.util.concurrent.CompletionStage<?>)) {
        throw new IllegalArgumentException(
            "cannot wait on " + o + ": not a Greenlet, Event, AsyncResult, Semaphore or CompletionStage");
      }
    }
    for (W o : objects) {
      if (o instanceof java.util.concurrent.CompletionStage<?> stage && !(o instanceof Linkable)) {
        // a future completes on its own thread: the wait is shared (no LoopExit), as a JDK wait
        shared = true;
        stage.whenComplete((v, e) -> {
          ready.add(o);
          signal.wakeOne(null);
        });
        continue;
      }
      Linkable l = (Linkable) o;
      shared |= l.isShared();
      Runnable callback = () -> {
        ready.add(o);
        signal.wakeOne(null);
      };
      linked.add(l);
      callbacks.add(callback);
      l.rawlink(callback);
    }
    if (shared) signal.markShared();
    remaining = objects.size();
  }

  /**
   * The next object to become ready, or null when none is left or the deadline passed.
   *
   * @param deadline in System.nanoTime() terms; Long.MAX_VALUE for none
   */
  W next(long deadline) {
    if (remaining == 0) return null;
    while (true) {
      W w = ready.poll();
      if (w != null) {
        remaining--;
        return w;
      }
      WaitQueue.Ticket ticket = signal.enqueue(null, "waitAll/iwait", "one of its objects to be ready");
      if (!ready.isEmpty()) {
        ticket.cancel();
        continue;
      }
      double timeout = deadline == Long.MAX_VALUE ? Double.POSITIVE_INFINITY
          : Math.max(0, (deadline - System.nanoTime()) / 1e9);
      if (!ticket.await(timeout) && ready.isEmpty()) return null;
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < linked.size(); i++) linked.get(i).unlink(callbacks.get(i));
  }
}
