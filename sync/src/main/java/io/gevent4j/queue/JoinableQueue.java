package io.gevent4j.queue;

import io.gevent4j.hub.internal.WaitQueue;

/**
 * A FIFO queue that counts unfinished tasks (gevent's {@code gevent.queue.JoinableQueue},
 * the {@code Queue} of gevent HEAD): every item a put admits is a task, {@link #taskDone()}
 * finishes one, {@link #join()} waits until none is left. Items a shutdown with
 * {@code immediate} drops, or that {@link #remove(Object)}, {@link #clear()} or an iterator's
 * {@code remove()} take out, count as done; items got by {@code get}, {@code poll} or
 * {@code drainTo} are the consumer's to finish. Waiting, fairness, shutdown and threads as in
 * {@link Queue}.
 *
 * @param <T> the items
 */
public class JoinableQueue<T> extends Queue<T> {
  private final WaitQueue joiners = new WaitQueue();
  private int unfinished;

  /** An unbounded joinable queue; {@link #maxsize()} is -1. */
  public JoinableQueue() {
    this(-1);
  }

  /**
   * A joinable queue of at most {@code maxsize} items.
   *
   * @param maxsize the bound; {@code <= 0} means unbounded
   */
  public JoinableQueue(int maxsize) {
    super(maxsize, Store.fifo(maxsize));
  }

  @Override
  void admittedLocked() {
    unfinished++;
  }

  @Override
  void droppedLocked(int n, Op op) {
    doneLocked(n, op);
  }

  private void doneLocked(int n, Op op) {
    unfinished -= n;
    if (unfinished == 0) op.signalLater(joiners.claimAll(null));
  }

  /**
   * Marks one task done (gevent's {@code task_done()}): the consumer of an item calls it when
   * it has finished with it; the last one ends every {@link #join}. Never waits; any thread.
   *
   * @throws IllegalStateException when called more times than items were put (gevent's
   *     ValueError)
   */
  public void taskDone() {
    touch();
    Op op = new Op();
    synchronized (lock) {
      if (unfinished <= 0) throw new IllegalStateException("taskDone() called more times than items were put");
      doneLocked(1, op);
    }
    op.signal();
  }

  /**
   * Waits until every task is done (gevent's {@code join()}): returns at once when none is
   * unfinished. Waits cooperatively; any greenlet or platform thread may call.
   *
   * @throws io.gevent4j.hub.LoopExit when nothing can ever finish the tasks (a plain thread
   *     joining a queue no other thread or hub uses, with nothing else in flight)
   */
  public void join() {
    join(Double.POSITIVE_INFINITY);
  }

  /**
   * Waits up to {@code timeout} seconds until every task is done (gevent's
   * {@code join(timeout)}). Waits cooperatively; any greenlet or platform thread may call.
   *
   * @param timeout the longest wait, in seconds; infinity waits as long as it takes
   * @return true when none is unfinished, false when the timeout came first
   * @throws IllegalArgumentException for a negative or NaN timeout
   */
  public boolean join(double timeout) {
    checkTimeout(timeout);
    touch();
    WaitQueue.Ticket t;
    synchronized (lock) {
      if (unfinished == 0) return true;
      if (timeout == 0) return false;
      t = enqueueLocked(joiners, null);
    }
    return t.await(timeout);
  }

  /** {@return the tasks put and not yet done (gevent's {@code unfinished_tasks})} Any thread. */
  public int unfinishedTasks() {
    synchronized (lock) {
      return unfinished;
    }
  }
}
