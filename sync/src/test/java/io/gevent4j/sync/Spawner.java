package io.gevent4j.sync;

import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Spawns raw greenlets whose failures (a failed assertion, say) are kept for the test instead
 * of only being logged by the hub; {@link #check()} rethrows them. A kill is not a failure.
 */
final class Spawner {
  @FunctionalInterface
  interface Body {
    void run() throws Exception;
  }

  private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

  /** Starts a greenlet on the current thread's hub. */
  RawGreenlet spawn(String name, Body body) {
    return spawn(Hub.current(), name, body);
  }

  /** Starts a greenlet on {@code hub}. */
  RawGreenlet spawn(Hub hub, String name, Body body) {
    return hub.newGreenlet(() -> {
      try {
        body.run();
      } catch (GreenletExit e) {
        throw e;
      } catch (Throwable t) {
        failures.add(t);
      }
    }, name).start();
  }

  /** Keeps a failure seen outside a greenlet (another thread's). */
  void fail(Throwable t) {
    failures.add(t);
  }

  /** Rethrows what failed, the first one with the others suppressed. */
  void check() {
    Throwable first = failures.poll();
    if (first == null) return;
    AssertionError e = new AssertionError("a greenlet or thread failed: " + first, first);
    for (Throwable t; (t = failures.poll()) != null; ) e.addSuppressed(t);
    throw e;
  }
}
