package io.gevent4j.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.hub.Hub;
import io.gevent4j.queue.Queue;
import io.gevent4j.socket.Socket;
import io.gevent4j.sync.AsyncResult;
import io.gevent4j.sync.Event;
import io.gevent4j.sync.RLock;
import io.gevent4j.sync.Semaphore;
import io.gevent4j.testing.Leaks;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HubGroup's hubs, threads, tasks, load, failures and close, on both backends. Every test
 * counts descriptors and threads before and after (Leaks). The test thread itself never gets
 * a hub: it waits on futures and latches as a plain thread does.
 */
@Timeout(120)
class HubGroupTest {
  private static final String LOOP = System.getProperty("gevent.loop", "libev");

  /** Waits for a future from the test thread: its value, or the failure it ended with. */
  static <T> T get(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception x) throw x;
      throw e;
    }
  }

  static void await(CountDownLatch latch) throws InterruptedException {
    assertTrue(latch.await(60, TimeUnit.SECONDS), "timed out waiting for " + latch);
  }

  @Test
  void everyHubHasAnOwnerThreadOfItsOwnAndTheGroupEndsThemAll() throws Exception {
    Leaks leaks = Leaks.snapshot();
    HubGroup group = HubGroup.start(3);
    List<Thread> threads = new ArrayList<>();
    try {
      assertEquals(3, group.size());
      assertEquals(3, group.hubs().size());
      String prefix = null;
      Set<Hub> distinct = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        Hub hub = group.hub(i);
        distinct.add(hub);
        assertSame(hub, group.hubs().get(i));
        assertEquals(i, group.indexOf(hub));
        assertTrue(hub.backend().startsWith(LOOP), hub.backend());
        Thread owner = hub.owner();
        if (prefix == null) prefix = owner.getName().substring(0, owner.getName().lastIndexOf('-') + 1);
        assertTrue(prefix.matches("hubgroup-\\d+-"), owner.getName());
        assertEquals(prefix + i, owner.getName());
        assertEquals("hub-" + prefix + i, hub.thread().getName());
        assertFalse(owner.isDaemon(), "a group keeps the JVM alive until closed, as an ExecutorService");
        threads.add(owner);
        threads.add(hub.thread());
        int index = i;
        // a task given to hub i runs in a greenlet of hub i
        assertSame(hub, get(group.submit(i, Hub::current)));
        assertEquals(Boolean.TRUE, get(group.submit(index, () -> Thread.currentThread().isVirtual())));
      }
      assertEquals(3, distinct.size());
      assertEquals(-1, group.indexOf(null));
      assertTrue(group.toString().matches("HubGroup\\(hubgroup-\\d+, 3 hubs, open\\)"), group.toString());
    } finally {
      group.close();
    }
    for (Thread t : threads) assertFalse(t.isAlive(), t + " outlived close()");
    for (Hub hub : group.hubs()) assertTrue(hub.isClosed());
    assertTrue(group.isClosed());
    assertTrue(group.toString().endsWith("closed)"), group.toString());
    leaks.assertNoLeak();
  }

  @Test
  void theDefaultIsOneHubPerCore() {
    Leaks leaks = Leaks.snapshot();
    try (HubGroup group = HubGroup.start()) {
      assertEquals(Runtime.getRuntime().availableProcessors(), group.size());
    }
    leaks.assertNoLeak();
  }

  @Test
  void badInputGetsClearExceptions() throws Exception {
    Leaks leaks = Leaks.snapshot();
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> HubGroup.start(0));
    assertTrue(none.getMessage().contains("HubGroup.start(0)") && none.getMessage().contains("at least 1"), none.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> HubGroup.start(-3)).getMessage().contains("-3"));
    HubGroup group = HubGroup.start(2);
    try {
      IndexOutOfBoundsException out = assertThrows(IndexOutOfBoundsException.class, () -> group.hub(2));
      assertTrue(out.getMessage().contains("hub 2") && out.getMessage().contains("0 to 1"), out.getMessage());
      assertThrows(IndexOutOfBoundsException.class, () -> group.hub(-1));
      assertThrows(IndexOutOfBoundsException.class, () -> group.submit(5, () -> 1));
      assertThrows(IndexOutOfBoundsException.class, () -> group.execute(-1, () -> {}));
      assertThrows(IndexOutOfBoundsException.class, () -> group.load(2));
      assertThrows(NullPointerException.class, () -> group.submit(null));
      assertThrows(NullPointerException.class, () -> group.submit(0, null));
      assertThrows(NullPointerException.class, () -> group.execute(null));
      assertThrows(NullPointerException.class, () -> group.serve(null, a -> new io.gevent4j.server.StreamServer(a, (s, p) -> {})));
      assertThrows(NullPointerException.class, () -> group.serve(new java.net.InetSocketAddress(0), null));
      IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> group.close(-1));
      assertTrue(negative.getMessage().contains("-1"), negative.getMessage());
      assertThrows(IllegalArgumentException.class, () -> group.close(Double.NaN));
      assertFalse(group.isClosed(), "a refused close did nothing");
      assertEquals(7, get(group.submit(() -> 7)));
    } finally {
      group.close();
    }
    RejectedExecutionException late = assertThrows(RejectedExecutionException.class, () -> group.submit(() -> 1));
    assertTrue(late.getMessage().contains("closed") && late.getMessage().contains("HubGroup.start"), late.getMessage());
    assertThrows(RejectedExecutionException.class, () -> group.submit(0, () -> 1));
    assertThrows(RejectedExecutionException.class, () -> group.execute(() -> {}));
    IllegalStateException serve = assertThrows(IllegalStateException.class,
        () -> group.serve(new java.net.InetSocketAddress(0), a -> new io.gevent4j.server.StreamServer(a, (s, p) -> {})));
    assertTrue(serve.getMessage().contains("closed"), serve.getMessage());
    group.close(); // idempotent
    leaks.assertNoLeak();
  }

  @Test
  void submitPicksTheLeastLoadedHubSoABusyHubGetsNone() throws Exception {
    Leaks leaks = Leaks.snapshot();
    HubGroup group = HubGroup.start(4);
    try {
      Event release = new Event();
      CountDownLatch busy = new CountDownLatch(1000);
      get(group.submit(0, () -> {
        for (int i = 0; i < 1000; i++) {
          Gevent.spawn(() -> {
            busy.countDown();
            release.await();
          });
        }
        return null;
      }));
      await(busy);
      assertTrue(group.load(0) >= 1000, "hub 0's load: " + group.load(0));
      List<CompletableFuture<Integer>> tasks = new ArrayList<>();
      CountDownLatch started = new CountDownLatch(300);
      for (int i = 0; i < 300; i++) {
        tasks.add(group.submit(() -> {
          int index = group.indexOf(Hub.current());
          started.countDown();
          release.await();
          return index;
        }));
      }
      await(started);
      int[] loads = {group.load(0), group.load(1), group.load(2), group.load(3)};
      get(group.submit(0, () -> {
        release.set();
        return null;
      }));
      int[] perHub = new int[4];
      for (CompletableFuture<Integer> t : tasks) perHub[get(t)]++;
      // Each pick reads the loads as they are then; a task whose greenlet is starting counts twice
      // for an instant (alive, and still queued), which can tip a pick: an even spread give or take 2.
      assertEquals(0, perHub[0], "the busy hub got none");
      for (int i = 1; i < 4; i++) {
        assertTrue(perHub[i] >= 98 && perHub[i] <= 102, "hub " + i + " got " + perHub[i]);
        assertEquals(perHub[i], loads[i], "a blocked task counts once on its hub");
      }
      assertEquals(1000, loads[0]);
    } finally {
      group.close();
    }
    leaks.assertNoLeak();
  }

  @Test
  void aQueuedTaskCountsInTheLoadAndACancelledOneNeverRuns() throws Exception {
    Leaks leaks = Leaks.snapshot();
    HubGroup group = HubGroup.start(2);
    try {
      AtomicBoolean spin = new AtomicBoolean(true);
      CountDownLatch spinning = new CountDownLatch(1);
      // a greenlet that never yields holds hub 0: what is handed to it waits
      CompletableFuture<Void> holder = group.submit(0, () -> {
        spinning.countDown();
        while (spin.get()) Thread.onSpinWait();
        return null;
      });
      AtomicBoolean ran = new AtomicBoolean();
      CompletableFuture<String> queued;
      CompletableFuture<String> second;
      try { // a failure here must not leave hub 0 spinning: close() would wait for it forever
        await(spinning);
        queued = group.submit(0, () -> {
          ran.set(true);
          return "ran";
        });
        second = group.submit(0, () -> "second");
        assertEquals(3, group.load(0), "the spinning greenlet and two queued tasks");
        assertEquals(0, group.load(1));
        assertTrue(queued.cancel(false));
        assertEquals(2, group.load(0));
      } finally {
        spin.set(false);
      }
      get(holder);
      assertEquals("second", get(second));
      assertTrue(queued.isCancelled());
      assertFalse(ran.get(), "a task cancelled before it started never runs");

      // cancel(true) kills a running task at its wait point
      CountDownLatch waiting = new CountDownLatch(1);
      CountDownLatch finallyRan = new CountDownLatch(1);
      CompletableFuture<Object> blocked = group.submit(1, () -> {
        try {
          waiting.countDown();
          new Event().await();
          return "woken?";
        } finally {
          finallyRan.countDown();
        }
      });
      await(waiting);
      assertTrue(blocked.cancel(true));
      await(finallyRan);
      assertTrue(blocked.isCancelled());
      assertEquals(0, get(group.submit(1, () -> Hub.current().greenletCount() - 1)), "the killed greenlet ended");
    } finally {
      group.close();
    }
    leaks.assertNoLeak();
  }

  @Test
  void aGreenletThatThrowsNeverStopsItsHub() throws Exception {
    Leaks leaks = Leaks.snapshot();
    HubGroup group = HubGroup.start(2);
    try (Logs hubLog = Logs.of(Hub.class); Logs groupLog = Logs.of(HubGroup.class)) {
      // a task's failure is its future's
      ExecutionException failed = assertThrows(ExecutionException.class,
          () -> group.submit(0, () -> { throw new IllegalStateException("task failure"); }).get(60, TimeUnit.SECONDS));
      assertEquals("task failure", failed.getCause().getMessage());
      assertInstanceOf(java.io.IOException.class,
          assertThrows(ExecutionException.class, () -> group.submit(0, () -> { throw new java.io.IOException("checked"); })
              .get(60, TimeUnit.SECONDS)).getCause());
      // execute's greenlet, and greenlets spawned on the hub: logged by the hub, which goes on
      group.execute(0, () -> { throw new IllegalStateException("execute failure"); });
      get(group.submit(0, () -> Gevent.spawn(() -> { throw new IllegalArgumentException("spawned failure"); }).join(10)));
      // a VirtualMachineError is handed to the hub's owner thread: logged there, and the hub goes on
      group.execute(0, () -> { throw new StackOverflowError("deep"); });
      group.execute(0, () -> { throw new InternalError("internal"); });
      for (int i = 0; i < 3; i++) assertEquals("alive " + i, get(group.submit(0, () -> { Hub.sleep(0.001); return "alive"; })) + " " + i);
      assertTrue(group.hub(0).owner().isAlive());
      assertFalse(group.hub(0).isClosed());
      assertTrue(hubLog.lines().stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("execute failure")), hubLog.lines().toString());
      assertTrue(hubLog.lines().stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("spawned failure")), hubLog.lines().toString());
      List<String> owner = groupLog.lines();
      assertTrue(owner.stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("StackOverflowError") && l.contains("the hub goes on")),
          owner.toString());
      assertTrue(owner.stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("InternalError") && l.contains("the hub goes on")),
          owner.toString());
      assertTrue(hubLog.lines().stream().noneMatch(l -> l.contains("task failure")), "submit's failures are the future's, not logged");
    } finally {
      group.close();
    }
    leaks.assertNoLeak();
  }

  @Test
  void closeFromInsideTheGroupIsRefusedAndTheGroupGoesOn() throws Exception {
    Leaks leaks = Leaks.snapshot();
    HubGroup group = HubGroup.start(2);
    HubGroup other = HubGroup.start(1);
    try {
      String fromTask = get(group.submit(0, () -> {
        try {
          group.close();
          return "closed";
        } catch (IllegalStateException e) {
          return e.getMessage();
        }
      }));
      assertTrue(fromTask.contains("close()") && fromTask.contains("greenlet") && fromTask.contains("hub 0")
          && fromTask.contains("outside"), fromTask);
      String fromSpawned = get(group.submit(1, () -> Gevent.spawn(() -> {
        try {
          group.close(5);
          return "closed";
        } catch (IllegalStateException e) {
          return e.getMessage();
        }
      }).get()));
      assertTrue(fromSpawned.contains("hub 1"), fromSpawned);
      CompletableFuture<String> fromCallback = new CompletableFuture<>();
      group.hub(1).callSoon(() -> {
        try {
          group.close();
          fromCallback.complete("closed");
        } catch (IllegalStateException e) {
          fromCallback.complete(e.getMessage());
        }
      });
      String callback = get(fromCallback);
      assertTrue(callback.contains("thread hub-") && callback.contains("hub 1"), callback);
      assertFalse(group.isClosed());
      assertEquals(2, get(group.submit(() -> 2)));
      // a greenlet of another hub may close it: it waits there cooperatively
      assertEquals(Boolean.TRUE, get(other.submit(() -> {
        group.close();
        return group.isClosed() && !group.hub(0).owner().isAlive() && !group.hub(1).thread().isAlive();
      })));
    } finally {
      group.close();
      other.close();
    }
    leaks.assertNoLeak();
  }

  @Test
  void closeWithServersRunningAndGreenletsBlockedEndsEveryThreadAndLeavesNoDescriptor() throws Exception {
    Leaks leaks = Leaks.snapshot();
    HubGroup group = HubGroup.start(3);
    List<java.net.Socket> clients = new ArrayList<>();
    List<CompletableFuture<?>> tasks = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    CountDownLatch finallyRan = new CountDownLatch(2);
    try {
      for (Hub hub : group.hubs()) {
        threads.add(hub.owner());
        threads.add(hub.thread());
      }
      HubGroup.Servers<io.gevent4j.server.StreamServer> echo = group.serve(HubGroupServeTest.LOOPBACK_ANY_PORT,
          a -> new io.gevent4j.server.StreamServer(a, HubGroupServeTest::echo));
      HubGroup.Servers<io.gevent4j.http.HttpServer> http = group.serve(HubGroupServeTest.LOOPBACK_ANY_PORT,
          a -> new io.gevent4j.http.HttpServer(a, HubGroupServeTest::hubIndexHandler));
      for (int i = 0; i < 10; i++) { // handlers blocked in recv, on whichever hubs the kernel picked
        java.net.Socket c = new java.net.Socket(echo.address().getAddress(), echo.address().getPort());
        clients.add(c);
        c.setSoTimeout(30_000);
        c.getOutputStream().write('x');
        assertEquals('x', c.getInputStream().read());
      }
      java.net.Socket keepAlive = new java.net.Socket(http.address().getAddress(), http.address().getPort());
      clients.add(keepAlive);
      keepAlive.setSoTimeout(30_000);
      keepAlive.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
      assertTrue(HubGroupServeTest.readResponseHead(keepAlive.getInputStream()).startsWith("HTTP/1.1 200"));

      CountDownLatch blocked = new CountDownLatch(8);
      Queue<String> never = new Queue<>();
      tasks.add(group.submit(0, () -> {
        blocked.countDown();
        new Event().await(); // nobody sets it
        return null;
      }));
      tasks.add(group.submit(1, () -> {
        blocked.countDown();
        Hub.sleep(3600);
        return null;
      }));
      tasks.add(group.submit(2, () -> {
        blocked.countDown();
        Thread.sleep(3_600_000); // a JDK wait: the kill interrupts it
        return null;
      }));
      tasks.add(group.submit(0, () -> {
        blocked.countDown();
        return new LinkedBlockingQueue<String>().take();
      }));
      tasks.add(group.submit(1, () -> {
        Socket[] pair = Socket.socketpair();
        try {
          blocked.countDown();
          return pair[0].recv(1);
        } finally {
          pair[0].close();
          pair[1].close();
          finallyRan.countDown();
        }
      }));
      tasks.add(group.submit(2, () -> {
        blocked.countDown();
        return never.get(); // a queue other hubs could use
      }));
      group.execute(0, () -> {
        try {
          blocked.countDown();
          new Event().await();
        } finally {
          finallyRan.countDown();
        }
      });
      tasks.add(group.submit(1, () -> Gevent.spawn(() -> {
        blocked.countDown();
        Hub.sleep(3600);
      })));
      await(blocked);
      long began = System.nanoTime();
      group.close();
      double took = (System.nanoTime() - began) / 1e9;
      assertTrue(took < 10, "close() took " + took + " s");
      for (Thread t : threads) assertFalse(t.isAlive(), t + " outlived close()");
      for (int i = 0; i < tasks.size() - 1; i++) {
        CompletableFuture<?> t = tasks.get(i);
        assertTrue(t.isDone() && t.isCompletedExceptionally(), "task " + i + ": " + t);
        int index = i;
        assertTrue(t.isCancelled(), () -> "task " + index + " was killed: " + t.exceptionNow());
      }
      await(finallyRan);
      String rest = new String(keepAlive.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(rest.matches("hubgroup-\\d+-\\d"), "the first response's body, then the end: " + rest);
      for (java.net.Socket c : clients) assertEquals(-1, c.getInputStream().read(), "the server closed its connections");
      assertTrue(echo.isStopped() && http.isStopped());
    } finally {
      for (java.net.Socket c : clients) c.close();
      group.close();
    }
    leaks.assertNoLeak();
  }

  @Test
  void closeWithAGraceLetsTasksFinish() throws Exception {
    Leaks leaks = Leaks.snapshot();
    HubGroup group = HubGroup.start(2);
    CountDownLatch started = new CountDownLatch(2);
    CompletableFuture<String> slow = group.submit(0, () -> {
      started.countDown();
      Hub.sleep(0.2);
      return "finished";
    });
    CompletableFuture<Object> forever = group.submit(1, () -> {
      started.countDown();
      new Event().await(); // nothing will end it: the hub sees that and kills it
      return "woken?";
    });
    await(started);
    group.close(30);
    assertEquals("finished", get(slow));
    assertTrue(forever.isCancelled());
    leaks.assertNoLeak();
  }

  @Test
  void closeIsIdempotentAndConcurrentClosesAllReturnOnceTheGroupIsDown() throws Exception {
    Leaks leaks = Leaks.snapshot();
    HubGroup group = HubGroup.start(4);
    List<Thread> groupThreads = new ArrayList<>();
    for (Hub hub : group.hubs()) {
      groupThreads.add(hub.owner());
      groupThreads.add(hub.thread());
    }
    CountDownLatch running = new CountDownLatch(4);
    for (int i = 0; i < 4; i++) {
      group.submit(i, () -> {
        running.countDown();
        Hub.sleep(3600);
        return null;
      });
    }
    await(running);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger sawDown = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> closers = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      closers.add(Thread.ofPlatform().name("closer-" + k).start(() -> {
        try {
          go.await();
          group.close();
          if (groupThreads.stream().noneMatch(Thread::isAlive)) sawDown.incrementAndGet();
        } catch (Throwable t) {
          failure.set(t);
        }
      }));
    }
    go.countDown();
    for (Thread c : closers) c.join(60_000);
    assertEquals(null, failure.get());
    assertEquals(3, sawDown.get(), "each close() returned once every thread of the group had ended");
    group.close();
    leaks.assertNoLeak();
  }

  @Test
  void gevent4jObjectsWorkAcrossTheHubsOfAGroup() throws Exception {
    Leaks leaks = Leaks.snapshot();
    HubGroup group = HubGroup.start(4);
    try {
      // Event: set on one hub, awaited on the three others
      Event event = new Event();
      List<CompletableFuture<Integer>> waiters = new ArrayList<>();
      CountDownLatch waiting = new CountDownLatch(3);
      for (int i = 1; i < 4; i++) {
        int index = i;
        waiters.add(group.submit(i, () -> {
          waiting.countDown();
          event.await();
          return index;
        }));
      }
      await(waiting);
      get(group.submit(0, () -> {
        event.set();
        return null;
      }));
      for (int i = 1; i < 4; i++) assertEquals(i, get(waiters.get(i - 1)));

      // AsyncResult: set on hub 2, got on the others and on this plain thread (its future)
      AsyncResult<String> result = new AsyncResult<>();
      List<CompletableFuture<String>> getters = new ArrayList<>();
      for (int i : new int[] {0, 1, 3}) getters.add(group.submit(i, result::get));
      CompletableFuture<String> plain = result.toCompletableFuture();
      get(group.submit(2, () -> {
        result.set("value");
        return null;
      }));
      for (CompletableFuture<String> g : getters) assertEquals("value", get(g));
      assertEquals("value", get(plain));

      // RLock: greenlets of every hub increment one plain counter under it, yielding while holding it
      RLock lock = new RLock();
      int[] counter = {0};
      List<CompletableFuture<Void>> incrementers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        for (int k = 0; k < 2; k++) {
          incrementers.add(group.submit(i, () -> {
            for (int n = 0; n < 500; n++) {
              lock.lock();
              try {
                lock.lock(); // reentrant
                try {
                  int v = counter[0];
                  if (n % 50 == 0) Hub.sleep(0);
                  counter[0] = v + 1;
                } finally {
                  lock.unlock();
                }
              } finally {
                lock.unlock();
              }
            }
            return null;
          }));
        }
      }
      for (CompletableFuture<Void> f : incrementers) get(f);
      assertEquals(4 * 2 * 500, get(group.submit(0, () -> {
        lock.lock();
        try {
          return counter[0];
        } finally {
          lock.unlock();
        }
      })));

      // Semaphore(2): never more than two holders at once, whatever hub they are on
      Semaphore semaphore = new Semaphore(2);
      AtomicInteger holders = new AtomicInteger();
      AtomicInteger most = new AtomicInteger();
      List<CompletableFuture<Void>> users = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        for (int k = 0; k < 3; k++) {
          users.add(group.submit(i, () -> {
            for (int n = 0; n < 100; n++) {
              semaphore.acquire();
              try {
                most.accumulateAndGet(holders.incrementAndGet(), Math::max);
                Hub.sleep(0);
              } finally {
                holders.decrementAndGet();
                semaphore.release();
              }
            }
            return null;
          }));
        }
      }
      for (CompletableFuture<Void> f : users) get(f);
      assertTrue(most.get() <= 2 && most.get() >= 1, "at most 2 holders: " + most.get());
      assertEquals(2, semaphore.counter());
    } finally {
      group.close();
    }
    leaks.assertNoLeak();
  }

  @Test
  void eightHubsFeedOneQueueThatGreenletsOfAnotherHubAndAPlainThreadDrainNothingLostOrDuplicated() throws Exception {
    Leaks leaks = Leaks.snapshot();
    int producers = 8;
    int perProducer = 10_000;
    int greenletConsumers = 4;
    HubGroup feeding = HubGroup.start(producers);
    HubGroup draining = HubGroup.start(1);
    try {
      Queue<Integer> queue = new Queue<>(64); // bounded: putters wait across hubs too
      List<CompletableFuture<List<Integer>>> consumers = new ArrayList<>();
      for (int c = 0; c < greenletConsumers; c++) {
        consumers.add(draining.submit(0, () -> {
          List<Integer> got = new ArrayList<>();
          for (int v; (v = queue.get()) >= 0; ) got.add(v);
          return got;
        }));
      }
      CompletableFuture<List<Integer>> plain = new CompletableFuture<>();
      Thread plainThread = Thread.ofPlatform().name("plain-consumer").start(() -> {
        try {
          List<Integer> got = new ArrayList<>();
          for (int v; (v = queue.take()) >= 0; ) got.add(v); // the BlockingQueue method, on a thread of its own
          plain.complete(got);
        } catch (Throwable t) {
          plain.completeExceptionally(t);
        }
      });
      consumers.add(plain);
      List<CompletableFuture<Void>> puts = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int base = p * perProducer;
        puts.add(feeding.submit(p, () -> {
          for (int k = 0; k < perProducer; k++) queue.put(base + k);
          return null;
        }));
      }
      for (CompletableFuture<Void> f : puts) get(f);
      get(feeding.submit(0, () -> {
        for (int c = 0; c < greenletConsumers + 1; c++) queue.put(-1); // one end mark per consumer
        return null;
      }));
      BitSet seen = new BitSet(producers * perProducer);
      int total = 0;
      int busyConsumers = 0;
      for (CompletableFuture<List<Integer>> c : consumers) {
        List<Integer> got = get(c);
        if (!got.isEmpty()) busyConsumers++;
        for (int v : got) {
          assertFalse(seen.get(v), "item " + v + " was taken twice");
          seen.set(v);
          total++;
        }
      }
      assertEquals(producers * perProducer, total);
      assertEquals(producers * perProducer, seen.cardinality(), "every item was taken once");
      assertTrue(busyConsumers >= 2, "the items were shared out: " + busyConsumers + " consumers took some");
      plainThread.join(60_000);
      assertFalse(plainThread.isAlive());
    } finally {
      feeding.close();
      draining.close();
    }
    leaks.assertNoLeak();
  }

  @Test
  void aGroupOfOneRunsEverythingOnItsHub() throws Exception {
    Leaks leaks = Leaks.snapshot();
    try (HubGroup group = HubGroup.start(1)) {
      Hub hub = group.hub(0);
      for (int i = 0; i < 20; i++) assertSame(hub, get(group.submit(Hub::current)));
      CountDownLatch done = new CountDownLatch(1);
      group.execute(done::countDown);
      await(done);
      assertEquals(0, get(group.submit(() -> group.indexOf(Hub.current()))));
    }
    leaks.assertNoLeak();
  }
}
