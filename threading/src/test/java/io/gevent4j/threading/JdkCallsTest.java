package io.gevent4j.threading;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static io.gevent4j.hub.testing.JdkCallHarness.PATIENCE;
import static io.gevent4j.hub.testing.JdkCallHarness.cooperates;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.fileobject.FileObject;
import io.gevent4j.fileobject.FileObjectThread;
import io.gevent4j.hub.Hub;
import io.gevent4j.http.HttpServer;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rows of "Which JDK calls cooperate" (docs/hub.md) that need this module or the io module's
 * HttpServer, on both backends: the JDK's {@code HttpClient.send} (with its default executor and
 * with {@link GreenletExecutors#executor}) and {@code HttpURLConnection} in greenlets, against
 * gevent4j's HttpServer on the same hub; and a FIFO read through {@link FileObjectThread}, what to
 * use instead of the JDK's file streams. As in hub's JdkCallsTest: {@value #N} greenlets each
 * make the call, and a greenlet of the same hub releases them once all are waiting (for HTTP:
 * once the server holds all {@value #N} requests) and a timer greenlet has ticked 3 more times.
 * The checks are {@link io.gevent4j.hub.testing.JdkCallHarness}'s.
 */
@org.junit.jupiter.api.Timeout(120)
class JdkCallsTest {
  /** Greenlets per row. */
  static final int N = 50;

  /** The JDK's delayed-task thread (HttpClient's timers use it) starts once per JVM: before any leak count. */
  @BeforeAll
  static void warmUpJdkThreads() {
    CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.MILLISECONDS)).join();
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP clients against an HttpServer of the same hub that holds every request until released

  /** An HttpServer on {@code hub} whose handler holds each request until {@code release} is counted down. */
  private static HttpServer holdingServer(AtomicInteger arrived, CountDownLatch release) throws IOException {
    HttpServer server = new HttpServer(new InetSocketAddress("127.0.0.1", 0), exchange -> {
      arrived.incrementAndGet();
      try {
        if (!release.await(30, SECONDS)) throw new AssertionError("never released");
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException(e.toString());
      }
      byte[] body = exchange.getRequestURI().getPath().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return server;
  }

  private static void httpClientSendCooperates(Hub hub, String what, ExecutorService executor) throws Exception {
    AtomicInteger arrived = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    HttpServer server = holdingServer(arrived, release);
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
    if (executor != null) builder.executor(executor);
    HttpClient client = builder.build();
    try {
      URI base = URI.create("http://127.0.0.1:" + server.address().getPort());
      cooperates(hub, what, N, i -> {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/r" + i)).build();
        return () -> assertEquals("/r" + i, client.send(request, HttpResponse.BodyHandlers.ofString()).body());
      }, () -> arrived.get() == N, release::countDown);
    } finally {
      release.countDown();
      // close() waits for the client's threads: in a greenlet, cooperatively
      CompletableFuture<Void> closed = new CompletableFuture<>();
      hub.execute(() -> {
        client.close();
        closed.complete(null);
      });
      Hub.await(closed, PATIENCE);
      server.stop(1);
    }
  }

  @Test
  void httpClientSendWithItsDefaultExecutorCooperates() {
    onFreshHub(hub -> httpClientSendCooperates(hub, "HttpClient.send, default executor", null));
  }

  @Test
  void httpClientSendWithAGreenletExecutorCooperates() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        httpClientSendCooperates(hub, "HttpClient.send, GreenletExecutors.executor(hub)", executor);
      }
    });
  }

  @Test
  void httpUrlConnectionCooperates() {
    onFreshHub(hub -> {
      AtomicInteger arrived = new AtomicInteger();
      CountDownLatch release = new CountDownLatch(1);
      HttpServer server = holdingServer(arrived, release);
      try {
        URI base = URI.create("http://127.0.0.1:" + server.address().getPort());
        cooperates(hub, "HttpURLConnection", N, i -> {
          HttpURLConnection c = (HttpURLConnection) base.resolve("/u" + i).toURL().openConnection();
          c.setRequestProperty("Connection", "close"); // not into the JDK's keep-alive cache: no socket outlives the test
          return () -> {
            try (InputStream in = c.getInputStream()) {
              assertEquals("/u" + i, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
          };
        }, () -> arrived.get() == N, release::countDown);
      } finally {
        release.countDown();
        server.stop(1);
      }
    });
  }

  /**
   * On the hub's owner thread, {@code HttpClient.send} to a server of that same hub never gets
   * its answer: the hub cannot run while its owner blocks in the JDK, so the request is never
   * even read (it times out); the same request awaited with {@link Hub#await} is answered.
   */
  @Test
  void onTheOwnerHttpClientSendToItsOwnHubNeverGetsAnAnswer() {
    onFreshHub(hub -> {
      AtomicInteger arrived = new AtomicInteger();
      CountDownLatch release = new CountDownLatch(0); // the server answers at once
      HttpServer server = holdingServer(arrived, release);
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      try {
        URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/owner");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofMillis(200)).build();
        long start = System.nanoTime();
        org.junit.jupiter.api.Assertions.assertThrows(java.net.http.HttpTimeoutException.class,
            () -> client.send(request, HttpResponse.BodyHandlers.ofString()));
        System.out.printf("[jdkcalls] on the owner, blocks the hub: HttpClient.send to its own hub's server: timed out after %.1f ms,"
            + " %d requests read by the server%n", (System.nanoTime() - start) / 1e6, arrived.get());
        assertEquals(0, arrived.get(), "the server cannot read a request while its hub's owner blocks");
        assertEquals("/owner", Hub.await(client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()),
            PATIENCE).body());
      } finally {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        hub.execute(() -> {
          client.close();
          closed.complete(null);
        });
        Hub.await(closed, PATIENCE);
        server.stop(1);
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Instead of the JDK's file streams: FileObjectThread

  /** A FIFO with no writer yet: the open waits on a pool thread, the greenlets park. */
  @Test
  void aFifoThroughFileObjectThreadCooperates() throws Exception {
    int n = 5; // at most the pool's size (gevent.threadpool.size, 10): each open holds a pool thread
    Path dir = Files.createTempDirectory("jdkcalls");
    Path[] fifos = new Path[n];
    try {
      for (int i = 0; i < n; i++) {
        fifos[i] = dir.resolve("fifo" + i);
        Process mkfifo = new ProcessBuilder("mkfifo", fifos[i].toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(10, SECONDS));
        assertEquals(0, mkfifo.exitValue());
      }
      onFreshHub(hub -> cooperates(hub, "FileObject.open(fifo, \"rb\") + read", n, i -> () -> {
        try (FileObjectThread f = FileObject.open(fifos[i], "rb")) {
          assertArrayEquals(new byte[] {7}, f.inputStream().readAllBytes());
        }
      }, () -> {
        for (Path f : fifos) {
          hub.threadPool().apply(() -> {
            try (OutputStream out = new FileOutputStream(f.toFile())) {
              out.write(7);
            }
            return null;
          });
        }
      }));
    } finally {
      for (Path f : fifos) if (f != null) Files.deleteIfExists(f);
      Files.delete(dir);
    }
  }
}
