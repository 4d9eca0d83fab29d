package io.gevent4j.threading;

import io.gevent4j.http.HttpServer;
import io.gevent4j.server.BaseServer;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * What {@link HubGroup#serve} does with a server: the three kinds it takes
 * ({@code StreamServer} and {@code DatagramServer}, which are {@link BaseServer}s, and
 * {@link HttpServer}) have the same life cycle without a common type.
 */
final class ServerOps {
  private ServerOps() {}

  /** Throws unless {@code server} is a kind serve takes; {@code hub} is for the message. */
  static void check(Object server, int hub) {
    if (server == null) {
      throw new NullPointerException("HubGroup.serve: the factory returned null on hub " + hub + "; it must return a new server");
    }
    if (!(server instanceof BaseServer<?>) && !(server instanceof HttpServer)) {
      throw new IllegalArgumentException("HubGroup.serve: the factory made a " + server.getClass().getName()
          + " on hub " + hub + "; it must make a new StreamServer, DatagramServer or HttpServer on each call");
    }
  }

  static void reusePort(Object server) {
    if (server instanceof BaseServer<?> b) b.reusePort(true);
    else ((HttpServer) server).reusePort(true);
  }

  static void start(Object server) throws IOException {
    if (server instanceof BaseServer<?> b) b.start();
    else ((HttpServer) server).start();
  }

  static InetSocketAddress address(Object server) {
    return server instanceof BaseServer<?> b ? b.address() : ((HttpServer) server).address();
  }

  static void stop(Object server, double timeout) {
    if (server instanceof BaseServer<?> b) b.stop(timeout);
    else ((HttpServer) server).stop(timeout);
  }
}
