package io.gevent4j.socket;

import io.gevent4j.hub.Hub;
import io.gevent4j.loop.IoWatcher;
import io.gevent4j.loop.Watcher;
import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * Cooperative waits on raw descriptors (gevent's {@code gevent.socket.wait_read} /
 * {@code wait_write}): the greenlet parks on an io watcher of its hub until the descriptor is
 * ready.
 */
public final class Sockets {
  private Sockets() {}

  /**
   * Waits until {@code fd} is readable.
   *
   * @param timeout seconds; infinite for no timeout
   * @throws SocketTimeoutException when the timeout passes first
   * @throws IllegalArgumentException for a closed descriptor, or a negative or NaN timeout
   */
  public static void waitRead(int fd, double timeout) throws IOException {
    waitFor(fd, Watcher.READ, timeout);
  }

  /** Waits until {@code fd} is writable; see {@link #waitRead}. */
  public static void waitWrite(int fd, double timeout) throws IOException {
    waitFor(fd, Watcher.WRITE, timeout);
  }

  private static void waitFor(int fd, int events, double timeout) throws IOException {
    Socket.checkTimeout(timeout);
    Hub hub = Hub.current();
    try (IoWatcher w = hub.loop().io(fd, events)) {
      if (hub.wait(w, timeout) == 0) throw new SocketTimeoutException("fd " + fd + " not ready within " + timeout + " s");
    }
  }
}
