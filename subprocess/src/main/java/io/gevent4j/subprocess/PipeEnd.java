package io.gevent4j.subprocess;

import io.gevent4j.hub.internal.FdWatchers;
import io.gevent4j.loop.Posix;
import io.gevent4j.loop.Watcher;
import io.gevent4j.loop.internal.Closed;
import java.io.IOException;

/**
 * The parent's end of one of a child's pipes: a non-blocking descriptor, the watchers that wait
 * on it cooperatively, and whether it was closed. {@link #close()} may come from any thread and
 * wakes a greenlet waiting on it with a {@link java.nio.channels.ClosedChannelException}.
 */
final class PipeEnd {
  final int fd;
  private final String name;
  private final FdWatchers watchers = new FdWatchers();
  private volatile boolean closed;

  /** @param fd non-blocking; this end owns it */
  PipeEnd(int fd, String name) {
    this.fd = fd;
    this.name = name;
  }

  /** Throws when closed; call before each system call on {@link #fd}. */
  void checkOpen() throws Closed {
    if (closed) throw new Closed(name + " is closed");
  }

  /** Waits, as long as it takes, until the pipe is ready for {@code events} ({@link Watcher#READ} or WRITE). */
  void await(int events) throws Closed {
    if ((watchers.await(fd, events, Double.POSITIVE_INFINITY) & Watcher.ERROR) != 0) checkOpen();
  }

  /** Closes the descriptor, waking whoever waits on it. Idempotent. */
  void close() throws IOException {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    watchers.close(() -> new Closed(name + " was closed while a greenlet waited on it"));
    Posix.close(fd);
  }

  @Override
  public String toString() {
    return name;
  }
}
