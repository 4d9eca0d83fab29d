package io.gevent4j.threading;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.hub.Hub;
import io.gevent4j.sync.Event;
import io.gevent4j.testing.Leaks;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The executor and the thread factory when their hub closes (its owner closes it, or ends):
 * tasks not ended are cancelled, the executor is terminated, later use is rejected naming the
 * hub; both backends.
 */
@org.junit.jupiter.api.Timeout(60)
class ClosedHubTest {

  /** What the owner saw, checked on the test thread. */
  private record Seen(Future<?> running, Future<?> queued, ExecutorService executor, ThreadFactory factory, Thread madeBefore,
      Hub hub) {}

  @Test
  void closingTheHubCancelsItsTasksTerminatesTheExecutorAndRejectsWhatFollows() throws Exception {
    Leaks leaks = Leaks.snapshot();
    AtomicReference<Seen> seen = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread owner = Thread.ofPlatform().name("closing-owner").start(() -> {
      try {
        Hub hub = Hub.current();
        ExecutorService executor = GreenletExecutors.executor(hub);
        ThreadFactory factory = GreenletExecutors.threadFactory(hub);
        Event started = new Event();
        Future<?> running = executor.submit(() -> {
          started.set();
          Gevent.sleep(30);
        });
        assertTrue(started.await(10));
        Future<?> queued = executor.submit(() -> { }); // spawned, never run: the owner closes the hub first
        Thread madeBefore = factory.newThread(() -> { });
        hub.close();
        seen.set(new Seen(running, queued, executor, factory, madeBefore, hub));
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    owner.join();
    if (failure.get() != null) throw new AssertionError(failure.get());
    Seen s = seen.get();

    CancellationException running = assertThrows(CancellationException.class, () -> s.running().get(10, SECONDS));
    assertTrue(running.getMessage().contains("hub closing-owner closed before the task ended"), running.getMessage());
    CancellationException queued = assertThrows(CancellationException.class, () -> s.queued().get(10, SECONDS));
    assertTrue(queued.getMessage().contains("hub closing-owner closed before the task started"), queued.getMessage());
    assertTrue(s.executor().isShutdown());
    assertTrue(s.executor().isTerminated());
    assertTrue(s.executor().awaitTermination(0, SECONDS));
    s.executor().close();

    RejectedExecutionException rejected = assertThrows(RejectedExecutionException.class, () -> s.executor().submit(() -> 1));
    assertTrue(rejected.getMessage().contains("GreenletExecutor-") && rejected.getMessage().contains("hub closing-owner is closed"),
        rejected.getMessage());
    RejectedExecutionException noThread = assertThrows(RejectedExecutionException.class, () -> s.factory().newThread(() -> { }));
    assertTrue(noThread.getMessage().contains("hub closing-owner is closed"), noThread.getMessage());
    RejectedExecutionException noStart = assertThrows(RejectedExecutionException.class, () -> s.madeBefore().start());
    assertTrue(noStart.getMessage().contains("closing-owner") && noStart.getMessage().contains("closed"), noStart.getMessage());

    IllegalStateException noExecutor = assertThrows(IllegalStateException.class, () -> GreenletExecutors.executor(s.hub()));
    assertTrue(noExecutor.getMessage().contains("closing-owner") && noExecutor.getMessage().contains("closed"),
        noExecutor.getMessage());
    assertThrows(IllegalStateException.class, () -> GreenletExecutors.threadFactory(s.hub()));
    leaks.assertNoLeak();
  }

  @Test
  void whenTheOwnerEndsAThreadWaitingOnATaskIsWokenWithACancellation() throws Exception {
    Leaks leaks = Leaks.snapshot();
    CompletableFuture<Future<?>> handOff = new CompletableFuture<>();
    CompletableFuture<ExecutorService> executorOf = new CompletableFuture<>();
    Thread owner = Thread.ofPlatform().name("ending-owner").start(() -> {
      try {
        ExecutorService executor = GreenletExecutors.executor(Hub.current());
        Event started = new Event();
        Future<?> f = executor.submit(() -> {
          started.set();
          Gevent.sleep(30);
        });
        assertTrue(started.await(10));
        executorOf.complete(executor);
        handOff.complete(f);
      } catch (Throwable e) {
        handOff.completeExceptionally(e);
      }
      // ends here without closing its hub: the hub thread closes it
    });
    Future<?> f = handOff.get(10, SECONDS);
    CancellationException e = assertThrows(CancellationException.class, () -> f.get(10, SECONDS));
    assertTrue(e.getMessage().contains("hub ending-owner closed"), e.getMessage());
    ExecutorService executor = executorOf.get();
    assertTrue(executor.awaitTermination(10, SECONDS));
    assertTrue(executor.isShutdown());
    owner.join();
    assertEquals(Thread.State.TERMINATED, owner.getState());
    leaks.assertNoLeak();
  }
}
