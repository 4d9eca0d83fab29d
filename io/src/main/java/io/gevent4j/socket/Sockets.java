package io.gevent4j.socket;

import io.gevent4j.hub.Hub;
import io.gevent4j.loop.IoWatcher;
import io.gevent4j.loop.Watcher;
import io.gevent4j.loop.internal.Closed;
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
   * @param fd the descriptor
   * @param timeout seconds; infinite for no timeout
   * @throws SocketTimeoutException when the timeout passes first
   * @throws java.nio.channels.ClosedChannelException when {@code fd} is closed while waiting
   *     ({@link io.gevent4j.loop.Posix#close} from any thread), or was found closed behind
   *     gevent4j's back
   * @throws IllegalArgumentException for a closed, negative or foreign descriptor (a loop's
   *     own), or a negative or NaN timeout
   */
  public static void waitRead(int fd, double timeout) throws IOException {
    waitFor(fd, Watcher.READ, timeout, "waitRead");
  }

  /**
   * Waits until {@code fd} is writable; see {@link #waitRead}.
   *
   * @param fd the descriptor
   * @param timeout seconds; infinite for no timeout
   * @throws IOException as {@link #waitRead}
   */
  public static void waitWrite(int fd, double timeout) throws IOException {
    waitFor(fd, Watcher.WRITE, timeout, "waitWrite");
  }

  /**
   * Waits until {@code fd} is readable or writable (gevent's {@code wait_readwrite}); see
   * {@link #waitRead}.
   *
   * @param fd the descriptor
   * @param timeout seconds; infinite for no timeout
   * @return what it is: {@link Watcher#READ}, {@link Watcher#WRITE} or both
   * @throws IOException as {@link #waitRead}
   */
  public static int waitReadWrite(int fd, double timeout) throws IOException {
    return waitFor(fd, Watcher.READ | Watcher.WRITE, timeout, "waitReadWrite");
  }

  private static int waitFor(int fd, int events, double timeout, String call) throws IOException {
    Socket.checkTimeout(timeout);
    Hub hub = Hub.current();
    IoWatcher w;
    try {
      w = hub.loop().io(fd, events);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Sockets." + call + "(fd " + fd + "): " + e.getMessage(), e);
    }
    try (w) {
      int fired;
      try {
        fired = hub.wait(w, timeout);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Sockets." + call + "(fd " + fd + "): " + e.getMessage(), e);
      }
      if (fired == 0) throw new SocketTimeoutException("Sockets." + call + "(fd " + fd + "): not ready within " + timeout + " s");
      if ((fired & Watcher.ERROR) != 0) {
        throw new Closed("Sockets." + call + "(fd " + fd + "): EBADF: the descriptor was closed while waiting");
      }
      return fired & events;
    }
  }
}
