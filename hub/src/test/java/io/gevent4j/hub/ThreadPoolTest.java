package io.gevent4j.hub;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** gevent.threadpool: work off the hub, results back through it; both backends. */
@org.junit.jupiter.api.Timeout(120)
class ThreadPoolTest {

  @Test
  void applyRunsOnAPoolThreadAndWaitsCooperatively() {
    onFreshHub(hub -> {
      assertEquals(10, hub.threadPool().maxsize());
      List<String> order = new ArrayList<>();
      CountDownLatch release = new CountDownLatch(1);
      hub.execute(() -> order.add(hub.threadPool().apply(() -> {
        assertNotSame(hub.thread(), Thread.currentThread());
        release.await(10, TimeUnit.SECONDS);
        return "pool";
      })));
      hub.execute(() -> {
        order.add("greenlet ran while the other waited");
        release.countDown();
      });
      assertTrue(hub.join(10));
      assertEquals(List.of("greenlet ran while the other waited", "pool"), order);
    });
  }

  @Test
  void aTaskInFlightKeepsTheHubAlive() {
    onFreshHub(hub -> {
      String[] result = new String[1];
      CountDownLatch release = new CountDownLatch(1);
      hub.execute(() -> result[0] = hub.threadPool().apply(() -> {
        release.await(10, TimeUnit.SECONDS);
        return "done";
      }));
      assertTrue(!hub.join(0.05), "join must wait for the pool task");
      release.countDown();
      assertTrue(hub.join(10));
      assertEquals("done", result[0]);
    });
  }

  @Test
  void failuresComeBackAsGetRethrowsThem() {
    onFreshHub(hub -> {
      ThreadPool pool = hub.threadPool();
      assertThrows(IllegalStateException.class, () -> pool.apply(() -> {
        throw new IllegalStateException("unchecked");
      }));
      CompletionException e = assertThrows(CompletionException.class, () -> pool.apply(() -> {
        throw new IOException("checked");
      }));
      assertTrue(e.getCause() instanceof IOException);
      CompletableFuture<Integer> f = pool.spawn(() -> 42);
      assertEquals(42, Hub.await(f));
    });
  }

  @Test
  void closeJoinsRunningTasksAndRefusesNewOnes() {
    onFreshHub(hub -> {
      ThreadPool pool = new ThreadPool(2);
      CompletableFuture<String> slow = pool.spawn(() -> {
        Thread.sleep(50);
        return "finished";
      });
      pool.close();
      assertTrue(slow.isDone(), "close waits for running tasks");
      assertEquals("finished", slow.join());
      assertThrows(RejectedExecutionException.class, () -> pool.spawn(() -> 1));
      pool.close(); // idempotent
    });
  }

  @Test
  void closeFromAGreenletWaitsCooperatively() {
    onFreshHub(hub -> {
      ThreadPool pool = new ThreadPool(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<String> task = pool.spawn(() -> {
        release.await(10, TimeUnit.SECONDS);
        return "ok";
      });
      List<String> order = new ArrayList<>();
      hub.execute(() -> {
        pool.close();
        order.add("closed");
      });
      hub.execute(() -> {
        order.add("other greenlet ran");
        release.countDown();
      });
      assertTrue(hub.join(10));
      assertEquals(List.of("other greenlet ran", "closed"), order);
      assertEquals("ok", task.join());
    });
  }

  @Test
  void theHubsResolverResolvesOnThePool() {
    onFreshHub(hub -> {
      List<java.net.InetAddress> addresses = hub.resolver().getaddrinfo("localhost");
      assertTrue(addresses.stream().anyMatch(java.net.InetAddress::isLoopbackAddress), addresses.toString());
      assertEquals("127.0.0.1", hub.resolver().gethostbyname("127.0.0.1"));
    });
  }

  /** gevent's ThreadPool.apply runs inline on one of its own workers: a full pool would wait for itself. */
  @Test
  void applyFromAWorkerRunsInline() {
    onFreshHub(hub -> {
      try (ThreadPool pool = new ThreadPool(1)) {
        assertEquals(7, pool.apply(() -> pool.apply(() -> 7)));
      }
    });
  }
}
