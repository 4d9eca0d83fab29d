package io.gevent4j.subprocess;

import io.gevent4j.loop.Posix;
import io.gevent4j.loop.Watcher;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A child's stdout or stderr, read cooperatively: a read with nothing in the pipe parks the
 * calling greenlet (or runs a plain thread's hub) until the child writes. Reads are serialised.
 */
final class PipeInputStream extends InputStream {
  private final PipeEnd pipe;
  private final ReentrantLock reading = new ReentrantLock();

  /** @param fd the read end, non-blocking; the stream owns it */
  PipeInputStream(int fd, String name) {
    this.pipe = new PipeEnd(fd, name);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  /** Reads what the pipe holds, waiting until the child writes something; -1 once it closed its end. */
  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) return 0;
    reading.lock();
    try {
      while (true) {
        pipe.checkOpen();
        int n = Posix.read(pipe.fd, b, off, len);
        if (n > 0) return n;
        if (n == 0) return -1;
        pipe.await(Watcher.READ);
      }
    } finally {
      reading.unlock();
    }
  }

  /** Closes the parent's end; a reader waiting elsewhere wakes with a ClosedChannelException. Idempotent; any thread. */
  @Override
  public void close() throws IOException {
    pipe.close();
  }

  @Override
  public String toString() {
    return pipe.toString();
  }
}
