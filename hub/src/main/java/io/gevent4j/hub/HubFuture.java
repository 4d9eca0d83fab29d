package io.gevent4j.hub;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link CompletableFuture} whose blocking calls ({@link #get()}, {@link #get(long, TimeUnit)},
 * {@link #join()}) wait cooperatively when the calling thread owns a hub: the hub runs its
 * greenlets meanwhile, so a plain thread can {@code get()} the future of one of its own
 * greenlets. In a greenlet they park it, as any {@code CompletableFuture}'s do; elsewhere they
 * block as the JDK's. Never a {@link LoopExit}: like the JDK's, they wait for whatever will
 * complete the future. Futures made from it ({@code thenApply}...) are HubFutures too.
 *
 * <p>What {@code Greenlet.toCompletableFuture()}, {@code AsyncResult.toCompletableFuture()} and
 * {@link ThreadPool#spawn} return.
 *
 * @param <T> the value's type
 */
public class HubFuture<T> extends CompletableFuture<T> {
  /** An incomplete future. */
  public HubFuture() {}

  /** On a hub's owner thread: waits cooperatively until done, or until {@code seconds} passed. */
  private boolean awaitOnHub(double seconds) throws InterruptedException {
    if (isDone()) return true;
    Hub hub = Hub.ofOwner(Thread.currentThread());
    if (hub == null) return false; // not ours to make cooperative: the JDK's wait
    if (Thread.interrupted()) throw new InterruptedException();
    Thread waiting = Thread.currentThread();
    whenComplete((v, e) -> hub.wake(waiting));
    boolean done = hub.block(this::isDone, seconds, true, this, true);
    if (!done && Thread.interrupted()) throw new InterruptedException();
    return true;
  }

  @Override
  public T get() throws InterruptedException, ExecutionException {
    awaitOnHub(Double.POSITIVE_INFINITY);
    return super.get();
  }

  @Override
  public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
    double seconds = Math.max(0, unit.toNanos(timeout) / 1e9);
    if (Hub.ofOwner(Thread.currentThread()) == null) return super.get(timeout, unit);
    awaitOnHub(seconds);
    if (!isDone()) throw new TimeoutException("not done within " + timeout + " " + unit);
    return super.get();
  }

  @Override
  public T join() {
    try {
      awaitOnHub(Double.POSITIVE_INFINITY);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // join() is not interruptible: the JDK's then waits
    }
    return super.join();
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new HubFuture<>();
  }
}
