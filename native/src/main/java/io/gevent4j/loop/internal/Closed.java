package io.gevent4j.loop.internal;

import java.io.Serial;
import java.nio.channels.ClosedChannelException;

/**
 * A {@link ClosedChannelException} that says what was closed and which call found it so: the
 * JDK's carries no message.
 */
public final class Closed extends ClosedChannelException {
  @Serial private static final long serialVersionUID = 1L;
  private final String message;

  /** @param message e.g. {@code "Socket(fd 7) is closed: recv"} */
  public Closed(String message) {
    this.message = message;
  }

  @Override
  public String getMessage() {
    return message;
  }
}
