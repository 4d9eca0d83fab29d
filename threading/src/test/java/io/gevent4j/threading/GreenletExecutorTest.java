package io.gevent4j.threading;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.BlockingSwitchOutError;
import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.sync.Event;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * GreenletExecutors.executor under the JDK's ExecutorService and Future contracts, with
 * gevent's kill where the JDK interrupts; both backends. The hub's owner is the test thread
 * ("test-hub"), whose waits on the futures are cooperative.
 */
@org.junit.jupiter.api.Timeout(120)
class GreenletExecutorTest {

  /** A task that records how it ended, then rethrows: sleeps cooperatively for 30 s unless killed. */
  static Callable<String> sleeper(Event started, AtomicReference<Throwable> endedWith) {
    return () -> {
      started.set();
      try {
        Gevent.sleep(30);
        return "slept";
      } catch (Throwable t) {
        endedWith.set(t);
        throw t;
      }
    };
  }

  // ---- where tasks run --------------------------------------------------------------------

  @Test
  void tasksRunAsGreenletsOfTheirHub() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        Future<Greenlet<?>> f = executor.submit(() -> {
          assertSame(hub, Gevent.getHub());
          assertSame(hub, Hub.current());
          assertTrue(Thread.currentThread().isVirtual());
          return Greenlet.getCurrent();
        });
        Greenlet<?> g = f.get(10, SECONDS); // cooperative on the owner: the hub runs the task
        assertNotNull(g, "Greenlet.getCurrent() in a task");
        assertSame(hub, g.hub());
      }
    });
  }

  @Test
  void fromAGreenletOfTheHubATaskRunsAfterTheSubmitterYieldsInFifoOrder() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        List<String> order = new ArrayList<>(); // touched on the hub only
        Greenlet.spawn(() -> {
          order.add("submitter");
          executor.execute(() -> order.add("task 1"));
          Gevent.spawn(() -> order.add("spawn"));
          executor.execute(() -> order.add("task 2"));
          order.add("submitter before yielding");
          Gevent.sleep(0);
          order.add("submitter after yielding");
        }).join();
        assertEquals(List.of("submitter", "submitter before yielding", "task 1", "spawn", "task 2", "submitter after yielding"),
            order);

        order.clear();
        executor.execute(() -> order.add("task from the owner"));
        order.add("owner");
        Gevent.sleep(0); // the owner's turn goes to the back of the FIFO: the task runs first
        assertEquals(List.of("owner", "task from the owner"), order);
      }
    });
  }

  @Test
  void fromAnotherThreadATaskCrossesToTheHubAndItsFutureBlocksThere() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        CompletableFuture<String> seen = new CompletableFuture<>();
        Thread plain = Thread.ofPlatform().name("plain-submitter").start(() -> {
          try {
            Future<String> f = executor.submit(() -> Gevent.getHub() == hub && Greenlet.getCurrent() != null
                ? "a greenlet of the hub" : "elsewhere");
            seen.complete(f.get(10, SECONDS)); // blocks this thread; the hub runs the task meanwhile
          } catch (Throwable e) {
            seen.completeExceptionally(e);
          }
        });
        assertEquals("a greenlet of the hub", Hub.await(seen, 10));
        plain.join();
      }
    });
  }

  @Test
  void aGreenletOfAnotherHubWaitsForATaskCooperativelyOnItsOwnHub() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        CompletableFuture<List<String>> seen = new CompletableFuture<>();
        Thread other = Thread.ofPlatform().name("other-owner").start(() -> {
          Hub otherHub = Hub.current();
          try {
            List<String> events = new ArrayList<>(); // on the other hub only
            Greenlet<?> ticker = Greenlet.spawn(() -> {
              events.add("the other hub ran a greenlet while the waiter waited");
            });
            Greenlet<String> waiter = Greenlet.spawn(() -> executor.submit(() -> {
              assertSame(hub, Gevent.getHub());
              return "done on the executor's hub";
            }).get(10, SECONDS));
            events.add(waiter.get(10));
            ticker.join();
            seen.complete(events);
          } catch (Throwable e) {
            seen.completeExceptionally(e);
          } finally {
            otherHub.close();
          }
        });
        assertEquals(List.of("the other hub ran a greenlet while the waiter waited", "done on the executor's hub"),
            Hub.await(seen, 10));
        other.join();
      }
    });
  }

  @Test
  void eachTaskHasItsOwnThreadIdentityAndThreadLocals() {
    ThreadLocal<String> local = new ThreadLocal<>();
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          String mine = "task " + i;
          futures.add(executor.submit(() -> {
            assertNull(local.get(), "a fresh greenlet starts with no thread-local value");
            local.set(mine);
            long id = Thread.currentThread().threadId();
            Gevent.sleep(0); // the other tasks run and set theirs
            return local.get() + " on " + (Thread.currentThread().threadId() == id ? "its own thread" : "another");
          }));
        }
        List<String> seen = new ArrayList<>();
        for (Future<String> f : futures) seen.add(f.get());
        assertEquals(List.of("task 0 on its own thread", "task 1 on its own thread", "task 2 on its own thread"), seen);
        assertNull(local.get(), "the owner's own");
      }
    });
  }

  // ---- outcomes ---------------------------------------------------------------------------

  @Test
  void aTaskThatThrowsFailsItsFutureWithTheCause() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        IOException checked = new IOException("checked (expected in this test)");
        Future<Object> f = executor.submit(() -> {
          throw checked;
        });
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertSame(checked, e.getCause());
        assertEquals(Future.State.FAILED, f.state());
        assertSame(checked, f.exceptionNow());
        assertThrows(IllegalStateException.class, f::resultNow);
        assertTrue(f.isDone());
        assertFalse(f.isCancelled());
        assertFalse(f.cancel(true), "done already");

        IllegalStateException unchecked = new IllegalStateException("unchecked (expected in this test)");
        Future<?> g = executor.submit(() -> {
          throw unchecked;
        });
        assertSame(unchecked, assertThrows(ExecutionException.class, () -> g.get(10, SECONDS)).getCause());

        // execute(): the exception escapes the greenlet, which the hub logs; the executor goes on
        executor.execute(() -> {
          throw new IllegalStateException("escapes an executed task (expected in this test)");
        });
        assertEquals(1, executor.submit(() -> 1).get());

        Future<String> ok = executor.submit(() -> "value");
        assertEquals("value", ok.get());
        assertEquals(Future.State.SUCCESS, ok.state());
        assertEquals("value", ok.resultNow());
        assertThrows(IllegalStateException.class, ok::exceptionNow);
        assertTrue(ok.toString().contains("Completed normally"), ok.toString());
        assertEquals("r", executor.submit(() -> { }, "r").get());
        assertNull(executor.submit((Runnable) () -> { }).get());
      }
    });
  }

  @Test
  void waitAllAndIwaitTakeTheFuturesAsGeventWaitTakesThoseOfItsThreadPoolExecutor() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        Future<String> slow = executor.submit(() -> {
          Gevent.sleep(0.03);
          return "slow";
        });
        Future<String> quick = executor.submit(() -> {
          Gevent.sleep(0.001);
          return "quick";
        });
        assertEquals(List.of(quick, slow), Gevent.waitAll(List.of(slow, quick), 10));
        Event release = new Event();
        Future<?> waiting = executor.submit(() -> release.await());
        assertEquals(List.of(), Gevent.waitAll(List.of(waiting), 0.01), "not ready: the wait times out");
        List<Object> seen = new ArrayList<>();
        Gevent.spawnLater(0.01, () -> {
          release.set();
          return null;
        });
        for (Object ready : Gevent.iwait(List.<Object>of(waiting, slow), 10)) seen.add(ready);
        assertEquals(List.of(slow, waiting), seen);
      }
    });
  }

  // ---- cancellation -----------------------------------------------------------------------

  @Test
  void aTaskCancelledBeforeItStartsNeverRuns() {
    onFreshHub(hub -> {
      AtomicInteger ran = new AtomicInteger();
      ExecutorService executor = GreenletExecutors.executor(hub);
      Future<Integer> f = executor.submit(() -> ran.incrementAndGet()); // spawned; the owner has not yielded
      assertEquals(Future.State.RUNNING, f.state());
      assertTrue(f.cancel(false));
      assertTrue(f.isCancelled());
      assertTrue(f.isDone());
      assertEquals(Future.State.CANCELLED, f.state());
      assertThrows(CancellationException.class, f::get);
      assertThrows(IllegalStateException.class, f::resultNow);
      assertFalse(f.cancel(true), "cancelled already");
      executor.shutdown();
      assertTrue(executor.awaitTermination(10, SECONDS));
      assertEquals(0, ran.get());
    });
  }

  @Test
  void cancelTrueKillsTheRunningGreenletAtAGeventWait() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        Event started = new Event();
        AtomicReference<Throwable> endedWith = new AtomicReference<>();
        Future<String> f = executor.submit(sleeper(started, endedWith));
        assertTrue(started.await(10));
        assertTrue(f.cancel(true));
        assertTrue(f.isCancelled());
        assertThrows(CancellationException.class, () -> f.get(10, SECONDS)); // at once, as FutureTask's
        executor.shutdown();
        assertTrue(executor.awaitTermination(10, SECONDS), "the killed task ended");
        assertInstanceOf(GreenletExit.class, endedWith.get());
      }
    });
  }

  @Test
  void cancelTrueInterruptsARunningTaskParkedInAJdkCall() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        Event started = new Event();
        AtomicReference<Throwable> endedWith = new AtomicReference<>();
        CountDownLatch never = new CountDownLatch(1);
        Future<?> f = executor.submit(() -> {
          started.set();
          try {
            Thread.sleep(30_000);
            never.await();
          } catch (Throwable t) {
            endedWith.set(t);
            throw t;
          }
          return null;
        });
        assertTrue(started.await(10));
        Gevent.sleep(0); // the task parks in Thread.sleep
        assertTrue(f.cancel(true));
        executor.shutdown();
        assertTrue(executor.awaitTermination(10, SECONDS));
        assertInstanceOf(InterruptedException.class, endedWith.get());
        assertTrue(f.isCancelled());
      }
    });
  }

  @Test
  void cancelFalseLetsTheRunningTaskFinishAndDropsItsResult() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        Event started = new Event();
        Event release = new Event();
        AtomicReference<String> finished = new AtomicReference<>();
        Future<String> f = executor.submit(() -> {
          started.set();
          release.await();
          finished.set("finished");
          return "dropped";
        });
        assertTrue(started.await(10));
        assertTrue(f.cancel(false));
        assertThrows(CancellationException.class, f::get);
        release.set();
        executor.shutdown();
        assertTrue(executor.awaitTermination(10, SECONDS));
        assertEquals("finished", finished.get());
        assertTrue(f.isCancelled());
      }
    });
  }

  // ---- shutdown ---------------------------------------------------------------------------

  @Test
  void shutdownLetsQueuedTasksRunAndRejectsNewOnesNamingTheExecutorAndHub() {
    onFreshHub(hub -> {
      ExecutorService executor = GreenletExecutors.executor(hub);
      List<Integer> ran = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        int n = i;
        executor.execute(() -> ran.add(n)); // spawned, not run: the owner has not yielded
      }
      executor.shutdown();
      executor.shutdown(); // idempotent
      assertTrue(executor.isShutdown());
      assertFalse(executor.isTerminated());
      RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> executor.execute(() -> { }));
      assertTrue(e.getMessage().contains("GreenletExecutor-") && e.getMessage().contains("test-hub")
          && e.getMessage().contains("shut down"), e.getMessage());
      assertThrows(RejectedExecutionException.class, () -> executor.submit(() -> 1));
      assertTrue(executor.awaitTermination(10, SECONDS));
      assertEquals(List.of(0, 1, 2, 3, 4), ran);
      assertTrue(executor.isTerminated());
      assertEquals(List.of(), executor.shutdownNow());
    });
  }

  @Test
  void shutdownNowReturnsTheNeverStartedTasksAndKillsTheRunningOnes() {
    onFreshHub(hub -> {
      ExecutorService executor = GreenletExecutors.executor(hub);
      Event started = new Event();
      AtomicReference<Throwable> endedWith = new AtomicReference<>();
      Future<String> running = executor.submit(sleeper(started, endedWith));
      assertTrue(started.await(10));
      AtomicInteger ranLater = new AtomicInteger();
      Future<Integer> queued = executor.submit(() -> ranLater.incrementAndGet());
      Runnable executed = ranLater::incrementAndGet;
      executor.execute(executed);

      List<Runnable> never = executor.shutdownNow();
      assertEquals(List.of(queued, executed), never);
      assertTrue(executor.isShutdown());
      assertTrue(executor.awaitTermination(10, SECONDS));
      assertTrue(executor.isTerminated());
      assertInstanceOf(GreenletExit.class, endedWith.get());
      CancellationException killed = assertThrows(CancellationException.class, running::get);
      assertTrue(killed.getMessage().contains("shutdownNow"), killed.getMessage());
      assertEquals(0, ranLater.get());
      assertFalse(queued.isDone(), "handed back, not run: the caller's now, as ThreadPoolExecutor's");
    });
  }

  @Test
  void awaitTerminationReturnsFalseAtItsTimeoutAndTrueOnceDone() {
    onFreshHub(hub -> {
      ExecutorService executor = GreenletExecutors.executor(hub);
      Event release = new Event();
      executor.execute(release::await);
      assertFalse(executor.awaitTermination(20, MILLISECONDS), "not shut down");
      executor.shutdown();
      long t0 = System.nanoTime();
      assertFalse(executor.awaitTermination(50, MILLISECONDS));
      long waitedMs = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(waitedMs >= 45, "returned after " + waitedMs + " ms");
      assertFalse(executor.awaitTermination(0, SECONDS));
      assertFalse(executor.awaitTermination(-1, SECONDS), "negative: does not wait, as the JDK's");
      assertFalse(executor.isTerminated());
      Gevent.spawnLater(0.05, () -> {
        release.set();
        return null;
      });
      t0 = System.nanoTime();
      assertTrue(executor.awaitTermination(10, SECONDS));
      waitedMs = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(waitedMs < 5_000, "returned after " + waitedMs + " ms");
      assertTrue(executor.isTerminated());
      assertTrue(executor.awaitTermination(0, SECONDS));
    });
  }

  // ---- invokeAll, invokeAny ---------------------------------------------------------------

  @Test
  void invokeAllWaitsForEveryTaskAndKeepsTheirOrder() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        IOException failure = new IOException("b fails (expected in this test)");
        List<Callable<String>> tasks = List.of(() -> {
          Gevent.sleep(0.02);
          return "a";
        }, () -> {
          throw failure;
        }, () -> "c");
        List<Future<String>> futures = executor.invokeAll(tasks);
        assertEquals(3, futures.size());
        for (Future<String> f : futures) assertTrue(f.isDone());
        assertEquals("a", futures.get(0).resultNow());
        assertSame(failure, futures.get(1).exceptionNow());
        assertEquals("c", futures.get(2).resultNow());
        assertEquals(List.of(), executor.invokeAll(List.<Callable<String>>of()));
      }
    });
  }

  @Test
  void timedInvokeAllCancelsWhatIsNotDoneAtTheDeadline() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        Event started = new Event();
        AtomicReference<Throwable> endedWith = new AtomicReference<>();
        List<Future<String>> futures = executor.invokeAll(List.of(() -> "fast", sleeper(started, endedWith)), 100, MILLISECONDS);
        assertEquals("fast", futures.get(0).get());
        assertTrue(futures.get(1).isCancelled());
        executor.shutdown();
        assertTrue(executor.awaitTermination(10, SECONDS));
        assertInstanceOf(GreenletExit.class, endedWith.get(), "the slow one was killed");

        // a negative timeout does not wait: everything is cancelled
        ExecutorService other = GreenletExecutors.executor(hub);
        List<Future<Integer>> none = other.invokeAll(List.of(() -> 1, () -> 2), -1, SECONDS);
        for (Future<Integer> f : none) assertTrue(f.isCancelled());
        other.close();
      }
    });
  }

  @Test
  void invokeAnyReturnsTheFirstSuccessAndKillsTheRest() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        Event started = new Event();
        AtomicReference<Throwable> slowEndedWith = new AtomicReference<>();
        String first = executor.invokeAny(List.of(() -> {
          throw new IOException("fails first (expected in this test)");
        }, sleeper(started, slowEndedWith), () -> {
          Gevent.sleep(0.01);
          return "winner";
        }, () -> {
          Gevent.sleep(20);
          return "late";
        }));
        assertEquals("winner", first);
        executor.shutdown();
        assertTrue(executor.awaitTermination(10, SECONDS), "the others were killed");
        assertInstanceOf(GreenletExit.class, slowEndedWith.get());
      }
    });
  }

  @Test
  void invokeAnyCancelsTheTasksNotStartedYetWhenOneSucceedsWithoutWaiting() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        AtomicInteger started = new AtomicInteger();
        assertEquals("first", executor.invokeAny(List.of(() -> {
          started.incrementAndGet();
          return "first";
        }, () -> {
          started.incrementAndGet();
          return "second";
        }, () -> {
          started.incrementAndGet();
          return "third";
        })));
        assertEquals(1, started.get());
      }
    });
  }

  @Test
  void invokeAnyFailsWhenEveryTaskFailsAndTimesOut() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        IOException a = new IOException("a (expected in this test)");
        IOException b = new IOException("b (expected in this test)");
        ExecutionException e = assertThrows(ExecutionException.class, () -> executor.invokeAny(List.of(() -> {
          throw a;
        }, () -> {
          throw b;
        })));
        assertSame(b, e.getCause(), "the last failure, as AbstractExecutorService's");
        assertEquals(List.of(a), Arrays.asList(e.getSuppressed()));

        Event started = new Event();
        AtomicReference<Throwable> endedWith = new AtomicReference<>();
        assertThrows(TimeoutException.class, () -> executor.invokeAny(List.of(sleeper(started, endedWith)), 50, MILLISECONDS));
        assertThrows(TimeoutException.class, () -> executor.invokeAny(List.of(() -> 1), -1, SECONDS));
        executor.shutdown();
        assertTrue(executor.awaitTermination(10, SECONDS));
        assertInstanceOf(GreenletExit.class, endedWith.get(), "cancelled with a kill at the timeout");
      }
    });
  }

  // ---- close ------------------------------------------------------------------------------

  @Test
  void closeWaitsForTheTasksAndIsIdempotent() {
    onFreshHub(hub -> {
      ExecutorService executor = GreenletExecutors.executor(hub);
      List<String> ran = new ArrayList<>();
      executor.execute(() -> {
        Gevent.sleep(0.02);
        ran.add("slow");
      });
      executor.execute(() -> ran.add("quick"));
      executor.close();
      assertTrue(executor.isTerminated());
      assertEquals(List.of("quick", "slow"), ran);
      executor.close();
    });
  }

  @Test
  void closeFromOneOfItsOwnTasksIsRefused() {
    onFreshHub(hub -> {
      ExecutorService executor = GreenletExecutors.executor(hub);
      Future<?> f = executor.submit(() -> {
        executor.close();
        return null;
      });
      ExecutionException e = assertThrows(ExecutionException.class, f::get);
      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("wait for that task's own end"), e.getCause().getMessage());
      assertFalse(executor.isShutdown());
      executor.close();
    });
  }

  @Test
  void anInterruptedCloseKillsTheTasksAndKeepsTheInterrupt() {
    onFreshHub(hub -> {
      ExecutorService executor = GreenletExecutors.executor(hub);
      Event started = new Event();
      AtomicReference<Throwable> endedWith = new AtomicReference<>();
      Future<String> f = executor.submit(sleeper(started, endedWith));
      assertTrue(started.await(10));
      Thread.currentThread().interrupt();
      executor.close();
      assertTrue(Thread.interrupted(), "the interrupt status is set again");
      assertTrue(executor.isTerminated());
      assertInstanceOf(GreenletExit.class, endedWith.get());
      assertTrue(f.isCancelled());
    });
  }

  // ---- many threads -----------------------------------------------------------------------

  @Test
  void tasksSubmittedConcurrentlyFromFourPlainThreadsAllRunExactlyOnce() {
    int threads = 4;
    int perThread = 2_500;
    AtomicIntegerArray runs = new AtomicIntegerArray(threads * perThread);
    AtomicInteger elsewhere = new AtomicInteger();
    onFreshHub(60, hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int base = t * perThread;
          CompletableFuture<Void> d = new CompletableFuture<>();
          done.add(d);
          submitters.add(Thread.ofPlatform().name("submitter-" + t).start(() -> {
            try {
              go.await();
              List<Future<?>> futures = new ArrayList<>(perThread);
              for (int i = 0; i < perThread; i++) {
                int id = base + i;
                futures.add(executor.submit(() -> {
                  if (Gevent.getHub() != hub || Greenlet.getCurrent() == null) elsewhere.incrementAndGet();
                  if (id % 7 == 0) Gevent.sleep(0); // interleave
                  runs.incrementAndGet(id);
                }));
              }
              for (Future<?> f : futures) f.get(30, SECONDS);
              d.complete(null);
            } catch (Throwable e) {
              d.completeExceptionally(e);
            }
          }));
        }
        go.countDown();
        Hub.await(CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)), 50);
        for (Thread s : submitters) s.join();
      }
    });
    assertEquals(0, elsewhere.get(), "tasks that did not run as greenlets of the hub");
    for (int i = 0; i < threads * perThread; i++) assertEquals(1, runs.get(i), "runs of task " + i);
  }

  // ---- misuse -----------------------------------------------------------------------------

  @Test
  void badArgumentsAreClearExceptions() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        assertEquals("task", assertThrows(NullPointerException.class, () -> executor.execute(null)).getMessage());
        assertEquals("task", assertThrows(NullPointerException.class, () -> executor.submit((Runnable) null)).getMessage());
        assertEquals("task", assertThrows(NullPointerException.class, () -> executor.submit((Callable<?>) null)).getMessage());
        assertEquals("task", assertThrows(NullPointerException.class, () -> executor.submit(null, 1)).getMessage());
        assertEquals("tasks", assertThrows(NullPointerException.class, () -> executor.invokeAll(null)).getMessage());
        assertEquals("tasks", assertThrows(NullPointerException.class, () -> executor.invokeAny(null)).getMessage());
        assertThrows(NullPointerException.class, () -> executor.invokeAll(Arrays.asList(() -> 1, null)));
        assertThrows(NullPointerException.class, () -> executor.invokeAny(Arrays.asList(() -> 1, null)));
        assertEquals("unit", assertThrows(NullPointerException.class, () -> executor.invokeAll(List.of(() -> 1), 1, null)).getMessage());
        assertEquals("unit", assertThrows(NullPointerException.class, () -> executor.invokeAny(List.of(() -> 1), 1, null)).getMessage());
        assertEquals("unit", assertThrows(NullPointerException.class, () -> executor.awaitTermination(1, null)).getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> executor.invokeAny(List.<Callable<Integer>>of()));
        assertTrue(empty.getMessage().contains("at least one task"), empty.getMessage());
        Event release = new Event();
        Future<?> f = executor.submit(() -> release.await());
        assertEquals("unit", assertThrows(NullPointerException.class, () -> f.get(1, null)).getMessage());
        TimeoutException t = assertThrows(TimeoutException.class, () -> f.get(-1, SECONDS)); // negative: does not wait
        assertTrue(t.getMessage().contains("not done"), t.getMessage());
        assertThrows(TimeoutException.class, () -> f.get(10, MILLISECONDS));
        release.set();
        f.get();
        assertEquals("hub", assertThrows(NullPointerException.class, () -> GreenletExecutors.executor(null)).getMessage());
        assertEquals("hub", assertThrows(NullPointerException.class, () -> GreenletExecutors.threadFactory(null)).getMessage());
      }
    });
  }

  @Test
  void waitingInsideAHubCallbackIsABlockingSwitchOutError() {
    onFreshHub(hub -> {
      try (ExecutorService executor = GreenletExecutors.executor(hub)) {
        Event release = new Event();
        Future<?> f = executor.submit(() -> release.await());
        CompletableFuture<List<Throwable>> seen = new CompletableFuture<>();
        hub.callSoon(() -> {
          List<Throwable> errors = new ArrayList<>();
          for (Callable<?> wait : List.<Callable<?>>of(f::get, () -> f.get(1, SECONDS), () -> executor.awaitTermination(1, SECONDS),
              () -> executor.invokeAll(List.of(() -> 1)), () -> executor.invokeAny(List.of(() -> 1)))) {
            try {
              wait.call();
              errors.add(null);
            } catch (Throwable e) {
              errors.add(e);
            }
          }
          seen.complete(errors);
        });
        for (Throwable e : Hub.await(seen, 10)) assertInstanceOf(BlockingSwitchOutError.class, e);
        release.set();
        f.get();
      }
    });
  }
}
