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
import io.gevent4j.hub.Timeout;
import io.gevent4j.hub.internal.HubAccess;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gevent.event.Event's behaviour; both backends. */
@org.junit.jupiter.api.Timeout(120)
class EventTest {

  @Test
  void waitersWakeFirstComeFirstServedOnceTheSetterYields() {
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      Event ev = new Event();
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        int n = i;
        s.spawn("waiter-" + i, () -> {
          assertTrue(ev.await(10));
          order.add(n);
        });
      }
      Hub.sleep(0);
      assertEquals(5, ev.waiting());
      ev.set();
      assertEquals(List.of(), order, "nobody runs before the setter yields");
      assertEquals(0, ev.waiting());
      Hub.sleep(0);
      assertEquals(List.of(0, 1, 2, 3, 4), order);
      assertTrue(hub.join(5));
      s.check();
    });
  }

  @Test
  void waitersWokenBySetStillReturnTrueWhenClearedBeforeTheyRun() {
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      Event ev = new Event();
      List<Boolean> results = Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < 3; i++) s.spawn("waiter", () -> results.add(ev.await(10)));
      Hub.sleep(0);
      ev.set();
      ev.clear();
      assertTrue(hub.join(5));
      assertEquals(List.of(true, true, true), results);
      assertFalse(ev.isSet());
      s.check();
    });
  }

  @Test
  void aWaiterArrivingWhileWokenWaitersHaveNotRunRunsAfterThem() {
    // gevent #1520: callers arriving during the notification wait their turn
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      Event ev = new Event();
      List<String> order = new ArrayList<>();
      s.spawn("a", () -> {
        ev.await();
        order.add("a");
      });
      s.spawn("b", () -> {
        ev.await();
        order.add("b");
      });
      Hub.sleep(0);
      s.spawn("setter", () -> {
        ev.set();
        assertTrue(ev.await(10));
        order.add("setter");
      });
      assertTrue(hub.join(5));
      assertEquals(List.of("a", "b", "setter"), order);
      s.check();
    });
  }

  @Test
  void anEventSetBeforeTheWaitReturnsAtOnceWithoutYielding() {
    onFreshHub(hub -> {
      Event ev = new Event();
      ev.set();
      List<String> ran = new ArrayList<>();
      hub.execute(() -> ran.add("other"));
      ev.await();
      assertTrue(ev.await(10));
      assertTrue(ev.await(0));
      assertTrue(ev.isSet());
      assertTrue(ev.ready());
      assertEquals(List.of(), ran, "no switch happened");
      assertTrue(hub.join(5));
    });
  }

  @Test
  void timeoutZeroDoesNotWaitAndATimeoutReturnsFalse() {
    onFreshHub(hub -> {
      Event ev = new Event();
      List<String> ran = new ArrayList<>();
      hub.execute(() -> ran.add("other"));
      assertFalse(ev.await(0));
      assertEquals(List.of(), ran, "await(0) does not yield");
      assertFalse(ev.await(0.05));
      assertEquals(0, ev.waiting(), "the timed-out waiter left");
      assertEquals(List.of("other"), ran);
    });
  }

  @Test
  void aWaitEndedByAKillOrATimeoutLeavesNoTrace() {
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      Event ev = new Event();
      List<String> seen = new ArrayList<>();
      RawGreenlet victim = s.spawn("victim", () -> {
        try {
          ev.await();
          seen.add("woke");
        } finally {
          seen.add("finally");
        }
      });
      Event dead = new Event();
      HubAccess.get().onExit(victim, g -> dead.set());
      Hub.sleep(0);
      assertEquals(1, ev.waiting());
      victim.throwInto(new GreenletExit());
      assertTrue(dead.await(5));
      assertEquals(List.of("finally"), seen);
      assertEquals(0, ev.waiting(), "the killed waiter left the queue");

      Timeout timeout = Timeout.start(0.01);
      Timeout caught = assertThrows(Timeout.class, () -> ev.await(10));
      assertTrue(caught == timeout);
      assertEquals(0, ev.waiting(), "the timed-out waiter left the queue");

      s.spawn("later", () -> seen.add("later " + ev.await(10)));
      Hub.sleep(0);
      ev.set();
      assertTrue(hub.join(5));
      assertEquals(List.of("finally", "later true"), seen);
      s.check();
    });
  }

  @Test
  void anEndlessWaitOnAnEventNoOtherThreadUsedIsLoopExit() {
    onFreshHub(hub -> {
      Event ev = new Event();
      assertThrows(LoopExit.class, ev::await);
      assertEquals(0, ev.waiting());
    });
  }

  @Test
  void aPlainThreadSetsAnEventAGreenletAndTheMainThreadWaitFor() throws Exception {
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      Event ev = new Event().markShared(); // the setter below has not touched it yet
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      s.spawn("waiter", () -> {
        assertTrue(ev.await(10));
        seen.add("greenlet");
      });
      Thread setter = Thread.ofPlatform().name("setter").start(ev::set);
      ev.await();
      seen.add("main");
      setter.join();
      assertTrue(hub.join(5));
      assertTrue(seen.containsAll(List.of("greenlet", "main")), seen.toString());
      s.check();
    });
  }

  @Test
  void rawlinksRunInTheHubAfterSetInTheOrderAddedAndOnce() {
    onFreshHub(hub -> {
      Event ev = new Event();
      List<String> calls = new ArrayList<>();
      Thread hubThread = hub.thread();
      ev.rawlink(() -> calls.add("first on " + (Thread.currentThread() == hubThread ? "hub" : "elsewhere")));
      ev.rawlink(() -> calls.add("second"));
      Runnable removed = () -> calls.add("removed");
      ev.rawlink(removed);
      ev.unlink(removed);
      assertEquals(2, ev.linkCount());
      ev.set();
      assertEquals(List.of(), calls, "links run later, in the hub");
      ev.clear();
      ev.set(); // one-shot: already scheduled once
      Hub.sleep(0);
      assertEquals(List.of("first on hub", "second"), calls);
      assertEquals(0, ev.linkCount());
      ev.set();
      Hub.sleep(0);
      assertEquals(2, calls.size());
    });
  }

  @Test
  void aRawlinkOnASetEventIsScheduledAndUnlinkBeforeItRunsCancelsIt() {
    onFreshHub(hub -> {
      Event ev = new Event();
      ev.set();
      List<String> calls = new ArrayList<>();
      ev.rawlink(() -> calls.add("ready already"));
      Runnable cancelled = () -> calls.add("cancelled");
      ev.rawlink(cancelled);
      assertEquals(List.of(), calls);
      ev.unlink(cancelled);
      ev.unlink(() -> {}); // not linked: nothing
      Hub.sleep(0);
      assertEquals(List.of("ready already"), calls);
    });
  }

  @Test
  void blockingInsideARawlinkIsABlockingSwitchOutError() {
    onFreshHub(hub -> {
      Event ev = new Event();
      Event never = new Event();
      List<Throwable> errors = new ArrayList<>();
      ev.rawlink(() -> {
        try {
          never.await(1);
        } catch (Throwable t) {
          errors.add(t);
        }
        try {
          Hub.sleep(0);
        } catch (Throwable t) {
          errors.add(t);
        }
      });
      ev.set();
      Hub.sleep(0);
      assertEquals(2, errors.size(), errors.toString());
      errors.forEach(e -> assertInstanceOf(BlockingSwitchOutError.class, e));
      assertEquals(0, never.waiting());
    });
  }

  @Test
  void aRawlinkRunsOnTheHubThatAddedItWhenAnotherThreadSets() throws Exception {
    onFreshHub(hub -> {
      Event ev = new Event();
      Event ran = new Event();
      List<Thread> where = Collections.synchronizedList(new ArrayList<>());
      ev.rawlink(() -> {
        where.add(Thread.currentThread());
        ran.set();
      });
      Thread setter = Thread.ofPlatform().start(ev::set);
      setter.join();
      assertTrue(ran.await(10));
      assertEquals(List.of(hub.thread()), where);
    });
  }

  @Test
  void anEventIsSharedOnceAnotherThreadUsedItOrWhenMarked() throws Exception {
    onFreshHub(hub -> {
      io.gevent4j.hub.Linkable ev = new Event();
      assertFalse(ev.isShared());
      ((Event) ev).set();
      ((Event) ev).clear();
      assertFalse(ev.isShared(), "its own thread's use");
      Thread other = Thread.ofPlatform().start(((Event) ev)::set);
      other.join();
      assertTrue(ev.isShared());
      assertTrue(new Event().markShared().isShared());
      assertTrue(new AsyncResult<String>().markShared().isShared());
      assertTrue(new Semaphore(1).markShared().isShared());
      assertFalse(new Semaphore(1).isShared());
    });
  }

  @Test
  void badInputIsRefused() {
    onFreshHub(hub -> {
      Event ev = new Event();
      assertThrows(IllegalArgumentException.class, () -> ev.await(-1));
      assertThrows(IllegalArgumentException.class, () -> ev.await(Double.NaN));
      ev.set();
      assertThrows(IllegalArgumentException.class, () -> ev.await(-0.5), "even when it would not wait");
      assertThrows(NullPointerException.class, () -> ev.rawlink(null));
      assertThrows(NullPointerException.class, () -> ev.unlink(null));
      assertTrue(ev.await(Double.POSITIVE_INFINITY));
    });
  }
}
