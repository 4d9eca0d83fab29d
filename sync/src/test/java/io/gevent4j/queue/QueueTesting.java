package io.gevent4j.queue;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Greenlets and hub threads for the queue tests. */
final class QueueTesting {
  private QueueTesting() {}

  /** A body that may throw. */
  @FunctionalInterface
  interface Body {
    void run() throws Exception;
  }

  /** A hub body that may throw. */
  @FunctionalInterface
  interface HubBody {
    void run(Hub hub) throws Exception;
  }

  /** Starts a greenlet on {@code hub}; what its body throws becomes its failure. */
  static RawGreenlet spawn(Hub hub, String name, Body body) {
    return hub.newGreenlet(() -> {
      try {
        body.run();
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, name).start();
  }

  /** Runs {@code body} in a greenlet and returns its result as a future. */
  static <T> CompletableFuture<T> spawnResult(Hub hub, String name, Callable<T> body) {
    CompletableFuture<T> result = new CompletableFuture<>();
    hub.newGreenlet(() -> {
      try {
        result.complete(body.call());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }, name).start();
    return result;
  }

  /** Each greenlet has ended without a failure. */
  static void assertSucceeded(RawGreenlet... greenlets) {
    for (RawGreenlet g : greenlets) {
      assertTrue(g.dead(), g + " has not ended");
      assertNull(g.failure(), g + " failed");
    }
  }

  /**
   * Runs {@code body} on a new platform thread with a hub of its own, then runs that hub until
   * its greenlets have ended and closes it. The future completes after the hub is closed.
   */
  static CompletableFuture<Void> onOwnHub(String name, HubBody body) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread.ofPlatform().name(name).start(() -> {
      Throwable failure = null;
      Hub hub = Hub.current();
      try {
        body.run(hub);
        if (!hub.join(60)) throw new AssertionError(name + ": greenlets still running: " + hub.liveGreenlets());
      } catch (Throwable e) {
        failure = e;
      } finally {
        try {
          hub.close();
        } catch (Throwable e) {
          if (failure == null) failure = e;
        }
      }
      if (failure != null) done.completeExceptionally(failure);
      else done.complete(null);
    });
    return done;
  }

  /** Seconds since {@code startNanos}. */
  static double since(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
