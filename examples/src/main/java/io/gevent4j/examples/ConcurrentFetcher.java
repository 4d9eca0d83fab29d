package io.gevent4j.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import io.gevent4j.greenlet.Pool;
import io.gevent4j.http.HttpServer;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Timeout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * gevent's {@code examples/concurrent_download.py}: fetch several URLs at once with the
 * platform's ordinary blocking client, here the JDK's {@link HttpURLConnection}. In a greenlet
 * its socket waits park the greenlet (the JDK is the monkey patch), so a {@link Pool} of three
 * greenlets has three downloads in flight. Every fetch runs under a {@link Timeout}: the one slow
 * URL is cut short, the others report their sizes, in the order of the list. The server is an
 * {@link HttpServer} on the same hub, each answer taking 0.1 s.
 *
 * <p>Run it with {@code ./dev example concurrent-fetcher}.
 */
public final class ConcurrentFetcher {
  private static final double TIMEOUT = 0.5;

  // the server's side; one hub, so plain fields
  private int inFlight;
  private int mostInFlight;

  private ConcurrentFetcher() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0) throw new IllegalArgumentException("concurrent-fetcher takes no arguments, got " + List.of(args));
    new ConcurrentFetcher().run();
  }

  /** /bytes/N answers N bytes after 0.1 s; /slow takes 5 s; anything else is a 404. */
  private void serve(HttpExchange exchange) throws IOException {
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    try {
      String path = exchange.getRequestURI().getPath();
      Hub.sleep(path.equals("/slow") ? 5 : 0.1); // cooperative: the server answers others meanwhile
      byte[] body = path.startsWith("/bytes/") ? new byte[Integer.parseInt(path.substring(7))] : "not here".getBytes(UTF_8);
      exchange.sendResponseHeaders(path.startsWith("/bytes/") ? 200 : 404, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } finally {
      inFlight--;
    }
  }

  private void run() throws Exception {
    HttpServer server = new HttpServer(new InetSocketAddress("127.0.0.1", 0), this::serve);
    server.start();
    String base = "http://127.0.0.1:" + server.address().getPort();
    List<String> urls = new ArrayList<>();
    for (String path : List.of("/bytes/100", "/slow", "/bytes/20000", "/missing", "/bytes/1000000", "/bytes/5000")) {
      urls.add(base + path);
    }
    System.out.printf("%d URLs, a Pool of 3 greenlets, a %.1f s Timeout on each fetch%n", urls.size(), TIMEOUT);

    long start = System.nanoTime();
    Pool pool = new Pool(3);
    // imap: at most 3 fetches in flight; the results come in the order of the list
    for (String result : pool.imap(ConcurrentFetcher::fetch, urls)) {
      System.out.println("  " + result.replace(base, ""));
    }
    System.out.printf("all done in %.1f s; the server had at most %d requests at once%n",
        (System.nanoTime() - start) / 1e9, mostInFlight);
    server.close(); // stop(0): also ends the handler still sleeping on /slow
  }

  /** One download, as {@code urlopen(url).read()} would do it, cut short by a Timeout. */
  private static String fetch(String url) throws Exception {
    try {
      return Timeout.call(TIMEOUT, () -> {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestProperty("Connection", "close"); // no keep-alive cache: the socket is closed when done
        try {
          int status = c.getResponseCode();
          try (InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            return url + ": " + status + ", " + body.readAllBytes().length + " bytes";
          }
        } finally {
          c.disconnect();
        }
      });
    } catch (Timeout t) {
      // the JDK's own exception for the interrupted read is the Timeout's doing: Timeout.call throws the Timeout
      return url + ": timed out after " + t.seconds() + " s";
    }
  }
}
