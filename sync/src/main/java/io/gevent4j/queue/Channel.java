package io.gevent4j.queue;

/**
 * A rendezvous with no room at all (gevent's {@code gevent.queue.Channel}, the JDK's
 * {@link java.util.concurrent.SynchronousQueue}): {@link #put(Object)} waits until a getter
 * takes the item, {@link #get()} until a putter brings one. {@link #maxsize()} is 0,
 * {@link #qsize()} 0, {@link #full()} always true and {@link #remainingCapacity()} 0.
 *
 * <p>{@link #putNowait} and {@link #offer(Object)} succeed only when a getter is waiting
 * ({@link QueueFull} / false otherwise); {@code put(item, timeout)} with no reader throws
 * {@link QueueFull} at the timeout. {@link #getNowait()}, {@link #poll()} and
 * {@link #drainTo} take the items of waiting putters (which then return), and
 * {@link #peek()} shows the first one; iteration and {@code contains} see nothing, as with
 * {@code SynchronousQueue}. Putters and getters are each served in the order they came.
 *
 * <p>A getter handed an item that is then killed before it returns gives the item to the
 * next getter; with none waiting, the item is kept (qsize 1) for the next get rather than
 * lost. Waiting, shutdown and threads as in {@link Queue}.
 *
 * @param <T> the items
 */
public class Channel<T> extends Queue<T> {
  /** A channel (gevent's {@code Channel()}, whose only allowed maxsize is 1). */
  public Channel() {
    super(Store.fifo(0));
  }

  /**
   * Putters waiting minus getters waiting (gevent's {@code balance}): positive while items wait
   * for getters, negative while getters wait for items. Any thread.
   */
  @Override
  public int balance() {
    return super.balance();
  }
}
