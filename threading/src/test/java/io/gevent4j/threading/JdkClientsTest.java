package io.gevent4j.threading;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.http.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Libraries that take an Executor run their tasks as greenlets: CompletableFuture's async
 * methods, and the JDK's HttpClient against gevent4j's HttpServer on the same hub; both
 * backends.
 */
@org.junit.jupiter.api.Timeout(120)
class JdkClientsTest {
  private static final int REQUESTS = 8;

  /** The JDK's delayed-task thread (HttpClient's timers use it) starts once per JVM: before any leak count. */
  @BeforeAll
  static void warmUpJdkThreads() {
    CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.MILLISECONDS)).join();
  }

  private static boolean onHub(Hub hub) {
    return Greenlet.getCurrent() != null && Gevent.getHub() == hub;
  }

  @Test
  void completableFutureAsyncStagesRunAsGreenletsOfTheHub() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        // from the owner, awaited cooperatively
        CompletableFuture<String> chain = CompletableFuture.supplyAsync(() -> onHub(hub) ? "supplied on the hub" : "elsewhere", executor)
            .thenApplyAsync(s -> s + (onHub(hub) ? ", applied on the hub" : ", applied elsewhere"), executor)
            .thenCombineAsync(CompletableFuture.supplyAsync(() -> {
              Gevent.sleep(0.01);
              return "!";
            }, executor), String::concat, executor);
        assertEquals("supplied on the hub, applied on the hub!", Hub.await(chain, 10));

        // from a greenlet: CompletableFuture.get parks it
        assertEquals(42, Greenlet.spawn(() -> CompletableFuture.supplyAsync(() -> 42, executor).get(10, SECONDS)).get(10));

        // from a plain thread: get blocks it while the hub runs the stages
        CompletableFuture<Boolean> fromPlain = new CompletableFuture<>();
        Thread plain = Thread.ofPlatform().start(() -> {
          try {
            fromPlain.complete(CompletableFuture.supplyAsync(() -> onHub(hub), executor).get(10, SECONDS));
          } catch (Throwable e) {
            fromPlain.completeExceptionally(e);
          }
        });
        assertTrue(Hub.await(fromPlain, 10));
        plain.join();
      }
    });
  }

  @Test
  void httpClientOnTheExecutorAgainstAGeventHttpServerWhileATimerTicks() {
    onFreshHub(60, hub -> {
      CountDownLatch allArrived = new CountDownLatch(REQUESTS);
      ConcurrentLinkedQueue<CountDownLatch> waitingForTicks = new ConcurrentLinkedQueue<>();
      AtomicInteger handledOnHub = new AtomicInteger();
      HttpServer server = new HttpServer(new InetSocketAddress("127.0.0.1", 0), exchange -> {
        if (Gevent.getHub() == hub) handledOnHub.incrementAndGet();
        try {
          // every request is in flight at once (none is served before all arrived)...
          allArrived.countDown();
          assertTrue(allArrived.await(20, SECONDS), "the requests did not all arrive together");
          // ...and the timer keeps ticking meanwhile
          CountDownLatch twoTicks = new CountDownLatch(2);
          waitingForTicks.add(twoTicks);
          assertTrue(twoTicks.await(20, SECONDS), "the timer did not tick while a request was in flight");
        } catch (InterruptedException e) {
          throw new java.io.InterruptedIOException(e.toString());
        }
        byte[] body = ("reply to " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
      AtomicInteger ticks = new AtomicInteger();
      AtomicInteger bodyHandlersOnHub = new AtomicInteger();
      Greenlet<Void> ticker = Greenlet.spawn(() -> {
        while (true) {
          Gevent.sleep(0.005);
          ticks.incrementAndGet();
          for (CountDownLatch l : waitingForTicks) l.countDown();
        }
      });
      try {
        URI base = URI.create("http://127.0.0.1:" + server.address().getPort());
        List<String> replies = Greenlet.spawn(() -> {
          // HttpClient.close() waits for the client's threads: in a greenlet, cooperatively
          try (ExecutorService executor = GreenletExecutors.executor(hub);
              HttpClient client = HttpClient.newBuilder().executor(executor).version(HttpClient.Version.HTTP_1_1).build()) {
            // the client hands its work (reading, parsing, the body handler) to the executor
            HttpResponse.BodyHandler<String> handler = info -> {
              if (onHub(hub)) bodyHandlersOnHub.incrementAndGet();
              return HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
            };
            List<Greenlet<String>> requests = new ArrayList<>();
            for (int i = 0; i < REQUESTS - 1; i++) {
              URI uri = base.resolve("/r" + i);
              requests.add(Greenlet.spawn(
                  () -> client.send(HttpRequest.newBuilder(uri).build(), handler).body()));
            }
            // and one asynchronous, whose dependent stage runs on the executor
            CompletableFuture<String> async = client.sendAsync(HttpRequest.newBuilder(base.resolve("/async")).build(),
                handler).thenApplyAsync(r -> r.body() + (onHub(hub) ? " (on the hub)" : ""), executor);
            List<String> all = new ArrayList<>();
            for (Greenlet<String> r : requests) all.add(r.get(30));
            all.add(async.get(30, SECONDS));
            return all;
          }
        }).get(50);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < REQUESTS - 1; i++) expected.add("reply to /r" + i);
        expected.add("reply to /async (on the hub)");
        assertEquals(expected, replies);
        assertEquals(REQUESTS, handledOnHub.get());
        assertEquals(REQUESTS, bodyHandlersOnHub.get(), "the client's body handlers ran as greenlets of the hub");
        assertTrue(ticks.get() >= 2, "ticks: " + ticks.get());
      } finally {
        ticker.kill();
        server.stop(0);
      }
    });
  }
}
