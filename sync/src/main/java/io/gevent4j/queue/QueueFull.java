package io.gevent4j.queue;

/**
 * No room came in time: thrown by {@link Queue#put(Object, double)} and
 * {@link Queue#putNowait(Object)} (gevent's {@code gevent.queue.Full}, the standard library's
 * {@code queue.Full}); on a {@link Channel}, no getter took the item in time.
 */
public class QueueFull extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception without a message. */
  public QueueFull() {
    super();
  }

  /**
   * An exception that says what was waited for.
   *
   * @param message what was waited for
   */
  public QueueFull(String message) {
    super(message);
  }
}
