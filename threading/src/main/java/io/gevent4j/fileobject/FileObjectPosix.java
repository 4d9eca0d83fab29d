package io.gevent4j.fileobject;

import io.gevent4j.fileobject.Modes.NotReadable;
import io.gevent4j.fileobject.Modes.NotWritable;
import io.gevent4j.hub.internal.FdWatchers;
import io.gevent4j.loop.NativeIoException;
import io.gevent4j.loop.Posix;
import io.gevent4j.loop.Watcher;
import io.gevent4j.sync.Semaphore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;

/**
 * Cooperative I/O on a descriptor that can wait — a pipe, a tty, a socket, a FIFO (gevent's
 * {@code gevent.fileobject.FileObjectPosix}): the descriptor is made non-blocking, and a read
 * with nothing to read or a write with no room parks the calling greenlet on its hub's io
 * watchers until the descriptor is ready; the hub runs other greenlets meanwhile. Popen's pipes
 * ({@code io.gevent4j.subprocess}) are file objects of this kind.
 *
 * <pre>{@code
 * int[] p = Posix.pipe2(0);
 * FileObjectPosix in = FileObjectPosix.open(p[0], "rb"), out = FileObjectPosix.open(p[1], "wb");
 * Gevent.spawn(() -> { out.outputStream().write("hi".getBytes()); out.close(); });
 * byte[] got = in.inputStream().readAllBytes();          // parks until the writer writes and closes
 * }</pre>
 *
 * <p><b>Regular files</b> never make a read or write wait (the kernel says they are always
 * ready), so on them this class blocks the hub for as long as the disk takes, as gevent's does:
 * use {@link FileObjectThread} for files.
 *
 * <p><b>The descriptor.</b> It stays non-blocking after {@link #close()} when the object does
 * not own it, as gevent leaves it. The object owns it by default ({@code closefd}, gevent's
 * {@code closefd=True}) and closes it through {@link Posix#close}, which first takes it away
 * from every event loop watching it; with {@code closefd} false, {@code close()} only releases
 * the object's watchers and wakes its waiters, and the descriptor is the caller's to close,
 * through {@code Posix.close} (not behind gevent4j's back while a loop may watch it:
 * docs/backends.md, "Descriptors").
 *
 * <p><b>Calls.</b> A read returns what the descriptor holds, waiting for at least one byte; -1 at
 * end of file. A write returns once every byte is written ({@code EPIPE} when the reader is
 * gone). One read and one write may run at once (a tty or socket is both); reads are serialised
 * among themselves, as are writes, cooperatively. Any greenlet on any hub and any platform thread
 * may call; a platform thread waits through its hub, which runs its greenlets meanwhile.
 *
 * <p><b>Closing</b> ({@link #close()}) is idempotent and may come from any thread: greenlets and
 * threads waiting on the descriptor, on any hub, wake with a {@link FileObjectClosed}, and later
 * calls throw one.
 */
public final class FileObjectPosix implements FileObject {
  private final int fd;
  private final Modes mode;
  private final boolean closefd;
  private final String name;
  private final FdWatchers watchers = new FdWatchers();
  private final Semaphore reading = new Semaphore(1).markShared();
  private final Semaphore writing = new Semaphore(1).markShared();
  private volatile boolean closed;

  private FileObjectPosix(int fd, Modes mode, boolean closefd, String name) {
    this.fd = fd;
    this.mode = mode;
    this.closefd = closefd;
    this.name = name;
  }

  /**
   * Wraps {@code fd}, which it will own: as {@link #open(int, String, boolean, String)} with
   * {@code closefd} true (gevent's {@code FileObjectPosix(fd, mode)}).
   *
   * @param fd an open descriptor, owned by the file object from now on
   * @param mode as for {@link #open(int, String, boolean, String)}
   * @return the file object
   * @throws IOException as {@link #open(int, String, boolean, String)}
   */
  public static FileObjectPosix open(int fd, String mode) throws IOException {
    return open(fd, mode, true, null);
  }

  /**
   * As {@link #open(int, String, boolean, String)} without a name (gevent's
   * {@code FileObjectPosix(fd, mode, closefd=)}).
   *
   * @param fd an open descriptor
   * @param mode as for {@link #open(int, String, boolean, String)}
   * @param closefd true when {@link #close()} closes {@code fd}
   * @return the file object
   * @throws IOException as {@link #open(int, String, boolean, String)}
   */
  public static FileObjectPosix open(int fd, String mode, boolean closefd) throws IOException {
    return open(fd, mode, closefd, null);
  }

  /**
   * Wraps descriptor {@code fd} (gevent's {@code FileObjectPosix(fd, mode, closefd=)}): sets
   * {@code O_NONBLOCK} on it, and for a mode that reads checks that it can be read (a zero-byte
   * {@code read(2)}, which consumes nothing).
   *
   * @param fd an open descriptor
   * @param mode {@code r} (read), {@code w} (write), or either with {@code +} (both), each
   *     optionally with {@code b}; {@code a} and {@code x} need a path ({@link FileObjectThread})
   * @param closefd true: {@link #close()} closes {@code fd}. When {@code open} throws, the
   *     descriptor stays the caller's, open (non-blocking already if the mode check failed),
   *     whatever {@code closefd} says
   * @param name what messages call it (e.g. "the stdout of Popen(...)"); null for
   *     {@code FileObjectPosix(fd N, 'r')}
   * @return the file object
   * @throws IllegalArgumentException for a negative {@code fd}, or a mode other than those
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is not open ({@code EBADF})
   * @throws java.nio.channels.NonReadableChannelException when the mode reads but {@code fd} was
   *     not opened for reading
   * @throws NativeIoException naming the call and the errno, e.g. {@code EISDIR} for a directory
   */
  public static FileObjectPosix open(int fd, String mode, boolean closefd, String name) throws IOException {
    String call = "FileObjectPosix.open(fd " + fd + ", '" + mode + "')";
    if (fd < 0) throw new IllegalArgumentException(call + ": a descriptor is >= 0, not " + fd);
    Modes m = Modes.parse(mode, call);
    if (m.kind() == 'a' || m.kind() == 'x') {
      throw new IllegalArgumentException(call + ": mode '" + m.kind() + "' creates or appends to a file by its path;"
          + " for a descriptor use 'w' (open it with O_APPEND to append), or FileObjectThread.open(path, mode)");
    }
    FileObjectPosix f = new FileObjectPosix(fd, m, closefd, name);
    try {
      Posix.setNonBlocking(fd, true);
    } catch (ClosedChannelException e) {
      throw closed(call + ": fcntl(fd " + fd + ", F_SETFL, O_NONBLOCK) failed: EBADF: fd " + fd + " is not open", e);
    }
    if (m.readable()) {
      try {
        Posix.read(fd, new byte[0], 0, 0);
      } catch (ClosedChannelException e) {
        throw f.ebadf(e, "read", call);
      } catch (NativeIoException e) {
        // EISDIR (a directory) is thrown as it is: "read(fd N) failed: EISDIR (Is a directory)";
        // EINVAL (an eventfd refuses short reads) and the like say nothing about the mode
        if ("EISDIR".equals(e.errnoName())) throw e;
      }
    }
    return f;
  }

  /** {@return the descriptor (gevent's {@code fileno()})} It may be closed. */
  public int fd() {
    return fd;
  }

  @Override
  public String mode() {
    return mode.text();
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  // ---- reading ------------------------------------------------------------------------------

  /**
   * Reads into {@code b[off .. off+len)} what the descriptor holds, at most
   * {@link Posix#MAX_ARRAY_TRANSFER} bytes, waiting cooperatively until there is something
   * (gevent's {@code read}, {@code readinto}).
   *
   * @param b where the bytes go
   * @param off the first index of {@code b} to fill
   * @param len the most bytes to read
   * @return the count read (>= 1 unless {@code len} is 0), or -1 at end of file
   * @throws FileObjectClosed after {@link #close()}, or when closed while waiting
   * @throws java.nio.channels.NonReadableChannelException when the mode does not read, or the
   *     descriptor was not opened for reading
   */
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    checkOpen("read");
    checkReadable("read");
    if (len == 0) return 0;
    reading.acquire();
    try {
      while (true) {
        checkOpen("read");
        int n = syscall("read", () -> Posix.read(fd, b, off, Math.min(len, Posix.MAX_ARRAY_TRANSFER)));
        if (n > 0) return n;
        if (n == 0) return -1;
        await(Watcher.READ, "read");
      }
    } finally {
      reading.release();
    }
  }

  /**
   * Reads into {@code dst} what the descriptor holds, waiting cooperatively until there is
   * something ({@link #read(byte[], int, int)} for a buffer).
   *
   * @return the count read (>= 1 unless {@code dst} is full), or -1 at end of file
   * @throws java.nio.ReadOnlyBufferException when {@code dst} is read-only
   */
  @Override
  public int read(ByteBuffer dst) throws IOException {
    Objects.requireNonNull(dst, "dst");
    if (dst.isReadOnly()) throw new java.nio.ReadOnlyBufferException();
    if (!dst.isDirect()) {
      int n = read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
      if (n > 0) dst.position(dst.position() + n);
      return n;
    }
    checkOpen("read");
    checkReadable("read");
    if (!dst.hasRemaining()) return 0;
    reading.acquire();
    try {
      while (true) {
        checkOpen("read");
        int n = syscall("read", () -> Posix.read(fd, dst));
        if (n > 0) return n;
        if (n == 0) return -1;
        await(Watcher.READ, "read");
      }
    } finally {
      reading.release();
    }
  }

  // ---- writing ------------------------------------------------------------------------------

  /**
   * Writes all of {@code b[off .. off+len)}, waiting cooperatively while the descriptor has no
   * room (gevent's {@code write}, which is {@code writeall} here).
   *
   * @param b the bytes
   * @param off the first index of {@code b} to write
   * @param len how many bytes to write
   * @throws FileObjectClosed after {@link #close()}, or when closed while waiting
   * @throws NativeIoException {@code EPIPE} when nobody reads the pipe any more
   * @throws java.nio.channels.NonWritableChannelException when the mode does not write, or the
   *     descriptor was not opened for writing
   */
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    checkOpen("write");
    checkWritable("write");
    writing.acquire();
    try {
      int at = off;
      int left = len;
      while (left > 0) {
        checkOpen("write");
        int from = at;
        int count = Math.min(left, Posix.MAX_ARRAY_TRANSFER);
        int n = syscall("write", () -> Posix.write(fd, b, from, count));
        if (n >= 0) {
          at += n;
          left -= n;
        } else {
          await(Watcher.WRITE, "write");
        }
      }
    } finally {
      writing.release();
    }
  }

  /**
   * Writes all of {@code src}, waiting cooperatively while the descriptor has no room.
   *
   * @return the count written: all of what {@code src} held
   */
  @Override
  public int write(ByteBuffer src) throws IOException {
    Objects.requireNonNull(src, "src");
    int total = src.remaining();
    if (!src.isDirect()) {
      if (src.hasArray()) {
        write(src.array(), src.arrayOffset() + src.position(), total);
        src.position(src.limit());
        return total;
      }
      byte[] copy = new byte[total]; // a read-only heap buffer shows no array
      src.get(copy);
      write(copy, 0, total);
      return total;
    }
    checkOpen("write");
    checkWritable("write");
    writing.acquire();
    try {
      while (src.hasRemaining()) {
        checkOpen("write");
        if (syscall("write", () -> Posix.write(fd, src)) < 0) await(Watcher.WRITE, "write");
      }
      return total;
    } finally {
      writing.release();
    }
  }

  // ---- streams ------------------------------------------------------------------------------

  /**
   * A stream over {@link #read(byte[], int, int)}: a read returns what the descriptor holds,
   * waiting until there is something; -1 at end of file. Closing it closes this object.
   *
   * @throws java.nio.channels.NonReadableChannelException when the mode does not read
   */
  @Override
  public InputStream inputStream() {
    checkReadable("inputStream");
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return FileObjectPosix.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return FileObjectPosix.this.read(b, off, len);
      }

      @Override
      public void close() throws IOException {
        FileObjectPosix.this.close();
      }

      @Override
      public String toString() {
        return FileObjectPosix.this.toString();
      }
    };
  }

  /**
   * A stream over {@link #write(byte[], int, int)}: a write returns once every byte is
   * written. Not buffered; {@code flush()} does nothing. Closing it closes this object (for a
   * pipe: the reader reads end of file).
   *
   * @throws java.nio.channels.NonWritableChannelException when the mode does not write
   */
  @Override
  public OutputStream outputStream() {
    checkWritable("outputStream");
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        FileObjectPosix.this.write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        FileObjectPosix.this.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        FileObjectPosix.this.close();
      }

      @Override
      public String toString() {
        return FileObjectPosix.this.toString();
      }
    };
  }

  // ---- closing ------------------------------------------------------------------------------

  /**
   * Closes it (gevent's {@code close()}): whoever waits on the descriptor, on any hub, wakes with
   * a {@link FileObjectClosed}; then, when it owns the descriptor, closes it through
   * {@link Posix#close}. Idempotent; any greenlet or thread; never waits.
   *
   * @throws IOException when {@code close(2)} reports an error (the descriptor is closed anyway)
   */
  @Override
  public void close() throws IOException {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    watchers.close(() -> new FileObjectClosed(describe() + " was closed while a greenlet waited on it"));
    if (closefd) Posix.close(fd);
  }

  // ---- the rest -----------------------------------------------------------------------------

  /** A read or write of {@link Posix}: >= 0, or {@link Posix#WOULD_BLOCK}. */
  @FunctionalInterface
  private interface Syscall {
    int call() throws IOException;
  }

  /** Runs {@code s}; an {@code EBADF} on a descriptor still open means the wrong access mode. */
  private int syscall(String call, Syscall s) throws IOException {
    try {
      return s.call();
    } catch (ClosedChannelException e) {
      if (closed) throw closed(describe() + " was closed: " + call, e);
      throw ebadf(e, call, describe());
    }
  }

  /** Waits until the descriptor is ready for {@code events}; cooperatively. */
  private void await(int events, String call) throws IOException {
    try {
      watchers.await(fd, events, Double.POSITIVE_INFINITY);
    } catch (IllegalArgumentException e) {
      // the watcher cannot start: the descriptor was closed behind this object (Posix.close)
      if (closed) throw closed(describe() + " was closed: " + call, e);
      if (e.getCause() instanceof NativeIoException n && n.errnoName().equals("EBADF")) {
        throw closed(describe() + ": " + call + ": fd " + fd + " was closed behind this object: " + e.getMessage(), e);
      }
      throw e;
    }
    // fired with ERROR: closed through Posix.close by someone else; the next call says so (EBADF)
  }

  /**
   * For an {@code EBADF} from {@code call} on a descriptor this object has not closed: throws
   * the access-mode exception when the descriptor is open (opened without {@code call}'s
   * access), else returns a {@link FileObjectClosed} saying it was closed behind this object.
   */
  private IOException ebadf(ClosedChannelException e, String call, String who) {
    try {
      Posix.isNonBlocking(fd);
    } catch (IOException closedIndeed) {
      return closed(who + ": " + call + "(fd " + fd + ") failed: EBADF: fd " + fd + " is not open (closed behind this object?)", e);
    }
    RuntimeException wrong = call.equals("read")
        ? new NotReadable(who + ": read(fd " + fd + ") failed: EBADF: fd " + fd + " is open, but not for reading (mode " + mode + ")")
        : new NotWritable(who + ": write(fd " + fd + ") failed: EBADF: fd " + fd + " is open, but not for writing (mode " + mode + ")");
    wrong.initCause(e);
    throw wrong;
  }

  private static FileObjectClosed closed(String message, Throwable cause) {
    FileObjectClosed c = new FileObjectClosed(message);
    c.initCause(cause);
    return c;
  }

  private void checkOpen(String call) throws FileObjectClosed {
    if (closed) throw new FileObjectClosed(describe() + " is closed: " + call);
  }

  private void checkReadable(String call) {
    if (!mode.readable()) throw new NotReadable(describe() + "." + call + ": not open for reading (mode " + mode + ")");
  }

  private void checkWritable(String call) {
    if (!mode.writable()) throw new NotWritable(describe() + "." + call + ": not open for writing (mode " + mode + ")");
  }

  private String describe() {
    return name != null ? name : "FileObjectPosix(fd " + fd + ", " + mode + ")";
  }

  @Override
  public String toString() {
    return describe() + (closed ? " (closed)" : "");
  }
}
