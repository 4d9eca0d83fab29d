package io.gevent4j.hub;

/**
 * A wait the hub can prove will never end: nothing is ready, no referenced watcher is
 * active, and no work is in flight on other threads (gevent's {@code LoopExit}). Thrown
 * instead of hanging.
 */
public class LoopExit extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * A LoopExit whose message says what was waited for.
   *
   * @param message what was being waited for
   */
  public LoopExit(String message) {
    super(message);
  }
}
