package io.gevent4j.hub;

/**
 * A blocking call made where blocking is impossible: inside a hub callback ({@code callSoon},
 * a watcher callback, a rawlink), which runs on the hub itself (gevent's
 * {@code BlockingSwitchOutError}).
 */
public class BlockingSwitchOutError extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * An error whose message says what would have blocked.
   *
   * @param message what blocked
   */
  public BlockingSwitchOutError(String message) {
    super(message);
  }
}
