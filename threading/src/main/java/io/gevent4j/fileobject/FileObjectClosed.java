package io.gevent4j.fileobject;

import java.io.Serial;
import java.nio.channels.ClosedChannelException;

/**
 * A file object was used after {@code close()}, or closed while an operation waited (gevent's
 * {@code gevent.fileobject.FileObjectClosed}, an {@code IOError(EBADF)}): a
 * {@link ClosedChannelException}, as the JDK's channels throw, that says which object and which
 * call.
 */
public final class FileObjectClosed extends ClosedChannelException {
  @Serial private static final long serialVersionUID = 1L;
  /** What was closed and which call found it so. */
  private final String message;

  /**
   * An exception saying what was closed.
   *
   * @param message e.g. {@code "FileObjectThread(/tmp/a, 'r') is closed: read"}
   */
  public FileObjectClosed(String message) {
    this.message = message;
  }

  @Override
  public String getMessage() {
    return message;
  }
}
