package io.gevent4j.threading;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.sync.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** GreenletExecutors.threadFactory: threads that are greenlets of a hub; both backends. */
@org.junit.jupiter.api.Timeout(60)
class GreenletThreadFactoryTest {

  @Test
  void aThreadRunsAsAGreenletOfTheHubOnceStarted() {
    onFreshHub(hub -> {
      ThreadFactory factory = GreenletExecutors.threadFactory(hub);
      List<String> seen = new ArrayList<>(); // on the hub only
      AtomicReference<Thread> self = new AtomicReference<>();
      Thread t = factory.newThread(() -> {
        self.set(Thread.currentThread());
        RawGreenlet g = RawGreenlet.current();
        seen.add(g != null && g.hub() == hub && Hub.current() == hub ? "a greenlet of the hub" : "elsewhere");
        seen.add(Greenlet.getCurrent() == null ? "raw" : "a Greenlet");
        Gevent.sleep(0.001); // cooperative
        seen.add("woke");
      });
      assertEquals(Thread.State.NEW, t.getState());
      assertTrue(t.isVirtual());
      assertTrue(t.getName().startsWith("greenlet-thread-"), t.getName());
      Gevent.sleep(0);
      assertEquals(List.of(), seen, "not started: it does not run");
      t.start();
      seen.add("starter");
      assertTrue(hub.join(10));
      assertEquals(List.of("starter", "a greenlet of the hub", "raw", "woke"), seen);
      assertSame(t, self.get());
      assertEquals(Thread.State.TERMINATED, t.getState());
      assertThrows(IllegalThreadStateException.class, t::start);
    });
  }

  @Test
  void aThreadStartedByAnotherThreadCrossesToTheHubAndAGreenletJoinsIt() {
    onFreshHub(hub -> {
      ThreadFactory factory = GreenletExecutors.threadFactory(hub);
      CompletableFuture<Thread> made = new CompletableFuture<>();
      AtomicReference<Hub> ranOn = new AtomicReference<>();
      Thread plain = Thread.ofPlatform().start(() -> {
        Thread t = factory.newThread(() -> {
          Gevent.sleep(0.01);
          ranOn.set(Hub.current());
        });
        t.start();
        made.complete(t);
      });
      Thread t = Hub.await(made, 10);
      Greenlet.spawn(() -> {
        t.join(); // a JDK wait in a greenlet: cooperative
        return null;
      }).get(10);
      assertSame(hub, ranOn.get());
      plain.join();
    });
  }

  @Test
  void anInterruptEndsAJdkWaitInAFactoryThread() {
    onFreshHub(hub -> {
      AtomicReference<Throwable> endedWith = new AtomicReference<>();
      Event started = new Event();
      Thread t = GreenletExecutors.threadFactory(hub).newThread(() -> {
        started.set();
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          endedWith.set(e);
        }
      });
      t.start();
      assertTrue(started.await(10));
      Gevent.sleep(0);
      t.interrupt();
      assertTrue(hub.join(10));
      assertInstanceOf(InterruptedException.class, endedWith.get());
    });
  }

  @Test
  void aThreadPerTaskExecutorOnTheFactoryRunsEachTaskInAGreenletOfTheHub() {
    onFreshHub(hub -> {
      Greenlet.spawn(() -> {
        // from a greenlet: the JDK executor's waits (Future.get, close) are cooperative here
        try (ExecutorService executor = Executors.newThreadPerTaskExecutor(GreenletExecutors.threadFactory(hub))) {
          List<Future<String>> futures = new ArrayList<>();
          for (int i = 0; i < 20; i++) {
            int n = i;
            futures.add(executor.submit(() -> {
              Gevent.sleep(0.001 * (n % 3));
              return RawGreenlet.current() != null && Gevent.getHub() == hub ? "task " + n : "elsewhere";
            }));
          }
          for (int i = 0; i < 20; i++) assertEquals("task " + i, futures.get(i).get(10, SECONDS));
          Event started = new Event();
          AtomicReference<Throwable> endedWith = new AtomicReference<>();
          Future<?> sleeping = executor.submit(() -> {
            started.set();
            try {
              Thread.sleep(30_000);
            } catch (InterruptedException e) {
              endedWith.set(e);
            }
          });
          assertTrue(started.await(10));
          Gevent.sleep(0);
          assertTrue(sleeping.cancel(true)); // the JDK's future interrupts its thread: a JDK call ends
          assertTrue(sleeping.isCancelled());
          executor.shutdown();
          assertTrue(executor.awaitTermination(10, SECONDS));
          assertInstanceOf(InterruptedException.class, endedWith.get());
        }
        return null;
      }).get(30);
    });
  }

  @Test
  void anExceptionEscapingAFactoryThreadIsTheHubsToLog() {
    onFreshHub(hub -> {
      AtomicReference<Throwable> handed = new AtomicReference<>();
      Thread t = GreenletExecutors.threadFactory(hub).newThread(() -> {
        throw new IllegalStateException("escapes a factory thread (expected in this test)");
      });
      t.setUncaughtExceptionHandler((thread, e) -> handed.set(e));
      t.start();
      assertTrue(hub.join(10));
      assertNull(handed.get(), "the greenlet keeps and logs it, as any greenlet's");
    });
  }
}
