package io.gevent4j.http.jdkapp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import com.sun.net.httpserver.SimpleFileServer;
import com.sun.net.httpserver.spi.HttpServerProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The JDK's {@code com.sun.net.httpserver} API on gevent4j through its provider, as an
 * application sees it: this file, like {@link GreetingApp}, uses the JDK's API only (no gevent4j
 * import). Run on both backends like every test of the module.
 */
@org.junit.jupiter.api.Timeout(60)
class GeventHttpServerProviderTest {
  static final String PROVIDER = "io.gevent4j.http.GeventHttpServerProvider";

  static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  static HttpResponse<String> get(HttpClient client, HttpServer server, String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path));
    if (headers.length > 0) request.headers(headers);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static long openFds() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count() - 1;
    }
  }

  static String describeFds() throws IOException {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      for (Path p : (Iterable<Path>) s::iterator) {
        try {
          b.append(p.getFileName()).append("->").append(Files.readSymbolicLink(p)).append(' ');
        } catch (IOException e) {
          // the listing's own
        }
      }
    }
    return b.toString();
  }

  static boolean serverThreadAlive(int port) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("gevent4j-http-" + port) && t.isAlive());
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theJarOnTheClassPathMakesGevent4jTheProvider() throws IOException {
    assertEquals(PROVIDER, HttpServerProvider.provider().getClass().getName());
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    try {
      assertTrue(server.getClass().getName().startsWith("io.gevent4j.http."), server.getClass().getName());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anUnmodifiedApplicationRuns() throws Exception {
    // what the JVM makes once and keeps (the native library's process-wide descriptors, the JDK's
    // pollers), made before the counts: one server started, used and stopped
    HttpServer warm = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0, "/", exchange -> {
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    warm.start();
    try (HttpClient client = client()) {
      assertEquals(204, get(client, warm, "/").statusCode());
    }
    warm.stop(0);
    long fdsBefore = openFds();

    // a plain main thread starts the server and returns
    AtomicReference<HttpServer> started = new AtomicReference<>();
    Thread main = Thread.ofPlatform().name("app-main").start(() -> {
      try {
        started.set(GreetingApp.start(0));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    main.join();
    HttpServer server = started.get();
    int port = server.getAddress().getPort();
    assertNotEquals(0, port);
    assertTrue(serverThreadAlive(port), "the server serves on its own thread once main has returned");

    try (HttpClient client = client()) {
      HttpResponse<String> hello = get(client, server, "/hello/there");
      assertEquals(200, hello.statusCode());
      assertEquals("hello /hello/there stamped", hello.body());
      assertEquals("yes", hello.headers().firstValue("X-Filtered").orElse(null));

      HttpResponse<String> world = get(client, server, "/hello/world/deeper");
      assertEquals("world /hello/world", world.body(), "the longest matching context wins");
      assertEquals("world /hello/world", get(client, server, "/hello/worldwide").body(),
          "a plain string prefix, as the JDK matches: /hello/world serves /hello/worldwide");

      assertEquals(404, get(client, server, "/elsewhere").statusCode(), "no context: 404");

      HttpResponse<String> challenge = get(client, server, "/secret");
      assertEquals(401, challenge.statusCode());
      assertTrue(challenge.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm=\"gevent\""));
      assertEquals(401, get(client, server, "/secret", "Authorization", basic("alice", "wrong")).statusCode());
      HttpResponse<String> secret = get(client, server, "/secret", "Authorization", basic("alice", "wonderland"));
      assertEquals(200, secret.statusCode());
      assertEquals("secret for alice of gevent", secret.body());
      assertEquals("yes", secret.headers().firstValue("X-Filtered").orElse(null), "user filters run before the authenticator");

      byte[] payload = new byte[50_000];
      new Random(5).nextBytes(payload);
      byte[] echoed = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
      assertArrayEquals(payload, echoed);

      server.removeContext("/hello/world");
      assertEquals("hello /hello/world/deeper stamped", get(client, server, "/hello/world/deeper").body());
      assertThrows(IllegalArgumentException.class, () -> server.removeContext("/hello/world"));

      // the client keeps its connection open: the stop closes it at once
      long start = System.nanoTime();
      server.stop(10);
      double took = (System.nanoTime() - start) / 1e9;
      assertTrue(took < 3, "an idle connection does not hold the stop: " + took + " s");
    }
    assertTrue(!serverThreadAlive(port), "the server thread has ended");
    long fdsAfter = openFds();
    assertTrue(fdsAfter <= fdsBefore, "descriptors: " + fdsBefore + " before, " + fdsAfter + " after: " + describeFds());
  }

  @Test
  void anExecutorRunsTheHandlers() throws Exception {
    AtomicInteger counter = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(2, r -> Thread.ofPlatform().name("app-pool-" + counter.incrementAndGet()).unstarted(r));
    AtomicReference<String> handlerThread = new AtomicReference<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    try {
      server.createContext("/", exchange -> {
        handlerThread.set(Thread.currentThread().getName());
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
          body = in.readAllBytes();
        }
        exchange.sendResponseHeaders(200, body.length * 2L);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
          out.flush();
          out.write(body);
        }
      });
      server.setExecutor(pool);
      assertEquals(pool, server.getExecutor());
      server.start();
      assertThrows(IllegalStateException.class, () -> server.setExecutor(null));
      try (HttpClient client = client()) {
        for (int i = 0; i < 3; i++) {
          String body = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/x"))
              .POST(HttpRequest.BodyPublishers.ofString("ab" + i)).build(), HttpResponse.BodyHandlers.ofString()).body();
          assertEquals("ab" + i + "ab" + i, body);
        }
      }
      assertTrue(handlerThread.get().startsWith("app-pool-"), handlerThread.get());
    } finally {
      server.stop(1);
      pool.shutdownNow();
    }
  }

  @Test
  void theJdksSimpleFileServerRuns() throws Exception {
    Path root = Files.createTempDirectory("g4j-files");
    Files.writeString(root.resolve("hello.txt"), "hello from a file");
    HttpServer server = SimpleFileServer.createFileServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), root,
        SimpleFileServer.OutputLevel.NONE);
    server.start();
    try (HttpClient client = client()) {
      HttpResponse<String> file = get(client, server, "/hello.txt");
      assertEquals(200, file.statusCode());
      assertEquals("hello from a file", file.body());
      HttpResponse<String> listing = get(client, server, "/");
      assertEquals(200, listing.statusCode());
      assertTrue(listing.body().contains("hello.txt"), listing.body());
      HttpResponse<Void> head = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
          + "/hello.txt")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
      assertEquals(200, head.statusCode());
      assertEquals("17", head.headers().firstValue("Content-Length").orElse(null), "the handler's own Content-Length for HEAD");
      assertEquals(404, get(client, server, "/missing.txt").statusCode());
    } finally {
      server.stop(0);
      Files.delete(root.resolve("hello.txt"));
      Files.delete(root);
    }
  }

  @Test
  void theLifeCycleFollowsTheJdk() throws Exception {
    HttpServer unbound = HttpServer.create();
    assertNull(unbound.getAddress());
    assertThrows(IllegalStateException.class, unbound::start, "not bound");
    unbound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    assertThrows(java.net.BindException.class, () -> unbound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10));
    assertThrows(IllegalArgumentException.class, () -> unbound.createContext("no-slash"));
    unbound.createContext("/a");
    assertThrows(IllegalArgumentException.class, () -> unbound.createContext("/a"));
    assertThrows(IllegalArgumentException.class, () -> unbound.stop(-1));
    unbound.stop(0); // never started: closes the socket

    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0, "/", exchange -> {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    assertThrows(IllegalStateException.class, server::start);
    try (HttpClient client = client()) {
      assertEquals(200, get(client, server, "/").statusCode());
    }
    server.stop(0);
    server.stop(0); // idempotent
    assertThrows(IllegalStateException.class, server::start);

    InetSocketAddress taken = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    HttpServer first = HttpServer.create(taken, 0);
    try {
      assertThrows(java.net.BindException.class, () -> HttpServer.create(first.getAddress(), 0));
    } finally {
      first.stop(0);
    }

    HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    try {
      assertTrue(https.getClass().getName().startsWith("io.gevent4j.http."), https.getClass().getName());
      assertThrows(IllegalStateException.class, https::start, "no HttpsConfigurator");
      assertThrows(NullPointerException.class, () -> https.setHttpsConfigurator(null));
    } finally {
      https.stop(0);
    }
  }
}
