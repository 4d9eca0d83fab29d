package io.gevent4j.http;

import static io.gevent4j.http.HttpServerTest.get;
import static io.gevent4j.http.HttpServerTest.serve;
import static io.gevent4j.http.HttpTesting.LOOPBACK_ANY_PORT;
import static io.gevent4j.http.HttpTesting.RawClient;
import static io.gevent4j.http.HttpTesting.Response;
import static io.gevent4j.http.HttpTesting.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.Hub;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Handlers on an executor: their I/O goes back to the server's hub; a stop cuts them off cleanly. */
@org.junit.jupiter.api.Timeout(60)
class ExecutorTest {
  @Test
  void handlersRunOnTheExecutorAndTheirIoOnTheHub() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2, r -> Thread.ofPlatform().name("handler-pool").unstarted(r));
    ((ThreadPoolExecutor) pool).prestartAllCoreThreads(); // before the leak count: the pool outlives the test's hub
    try {
      serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
          body = in.readAllBytes();
        }
        exchange.getResponseHeaders().set("X-Thread", Thread.currentThread().getName());
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
          out.flush();
          out.write('!');
        }
      }).executor(pool), server -> {
        try (RawClient c = RawClient.connect(server.address())) {
          for (int i = 0; i < 3; i++) {
            Response r = c.send("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab" + i + "\r\n0\r\n\r\n").read();
            assertEquals("ab" + i + "!", r.text());
            assertEquals("handler-pool", r.header("X-Thread"));
          }
        }
      });
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aHandlerLeftRunningByAStopGetsAnIoException() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(1);
    ((ThreadPoolExecutor) pool).prestartAllCoreThreads();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Throwable> late = new CompletableFuture<>();
    try {
      serve(new HttpServer(LOOPBACK_ANY_PORT, exchange -> {
        entered.countDown();
        try {
          release.await();
          exchange.sendResponseHeaders(200, 1);
          exchange.getResponseBody().write(ascii("x"));
          late.complete(null);
        } catch (IOException | InterruptedException | RuntimeException e) {
          late.complete(e);
        }
      }).executor(pool), server -> {
        try (RawClient c = RawClient.connect(server.address())) {
          c.send(get("/"));
          Hub.current().threadPool().apply(() -> entered.await(10, TimeUnit.SECONDS));
          server.stop(0); // kills the connection's greenlet; the handler still runs on the pool
          assertTrue(c.closedByServer());
        }
      });
      release.countDown();
      Throwable failure = late.get(10, TimeUnit.SECONDS);
      assertTrue(failure instanceof IOException, String.valueOf(failure));
    } finally {
      pool.shutdownNow();
    }
  }
}
