package io.gevent4j.bench;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.hub.Hub;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A platform thread that owns a hub on one backend and runs each job in a greenlet of that hub,
 * so that gevent4j's variants run on libev and libuv side by side in one JVM (the subprocess and
 * DNS benchmarks). The thread is the
 * hub's owner (gevent's main greenlet): it spawns the job's greenlet and joins it, one hand-off
 * per job; everything the job does happens in greenlets.
 */
public final class HubThread {
  private final BlockingQueue<Runnable> jobs = new LinkedBlockingQueue<>();
  private final String backend;

  /**
   * Starts the thread and its hub on {@code backend} ({@code gevent.loop}, read when the hub is
   * made: the property is set, the hub made and the property restored before this returns).
   */
  public HubThread(String backend) {
    String before = System.getProperty("gevent.loop");
    System.setProperty("gevent.loop", backend);
    try {
      CompletableFuture<String> made = new CompletableFuture<>();
      Thread.ofPlatform().daemon().name("hub-owner-" + backend).start(() -> {
        try {
          made.complete(Hub.current().backend());
        } catch (Throwable e) {
          made.completeExceptionally(e);
          return;
        }
        while (true) {
          try {
            jobs.take().run();
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      String actual = made.join();
      if (!actual.startsWith(backend + ":")) throw new IllegalStateException("asked for " + backend + ", got " + actual);
      this.backend = actual;
    } finally {
      if (before == null) System.clearProperty("gevent.loop");
      else System.setProperty("gevent.loop", before);
    }
  }

  /** The hub's backend and its version, e.g. {@code libev:4.33}. */
  public String backend() {
    return backend;
  }

  /** Runs {@code body} in a greenlet of this hub and returns its result; blocks the caller. */
  public <T> T call(Callable<T> body) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    jobs.add(() -> {
      try {
        result.complete(Gevent.spawn(body).get());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    try {
      return result.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) throw cause;
      throw e;
    }
  }
}
