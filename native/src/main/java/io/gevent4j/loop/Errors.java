package io.gevent4j.loop;

import io.gevent4j.loop.internal.Closed;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;

/**
 * Turns the {@code -errno} results of natives into exceptions (natives never throw).
 * Where users expect a JDK type ({@code ECONNREFUSED} is a {@link ConnectException},
 * {@code EBADF} a {@link ClosedChannelException}, {@code ETIMEDOUT} a
 * {@link SocketTimeoutException}, {@code EHOSTUNREACH}/{@code ENETUNREACH} a
 * {@link NoRouteToHostException}, {@code EADDRINUSE} a {@link BindException},
 * {@code ECONNRESET} a {@link SocketException}), that type is thrown with the
 * {@link NativeIoException} as its cause. Everything else is the {@link NativeIoException}
 * itself.
 *
 * <p>{@code EAGAIN} is not an error here: the I/O calls of {@link Posix} return it as the
 * value {@link Posix#WOULD_BLOCK} without building an exception.
 */
final class Errors {
  private Errors() {}

  /** The errno's symbolic name, e.g. {@code "EAGAIN"}, or {@code "errno N"} when unknown. */
  static String name(int errno) {
    Native.ensureAvailable();
    String name = Native.Natives.errnoName0(errno);
    return name != null ? name : "errno " + errno;
  }

  /** {@code "ENOENT (No such file or directory)"}. */
  static String describe(int errno) {
    try {
      Native.ensureAvailable();
      String name = Native.Natives.errnoName0(errno);
      return (name != null ? name : "errno " + errno) + " (" + Native.Natives.strerror0(errno) + ")";
    } catch (LinkageError | RuntimeException e) {
      return "errno " + errno;
    }
  }

  /** Stands for "the call took no descriptor" (a caller's fd may well be -1). */
  static final int NO_FD = Integer.MIN_VALUE;

  /** {@code "read(fd 7)"}, or the call alone when it took no descriptor. */
  static String callName(String call, int fd) {
    return fd == NO_FD ? call : call + "(fd " + fd + ")";
  }

  /** A ClosedChannelException with {@code message} (the JDK's type carries none). */
  static ClosedChannelException closed(String message) {
    return new Closed(message);
  }


  /**
   * The exception for a failed call.
   *
   * @param result the negative result of a native ({@code -errno})
   * @param call the system call's name
   */
  static IOException newIoException(int result, String call) {
    return newIoException(result, call, NO_FD);
  }

  /**
   * The exception for a failed call on descriptor {@code fd}: its message names the call,
   * the descriptor and the errno.
   *
   * @param result the negative result of a native ({@code -errno})
   * @param call the system call's name
   * @param fd the descriptor
   */
  static IOException newIoException(int result, String call, int fd) {
    int errno = -result;
    NativeIoException cause = fd == NO_FD ? new NativeIoException(errno, call) : new NativeIoException(errno, call, fd);
    IOException mapped;
    if (errno == Constants.ECONNREFUSED) {
      mapped = new ConnectException(cause.getMessage());
    } else if (errno == Constants.ETIMEDOUT) {
      mapped = new SocketTimeoutException(cause.getMessage());
    } else if (errno == Constants.EBADF) {
      mapped = closed(cause.getMessage() + ": the descriptor is not open (closed already?)");
    } else if (errno == Constants.EHOSTUNREACH || errno == Constants.ENETUNREACH) {
      mapped = new NoRouteToHostException(cause.getMessage());
    } else if (errno == Constants.EADDRINUSE) {
      mapped = new BindException(cause.getMessage());
    } else if (errno == Constants.ECONNRESET) {
      mapped = new SocketException(cause.getMessage());
    } else {
      return cause;
    }
    mapped.initCause(cause);
    return mapped;
  }

  /** Returns {@code result} when it is not negative, else throws {@link #newIoException}. */
  static int check(int result, String call) throws IOException {
    if (result < 0) throw newIoException(result, call, NO_FD);
    return result;
  }

  /** Returns {@code result} when it is not negative, else throws {@link #newIoException}. */
  static long check(long result, String call) throws IOException {
    if (result < 0) throw newIoException((int) result, call, NO_FD);
    return result;
  }

  /** Returns {@code result} when it is not negative, else throws {@link #newIoException} naming {@code fd}. */
  static int check(int result, String call, int fd) throws IOException {
    if (result < 0) throw newIoException(result, call, fd);
    return result;
  }

  /** Returns {@code result} when it is not negative, else throws {@link #newIoException} naming {@code fd}. */
  static long check(long result, String call, int fd) throws IOException {
    if (result < 0) throw newIoException((int) result, call, fd);
    return result;
  }

  /**
   * For loop and watcher calls whose failures are programming errors or resource limits
   * rather than I/O: an unchecked exception that still carries the {@link NativeIoException}.
   */
  static int checkUnchecked(int result, String call) {
    if (result >= 0) return result;
    int errno = -result;
    NativeIoException cause = new NativeIoException(errno, call);
    if (errno == Constants.ENOTSUP) throw new UnsupportedOperationException(cause.getMessage(), cause);
    if (errno == Constants.EINVAL) throw new IllegalArgumentException(cause.getMessage(), cause);
    if (errno == Constants.EBUSY) throw new IllegalStateException(cause.getMessage(), cause);
    if (errno == Constants.ENOMEM) throw new OutOfMemoryError(cause.getMessage());
    throw new java.io.UncheckedIOException(cause);
  }
}
