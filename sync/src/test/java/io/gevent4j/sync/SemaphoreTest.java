package io.gevent4j.sync;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.BlockingSwitchOutError;
import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.LoopExit;
import io.gevent4j.hub.RawGreenlet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** gevent.lock's Semaphore, BoundedSemaphore and DummySemaphore; both backends. */
@org.junit.jupiter.api.Timeout(120)
class SemaphoreTest {

  @Test
  void permitsAreCountedAndATimeoutReturnsFalse() {
    onFreshHub(hub -> {
      Semaphore s = new Semaphore(2);
      assertEquals(2, s.counter());
      assertFalse(s.locked());
      s.acquire();
      assertTrue(s.acquire(1));
      assertEquals(0, s.counter());
      assertTrue(s.locked());
      assertFalse(s.ready());
      assertFalse(s.tryAcquire());
      assertFalse(s.acquire(0));
      assertFalse(s.acquire(0.01));
      assertEquals(0, s.waiting(), "the timed-out waiter left");
      s.release();
      s.release();
      s.release(); // over-release is allowed, as gevent
      assertEquals(3, s.counter());
      assertTrue(new Semaphore(0).locked());
    });
  }

  @Test
  void waitersAreServedFirstComeFirstServed() {
    onFreshHub(hub -> {
      Spawner sp = new Spawner();
      Semaphore s = new Semaphore(0);
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        int n = i;
        sp.spawn("w" + i, () -> {
          s.acquire();
          order.add(n);
        });
      }
      Hub.sleep(0);
      for (int i = 0; i < 10; i++) s.release();
      assertTrue(hub.join(5));
      assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), order);
      assertEquals(0, s.counter(), "every permit was handed over, none counted");
      sp.check();
    });
  }

  @Test
  void oneReleaseWakesExactlyOneOfAHundredWaiters() {
    onFreshHub(hub -> {
      Spawner sp = new Spawner();
      Semaphore s = new Semaphore(0);
      AtomicInteger resumed = new AtomicInteger();
      for (int i = 0; i < 100; i++) {
        sp.spawn("w" + i, () -> {
          s.acquire();
          resumed.incrementAndGet();
        });
      }
      Hub.sleep(0);
      assertEquals(100, s.waiting());
      s.release();
      assertEquals(99, s.waiting(), "one waiter was handed the permit");
      Hub.sleep(0);
      Hub.sleep(0);
      assertEquals(1, resumed.get(), "no stampede: exactly one woke");
      assertEquals(0, s.counter());
      for (int i = 0; i < 99; i++) s.release();
      assertTrue(hub.join(5));
      assertEquals(100, resumed.get());
      sp.check();
    });
  }

  @Test
  void nobodyBargesInWhileAWokenWaiterHasNotRunYet() {
    onFreshHub(hub -> {
      Spawner sp = new Spawner();
      Semaphore s = new Semaphore(0);
      List<String> order = new ArrayList<>();
      sp.spawn("waiter", () -> {
        s.acquire();
        order.add("waiter");
      });
      Hub.sleep(0);
      s.release();
      assertFalse(s.tryAcquire(), "the permit is the waiter's");
      sp.spawn("barger", () -> {
        s.acquire();
        order.add("barger");
      });
      Hub.sleep(0);
      s.release();
      assertTrue(hub.join(5));
      assertEquals(List.of("waiter", "barger"), order);
      sp.check();
    });
  }

  @Test
  void aPermitHandedToAWaiterKilledBeforeItRanGoesToTheNext() {
    onFreshHub(hub -> {
      Spawner sp = new Spawner();
      Semaphore s = new Semaphore(0);
      List<String> got = new ArrayList<>();
      RawGreenlet first = sp.spawn("first", () -> {
        s.acquire();
        got.add("first");
      });
      sp.spawn("second", () -> {
        s.acquire();
        got.add("second");
      });
      Hub.sleep(0);
      first.throwInto(new GreenletExit()); // the kill lands first...
      s.release(); // ...then the permit, before the first ran again
      assertTrue(hub.join(5));
      assertEquals(List.of("second"), got);
      assertEquals(0, s.counter());
      s.release();
      assertEquals(1, s.counter(), "the permit was not counted twice");
      sp.check();
    });
  }

  @Test
  void awaitWaitsForAFreePermitWithoutTakingIt() {
    onFreshHub(hub -> {
      Spawner sp = new Spawner();
      Semaphore s = new Semaphore(0);
      assertEquals(0, s.await(0));
      assertEquals(0, s.await(0.01));
      List<Integer> seen = new ArrayList<>();
      sp.spawn("watcher", () -> seen.add(s.await(10)));
      Hub.sleep(0);
      s.release();
      assertTrue(hub.join(5));
      assertEquals(List.of(1), seen);
      assertEquals(1, s.counter(), "not taken");
      assertEquals(1, s.await());
      sp.check();
    });
  }

  @Test
  void aPermitReleasedWhileOthersWaitToAcquireDoesNotEndAwait() {
    onFreshHub(hub -> {
      Spawner sp = new Spawner();
      Semaphore s = new Semaphore(0);
      List<String> order = new ArrayList<>();
      sp.spawn("watcher", () -> order.add("watcher " + s.await(10)));
      sp.spawn("acquirer", () -> {
        s.acquire();
        order.add("acquirer");
      });
      Hub.sleep(0);
      s.release(); // goes to the acquirer
      Hub.sleep(0);
      assertEquals(List.of("acquirer"), order);
      s.release(); // free now
      assertTrue(hub.join(5));
      assertEquals(List.of("acquirer", "watcher 1"), order);
      sp.check();
    });
  }

  @Test
  void rawlinksRunOnlyWhileAPermitIsFree() {
    onFreshHub(hub -> {
      Semaphore s = new Semaphore(0);
      List<String> calls = new ArrayList<>();
      s.rawlink(() -> {
        calls.add("taker");
        assertTrue(s.tryAcquire());
      });
      s.rawlink(() -> calls.add("second"));
      s.release();
      Hub.sleep(0);
      assertEquals(List.of("taker"), calls, "the second found no permit: it stays linked");
      s.release();
      Hub.sleep(0);
      assertEquals(List.of("taker", "second"), calls);
      assertEquals(1, s.counter(), "a rawlink does not take the permit");
      s.rawlink(() -> calls.add("ready already"));
      Hub.sleep(0);
      assertEquals(3, calls.size());
    });
  }

  @Test
  void blockingInsideARawlinkIsABlockingSwitchOutError() {
    onFreshHub(hub -> {
      Semaphore s = new Semaphore(1);
      Semaphore none = new Semaphore(0);
      List<Throwable> errors = new ArrayList<>();
      s.rawlink(() -> {
        try {
          none.acquire();
        } catch (Throwable t) {
          errors.add(t);
        }
      });
      Hub.sleep(0);
      assertEquals(1, errors.size());
      assertInstanceOf(BlockingSwitchOutError.class, errors.get(0));
      assertEquals(0, none.waiting());
    });
  }

  @Test
  void anEndlessAcquireNothingCanEndIsLoopExit() {
    onFreshHub(hub -> {
      Semaphore s = new Semaphore(0);
      assertThrows(LoopExit.class, s::acquire);
      assertEquals(0, s.waiting());
      assertThrows(LoopExit.class, s::await);
    });
  }

  @Test
  void aBoundedSemaphoreRefusesAReleaseAboveItsInitialValue() {
    onFreshHub(hub -> {
      BoundedSemaphore s = new BoundedSemaphore(2);
      assertThrows(IllegalStateException.class, s::release);
      assertEquals(2, s.counter());
      s.acquire();
      s.release();
      assertThrows(IllegalStateException.class, s::release);
      assertEquals(2, s.counter());
      BoundedSemaphore zero = new BoundedSemaphore(0);
      assertThrows(IllegalStateException.class, zero::release);
      assertThrows(IllegalArgumentException.class, () -> new BoundedSemaphore(-1));
    });
  }

  @Test
  void aDummySemaphoreNeverBlocks() {
    onFreshHub(hub -> {
      DummySemaphore s = new DummySemaphore();
      for (int i = 0; i < 1000; i++) s.acquire();
      assertTrue(s.acquire(0));
      assertTrue(s.tryAcquire());
      s.release();
      assertEquals(1, s.counter());
      assertFalse(s.locked());
      assertTrue(s.ready());
      assertEquals(1, s.await());
      assertEquals(1, s.await(0));
      assertThrows(IllegalArgumentException.class, () -> s.acquire(-1));
      assertThrows(IllegalArgumentException.class, () -> s.await(Double.NaN));
      List<String> calls = new ArrayList<>();
      s.rawlink(() -> calls.add("soon"));
      Hub.sleep(0);
      assertEquals(List.of("soon"), calls);
    });
  }

  @Test
  void badInputIsRefused() {
    onFreshHub(hub -> {
      assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
      Semaphore s = new Semaphore(1);
      assertThrows(IllegalArgumentException.class, () -> s.acquire(-1), "even with a permit free");
      assertThrows(IllegalArgumentException.class, () -> s.acquire(Double.NaN));
      assertThrows(IllegalArgumentException.class, () -> s.await(-0.001));
      assertThrows(NullPointerException.class, () -> s.rawlink(null));
      assertThrows(NullPointerException.class, () -> s.unlink(null));
      assertEquals(1, s.counter());
    });
  }

  @Test
  void aPlainThreadReleasesToAGreenlet() throws Exception {
    onFreshHub(hub -> {
      Spawner sp = new Spawner();
      Semaphore s = new Semaphore(0).markShared();
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      sp.spawn("waiter", () -> {
        assertTrue(s.acquire(10));
        seen.add("acquired");
      });
      Hub.sleep(0);
      Thread releaser = Thread.ofPlatform().start(s::release);
      assertTrue(hub.join(10));
      releaser.join();
      assertEquals(List.of("acquired"), seen);
      sp.check();
    });
  }
}
