package io.gevent4j.server;

import io.gevent4j.socket.Socket;
import java.io.IOException;

/**
 * A connection the accept loop took with {@code accept4(2)}: a plain {@link Socket} over that
 * descriptor (the server package reaches the protected constructor through this subclass).
 */
final class AcceptedSocket extends Socket {
  AcceptedSocket(int fd, int family, int type) throws IOException {
    super(fd, family, type);
  }
}
