package io.gevent4j.modulepath;

import com.sun.net.httpserver.spi.HttpServerProvider;
import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.queue.Queue;
import io.gevent4j.server.StreamServer;
import io.gevent4j.socket.Socket;
import io.gevent4j.sync.Event;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Run by {@link ModulePathTest} from the class path against gevent4j's jars on the module path:
 * greenlets, an event, a queue, an echo server and the JDK HTTP server provider, printing one
 * line per check.
 */
public final class ModulePathProbe {
  private ModulePathProbe() {}

  public static void main(String[] args) throws Exception {
    System.out.println("module " + Hub.class.getModule().getName() + " named=" + Hub.class.getModule().isNamed());
    System.out.println("internal exported=" + Hub.class.getModule().isExported("io.gevent4j.hub.internal"));

    Event ready = new Event();
    Queue<String> queue = new Queue<>();
    Greenlet<String> g = Gevent.spawn(() -> {
      ready.await();
      return queue.get();
    });
    ready.set();
    queue.put("through the queue");
    System.out.println("greenlet " + g.get());

    try (StreamServer server = new StreamServer(new InetSocketAddress("127.0.0.1", 0), (socket, peer) -> {
      byte[] line = socket.recv(64);
      socket.sendAll(line);
    })) {
      server.start();
      try (Socket client = Socket.createConnection("127.0.0.1", server.address().getPort(), 5)) {
        client.sendAll("echo".getBytes(StandardCharsets.US_ASCII));
        System.out.println("echo " + new String(client.recv(64), StandardCharsets.US_ASCII));
      }
      server.stop(1);
    }
    System.out.println("http provider " + HttpServerProvider.provider().getClass().getName());

    // The JDK's own sockets in greenlets, their waits served by the hub (gevent.jdkPollers=hub,
    // which the module path's --add-opens java.base/sun.nio.ch=io.gevent4j.hub allows).
    System.out.println("jdkPollers " + Hub.jdkPollers());
    try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Greenlet<Void> echo = Gevent.spawn(() -> {
        try (java.net.Socket s = listener.accept()) {
          s.getOutputStream().write(s.getInputStream().readNBytes(4));
        }
        return null;
      });
      Greenlet<String> client = Gevent.spawn(() -> {
        try (java.net.Socket s = new java.net.Socket(listener.getInetAddress(), listener.getLocalPort())) {
          s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
          return new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII);
        }
      });
      echo.get();
      System.out.println("jdk echo " + client.get());
    }
    Hub.current().close();
  }
}
