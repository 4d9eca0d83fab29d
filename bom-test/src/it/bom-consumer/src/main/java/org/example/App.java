package org.example;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.http.HttpServer;
import io.gevent4j.queue.Queue;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * A first gevent4j program: a greenlet puts an item on a Queue, an HttpServer on 127.0.0.1 answers
 * a request with it, and another greenlet fetches that answer.
 */
public final class App {
  private App() {}

  /** Runs the program and returns the body the fetching greenlet received. */
  public static String run() throws Exception {
    Queue<String> queue = new Queue<>();
    HttpServer server = new HttpServer(new InetSocketAddress("127.0.0.1", 0), exchange -> {
      byte[] body = queue.get().getBytes(StandardCharsets.UTF_8);   // waits for the producer
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    try (HttpClient client = HttpClient.newHttpClient()) {
      Greenlet<Void> producer = Greenlet.spawn(() -> queue.put("hello from a greenlet"));
      URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/");
      Greenlet<String> fetcher = Greenlet.spawn(
          () -> client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body());
      String body = fetcher.get(30);
      producer.get(30);
      return body;
    } finally {
      server.close();
    }
  }

  public static void main(String[] args) throws Exception {
    System.out.println(run());
  }
}
