package io.gevent4j.hub;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Platform threads for what would block the hub: file I/O, native calls, CPU-heavy work
 * (gevent's {@code gevent.threadpool.ThreadPool}). Results come back to the waiting greenlet
 * through its hub's thread-safe submission; a task in flight keeps that hub alive.
 */
public final class ThreadPool implements AutoCloseable {
  private static final AtomicInteger POOLS = new AtomicInteger();
  /** The pool whose worker this thread is. */
  private static final ThreadLocal<ThreadPool> WORKER_OF = new ThreadLocal<>();

  private final int maxsize;
  private final ThreadPoolExecutor executor;
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();

  /**
   * A pool of at most {@code maxsize} threads, started on demand and ended after 60 s idle.
   *
   * @param maxsize the most threads it runs at once
   * @throws IllegalArgumentException when {@code maxsize <= 0}
   */
  public ThreadPool(int maxsize) {
    if (maxsize <= 0) throw new IllegalArgumentException("a thread pool needs maxsize > 0, not " + maxsize);
    this.maxsize = maxsize;
    int pool = POOLS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory = r -> Thread.ofPlatform().daemon(true)
        .name("gevent4j-threadpool-" + pool + "-" + threads.incrementAndGet()).unstarted(() -> {
          WORKER_OF.set(this);
          r.run();
        });
    this.executor = new ThreadPoolExecutor(maxsize, maxsize, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory) {
      @Override
      protected void terminated() {
        terminated.complete(null);
      }
    };
    executor.allowCoreThreadTimeOut(true);
  }

  /** {@return the most threads it runs at once} */
  public int maxsize() {
    return maxsize;
  }

  /**
   * Runs {@code task} on a pool thread (gevent's {@code spawn}); any thread may call. When called
   * on a hub, the task keeps that hub alive until its result is back there.
   *
   * @param <T> the task's value type
   * @param task what to run
   * @return completed on the pool thread with the task's value or failure
   * @throws java.util.concurrent.RejectedExecutionException after {@link #close()}
   */
  public <T> CompletableFuture<T> spawn(Callable<T> task) {
    Objects.requireNonNull(task, "task");
    CompletableFuture<T> future = new HubFuture<>();
    Hub hub = currentHubOrNull();
    if (hub != null) hub.keepAlive(1);
    try {
      executor.execute(() -> {
        try {
          future.complete(task.call());
        } catch (Throwable t) {
          future.completeExceptionally(t);
        } finally {
          if (hub != null) release(hub);
        }
      });
    } catch (RuntimeException e) {
      if (hub != null) hub.keepAlive(-1);
      throw e;
    }
    return future;
  }

  private static void release(Hub hub) {
    try {
      hub.callSoon(() -> hub.keepAlive(-1));
    } catch (IllegalStateException closed) {
      // the hub closed meanwhile: nothing to keep alive
    }
  }

  private static Hub currentHubOrNull() {
    RawGreenlet g = RawGreenlet.current();
    if (g != null) return g.hub;
    // a pool's worker waits as a plain thread: it gets no hub of its own for it
    return Thread.currentThread().isVirtual() || WORKER_OF.get() != null ? null : Hub.current();
  }

  /**
   * Runs {@code task} on a pool thread and waits for it cooperatively (gevent's {@code apply}).
   * Called from one of this pool's own threads, it runs {@code task} right there, as gevent's
   * does: a full pool would otherwise wait for itself.
   *
   * @param <T> the task's value type
   * @param task what to run
   * @return its value
   * @throws RuntimeException its failure: unchecked as is, checked in a CompletionException
   */
  public <T> T apply(Callable<T> task) {
    Objects.requireNonNull(task, "task");
    if (WORKER_OF.get() == this) {
      try {
        return task.call();
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }
    return Hub.await(spawn(task));
  }

  /** Stops taking tasks and waits (cooperatively) for those running to end. Idempotent. */
  @Override
  public void close() {
    executor.shutdown();
    if (executor.isTerminated()) return;
    if (RawGreenlet.current() != null) {
      Hub.await(terminated);
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        if (executor.awaitTermination(1, TimeUnit.DAYS)) break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  @Override
  public String toString() {
    return "ThreadPool(maxsize " + maxsize + ", " + executor.getActiveCount() + " busy)";
  }
}
