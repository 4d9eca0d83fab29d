package io.gevent4j.fileobject;

import io.gevent4j.fileobject.Modes.NotReadable;
import io.gevent4j.fileobject.Modes.NotWritable;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.ThreadPool;
import io.gevent4j.sync.Semaphore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A file whose every blocking call runs on a thread pool while the caller waits cooperatively
 * (gevent's {@code gevent.fileobject.FileObjectThread}): reads, writes, {@code position},
 * {@code size}, {@code truncate}, {@code force}, the open and the close each go to the
 * {@linkplain Hub#threadPool() thread pool} of the calling greenlet's hub, and the greenlet parks
 * until the result is back; the hub runs its other greenlets meanwhile.
 *
 * <pre>{@code
 * try (FileObjectThread f = FileObjectThread.open(Path.of("data.bin"), "w+b")) {
 *   f.write(ByteBuffer.wrap(bytes));
 *   f.position(0);
 *   byte[] back = f.inputStream().readAllBytes();
 * }
 * }</pre>
 *
 * <p><b>Who waits how.</b> In a greenlet, the call runs on that greenlet's hub's pool and the
 * greenlet parks. On a platform thread the same happens through the thread's own hub (made on
 * first use, as for every gevent4j wait): the thread waits as gevent's main greenlet does, and
 * its hub runs its greenlets while the file works. (A thread-pool worker is a platform thread
 * too: it would get a hub of its own for the asking; inside a pool task, use a
 * {@link java.nio.channels.FileChannel} directly.) A virtual thread that is not a greenlet belongs
 * to no hub and cannot call.
 *
 * <p><b>One call at a time.</b> Calls are serialised, as gevent's {@code lock=True}: a greenlet
 * (or thread) that calls while another call runs waits, cooperatively, for its turn, in arrival
 * order. The position is shared by the channel methods and the streams.
 *
 * <p><b>Large transfers are chunked.</b> A read moves at most {@value #CHUNK} bytes (fewer than
 * asked is the {@code read} contract; the streams' {@code readAllBytes}, {@code readNBytes} and
 * {@code transferTo} loop); a write is cut into chunks of that size, each a task of its own, and
 * returns once every byte is written. So no task holds a pool thread for long, a kill or a
 * {@link io.gevent4j.hub.Timeout} takes effect between chunks, and the bytes go through a direct
 * buffer of at most one chunk that the object keeps (heap buffers cost the one copy the JDK
 * makes anyway; no temporary direct buffer the size of the request).
 *
 * <p><b>A kill or Timeout during a call.</b> The task under way in the pool cannot be stopped: it
 * completes, its result is dropped, and the next call waits for it. The caller's buffer is never
 * touched after its call has returned or thrown (the pool works on the object's own buffer). A
 * write stopped this way has written the chunks before the one under way.
 *
 * <p><b>Closing</b> ({@link #close()}): idempotent, from any greenlet or thread. Calls that start
 * afterwards, and calls still waiting for their turn, throw {@link FileObjectClosed}; the call
 * under way ends first (a long write stops at the next chunk, with a {@code FileObjectClosed}
 * that says how much was written); then the file is closed on the pool, and {@code close} returns.
 *
 * <p><b>The {@code SeekableByteChannel} contract</b> holds, where it differs from Python's:
 * {@link #truncate(long)} never extends the file, and moves a position beyond the new size back to
 * it. Mode {@code 'a'}/{@code 'a+'} writes always append ({@code O_APPEND}); for {@code 'a+'} the
 * position is the reading position, at the end after each write, as Python's.
 */
public final class FileObjectThread implements FileObject, SeekableByteChannel {
  /** The most bytes one pool task reads or writes: 1 MiB. */
  public static final int CHUNK = 1 << 20;
  private static final int MIN_SCRATCH = 8 * 1024;

  private final String name;
  private final Modes mode;
  /** Writes, and reads unless 'a+'. */
  private final FileChannel channel;
  /** The channel reads go to: {@link #channel}, the reading channel of 'a+', or null when the mode does not read. */
  private final FileChannel reader;
  private final Semaphore lock = new Semaphore(1).markShared();
  private volatile boolean closed;
  /** The object's transfer buffer; guarded by {@link #lock}. */
  private ByteBuffer scratch;
  /** The pool task under way; guarded by {@link #lock}. */
  private CompletableFuture<?> running;

  private FileObjectThread(String name, Modes mode, FileChannel channel, FileChannel reader) {
    this.name = name;
    this.mode = mode;
    this.channel = channel;
    this.reader = reader;
  }

  /**
   * Opens the file at {@code path} (gevent's {@code FileObjectThread(path, mode)}; Python's
   * {@code open(path, mode)}), on the pool, waiting cooperatively: {@code r} reads an existing
   * file; {@code w} creates or truncates; {@code a} creates and appends; {@code x} creates a file
   * that must not exist; {@code +} adds the other direction; {@code b} changes nothing.
   *
   * @param path the file
   * @param mode Python's binary mode: {@code r}, {@code w}, {@code a} or {@code x}, with {@code +}
   *     and {@code b} as wanted
   * @return the open file object
   * @throws IllegalArgumentException for a mode that is not one of Python's binary modes
   * @throws java.nio.file.NoSuchFileException when {@code r} finds no file, or the directory is missing
   * @throws java.nio.file.FileAlreadyExistsException for {@code x} when it exists
   * @throws java.nio.file.AccessDeniedException when the permissions refuse
   * @throws FileSystemException "Is a directory" when {@code path} is a directory
   */
  public static FileObjectThread open(Path path, String mode) throws IOException {
    Objects.requireNonNull(path, "path");
    Modes m = Modes.parse(mode, "FileObjectThread.open(" + path + ")");
    CompletableFuture<FileChannel[]> opening = pool().spawn(() -> openChannels(path, m));
    FileChannel[] channels;
    try {
      channels = await(opening);
    } catch (Throwable t) {
      // killed while the pool opens it: whatever it opens is closed, not leaked
      if (!opening.isDone()) opening.thenAccept(FileObjectThread::closeQuietly);
      throw t;
    }
    return new FileObjectThread(path.toString(), m, channels[0], channels[1]);
  }

  /** {writer-or-only channel, reading channel or null}; on a pool thread. */
  private static FileChannel[] openChannels(Path path, Modes m) throws IOException {
    if (Files.isDirectory(path)) {
      throw new FileSystemException(path.toString(), null, "Is a directory (EISDIR): a FileObjectThread opens files");
    }
    FileChannel channel = FileChannel.open(path, m.options());
    if (m.kind() != 'a' || !m.plus()) return new FileChannel[] {channel, m.readable() ? channel : null};
    // 'a+': the JDK refuses READ with APPEND on one channel; reads get a channel of their own
    try {
      FileChannel reader = FileChannel.open(path, StandardOpenOption.READ);
      reader.position(reader.size());
      return new FileChannel[] {channel, reader};
    } catch (IOException | RuntimeException e) {
      closeQuietly(new FileChannel[] {channel});
      throw e;
    }
  }

  private static void closeQuietly(FileChannel[] channels) {
    for (FileChannel c : channels) {
      try {
        if (c != null) c.close();
      } catch (IOException ignored) {
        // nobody to tell: the open was abandoned
      }
    }
  }

  /** {@return the path it was opened with (gevent's {@code name})} */
  public String name() {
    return name;
  }

  @Override
  public String mode() {
    return mode.text();
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  // ---- reading and writing ----------------------------------------------------------------

  /**
   * Reads into {@code dst} from the position (gevent's {@code readinto}), at most
   * {@value #CHUNK} bytes; cooperatively.
   *
   * @return the count read, 0 when {@code dst} is full, -1 at end of file
   * @throws FileObjectClosed after {@link #close()}
   * @throws java.nio.channels.NonReadableChannelException when the mode does not read
   * @throws IllegalArgumentException when {@code dst} is read-only
   */
  @Override
  public int read(ByteBuffer dst) throws IOException {
    Objects.requireNonNull(dst, "dst");
    checkReadable("read");
    if (dst.isReadOnly()) throw new IllegalArgumentException(describe() + ".read: dst is a read-only buffer");
    return locked("read", () -> {
      int want = Math.min(dst.remaining(), CHUNK);
      if (want == 0) return 0;
      ByteBuffer s = scratch(want);
      int n = onPool(() -> reader.read(s));
      if (n > 0) dst.put(s.flip());
      return n;
    });
  }

  /**
   * Writes all of {@code src} at the position (appending in mode {@code a}), chunk by chunk
   * (gevent's {@code write}); cooperatively. The calls of other greenlets wait until it is done.
   *
   * @return the count written: all of what {@code src} held
   * @throws FileObjectClosed after {@link #close()}, or when closed during a long write (the
   *     message says how much was written)
   * @throws java.nio.channels.NonWritableChannelException when the mode does not write
   */
  @Override
  public int write(ByteBuffer src) throws IOException {
    Objects.requireNonNull(src, "src");
    checkWritable("write");
    int total = src.remaining();
    return locked("write", () -> {
      int done = 0;
      while (src.hasRemaining()) {
        if (closed) {
          throw new FileObjectClosed(describe() + " was closed while writing: " + done + " of " + total + " bytes written");
        }
        int n = Math.min(src.remaining(), CHUNK);
        ByteBuffer s = scratch(n);
        s.put(src.slice(src.position(), n)).flip();
        onPool(() -> {
          while (s.hasRemaining()) channel.write(s);
          if (reader != null && reader != channel) reader.position(reader.size()); // 'a+': Python's position follows the append
          return null;
        });
        src.position(src.position() + n);
        done += n;
      }
      return done;
    });
  }

  /** The position (gevent's {@code tell()}): where the next read starts; in mode {@code a}, the size. */
  @Override
  public long position() throws IOException {
    return locked("position", () -> onPool(() -> (reader != null ? reader : channel).position()));
  }

  /**
   * Moves the position (gevent's {@code seek(position)}); beyond the end is allowed (a read there
   * gives end of file, a write extends the file). Writes in mode {@code a} still append.
   *
   * @return this
   * @throws IllegalArgumentException when {@code newPosition} is negative
   */
  @Override
  public FileObjectThread position(long newPosition) throws IOException {
    if (newPosition < 0) throw new IllegalArgumentException(describe() + ".position(" + newPosition + "): negative");
    locked("position", () -> onPool(() -> (reader != null ? reader : channel).position(newPosition)));
    return this;
  }

  /** The file's size now (Python's {@code os.fstat(f.fileno()).st_size}, through the pool). */
  @Override
  public long size() throws IOException {
    return locked("size", () -> onPool(channel::size));
  }

  /**
   * Cuts the file to {@code size} bytes when it is longer (gevent's {@code truncate(size)}, with
   * the {@code SeekableByteChannel} contract: never extends it); a position beyond it moves back.
   *
   * @return this
   * @throws IllegalArgumentException when {@code size} is negative
   * @throws java.nio.channels.NonWritableChannelException when the mode does not write
   */
  @Override
  public FileObjectThread truncate(long size) throws IOException {
    if (size < 0) throw new IllegalArgumentException(describe() + ".truncate(" + size + "): negative");
    checkWritable("truncate");
    locked("truncate", () -> onPool(() -> {
      channel.truncate(size);
      if (reader != null && reader != channel && reader.position() > size) reader.position(size);
      return null;
    }));
    return this;
  }

  /**
   * Forces what was written to the storage device ({@code fsync}/{@code fdatasync}; gevent's
   * {@code os.fsync(f.fileno())} through the pool).
   *
   * @param metaData also the file's metadata ({@code fsync} rather than {@code fdatasync})
   * @throws IOException when the file object is closed ({@link FileObjectClosed}) or the sync fails
   */
  public void force(boolean metaData) throws IOException {
    locked("force", () -> onPool(() -> {
      channel.force(metaData);
      return null;
    }));
  }

  /**
   * Closes it (gevent's {@code close()}, which closes in the pool): waits (cooperatively) for
   * the call under way, then closes the file on the pool. Calls waiting for their turn throw
   * {@link FileObjectClosed}. Idempotent; any greenlet or thread.
   *
   * @throws IOException when closing the file fails (it is closed anyway)
   */
  @Override
  public void close() throws IOException {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    try {
      lock.acquire();
    } catch (Throwable t) {
      // killed while the call under way runs: close behind it, without waiting
      pool().spawn(() -> {
        closeChannels();
        return null;
      });
      throw t;
    }
    try {
      onPool(() -> {
        closeChannels();
        return null;
      });
    } finally {
      unlock();
    }
  }

  private void closeChannels() throws IOException {
    IOException failure = null;
    for (FileChannel c : reader != null && reader != channel ? List.of(reader, channel) : List.of(channel)) {
      try {
        c.close();
      } catch (IOException e) {
        if (failure == null) failure = e;
        else failure.addSuppressed(e);
      }
    }
    if (failure != null) throw failure;
  }

  // ---- streams ----------------------------------------------------------------------------

  /**
   * A stream that reads from the position through {@link #read(ByteBuffer)} (gevent's file
   * object used as a binary file); one pool task per read, so wrap it in a
   * {@link java.io.BufferedInputStream} for many small reads. {@code readAllBytes},
   * {@code readNBytes} and {@code transferTo} move {@value #CHUNK} bytes per task. Closing it
   * closes this file object.
   *
   * @throws java.nio.channels.NonReadableChannelException when the mode does not read
   */
  @Override
  public InputStream inputStream() {
    checkReadable("inputStream");
    return new In();
  }

  /**
   * A stream that writes at the position through {@link #write(ByteBuffer)}; not buffered,
   * {@code flush()} does nothing. Closing it closes this file object.
   *
   * @throws java.nio.channels.NonWritableChannelException when the mode does not write
   */
  @Override
  public OutputStream outputStream() {
    checkWritable("outputStream");
    return new Out();
  }

  private final class In extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) return 0;
      return FileObjectThread.this.read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public byte[] readAllBytes() throws IOException {
      return readNBytes(Integer.MAX_VALUE);
    }

    /** Reads in chunks of {@value #CHUNK} bytes, the JDK's default being 16 KiB per call (a pool task each). */
    @Override
    public byte[] readNBytes(int len) throws IOException {
      if (len < 0) throw new IllegalArgumentException("len < 0");
      List<byte[]> parts = new ArrayList<>();
      int total = 0;
      while (total < len) {
        byte[] part = new byte[Math.min(CHUNK, len - total)];
        int at = 0;
        int n;
        while (at < part.length && (n = read(part, at, part.length - at)) > 0) at += n;
        if (at == 0) break;
        parts.add(at == part.length ? part : Arrays.copyOf(part, at));
        total += at;
        if (at < part.length) break; // end of file
      }
      if (parts.size() == 1) return parts.get(0);
      byte[] all = new byte[total];
      int at = 0;
      for (byte[] p : parts) {
        System.arraycopy(p, 0, all, at, p.length);
        at += p.length;
      }
      return all;
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
      Objects.requireNonNull(out, "out");
      byte[] buffer = new byte[CHUNK];
      long total = 0;
      int n;
      while ((n = read(buffer, 0, buffer.length)) >= 0) {
        out.write(buffer, 0, n);
        total += n;
      }
      return total;
    }

    @Override
    public void close() throws IOException {
      FileObjectThread.this.close();
    }

    @Override
    public String toString() {
      return "InputStream of " + FileObjectThread.this;
    }
  }

  private final class Out extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      FileObjectThread.this.write(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public void close() throws IOException {
      FileObjectThread.this.close();
    }

    @Override
    public String toString() {
      return "OutputStream of " + FileObjectThread.this;
    }
  }

  // ---- the lock and the pool --------------------------------------------------------------

  /** A call made on the caller's side, holding the lock; it hands blocking work to {@link #onPool}. */
  @FunctionalInterface
  private interface Op<T> {
    T run() throws IOException;
  }

  /** True while a call holds the object's turn (or a task it abandoned still runs); for tests. */
  boolean busy() {
    return lock.locked();
  }

  /** Runs {@code body} holding the lock, checking before and after the wait for it that the object is open. */
  private <T> T locked(String call, Op<T> body) throws IOException {
    checkOpen(call);
    lock.acquire();
    try {
      checkOpen(call);
      return body.run();
    } finally {
      unlock();
    }
  }

  /** Gives the lock back, once the task under way has ended (a kill or Timeout may leave one running). */
  private void unlock() {
    CompletableFuture<?> r = running;
    running = null;
    if (r == null || r.isDone()) lock.release();
    else r.whenComplete((v, e) -> lock.release());
  }

  /** Runs {@code op} on the caller's hub's pool and waits for it cooperatively; with the lock held. */
  private <T> T onPool(Op<T> op) throws IOException {
    CompletableFuture<T> task = pool().spawn(op::run);
    running = task;
    T value = await(task);
    running = null;
    return value;
  }

  private static ThreadPool pool() {
    return Hub.current().threadPool();
  }

  private static <T> T await(CompletableFuture<T> task) throws IOException {
    try {
      return Hub.await(task);
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) throw io;
      throw e;
    }
  }

  /** The transfer buffer with room for {@code n} bytes, cleared; with the lock held. */
  private ByteBuffer scratch(int n) {
    ByteBuffer s = scratch;
    if (s == null || s.capacity() < n) {
      int capacity = Math.max(MIN_SCRATCH, Integer.highestOneBit(Math.max(1, n - 1)) << 1);
      s = ByteBuffer.allocateDirect(Math.min(capacity, CHUNK));
      scratch = s;
    }
    return s.clear().limit(n);
  }

  // ---- checks -----------------------------------------------------------------------------

  private void checkOpen(String call) throws FileObjectClosed {
    if (closed) throw new FileObjectClosed(describe() + " is closed: " + call);
  }

  private void checkReadable(String call) {
    if (reader == null) throw new NotReadable(describe() + "." + call + ": not open for reading (mode " + mode + ")");
  }

  private void checkWritable(String call) {
    if (!mode.writable()) throw new NotWritable(describe() + "." + call + ": not open for writing (mode " + mode + ")");
  }

  private String describe() {
    return "FileObjectThread(" + name + ", " + mode + ")";
  }

  @Override
  public String toString() {
    return "FileObjectThread(" + name + ", " + mode + (closed ? ", closed" : "") + ")";
  }
}
