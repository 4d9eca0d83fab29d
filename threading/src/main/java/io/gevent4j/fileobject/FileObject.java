package io.gevent4j.fileobject;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ByteChannel;
import java.nio.file.Path;

/**
 * A file whose blocking calls do not stall the hub (gevent's {@code gevent.fileobject}): bytes
 * in and out as a {@link ByteChannel} and as streams, waiting cooperatively.
 *
 * <ul>
 *   <li>{@link FileObjectThread} ({@link #open(Path, String)}): a file on disk; each call runs on
 *       the hub's {@link io.gevent4j.hub.ThreadPool} while the calling greenlet waits (gevent's
 *       {@code FileObjectThread}).
 *   <li>{@link FileObjectPosix} ({@link #open(int, String)}): a descriptor that can wait (a pipe, a
 *       tty, a socket), made non-blocking; a call that would block waits on the hub's io watchers
 *       (gevent's {@code FileObjectPosix}).
 * </ul>
 *
 * <pre>{@code
 * try (FileObjectThread f = FileObject.open(Path.of("big.log"), "rb");
 *      InputStream in = f.inputStream()) {
 *   in.transferTo(out);                       // the hub runs other greenlets meanwhile
 * }
 * }</pre>
 *
 * <p>gevent's {@code FileObject} is the best kind the platform has, chosen by
 * {@code GEVENT_FILE}; here the factory says which: a path gets a {@link FileObjectThread} (reads
 * of regular files never wait in an event loop, so only a thread keeps them off the hub), a
 * descriptor a {@link FileObjectPosix}.
 *
 * <p><b>Modes</b> are Python's binary {@code open()} modes: {@code r}, {@code w}, {@code a},
 * {@code x}, each with an optional {@code +} (read and write) and {@code b} (the only kind
 * there is: file objects move bytes). A text mode ({@code t}, {@code U}) is an
 * {@link IllegalArgumentException}: wrap the streams in an {@code InputStreamReader} or
 * {@code OutputStreamWriter}.
 *
 * <p><b>Closing</b> is idempotent and may come from any thread; afterwards every call throws
 * {@link FileObjectClosed} (a {@link java.nio.channels.ClosedChannelException}). Closing either
 * stream closes the file object, as the JDK's {@code Channels.newInputStream} does.
 *
 * <p><b>Threads and hubs.</b> Greenlets of any hub and platform threads may use a file object; a
 * platform thread waits as gevent's main greenlet does, letting its hub run its greenlets
 * meanwhile.
 */
public sealed interface FileObject extends ByteChannel permits FileObjectThread, FileObjectPosix {
  /**
   * Opens the file at {@code path} in Python's {@code mode} (gevent's
   * {@code FileObjectThread(path, mode)}); the open itself runs on the hub's thread pool.
   *
   * @param path the file
   * @param mode Python's mode: {@code r}, {@code w}, {@code a} or {@code x}, with {@code +} and
   *     {@code b} as wanted
   * @return the open file object
   * @throws IOException as {@link FileObjectThread#open(Path, String)}
   * @see FileObjectThread#open(Path, String)
   */
  static FileObjectThread open(Path path, String mode) throws IOException {
    return FileObjectThread.open(path, mode);
  }

  /**
   * Wraps descriptor {@code fd} (gevent's {@code FileObjectPosix(fd, mode)}): it is made
   * non-blocking, and closing the file object closes it.
   *
   * @param fd an open descriptor, owned by the file object from now on
   * @param mode {@code r}, {@code w}, or either with {@code +}, each optionally with {@code b}
   * @return the file object
   * @throws IOException as {@link FileObjectPosix#open(int, String)}
   * @see FileObjectPosix#open(int, String)
   */
  static FileObjectPosix open(int fd, String mode) throws IOException {
    return FileObjectPosix.open(fd, mode);
  }

  /** {@return the mode it was opened with, as given (gevent's {@code mode})} */
  String mode();

  /**
   * A stream that reads through this file object (from its position, for a file); not
   * buffered: wrap it in a {@link java.io.BufferedInputStream} for small reads. Closing it
   * closes the file object.
   *
   * @return a stream over this file object
   * @throws java.nio.channels.NonReadableChannelException when the mode does not read
   */
  InputStream inputStream();

  /**
   * A stream that writes through this file object; not buffered, {@code flush()} does nothing.
   * Closing it closes the file object.
   *
   * @return a stream over this file object
   * @throws java.nio.channels.NonWritableChannelException when the mode does not write
   */
  OutputStream outputStream();

  /** True until {@link #close()} (gevent's {@code not closed}). */
  @Override
  boolean isOpen();

  /**
   * Closes it (gevent's {@code close()}); idempotent, any thread. What each kind does with a
   * call under way is in its class.
   */
  @Override
  void close() throws IOException;
}
