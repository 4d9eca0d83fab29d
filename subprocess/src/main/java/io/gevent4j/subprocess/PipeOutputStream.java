package io.gevent4j.subprocess;

import io.gevent4j.loop.Posix;
import io.gevent4j.loop.Watcher;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A child's stdin, written cooperatively: a write to a full pipe parks the calling greenlet
 * until the child reads. Writes are serialised and whole: {@link #write(byte[], int, int)}
 * returns once every byte is in the pipe. A child that closed its stdin makes a write fail with
 * {@code EPIPE}.
 */
final class PipeOutputStream extends OutputStream {
  private final PipeEnd pipe;
  private final ReentrantLock writing = new ReentrantLock();

  /** @param fd the write end, non-blocking; the stream owns it */
  PipeOutputStream(int fd, String name) {
    this.pipe = new PipeEnd(fd, name);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    writing.lock();
    try {
      while (len > 0) {
        pipe.checkOpen();
        int n = Posix.write(pipe.fd, b, off, Math.min(len, Posix.MAX_ARRAY_TRANSFER));
        if (n >= 0) {
          off += n;
          len -= n;
        } else {
          pipe.await(Watcher.WRITE);
        }
      }
    } finally {
      writing.unlock();
    }
  }

  /** Closes the parent's end: the child reads its end of file. Idempotent; any thread. */
  @Override
  public void close() throws IOException {
    pipe.close();
  }

  @Override
  public String toString() {
    return pipe.toString();
  }
}
