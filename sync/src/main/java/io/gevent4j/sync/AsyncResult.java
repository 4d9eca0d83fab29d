package io.gevent4j.sync;

import io.gevent4j.hub.Timeout;
import io.gevent4j.hub.internal.WaitQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A value or a failure that greenlets and threads wait for (gevent's
 * {@code gevent.event.AsyncResult}): one side calls {@link #set} or {@link #setException},
 * the others {@link #get()} it.
 *
 * <pre>{@code
 * AsyncResult<String> r = new AsyncResult<>();
 * spawn(() -> r.set(fetch()));
 * String body = r.get(5.0);          // Timeout after 5 s
 * }</pre>
 *
 * <p>{@code get()} follows gevent, not {@link java.util.concurrent.Future}: it returns the value
 * or rethrows the failure itself (unchecked as is, checked in a {@link CompletionException}).
 * That is why this class does not implement {@code Future}; {@link #toCompletableFuture()} is
 * the bridge. As in gevent, a second {@code set} or {@code setException} replaces the outcome
 * (futures already handed out keep the first one).
 *
 * <p><b>Threads and hubs.</b> As {@link Event}: any greenlet or platform thread on any hub may
 * call any method; waiters wake first come first served, through their own hub; an endless
 * wait nothing can end is a {@link io.gevent4j.hub.LoopExit} until another thread or hub has
 * used the result (or {@link #markShared()}).
 *
 * @param <T> the value's type
 */
public final class AsyncResult<T> extends AbstractLinkable {
  /** Null until set; replaced as a whole, so readers never see half of two outcomes. */
  private volatile Outcome<T> outcome;
  /** Futures handed out before the outcome; guarded by lock. */
  private List<CompletableFuture<T>> futures;

  /** An empty result. */
  public AsyncResult() {
    super(false);
  }

  /**
   * Stores {@code value} (may be null), wakes every waiter and schedules the rawlinks (gevent's
   * {@code set(value)}). Replaces an earlier outcome. Never blocks; any thread may call.
   *
   * @param value the value; may be null
   */
  public void set(T value) {
    complete(value, null);
  }

  /**
   * Stores {@code error} as the outcome, wakes every waiter and schedules the rawlinks (gevent's
   * {@code set_exception}). Replaces an earlier outcome. Never blocks; any thread may call.
   *
   * @param error the failure to store
   * @throws NullPointerException when {@code error} is null
   */
  public void setException(Throwable error) {
    complete(null, Objects.requireNonNull(error, "error"));
  }

  private void complete(T v, Throwable error) {
    List<WaitQueue.Ticket> woken;
    List<Links.Link> due;
    List<CompletableFuture<T>> toComplete;
    synchronized (lock) {
      outcome = new Outcome<>(v, error);
      woken = waiters.claimAll(null);
      due = links.due();
      toComplete = futures;
      futures = null;
    }
    for (WaitQueue.Ticket t : woken) t.signal();
    links.schedule(due);
    if (toComplete != null) {
      for (CompletableFuture<T> f : toComplete) {
        if (error != null) f.completeExceptionally(error);
        else f.complete(v);
      }
    }
  }

  /**
   * The value, waiting as long as it takes (gevent's {@code get()}). Blocks cooperatively unless
   * ready.
   *
   * @return the value
   * @throws RuntimeException the stored failure: unchecked ones (and errors) as they are,
   *     checked ones in a {@link CompletionException}
   * @throws io.gevent4j.hub.LoopExit when nothing can ever set it
   * @throws io.gevent4j.hub.BlockingSwitchOutError inside a hub callback, when it would wait
   */
  public T get() {
    await();
    return result();
  }

  /**
   * The value, waiting up to {@code timeout} seconds (gevent's {@code get(timeout=...)});
   * {@code get(0)} does not wait. Blocks cooperatively unless ready.
   *
   * @param timeout the longest wait, in seconds; 0 does not wait
   * @return the value
   * @throws Timeout when not ready in time
   * @throws IllegalArgumentException for a negative or NaN timeout
   * @throws RuntimeException the stored failure, as {@link #get()}
   */
  public T get(double timeout) {
    if (!await(timeout)) throw new Timeout(timeout);
    return result();
  }

  /**
   * The value now, or a {@link Timeout} when not ready (gevent's {@code get_nowait()}). Never
   * blocks.
   *
   * @return the value
   * @throws RuntimeException the stored failure, as {@link #get()}
   */
  public T getNowait() {
    return get(0);
  }

  private T result() {
    Outcome<T> o = outcome;
    Throwable e = o.failure();
    if (e == null) return o.value();
    if (e instanceof RuntimeException r) throw r;
    if (e instanceof Error err) throw err;
    throw new CompletionException(e);
  }

  /**
   * Waits until ready, as long as it takes (gevent's {@code wait()}); never throws the stored
   * failure. Blocks cooperatively.
   *
   * @throws io.gevent4j.hub.LoopExit when nothing can ever set it
   */
  public void await() {
    await(Seconds.FOREVER);
  }

  /**
   * Waits until ready or {@code timeout} seconds pass (gevent's {@code wait(timeout)}); never
   * throws the stored failure. {@code 0} does not wait. Blocks cooperatively.
   *
   * @param timeout the longest wait, in seconds; 0 does not wait
   * @return true when ready (a value or a failure), false on timeout
   * @throws IllegalArgumentException for a negative or NaN timeout
   * @throws io.gevent4j.hub.LoopExit when nothing can ever set it
   * @throws io.gevent4j.hub.BlockingSwitchOutError inside a hub callback, when it would wait
   */
  public boolean await(double timeout) {
    Seconds.check(timeout);
    WaitQueue.Ticket ticket;
    synchronized (lock) {
      if (outcome != null) return true;
      if (timeout == 0) return false;
      ticket = waiters.enqueue(null, this, "a value");
    }
    return ticket.await(timeout);
  }

  /** True once set, with a value or a failure (gevent's {@code ready()}). Never blocks. */
  @Override
  public boolean ready() {
    return outcome != null;
  }

  /** {@return true when set with a value (gevent's {@code successful()})} Never blocks. */
  public boolean successful() {
    Outcome<T> o = outcome;
    return o != null && o.failure() == null;
  }

  /**
   * {@return the value; null while not ready or after a failure (gevent's {@code value})} Never
   * blocks.
   */
  public T value() {
    Outcome<T> o = outcome;
    return o != null ? o.value() : null;
  }

  /**
   * {@return the failure; null while not ready or after a value (gevent's {@code exception})} Never
   * blocks.
   */
  public Throwable exception() {
    Outcome<T> o = outcome;
    return o != null ? o.failure() : null;
  }

  /**
   * A {@link CompletableFuture} completed with the outcome: at once when ready, else by the
   * {@code set}/{@code setException} call, in the setter's thread (dependent stages run there,
   * as with any future). A new future each call: completing or cancelling it does not change
   * this result. Never blocks; any thread may call.
   *
   * @return a new future that completes with this result's outcome
   */
  public CompletableFuture<T> toCompletableFuture() {
    Outcome<T> o;
    synchronized (lock) {
      o = outcome;
      if (o == null) {
        CompletableFuture<T> f = new io.gevent4j.hub.HubFuture<>();
        if (futures == null) futures = new ArrayList<>(1);
        futures.add(f);
        return f;
      }
    }
    return o.failure() != null ? CompletableFuture.failedFuture(o.failure()) : CompletableFuture.completedFuture(o.value());
  }

  /**
   * Makes waits on this result keep their hub alive, as if another thread had used it already:
   * for a result that a thread or hub which has not touched it yet will set. Returns this.
   *
   * @return this result
   */
  public AsyncResult<T> markShared() {
    waiters.markShared();
    return this;
  }

  private record Outcome<T>(T value, Throwable failure) {}

  @Override
  public String toString() {
    Outcome<T> o = outcome;
    return "AsyncResult(" + (o == null ? "not ready" : o.failure() != null ? "failed: " + o.failure() : "value: " + o.value()) + ")";
  }
}
