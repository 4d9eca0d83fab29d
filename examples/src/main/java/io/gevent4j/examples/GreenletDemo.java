package io.gevent4j.examples;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.http.HttpServer;
import io.gevent4j.hub.Hub;
import io.gevent4j.loop.Backend;
import io.gevent4j.socket.Socket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The greenlet half of the demo: on a hub of the given backend, an {@link HttpServer} whose
 * handler sleeps 0.2 s cooperatively, and three greenlets that fetch from it at the same time
 * over cooperative sockets. The three requests overlap, so they all end after about 0.2 s.
 */
final class GreenletDemo {
  private GreenletDemo() {}

  static void run(Backend backend) throws InterruptedException {
    // the hub of a new platform thread uses the backend configured when it is made
    System.setProperty("gevent.loop", backend.name().toLowerCase(java.util.Locale.ROOT));
    Thread thread = Thread.ofPlatform().name("demo-" + backend).start(() -> {
      try (Hub hub = Hub.current()) {
        serveAndFetch(hub);
      } catch (Exception e) {
        throw new IllegalStateException("the greenlet demo failed", e);
      }
    });
    thread.join();
    System.clearProperty("gevent.loop");
  }

  private static void serveAndFetch(Hub hub) throws Exception {
    HttpServer server = new HttpServer(new InetSocketAddress("127.0.0.1", 0), exchange -> {
      Hub.sleep(0.2); // cooperative: the other requests are served meanwhile
      byte[] body = ("hello " + exchange.getRequestURI().getQuery() + " from " + Hub.current().backend())
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    int port = server.address().getPort();
    System.out.printf("  greenlets: HttpServer on 127.0.0.1:%d, three clients at once%n", port);
    long start = System.nanoTime();
    List<Greenlet<String>> clients = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      int n = i;
      clients.add(Gevent.spawn(() -> get(port, "/?client" + n)));
    }
    for (Greenlet<String> client : clients) {
      System.out.printf("  %s (after %.2f s)%n", client.get(), (System.nanoTime() - start) / 1e9);
    }
    server.stop(1);
  }

  /** A minimal HTTP/1.1 GET over a cooperative socket, returning the body. */
  private static String get(int port, String target) throws IOException {
    try (Socket socket = Socket.createConnection("127.0.0.1", port, 5)) {
      socket.sendAll(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      int n;
      while ((n = socket.recv(buf, 0, buf.length)) > 0) response.write(buf, 0, n);
      String text = response.toString(StandardCharsets.UTF_8);
      return text.substring(text.indexOf("\r\n\r\n") + 4);
    }
  }
}
