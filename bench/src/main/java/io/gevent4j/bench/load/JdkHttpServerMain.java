package io.gevent4j.bench.load;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/**
 * The JDK's own {@code com.sun.net.httpserver} implementation for the HTTP load harness, its
 * handlers on a virtual thread per request. The script starts it with
 * {@code -Dcom.sun.net.httpserver.HttpServerProvider=sun.net.httpserver.DefaultHttpServerProvider}:
 * gevent4j's io jar on the class path would otherwise make {@code HttpServer.create} a gevent4j
 * server (its provider is registered through META-INF/services).
 */
final class JdkHttpServerMain {
  private JdkHttpServerMain() {}

  public static void main(String[] args) throws Exception {
    ServerArgs a = ServerArgs.parse("JdkHttpServerMain", args);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", a.port()), 1024);
    server.createContext("/", new HelloHandler());
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    a.ready("jdk httpserver (" + server.getClass().getName() + ", virtual threads)");
  }
}
