package io.gevent4j.loop;

import java.io.IOException;

/**
 * A failed system call: carries the errno, its symbolic name, the call that failed and the
 * descriptor it was made on, e.g. {@code connect(fd 7) failed: ECONNREFUSED (Connection refused)}.
 *
 * <p>Where a JDK exception type is what users expect (a refused connection, a timeout, a
 * closed descriptor), gevent4j throws that type instead, with this
 * exception as its cause.
 */
public class NativeIoException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The positive errno value. */
  private final int errno;
  /** The system call that failed. */
  private final String call;
  /** The descriptor the call was made on, or -1. */
  private final int fd;

  /**
   * A failed call that took no descriptor.
   *
   * @param errno the positive errno value
   * @param call the name of the system call, e.g. {@code "connect"}
   */
  public NativeIoException(int errno, String call) {
    this(errno, call, Errors.NO_FD);
  }

  /**
   * A failed call on a descriptor: {@code read(fd 7) failed: EBADF (Bad file descriptor)}.
   *
   * @param errno the positive errno value
   * @param call the name of the system call, e.g. {@code "read"}
   * @param fd the descriptor it was made on
   */
  public NativeIoException(int errno, String call, int fd) {
    super(Errors.callName(call, fd) + " failed: " + Errors.describe(errno));
    this.errno = errno;
    this.call = call;
    this.fd = fd;
  }

  /** {@return the positive errno value} */
  public int errno() {
    return errno;
  }

  /** {@return the errno's symbolic name, e.g. {@code "ECONNREFUSED"}} */
  public String errnoName() {
    return Errors.name(errno);
  }

  /** {@return the system call that failed} */
  public String call() {
    return call;
  }

  /** {@return the descriptor the call was made on, or -1 when it took none} */
  public int fd() {
    return fd == Errors.NO_FD ? -1 : fd;
  }
}
