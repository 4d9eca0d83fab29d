package io.gevent4j.subprocess;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.internal.Timeouts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * One Popen's {@code communicate}, as gevent does it: a greenlet writes the input and closes
 * stdin, one greenlet drains each of stdout and stderr, all at once, so neither side can fill a
 * pipe while the other waits. The greenlets outlive a timeout: a later call joins them again and
 * returns everything read, Python's contract. What a pipe gives is kept as gevent keeps it, a
 * list of chunks joined once at the end ({@link Output}).
 */
final class Communication {
  private final Popen popen;
  private final OutputStream stdin;
  private final InputStream stdout;
  private final InputStream stderr;
  private final Output out;
  private final Output err;
  /** The greenlets, once started; guarded by this. */
  private List<Greenlet<?>> greenlets;

  Communication(Popen popen, OutputStream stdin, InputStream stdout, InputStream stderr) {
    this.popen = popen;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    this.out = stdout == null ? null : new Output();
    this.err = stderr == null ? null : new Output();
  }

  /** See {@link Popen#communicate(byte[], double)}; the caller checked its arguments. */
  Popen.Result run(byte[] input, double timeout) throws IOException {
    long deadline = Timeouts.deadline(timeout);
    List<Greenlet<?>> running = start(input);
    for (Greenlet<?> g : running) {
      if (!g.join(Timeouts.left(deadline))) throw expired(timeout);
    }
    for (Greenlet<?> g : running) rethrowFailure(g);
    if (!popen.awaitExit(deadline)) throw expired(timeout);
    return new Popen.Result(out == null ? null : out.toByteArray(), err == null ? null : err.toByteArray());
  }

  private synchronized List<Greenlet<?>> start(byte[] input) {
    if (greenlets != null) {
      if (input != null) {
        throw new IllegalArgumentException(popen + ".communicate(input): input can only be sent by the first call"
            + " (this one follows a TimeoutExpired); pass null");
      }
      return greenlets;
    }
    List<Greenlet<?>> started = new ArrayList<>(3);
    if (stdin != null) started.add(Gevent.spawn(() -> feed(input)));
    if (stdout != null) started.add(Gevent.spawn(() -> out.drain(stdout)));
    if (stderr != null) started.add(Gevent.spawn(() -> err.drain(stderr)));
    greenlets = List.copyOf(started);
    return greenlets;
  }

  private void feed(byte[] input) {
    try (stdin) {
      if (input != null && input.length > 0) stdin.write(input);
    } catch (IOException e) {
      // A child that exits or closes its stdin before reading everything is not an error
      // (Python ignores BrokenPipeError here); neither is a close() of the Popen meanwhile.
      if (!"EPIPE".equals(Spawner.errnoName(e)) && !(e instanceof java.nio.channels.ClosedChannelException)) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void rethrowFailure(Greenlet<?> g) throws IOException {
    try {
      g.get();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) throw io;
      throw e;
    }
  }

  private TimeoutExpired expired(double timeout) {
    return new TimeoutExpired(popen.args(), timeout, out == null ? null : out.toByteArray(),
        err == null ? null : err.toByteArray());
  }

  /** Kills the greenlets of a communicate under way, without waiting (the pipes close next). */
  synchronized void stop() {
    if (greenlets != null) Gevent.killAll(greenlets, false, 0);
  }

  /**
   * Everything one of the child's output pipes gave. The drain reads straight into chunks of
   * {@link #CHUNK} bytes, and {@link #toByteArray} joins them: each byte is copied once after the
   * read, where a {@code ByteArrayOutputStream} copies it from the read buffer, again each time
   * it grows, and once more in {@code toByteArray} (docs/benchmarks.md, "subprocess", has the
   * figures). One greenlet drains; the caller takes copies, possibly from another
   * thread (a plain thread's hub runs the greenlets on its own): the bytes are written before
   * {@link #size} counts them, and the count is read and written under the lock.
   */
  static final class Output {
    static final int CHUNK = 64 * 1024;
    /** Every chunk but the last is full. Guarded by this. */
    private final List<byte[]> chunks = new ArrayList<>();
    /** The bytes counted so far. Guarded by this. */
    private int size;

    /** Reads {@code from} to its end, then closes it; the drain greenlet's body. */
    void drain(InputStream from) {
      try (from) {
        byte[] chunk = null;
        int at = CHUNK;
        while (true) {
          if (at == CHUNK) {
            chunk = new byte[CHUNK];
            at = 0;
            synchronized (this) {
              chunks.add(chunk);
            }
          }
          int n = from.read(chunk, at, CHUNK - at);
          if (n < 0) return;
          at += n;
          synchronized (this) {
            if (size > Integer.MAX_VALUE - 8 - n) throw new OutOfMemoryError(from + " gave more than a byte[] holds");
            size += n;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** A copy of everything counted so far. */
    synchronized byte[] toByteArray() {
      byte[] all = new byte[size];
      for (int i = 0, at = 0; at < size; i++, at += CHUNK) {
        System.arraycopy(chunks.get(i), 0, all, at, Math.min(CHUNK, size - at));
      }
      return all;
    }
  }
}
