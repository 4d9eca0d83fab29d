package io.gevent4j.hub;

/**
 * Thrown into a greenlet to end it (gevent's {@code GreenletExit}): a greenlet that ends with
 * it counts as a success. An {@link Error}, as {@code java.lang.ThreadDeath} was and as gevent's
 * is a {@code BaseException}, so {@code catch (Exception e)} does not swallow it.
 */
public class GreenletExit extends Error {
  private static final long serialVersionUID = 1L;

  /** A GreenletExit without a message. */
  public GreenletExit() {
    super(null, null, false, false);
  }

  /**
   * A GreenletExit with a message.
   *
   * @param message why the greenlet is asked to exit
   */
  public GreenletExit(String message) {
    super(message, null, false, false);
  }
}
