package io.gevent4j.queue;

/**
 * No item came in time: thrown by {@link Queue#get(double)}, {@link Queue#getNowait()} and
 * {@link Queue#peek(double)} (gevent's {@code gevent.queue.Empty}, the standard library's
 * {@code queue.Empty}). Not a {@link io.gevent4j.hub.Timeout}: a queue's own timeout raises this.
 */
public class QueueEmpty extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception without a message. */
  public QueueEmpty() {
    super();
  }

  /**
   * An exception that says what was waited for.
   *
   * @param message what was waited for
   */
  public QueueEmpty(String message) {
    super(message);
  }
}
