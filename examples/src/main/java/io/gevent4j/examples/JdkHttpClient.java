package io.gevent4j.examples;

import static io.gevent4j.greenlet.Gevent.spawn;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.http.HttpServer;
import io.gevent4j.hub.Hub;
import io.gevent4j.threading.GreenletExecutors;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * The JDK's {@link HttpClient} inside greenlets. Built with
 * {@link GreenletExecutors#executor(Hub)}, the client runs its work (reading, parsing, the body
 * handlers) as greenlets of the hub, and a greenlet waiting in {@code send} parks. Fifty greenlets
 * each send one request at once to a local {@link HttpServer} on the same hub, whose answers take
 * 0.2 s each: all fifty are in flight together. A ticker greenlet shows that the hub kept
 * turning meanwhile.
 *
 * <p>Run it with {@code ./dev example jdk-http-client}.
 */
public final class JdkHttpClient {
  private static final int REQUESTS = 50;

  private JdkHttpClient() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0) throw new IllegalArgumentException("jdk-http-client takes no arguments, got " + List.of(args));
    Hub hub = Hub.current();
    HttpServer server = new HttpServer(new InetSocketAddress("127.0.0.1", 0), exchange -> {
      Hub.sleep(0.2); // cooperative: the other 49 requests are served meanwhile
      byte[] body = ("hello " + exchange.getRequestURI().getQuery()).getBytes(UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    URI base = URI.create("http://127.0.0.1:" + server.address().getPort() + "/");
    System.out.printf("%d greenlets, one HttpClient whose executor is the hub's greenlets, "
        + "an HttpServer on the same hub%n", REQUESTS);

    // The JVM's first HttpClient costs a few hundred ms of class loading and TLS set-up, on
    // whichever thread builds it: build it before the hub has other work to hold up.
    ExecutorService executor = GreenletExecutors.executor(hub);
    HttpClient client = HttpClient.newBuilder().executor(executor).version(HttpClient.Version.HTTP_1_1).build();

    long[] ticks = {0, 0}; // count, longest gap in ns
    Greenlet<Void> ticker = spawn(() -> {
      for (long last = System.nanoTime(); ; ticks[0]++) {
        Hub.sleep(0.01);
        long now = System.nanoTime();
        ticks[1] = Math.max(ticks[1], now - last);
        last = now;
      }
    });

    long start = System.nanoTime();
    List<Greenlet<String>> requests = new ArrayList<>();
    for (int i = 1; i <= REQUESTS; i++) {
      HttpRequest request = HttpRequest.newBuilder(base.resolve("?n=" + i)).timeout(Duration.ofSeconds(5)).build();
      requests.add(spawn(() -> {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString()); // parks this greenlet
        return response.statusCode() + " " + response.body();
      }));
    }
    List<String> answers = new ArrayList<>();
    for (Greenlet<String> r : requests) answers.add(r.get()); // main waits cooperatively
    double seconds = (System.nanoTime() - start) / 1e9;
    ticker.kill();
    // HttpClient.close() waits for the client's own threads: in a greenlet that wait is cooperative
    spawn(() -> {
      client.close();
      executor.close();
    }).get();
    server.stop(1);

    int right = 0;
    for (int i = 1; i <= REQUESTS; i++) right += answers.get(i - 1).equals("200 hello n=" + i) ? 1 : 0;
    System.out.printf("%d of %d answered 200 with their own body, in %.2f s (one answer takes 0.2 s)%n",
        right, REQUESTS, seconds);
    System.out.printf("first and last: %s, %s%n", answers.getFirst(), answers.getLast());
    System.out.printf("the ticker ticked %d times; its longest gap was %d ms%n", ticks[0], ticks[1] / 1_000_000);
  }
}
