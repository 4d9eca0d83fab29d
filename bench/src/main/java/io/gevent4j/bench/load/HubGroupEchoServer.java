package io.gevent4j.bench.load;

import io.gevent4j.server.StreamServer;
import io.gevent4j.socket.Socket;
import io.gevent4j.threading.HubGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.util.concurrent.CountDownLatch;

/**
 * gevent4j's echo server on a {@link HubGroup} for the scaling harness ({@code bench/hubgroup.sh}):
 * {@code -Dbench.hubs=N} hubs (default 1), each running a {@link StreamServer} on the one port
 * ({@code HubGroup.serve}, {@code SO_REUSEPORT}), a greenlet per connection receiving what comes
 * and sending it back, as {@link GeventEchoServer} does. The backend is
 * {@code -Dgevent.loop=libev|libuv}. The main thread only waits: the group's threads serve.
 */
final class HubGroupEchoServer {
  private HubGroupEchoServer() {}

  public static void main(String[] args) throws Exception {
    ServerArgs a = ServerArgs.parse("HubGroupEchoServer", args);
    int hubs = Integer.getInteger("bench.hubs", 1);
    HubGroup group = HubGroup.start(hubs);
    group.serve(new InetSocketAddress("127.0.0.1", a.port()), address -> new StreamServer(address, HubGroupEchoServer::echo).backlog(1024));
    a.ready("gevent4j HubGroup(" + hubs + ") echo (" + group.hub(0).backend() + ")");
    new CountDownLatch(1).await(); // until the script stops the JVM, or its lifetime is up
  }

  private static void echo(Socket client, InetSocketAddress peer) throws IOException {
    client.setOption(StandardSocketOptions.TCP_NODELAY, true);
    byte[] buf = new byte[4096];
    int n;
    while ((n = client.recv(buf, 0, buf.length)) > 0) client.sendAll(buf, 0, n);
  }
}
