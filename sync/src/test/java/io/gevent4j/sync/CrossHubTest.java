package io.gevent4j.sync;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.Hub;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The objects shared by several hubs on several platform threads, and by plain threads, under
 * contention: every wake-up arrives, counts add up, nothing hangs. Both backends.
 */
@org.junit.jupiter.api.Timeout(300)
class CrossHubTest {
  private static final int HUBS = 4;
  private static final int GREENLETS = 50;
  private static final int ROUNDS = 50;

  /**
   * Runs {@code perHub.accept(hubIndex, hub)} on {@link #HUBS} hubs at once — the test's own
   * (index 0) and one per extra platform thread — then runs every hub until its greenlets end.
   */
  private static void onHubs(Spawner s, BiConsumer<Integer, Hub> perHub) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int h = 1; h < HUBS; h++) {
      int index = h;
      threads.add(Thread.ofPlatform().name("hub-" + h).start(() -> {
        Hub hub = Hub.current();
        try {
          go.await();
          perHub.accept(index, hub);
          assertTrue(hub.join(60), "hub-" + index + " did not finish");
          assertEquals(List.of(), hub.liveGreenlets());
        } catch (Throwable t) {
          s.fail(t);
        } finally {
          hub.close();
        }
      }));
    }
    go.countDown();
    Hub mine = Hub.current();
    perHub.accept(0, mine);
    assertTrue(mine.join(60), "the test's hub did not finish");
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(90));
      assertTrue(!t.isAlive(), t + " is stuck");
    }
    s.check();
  }

  @RepeatedTest(5)
  void eventsPassATokenAroundRingsOfGreenletsOnFourHubs() {
    onFreshHub(120, hub -> {
      Spawner s = new Spawner();
      // ring i: greenlet (h, i) on hub h waits for hop k (k % HUBS == h) and sets hop k + 1
      Event[][] hops = new Event[GREENLETS][ROUNDS * HUBS + 1];
      for (Event[] ring : hops) {
        for (int k = 0; k < ring.length; k++) ring[k] = new Event().markShared();
        ring[0].set();
      }
      AtomicInteger passes = new AtomicInteger();
      onHubs(s, (h, on) -> {
        for (int i = 0; i < GREENLETS; i++) {
          Event[] ring = hops[i];
          s.spawn(on, "ring-" + i + "@" + h, () -> {
            for (int r = 0; r < ROUNDS; r++) {
              int k = r * HUBS + h;
              assertTrue(ring[k].await(30), "hop " + k + " never came");
              passes.incrementAndGet();
              ring[k + 1].set();
            }
          });
        }
      });
      assertEquals(HUBS * GREENLETS * ROUNDS, passes.get());
      for (Event[] ring : hops) assertTrue(ring[ROUNDS * HUBS].isSet());
    });
  }

  @RepeatedTest(5)
  void semaphoresPingPongAcrossFourHubs() {
    onFreshHub(120, hub -> {
      Spawner s = new Spawner();
      Semaphore[][] turn = new Semaphore[GREENLETS][HUBS];
      for (Semaphore[] ring : turn) {
        for (int h = 0; h < HUBS; h++) ring[h] = new Semaphore(h == 0 ? 1 : 0).markShared();
      }
      AtomicInteger turns = new AtomicInteger();
      onHubs(s, (h, on) -> {
        for (int i = 0; i < GREENLETS; i++) {
          Semaphore[] ring = turn[i];
          s.spawn(on, "pingpong-" + i + "@" + h, () -> {
            for (int r = 0; r < ROUNDS; r++) {
              assertTrue(ring[h].acquire(30), "turn " + r + " never came");
              turns.incrementAndGet();
              ring[(h + 1) % HUBS].release();
            }
          });
        }
      });
      assertEquals(HUBS * GREENLETS * ROUNDS, turns.get());
      for (Semaphore[] ring : turn) {
        assertEquals(1, ring[0].counter(), "the token is back at the start");
        for (int h = 1; h < HUBS; h++) assertEquals(0, ring[h].counter());
      }
    });
  }

  @RepeatedTest(5)
  void aSemaphoreContendedByTwoHundredGreenletsOnFourHubsNeverAdmitsTooMany() {
    onFreshHub(120, hub -> {
      Spawner s = new Spawner();
      int permits = 5;
      Semaphore slots = new Semaphore(permits).markShared();
      AtomicInteger inside = new AtomicInteger();
      AtomicInteger most = new AtomicInteger();
      AtomicInteger entries = new AtomicInteger();
      onHubs(s, (h, on) -> {
        for (int i = 0; i < GREENLETS; i++) {
          s.spawn(on, "contender-" + i + "@" + h, () -> {
            for (int r = 0; r < ROUNDS; r++) {
              assertTrue(slots.acquire(30));
              try {
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                entries.incrementAndGet();
                Hub.sleep(0);
              } finally {
                inside.decrementAndGet();
                slots.release();
              }
            }
          });
        }
      });
      assertEquals(HUBS * GREENLETS * ROUNDS, entries.get());
      assertTrue(most.get() <= permits, "at most " + permits + " inside, saw " + most.get());
      assertEquals(permits, slots.counter());
    });
  }

  @RepeatedTest(5)
  void anRLockSerializesGreenletsOfFourHubs() {
    onFreshHub(120, hub -> {
      Spawner s = new Spawner();
      RLock lock = new RLock();
      long[] counter = {0};
      onHubs(s, (h, on) -> {
        for (int i = 0; i < GREENLETS; i++) {
          s.spawn(on, "locker-" + i + "@" + h, () -> {
            for (int r = 0; r < ROUNDS; r++) {
              assertTrue(lock.tryLock(30, TimeUnit.SECONDS));
              try {
                long v = counter[0];
                Hub.sleep(0); // others run meanwhile, on this hub and the others
                counter[0] = v + 1;
              } finally {
                lock.unlock();
              }
            }
          });
        }
      });
      lock.lock();
      try {
        assertEquals(HUBS * GREENLETS * ROUNDS, counter[0], "no increment lost");
      } finally {
        lock.unlock();
      }
    });
  }

  @Test
  void plainThreadsWithoutHubsWakeWaitersOnFourHubs() {
    onFreshHub(120, hub -> {
      Spawner s = new Spawner();
      Event start = new Event().markShared();
      CountDownLatch go = new CountDownLatch(1); // for the plain threads, which have no hub
      Semaphore permits = new Semaphore(0).markShared();
      AsyncResult<String> result = new AsyncResult<String>().markShared();
      AtomicInteger done = new AtomicInteger();
      List<Thread> helpers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        helpers.add(Thread.ofPlatform().name("plain-" + t).start(() -> {
          // never calls Hub.current(): these threads have no hub
          try {
            go.await();
            for (int i = 0; i < HUBS * GREENLETS / 4; i++) permits.release();
          } catch (Throwable e) {
            s.fail(e);
          }
        }));
      }
      Thread setter = Thread.ofPlatform().name("setter").start(() -> {
        try {
          go.await();
          result.set("ok");
        } catch (InterruptedException e) {
          s.fail(e);
        }
      });
      onHubs(s, (h, on) -> {
        for (int i = 0; i < GREENLETS; i++) {
          s.spawn(on, "waiter-" + i + "@" + h, () -> {
            assertTrue(start.await(30));
            assertTrue(permits.acquire(30));
            assertEquals("ok", result.get(30));
            done.incrementAndGet();
          });
        }
        if (h == 0) {
          start.set();
          go.countDown();
        }
      });
      for (Thread t : helpers) t.join();
      setter.join();
      assertEquals(HUBS * GREENLETS, done.get());
      assertEquals(0, permits.counter());
    });
  }
}
