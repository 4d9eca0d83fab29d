package io.gevent4j.bench.load;

import io.gevent4j.http.HttpServer;
import io.gevent4j.threading.HubGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * gevent4j's HttpServer on a {@link HubGroup} for the scaling harness ({@code bench/hubgroup.sh}):
 * {@code -Dbench.hubs=N} hubs (default 1), each running an {@link HttpServer} serving
 * {@link HelloHandler} on the one port ({@code HubGroup.serve}, {@code SO_REUSEPORT}), as
 * {@link GeventHttpServerMain} does on one hub. The backend is {@code -Dgevent.loop=libev|libuv}.
 */
final class HubGroupHttpServerMain {
  private HubGroupHttpServerMain() {}

  public static void main(String[] args) throws Exception {
    ServerArgs a = ServerArgs.parse("HubGroupHttpServerMain", args);
    int hubs = Integer.getInteger("bench.hubs", 1);
    HubGroup group = HubGroup.start(hubs);
    group.serve(new InetSocketAddress("127.0.0.1", a.port()), address -> new HttpServer(address, new HelloHandler()).backlog(1024));
    a.ready("gevent4j HubGroup(" + hubs + ") http (" + group.hub(0).backend() + ")");
    new CountDownLatch(1).await(); // until the script stops the JVM, or its lifetime is up
  }
}
