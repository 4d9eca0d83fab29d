package io.gevent4j.bench.load;

import com.sun.net.httpserver.HttpHandler;
import io.gevent4j.http.HttpServer;
import io.gevent4j.hub.Hub;
import java.net.InetSocketAddress;

/**
 * gevent4j's HttpServer for the HTTP load harness, serving the same {@link HelloHandler} as the
 * JDK's server: one hub (the main thread), a greenlet per connection. The backend is
 * {@code -Dgevent.loop=libev|libuv}; {@code -Dbench.allocation=true} prints the bytes allocated
 * per request ({@link AllocationReport}).
 */
final class GeventHttpServerMain {
  private GeventHttpServerMain() {}

  public static void main(String[] args) throws Exception {
    ServerArgs a = ServerArgs.parse("GeventHttpServerMain", args);
    HttpHandler handler = Boolean.getBoolean("bench.allocation") ? AllocationReport.counting(new HelloHandler()) : new HelloHandler();
    HttpServer server = new HttpServer(new InetSocketAddress("127.0.0.1", a.port()), handler).backlog(1024);
    server.start();
    a.ready("gevent4j http (" + Hub.current().backend() + ")");
    server.serveForever(); // runs the hub on this thread for as long as the server lives
  }
}
