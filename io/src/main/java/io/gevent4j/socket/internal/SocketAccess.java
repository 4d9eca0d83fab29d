package io.gevent4j.socket.internal;

import io.gevent4j.socket.Socket;
import java.io.IOException;

/**
 * The socket package's non-public operations, for the server package (the JDK's
 * {@code SharedSecrets} idiom): {@link Socket} installs the implementation when it is loaded,
 * so that wrapping a descriptor stays out of its public API.
 */
public interface SocketAccess {
  /**
   * A socket over a descriptor the caller owns (an accepted connection), made non-blocking; the
   * socket owns it from then on.
   */
  Socket adopt(int fd, int family, int type) throws IOException;

  /** The implementation, installed by {@link Socket}. */
  static SocketAccess get() {
    SocketAccess a = Holder.access;
    if (a == null) {
      // the socket class installs it while it initializes
      try {
        Class.forName(Socket.class.getName(), true, Socket.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      a = Holder.access;
    }
    return a;
  }

  /** For {@link Socket} only. */
  static void install(SocketAccess access) {
    if (Holder.access != null) throw new IllegalStateException("installed already");
    Holder.access = access;
  }

  /** Where the implementation lives. */
  final class Holder {
    private static volatile SocketAccess access;

    private Holder() {}
  }
}
