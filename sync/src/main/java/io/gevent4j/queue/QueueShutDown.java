package io.gevent4j.queue;

/**
 * The queue was {@linkplain Queue#shutdown(boolean) shut down} (gevent's
 * {@code gevent.queue.ShutDown}, Python 3.13's {@code queue.ShutDown}): thrown by every put
 * after the shutdown and to putters blocked when it came, and by gets once nothing is left to
 * drain (at once after an immediate shutdown).
 */
public class QueueShutDown extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception without a message. */
  public QueueShutDown() {
    super();
  }

  /**
   * An exception that says what was refused.
   *
   * @param message what was refused
   */
  public QueueShutDown(String message) {
    super(message);
  }
}
