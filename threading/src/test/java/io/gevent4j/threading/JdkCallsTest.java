package io.gevent4j.threading;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.fileobject.FileObject;
import io.gevent4j.fileobject.FileObjectThread;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Timeout;
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
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
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
 */
@org.junit.jupiter.api.Timeout(120)
class JdkCallsTest {
  static final int N = 50;
  static final double TICK = 0.002;
  static final double PATIENCE = 20;

  /** The JDK's delayed-task thread (HttpClient's timers use it) starts once per JVM: before any leak count. */
  @BeforeAll
  static void warmUpJdkThreads() {
    CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.MILLISECONDS)).join();
  }

  // ---------------------------------------------------------------------------------------------
  // The harness: hub's JdkCallsTest's, for the calls of this module

  /** A JDK call that waits. */
  @FunctionalInterface
  interface Call {
    void run() throws Exception;
  }

  /** What greenlet {@code i} of a row does: gets ready, then returns its call. */
  @FunctionalInterface
  interface Row {
    Call prepare(int i) throws Exception;
  }

  /** A greenlet of the hub that counts the ticks of a {@link #TICK} timer until closed. */
  static final class Ticker implements AutoCloseable {
    private final AtomicInteger ticks = new AtomicInteger();
    private volatile boolean stop;

    Ticker(Hub hub) {
      hub.execute(() -> {
        while (!stop) {
          Hub.sleep(TICK);
          ticks.incrementAndGet();
        }
      });
    }

    int ticks() {
      return ticks.get();
    }

    void awaitTicks(int more) {
      int target = ticks.get() + more;
      waitUntil(() -> ticks.get() >= target, "the timer to tick " + more + " times");
    }

    @Override
    public void close() {
      stop = true;
    }
  }

  /** Polls {@code condition} at each tick, cooperatively; fails after {@link #PATIENCE}. */
  static void waitUntil(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + (long) (PATIENCE * 1e9);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("waited " + PATIENCE + " s for " + what);
      Hub.sleep(TICK);
    }
  }

  /** What a row's greenlets saw: when each entered and left its call, and the ticks meanwhile. */
  record Outcome(String what, long[] entered, long[] returned, int[] ticksDuring, long released) {
    int n() {
      return entered.length;
    }

    boolean allAtOnce() {
      return Arrays.stream(entered).max().orElseThrow() < Arrays.stream(returned).min().orElseThrow();
    }

    int minTicks() {
      return Arrays.stream(ticksDuring).min().orElseThrow();
    }

    int maxTicks() {
      return Arrays.stream(ticksDuring).max().orElseThrow();
    }

    double span() {
      return (Arrays.stream(returned).max().orElseThrow() - Arrays.stream(entered).min().orElseThrow()) / 1e9;
    }

    double wakeAll() {
      return (Arrays.stream(returned).max().orElseThrow() - released) / 1e9;
    }

    @Override
    public String toString() {
      return String.format("%s: %d calls, %s, ticks during each call %d..%d, span %.1f ms, all %d woken %.2f ms after the release",
          what, n(), allAtOnce() ? "all at once" : "not all at once", minTicks(), maxTicks(), span() * 1e3, n(), wakeAll() * 1e3);
    }
  }

  /**
   * Runs {@code n} greenlets that each make {@code row}'s call, and a greenlet that runs
   * {@code release} once all of them are in their call, {@code ready} holds and the timer has
   * ticked 3 more times; checks that the calls overlapped and the timer ticked during each.
   */
  static Outcome cooperates(Hub hub, String what, int n, Row row, BooleanSupplier ready, Call release) {
    long[] entered = new long[n];
    long[] returned = new long[n];
    int[] ticksDuring = new int[n];
    long[] released = new long[1];
    AtomicInteger inCall = new AtomicInteger();
    AtomicInteger over = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CompletableFuture<Void> allReturned = new CompletableFuture<>();
    CompletableFuture<Void> releaseDone = new CompletableFuture<>(); // the releaser may still be at work when the calls return
    try (Ticker ticker = new Ticker(hub)) {
      for (int i = 0; i < n; i++) {
        int id = i;
        hub.execute(() -> {
          try {
            Call call = row.prepare(id);
            int before = ticker.ticks();
            entered[id] = System.nanoTime();
            inCall.incrementAndGet();
            call.run();
            returned[id] = System.nanoTime();
            ticksDuring[id] = ticker.ticks() - before;
          } catch (Throwable e) {
            failures.add(e);
          } finally {
            if (over.incrementAndGet() == n) allReturned.complete(null);
          }
        });
      }
      hub.execute(() -> {
        try {
          waitUntil(() -> (inCall.get() == n && ready.getAsBoolean()) || !failures.isEmpty(), "all " + n + " calls under way");
          ticker.awaitTicks(3);
          released[0] = System.nanoTime();
          release.run();
        } catch (Throwable e) {
          failures.add(e);
        } finally {
          releaseDone.complete(null);
        }
      });
      try {
        Hub.await(allReturned.thenCombine(releaseDone, (a, b) -> null), PATIENCE);
      } catch (Timeout t) {
        AssertionError e = new AssertionError(what + ": " + over.get() + " of " + n + " calls returned in " + PATIENCE + " s"
            + (releaseDone.isDone() ? "" : ", the release not done"));
        failures.forEach(e::addSuppressed);
        throw e;
      }
    }
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError(what + ": a greenlet failed");
      failures.forEach(e::addSuppressed);
      throw e;
    }
    Outcome o = new Outcome(what, entered, returned, ticksDuring, released[0]);
    System.out.println("[jdkcalls] cooperates: " + o);
    assertTrue(o.allAtOnce(), o::toString);
    assertTrue(o.minTicks() >= 3, () -> "the timer ticked during each call: " + o);
    return o;
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
      }, () -> true, () -> {
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
