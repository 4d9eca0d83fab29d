package io.gevent4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The hub's scheduling, waiting and lifecycle; run once per backend by surefire. */
@org.junit.jupiter.api.Timeout(120)
class HubTest {

  @Test
  void theHubRunsOnTheConfiguredBackend() {
    onFreshHub(hub -> {
      String configured = System.getProperty("gevent.loop", "libev");
      assertTrue(hub.backend().startsWith(configured + ":"), hub.backend());
      assertSame(hub, Hub.current());
    });
  }

  @Test
  void spawnOnlySchedulesAndGreenletsRunInFifoOrder() {
    onFreshHub(hub -> {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        int n = i;
        hub.execute(() -> order.add(n));
      }
      assertEquals(List.of(), order, "nothing runs before the spawner yields");
      Hub.sleep(0);
      assertEquals(List.of(0, 1, 2, 3, 4), order);
    });
  }

  @Test
  void insideAGreenletTheHubIsItsHub() {
    onFreshHub(hub -> {
      Hub[] seen = new Hub[1];
      RawGreenlet[] self = new RawGreenlet[1];
      RawGreenlet g = hub.newGreenlet(() -> {
        seen[0] = Hub.current();
        self[0] = RawGreenlet.current();
      }, "probe").start();
      hub.join(5);
      assertSame(hub, seen[0]);
      assertSame(g, self[0]);
      assertTrue(g.dead());
      assertEquals(null, RawGreenlet.current(), "a plain thread is no greenlet");
    });
  }

  @Test
  void sleepersWakeInDeadlineOrder() {
    onFreshHub(hub -> {
      List<Double> order = new ArrayList<>();
      for (double d : new double[] {0.05, 0.01, 0.03, 0.02, 0.04}) {
        hub.execute(() -> {
          Hub.sleep(d);
          order.add(d);
        });
      }
      assertTrue(hub.join(10));
      assertEquals(List.of(0.01, 0.02, 0.03, 0.04, 0.05), order);
    });
  }

  @Test
  void sleepZeroLetsEveryOtherReadyGreenletRunOnce() {
    onFreshHub(hub -> {
      List<String> order = new ArrayList<>();
      for (String name : List.of("a", "b", "c")) {
        hub.execute(() -> {
          for (int i = 0; i < 3; i++) {
            order.add(name + i);
            Hub.sleep(0);
          }
        });
      }
      hub.join(5);
      assertEquals(List.of("a0", "b0", "c0", "a1", "b1", "c1", "a2", "b2", "c2"), order);
    });
  }

  @Test
  void greenletsSpinningOnSleepZeroStarveNeitherTimersNorOtherThreads() {
    onFreshHub(hub -> {
      boolean[] stop = new boolean[2];
      int[] spins = new int[2];
      for (int i = 0; i < 2; i++) {
        int me = i;
        hub.execute(() -> {
          while (!stop[me]) {
            spins[me]++;
            Hub.sleep(0);
          }
        });
      }
      // a timer: polled between batches although the spinners are always ready
      hub.execute(() -> {
        Hub.sleep(0.02);
        stop[0] = true;
      });
      // work from another thread: drained between batches too
      Thread other = Thread.ofPlatform().start(() -> hub.callSoon(() -> stop[1] = true));
      assertTrue(hub.join(10), "the spinners never saw the timer or the other thread");
      other.join();
      assertTrue(spins[0] > 1, "the timer fired while a spinner kept spinning");
    });
  }

  @Test
  void aHundredThousandGreenletsStartAndFinish() {
    onFreshHub(hub -> {
      AtomicInteger done = new AtomicInteger();
      for (int i = 0; i < 100_000; i++) hub.execute(done::incrementAndGet);
      assertTrue(hub.join(60));
      assertEquals(100_000, done.get());
      assertEquals(0, hub.liveGreenlets().size());
    });
  }

  @Test
  void mainThreadSleepRunsTheHub() {
    onFreshHub(hub -> {
      AtomicInteger ran = new AtomicInteger();
      hub.execute(ran::incrementAndGet);
      Hub.sleep(0.01);
      assertEquals(1, ran.get());
    });
  }

  @Test
  void aWaitNothingCanEndIsLoopExit() {
    onFreshHub(hub -> {
      Waiter<String> never = new Waiter<>();
      LoopExit e = assertThrows(LoopExit.class, never::get);
      assertTrue(e.getMessage().contains("nothing can make progress"), e.getMessage());
    });
  }

  @Test
  void aSharedWaiterIsWokenByAnotherThread() {
    onFreshHub(hub -> {
      Waiter<String> waiter = new Waiter<>(true);
      Thread other = Thread.ofPlatform().start(() -> waiter.switchTo("hello"));
      assertEquals("hello", waiter.get(10));
      other.join();
    });
  }

  @Test
  void aGreenletWaiterIsWokenByAnotherThread() {
    onFreshHub(hub -> {
      CountDownLatch parked = new CountDownLatch(1);
      String[] got = new String[1];
      Waiter<?>[] box = new Waiter<?>[1];
      hub.execute(() -> {
        Waiter<String> w = new Waiter<>(true);
        box[0] = w;
        parked.countDown();
        got[0] = w.get();
      });
      Hub.sleep(0);
      parked.await();
      @SuppressWarnings("unchecked")
      Waiter<String> w = (Waiter<String>) box[0];
      Thread other = Thread.ofPlatform().start(() -> w.switchTo("from afar"));
      assertTrue(hub.join(10));
      other.join();
      assertEquals("from afar", got[0]);
    });
  }

  @Test
  void wakeUpsFromEightThreadsAtOnce() {
    onFreshHub(hub -> {
      int threads = 8;
      int each = 500;
      AtomicInteger received = new AtomicInteger();
      List<CompletableFuture<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < threads * each; i++) futures.add(new CompletableFuture<>());
      for (CompletableFuture<Integer> f : futures) {
        hub.execute(() -> received.addAndGet(Hub.await(f)));
      }
      Hub.sleep(0); // every greenlet is parked in await now
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> completers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t * each;
        completers.add(Thread.ofPlatform().start(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
          for (int i = first; i < first + each; i++) futures.get(i).complete(1);
        }));
      }
      go.countDown();
      assertTrue(hub.join(30));
      for (Thread t : completers) t.join();
      assertEquals(threads * each, received.get());
    });
  }

  @Test
  void callSoonFromManyThreads() {
    onFreshHub(hub -> {
      AtomicInteger ran = new AtomicInteger();
      List<Thread> threads = new ArrayList<>();
      Waiter<Void> all = new Waiter<>(true);
      for (int t = 0; t < 8; t++) {
        threads.add(Thread.ofPlatform().start(() -> {
          for (int i = 0; i < 1000; i++) {
            hub.callSoon(() -> {
              if (ran.incrementAndGet() == 8000) all.switchTo(null);
            });
          }
        }));
      }
      all.get(30);
      for (Thread t : threads) t.join();
      assertEquals(8000, ran.get());
    });
  }

  @Test
  void blockingInsideAHubCallbackIsRefused() {
    onFreshHub(hub -> {
      List<Throwable> errors = new ArrayList<>();
      hub.callSoon(() -> {
        try {
          Hub.sleep(0.01);
        } catch (BlockingSwitchOutError e) {
          errors.add(e);
        }
        try {
          Hub.sleep(0);
        } catch (BlockingSwitchOutError e) {
          errors.add(e);
        }
      });
      Hub.sleep(0.01);
      assertEquals(2, errors.size(), errors.toString());
    });
  }

  @Test
  void awaitFromAPlainThreadRunsTheHub() {
    onFreshHub(hub -> {
      CompletableFuture<String> f = new CompletableFuture<>();
      hub.execute(() -> f.complete("done"));
      assertEquals("done", Hub.await(f));
    });
  }

  @Test
  void awaitRethrowsAsGetDoes() {
    onFreshHub(hub -> {
      CompletableFuture<String> unchecked = CompletableFuture.failedFuture(new IllegalStateException("x"));
      assertThrows(IllegalStateException.class, () -> Hub.await(unchecked));
      CompletableFuture<String> checked = CompletableFuture.failedFuture(new java.io.IOException("y"));
      CompletionException e = assertThrows(CompletionException.class, () -> Hub.await(checked));
      assertTrue(e.getCause() instanceof java.io.IOException);
      CompletableFuture<String> never = new CompletableFuture<>();
      Timeout t = assertThrows(Timeout.class, () -> Hub.await(never, 0.01));
      assertEquals(0.01, t.seconds());
    });
  }

  @Test
  void theHubIsAnExecutorForAsyncContinuations() {
    onFreshHub(hub -> {
      CompletableFuture<Integer> source = new CompletableFuture<>();
      CompletableFuture<String> onHub = source.thenApplyAsync(v -> {
        assertSame(hub, Hub.current());
        assertTrue(RawGreenlet.current() != null, "continuations run in a greenlet");
        return "v" + v;
      }, hub);
      Thread.ofPlatform().start(() -> source.complete(7));
      assertEquals("v7", Hub.await(onHub));
    });
  }

  @Test
  void errorsEscapingAGreenletAreLoggedAndTheHubGoesOn() {
    onFreshHub(hub -> {
      AtomicInteger after = new AtomicInteger();
      hub.execute(() -> {
        throw new IllegalStateException("boom (expected in this test)");
      });
      hub.execute(after::incrementAndGet);
      assertTrue(hub.join(5));
      assertEquals(1, after.get());
    });
  }

  @Test
  void joinReturnsFalseOnTimeout() {
    onFreshHub(hub -> {
      hub.execute(() -> Hub.sleep(0.2));
      assertFalse(hub.join(0.01));
      assertTrue(hub.join(5));
    });
  }

  @Test
  void badTimeoutsAreRefused() {
    onFreshHub(hub -> {
      assertThrows(IllegalArgumentException.class, () -> Hub.sleep(-1));
      assertThrows(IllegalArgumentException.class, () -> Hub.sleep(Double.NaN));
      assertThrows(IllegalArgumentException.class, () -> Timeout.start(-0.5));
      assertThrows(IllegalArgumentException.class, () -> hub.join(-1));
      assertThrows(IllegalArgumentException.class, () -> Hub.await(new CompletableFuture<>(), -1));
      assertThrows(IllegalArgumentException.class, () -> new ThreadPool(0));
    });
  }

  @Test
  void aClosedHubIsAClearErrorAndCurrentMakesAFreshOne() {
    onFreshHub(hub -> {
      Hub other = hub;
      other.close();
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.callSoon(() -> {}));
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> other.execute(() -> {}));
      Hub fresh = Hub.current();
      assertFalse(fresh.isClosed());
      assertTrue(fresh != other);
    });
  }

  @Test
  void anotherThreadCannotJoinOrCloseTheHub() {
    onFreshHub(hub -> {
      List<Throwable> errors = new ArrayList<>();
      Thread t = Thread.ofPlatform().start(() -> {
        try {
          hub.join(1);
        } catch (IllegalStateException e) {
          errors.add(e);
        }
        try {
          hub.close();
        } catch (IllegalStateException e) {
          errors.add(e);
        }
      });
      t.join();
      assertEquals(2, errors.size());
    });
  }

  @Test
  void idleWaitsUntilNothingElseIsReady() {
    onFreshHub(hub -> {
      List<String> order = new ArrayList<>();
      hub.execute(() -> {
        Hub.idle();
        order.add("idle");
      });
      hub.execute(() -> {
        order.add("busy");
        Hub.sleep(0);
        order.add("busy again");
      });
      hub.join(5);
      assertEquals(List.of("busy", "busy again", "idle"), order);
    });
  }
}
