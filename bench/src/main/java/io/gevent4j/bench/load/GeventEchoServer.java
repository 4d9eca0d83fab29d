package io.gevent4j.bench.load;

import static io.gevent4j.greenlet.Gevent.spawn;
import static io.gevent4j.greenlet.Gevent.spawnRaw;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.socket.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;

/**
 * gevent4j's echo server for the load harness, written as a gevent user would without a
 * server class: one hub (the main thread), an accept-loop greenlet, and one raw greenlet per
 * connection that receives what comes and sends it back with the cooperative {@link Socket}.
 * The backend is {@code -Dgevent.loop=libev|libuv}.
 */
final class GeventEchoServer {
  private GeventEchoServer() {}

  public static void main(String[] args) throws Exception {
    ServerArgs a = ServerArgs.parse("GeventEchoServer", args);
    Socket listener = Socket.tcp();
    listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    listener.bind(new InetSocketAddress("127.0.0.1", a.port()));
    listener.listen(1024);
    Greenlet<Void> acceptor = spawn(() -> {
      while (true) {
        Socket client = listener.accept();
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        spawnRaw(() -> echo(client));
      }
    });
    a.ready("gevent4j (" + Hub.current().backend() + ")");
    acceptor.join(); // runs the hub on this thread for as long as the server lives
    acceptor.get();
  }

  private static void echo(Socket client) {
    byte[] buf = new byte[4096];
    try (client) {
      int n;
      while ((n = client.recv(buf, 0, buf.length)) > 0) client.sendAll(buf, 0, n);
    } catch (IOException e) {
      // the client went away: this connection is over
    }
  }
}
