package io.gevent4j.threading;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ExecutorService and Future contracts as the JSR-166 TCK checks them (our own checks, in
 * its spirit), run on the greenlet executor, on a thread-per-task executor over the greenlet
 * thread factory, and on the JDK's virtual-thread executor as the reference that keeps the
 * checks honest. The checks run in a greenlet and wait only with JDK calls (latches,
 * Future.get), which are cooperative there; both backends.
 */
@org.junit.jupiter.api.Timeout(120)
class ExecutorContractTest {

  static Stream<Arguments> executors() {
    return Stream.of(
        Arguments.of(Named.<Function<Hub, ExecutorService>>of("GreenletExecutors.executor", GreenletExecutors::executor)),
        Arguments.of(Named.<Function<Hub, ExecutorService>>of("newThreadPerTaskExecutor(GreenletExecutors.threadFactory)",
            hub -> Executors.newThreadPerTaskExecutor(GreenletExecutors.threadFactory(hub)))),
        Arguments.of(Named.<Function<Hub, ExecutorService>>of("the JDK's newVirtualThreadPerTaskExecutor (reference)",
            hub -> Executors.newVirtualThreadPerTaskExecutor())));
  }

  @FunctionalInterface
  interface Check {
    void run(ExecutorService executor) throws Exception;
  }

  /** Runs {@code check} in a greenlet of a fresh hub with a fresh executor, which it closes. */
  private static void check(Function<Hub, ExecutorService> make, Check check) {
    onFreshHub(60, hub -> Greenlet.spawn(() -> {
      try (ExecutorService executor = make.apply(hub)) {
        check.run(executor);
      }
      return null;
    }).get(50));
  }

  /** A task that waits on {@code gate} and records how its wait ended. */
  private static Callable<String> blocked(CountDownLatch started, CountDownLatch gate, AtomicReference<Throwable> endedWith) {
    return () -> {
      started.countDown();
      try {
        gate.await();
        return "released";
      } catch (Throwable t) {
        endedWith.set(t);
        throw t;
      }
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("executors")
  void executeRunsTheTask(Function<Hub, ExecutorService> make) {
    check(make, executor -> {
      CountDownLatch ran = new CountDownLatch(1);
      executor.execute(ran::countDown);
      assertTrue(ran.await(10, SECONDS));
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("executors")
  void submitReturnsTheCallablesValueNullOrTheGivenResult(Function<Hub, ExecutorService> make) {
    check(make, executor -> {
      assertEquals("value", executor.submit(() -> "value").get(10, SECONDS));
      assertNull(executor.submit((Runnable) () -> { }).get(10, SECONDS));
      assertEquals(7, executor.submit(() -> { }, 7).get(10, SECONDS));
      Future<String> done = executor.submit(() -> "x");
      done.get(10, SECONDS);
      assertTrue(done.isDone());
      assertFalse(done.isCancelled());
      assertEquals(Future.State.SUCCESS, done.state());
      assertEquals("x", done.resultNow());
      assertFalse(done.cancel(true), "done already");
      assertFalse(done.isCancelled());
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("executors")
  void aFailureIsAnExecutionExceptionWithTheCause(Function<Hub, ExecutorService> make) {
    check(make, executor -> {
      ArithmeticException failure = new ArithmeticException("expected in this test");
      Future<Integer> f = executor.submit(() -> {
        throw failure;
      });
      ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, SECONDS));
      assertSame(failure, e.getCause());
      assertSame(failure, assertThrows(ExecutionException.class, f::get).getCause());
      assertTrue(f.isDone());
      assertFalse(f.isCancelled());
      assertEquals(Future.State.FAILED, f.state());
      assertSame(failure, f.exceptionNow());
      assertThrows(IllegalStateException.class, f::resultNow);
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("executors")
  void timedGetTimesOutWhileTheTaskRunsAndReturnsOnceItIsDone(Function<Hub, ExecutorService> make) {
    check(make, executor -> {
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch gate = new CountDownLatch(1);
      Future<String> f = executor.submit(blocked(started, gate, new AtomicReference<>()));
      assertThrows(TimeoutException.class, () -> f.get(20, MILLISECONDS));
      assertThrows(TimeoutException.class, () -> f.get(0, SECONDS));
      assertThrows(TimeoutException.class, () -> f.get(-1, SECONDS));
      assertEquals(Future.State.RUNNING, f.state());
      assertThrows(IllegalStateException.class, f::resultNow);
      assertThrows(IllegalStateException.class, f::exceptionNow);
      assertTrue(started.await(10, SECONDS));
      gate.countDown();
      assertEquals("released", f.get(10, SECONDS));
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("executors")
  void cancelTrueEndsARunningTaskAndTheFutureAtOnce(Function<Hub, ExecutorService> make) {
    check(make, executor -> {
      CountDownLatch started = new CountDownLatch(1);
      AtomicReference<Throwable> endedWith = new AtomicReference<>();
      Future<String> f = executor.submit(blocked(started, new CountDownLatch(1), endedWith));
      assertTrue(started.await(10, SECONDS));
      assertTrue(f.cancel(true));
      assertTrue(f.isCancelled());
      assertTrue(f.isDone());
      assertEquals(Future.State.CANCELLED, f.state());
      assertThrows(CancellationException.class, f::get);
      assertThrows(CancellationException.class, () -> f.get(10, SECONDS));
      assertThrows(IllegalStateException.class, f::resultNow);
      assertThrows(IllegalStateException.class, f::exceptionNow);
      assertFalse(f.cancel(true), "cancelled already");
      executor.shutdown();
      assertTrue(executor.awaitTermination(10, SECONDS));
      assertInstanceOf(InterruptedException.class, endedWith.get(), "a task in a JDK wait is interrupted");
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("executors")
  void invokeAllReturnsDoneFuturesInTheTasksOrder(Function<Hub, ExecutorService> make) {
    check(make, executor -> {
      assertEquals(List.of(), executor.invokeAll(List.<Callable<Integer>>of()));
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        int n = i;
        tasks.add(() -> {
          if (n == 3) throw new IllegalStateException("expected in this test");
          Thread.sleep(n % 3);
          return n;
        });
      }
      List<Future<Integer>> futures = executor.invokeAll(tasks);
      assertEquals(10, futures.size());
      for (int i = 0; i < 10; i++) {
        Future<Integer> f = futures.get(i);
        assertTrue(f.isDone());
        if (i == 3) assertInstanceOf(IllegalStateException.class, f.exceptionNow());
        else assertEquals(i, f.resultNow());
      }
      assertThrows(NullPointerException.class, () -> executor.invokeAll(null));
      assertThrows(NullPointerException.class, () -> executor.invokeAll(Arrays.asList(() -> 1, null)));
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("executors")
  void timedInvokeAllCancelsTheTasksNotDoneInTime(Function<Hub, ExecutorService> make) {
    check(make, executor -> {
      CountDownLatch started = new CountDownLatch(1);
      AtomicReference<Throwable> endedWith = new AtomicReference<>();
      List<Future<String>> futures = executor.invokeAll(List.of(() -> "quick", blocked(started, new CountDownLatch(1), endedWith)),
          50, MILLISECONDS);
      assertEquals(2, futures.size());
      assertEquals("quick", futures.get(0).get());
      assertTrue(futures.get(1).isCancelled());
      executor.shutdown();
      assertTrue(executor.awaitTermination(10, SECONDS));
      if (started.getCount() == 0) assertInstanceOf(InterruptedException.class, endedWith.get());
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("executors")
  void invokeAnyReturnsASuccessOrFailsWithTheFailure(Function<Hub, ExecutorService> make) {
    check(make, executor -> {
      assertEquals("ok", executor.invokeAny(List.of(() -> {
        throw new IllegalStateException("expected in this test");
      }, () -> "ok")));
      ExecutionException e = assertThrows(ExecutionException.class, () -> executor.invokeAny(List.of(() -> {
        throw new IllegalStateException("expected in this test");
      }, () -> {
        throw new IllegalStateException("expected in this test");
      })));
      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertThrows(IllegalArgumentException.class, () -> executor.invokeAny(List.<Callable<Integer>>of()));
      assertThrows(NullPointerException.class, () -> executor.invokeAny(null));
      assertThrows(NullPointerException.class, () -> executor.invokeAny(Arrays.asList(() -> 1, null)));
      CountDownLatch started = new CountDownLatch(1);
      AtomicReference<Throwable> endedWith = new AtomicReference<>();
      assertThrows(TimeoutException.class,
          () -> executor.invokeAny(List.of(blocked(started, new CountDownLatch(1), endedWith)), 50, MILLISECONDS));
      executor.shutdown();
      assertTrue(executor.awaitTermination(10, SECONDS), "the timed-out task was cancelled");
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("executors")
  void shutdownRejectsNewTasksAndTerminatesOnceTheRunningOnesEnd(Function<Hub, ExecutorService> make) {
    check(make, executor -> {
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch gate = new CountDownLatch(1);
      Future<String> running = executor.submit(blocked(started, gate, new AtomicReference<>()));
      assertTrue(started.await(10, SECONDS));
      assertFalse(executor.isShutdown());
      assertFalse(executor.awaitTermination(10, MILLISECONDS), "not shut down");
      executor.shutdown();
      assertTrue(executor.isShutdown());
      assertFalse(executor.isTerminated());
      assertThrows(RejectedExecutionException.class, () -> executor.execute(() -> { }));
      assertThrows(RejectedExecutionException.class, () -> executor.submit(() -> 1));
      assertFalse(executor.awaitTermination(10, MILLISECONDS));
      gate.countDown();
      assertTrue(executor.awaitTermination(10, SECONDS));
      assertTrue(executor.isTerminated());
      assertEquals("released", running.get());
      executor.shutdown(); // idempotent
      assertTrue(executor.isTerminated());
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("executors")
  void shutdownNowInterruptsARunningTaskInAJdkWait(Function<Hub, ExecutorService> make) {
    check(make, executor -> {
      CountDownLatch started = new CountDownLatch(1);
      AtomicReference<Throwable> endedWith = new AtomicReference<>();
      executor.submit(blocked(started, new CountDownLatch(1), endedWith));
      assertTrue(started.await(10, SECONDS));
      assertEquals(List.of(), executor.shutdownNow(), "nothing waited to start");
      assertTrue(executor.isShutdown());
      assertTrue(executor.awaitTermination(10, SECONDS));
      assertInstanceOf(InterruptedException.class, endedWith.get());
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("executors")
  void closeWaitsForTheTasksAndTerminates(Function<Hub, ExecutorService> make) {
    check(make, executor -> {
      AtomicInteger done = new AtomicInteger();
      for (int i = 0; i < 100; i++) {
        executor.execute(() -> {
          try {
            Thread.sleep(1);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          done.incrementAndGet();
        });
      }
      executor.close();
      assertTrue(executor.isTerminated());
      assertEquals(100, done.get());
      executor.close(); // terminated already: returns
    });
  }
}
