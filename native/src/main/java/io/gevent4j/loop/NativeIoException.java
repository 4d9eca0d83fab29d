package io.gevent4j.loop;

import java.io.IOException;

/**
 * A failed system call: carries the errno, its symbolic name and the call that failed,
 * e.g. {@code connect failed: ECONNREFUSED (Connection refused)}.
 *
 * <p>Where a JDK exception type is what users expect (a refused connection, a timeout, a
 * closed descriptor), {@link Errors#newIoException} returns that type instead, with this
 * exception as its cause.
 */
public class NativeIoException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int errno;
  private final String call;

  /**
   * @param errno the positive errno value
   * @param call the name of the system call, e.g. {@code "connect"}
   */
  public NativeIoException(int errno, String call) {
    super(call + " failed: " + Errors.describe(errno));
    this.errno = errno;
    this.call = call;
  }

  /** The positive errno value. */
  public int errno() {
    return errno;
  }

  /** The errno's symbolic name, e.g. {@code "ECONNREFUSED"}. */
  public String errnoName() {
    return Errors.name(errno);
  }

  /** The system call that failed. */
  public String call() {
    return call;
  }
}
