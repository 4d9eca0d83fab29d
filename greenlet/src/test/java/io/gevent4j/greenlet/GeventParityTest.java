package io.gevent4j.greenlet;

import static io.gevent4j.greenlet.Gevent.sleep;
import static io.gevent4j.greenlet.Gevent.spawn;
import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.LoopExit;
import io.gevent4j.hub.Timeout;
import io.gevent4j.queue.Channel;
import io.gevent4j.sync.AsyncResult;
import io.gevent4j.sync.Event;
import io.gevent4j.sync.Semaphore;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * gevent behaviours the greenlet and sync layers gained from the audit against gevent
 * (docs/fidelity.md). Both backends.
 */
@org.junit.jupiter.api.Timeout(60)
class GeventParityTest {

  /** Before: kill() waited for the start timer (60 s here), and dead() stayed false until then. */
  @Test
  void killingASpawnLaterGreenletBeforeItStartsIsImmediate() {
    onFreshHub(hub -> {
      AtomicBoolean ran = new AtomicBoolean();
      Greenlet<Void> later = Greenlet.spawnLater(60, () -> {
        ran.set(true);
        return null;
      });
      long start = System.nanoTime();
      later.kill();
      assertTrue((System.nanoTime() - start) / 1e9 < 5, "kill waited for the timer");
      assertTrue(later.dead());
      assertFalse(ran.get());
      assertTrue(later.successful(), "a GreenletExit kill is a success");
    });
  }

  @Test
  void killAllWithATimeoutRaisesTimeoutForGreenletsThatWillNotDie() {
    onFreshHub(hub -> {
      Greenlet<Void> stubborn = spawn(() -> {
        while (true) {
          try {
            sleep(10);
          } catch (GreenletExit e) {
            // swallowed: it carries on
          }
        }
      });
      sleep(0);
      assertThrows(Timeout.class, () -> Gevent.killAll(List.of(stubborn), true, 0.05));
      Gevent.killAll(List.of(stubborn), new IllegalStateException("stop (expected in this test)"), true, 5);
      assertTrue(stubborn.dead());
      assertTrue(stubborn.exception() instanceof IllegalStateException);
    });
  }

  /** gevent clears _run: what the body captured is garbage once the greenlet ended. */
  @Test
  void aFinishedGreenletDropsItsBody() {
    onFreshHub(hub -> {
      Object[] holder = {new byte[8 << 20]};
      WeakReference<Object> captured = new WeakReference<>(holder[0]);
      Greenlet<Integer> g = bodyCapturing(holder[0]);
      holder[0] = null;
      g.join();
      for (int i = 0; i < 20 && captured.get() != null; i++) System.gc();
      assertNull(captured.get(), "the greenlet (still referenced) keeps its body's capture");
      assertEquals(8 << 20, g.get());
    });
  }

  private static Greenlet<Integer> bodyCapturing(Object o) {
    return spawn(() -> ((byte[]) o).length);
  }

  /** A chain of spawns: a live descendant does not keep its dead ancestors reachable. */
  @Test
  void theSpawningGreenletIsAWeakReferenceAndTreeLocalsAreStillShared() {
    onFreshHub(hub -> {
      Event release = new Event();
      Greenlet<?>[] child = new Greenlet<?>[1];
      Greenlet<Void> parent = spawn(() -> {
        Greenlet.getCurrent().spawnTreeLocals().put("k", "v");
        child[0] = spawn(() -> release.await());
      });
      parent.join();
      sleep(0);
      WeakReference<Greenlet<?>> parentRef = new WeakReference<>(parent);
      parent = null;
      for (int i = 0; i < 20 && parentRef.get() != null; i++) System.gc();
      assertNull(parentRef.get(), "the dead parent stays reachable through its live child");
      assertNull(child[0].spawningGreenlet());
      assertEquals("v", child[0].spawnTreeLocals().get("k"));
      release.set();
      child[0].join();
    });
  }

  @Test
  void aNonBlockingSelfKillIsDeliveredAtTheNextSwitch() {
    onFreshHub(hub -> {
      List<String> seen = new ArrayList<>();
      Greenlet<Void> g = spawn(() -> {
        Greenlet.getCurrent().kill(new GreenletExit(), false, 0);
        seen.add("still running");
        sleep(0);
        seen.add("after the switch");
      });
      g.join();
      assertEquals(List.of("still running"), seen);
      assertTrue(g.successful());
    });
  }

  @Test
  void aliveLinksAndAsyncResultTargets() {
    onFreshHub(hub -> {
      Greenlet<String> g = new Greenlet<>(() -> "value");
      assertFalse(g.alive());
      Runnable link = () -> {};
      g.rawlink(link);
      assertTrue(g.hasLinks());
      g.unlinkAll();
      assertFalse(g.hasLinks());
      AsyncResult<String> result = new AsyncResult<>();
      g.link(result);
      g.start();
      assertTrue(g.alive());
      assertEquals("value", result.get(5));
      assertFalse(g.alive());
      Greenlet<Object> failing = spawn(() -> {
        throw new IllegalStateException("boom (expected in this test)");
      });
      AsyncResult<Object> failed = new AsyncResult<>();
      failing.link(failed);
      assertTrue(failed.await(5));
      assertTrue(failed.exception() instanceof IllegalStateException);
    });
  }

  @Test
  void timeoutsSayWhatTheyRaise() {
    Timeout plain = new Timeout(1.5, "slow backend");
    assertEquals("1.5 seconds: slow backend", plain.getMessage());
    assertNull(plain.exception());
    IllegalStateException error = new IllegalStateException("x");
    assertSame(error, new Timeout(1, error).exception());
  }

  @Test
  void linkCountsAndChannelBalance() {
    onFreshHub(hub -> {
      Event ev = new Event();
      AsyncResult<String> r = new AsyncResult<>();
      Semaphore s = new Semaphore(0);
      Runnable noop = () -> {};
      ev.rawlink(noop);
      r.rawlink(noop);
      s.rawlink(noop);
      assertEquals(1, ev.linkCount());
      assertEquals(1, r.linkCount());
      assertEquals(1, s.linkCount());
      Channel<String> ch = new Channel<>();
      assertEquals(0, ch.balance());
      spawn(() -> ch.put("a"));
      spawn(() -> ch.put("b"));
      sleep(0);
      assertEquals(2, ch.balance(), "two putters wait");
      assertEquals("a", ch.get());
      assertEquals("b", ch.get());
      spawn(() -> ch.get());
      sleep(0);
      assertEquals(-1, ch.balance(), "a getter waits");
      ch.put("c");
    });
  }

  @Test
  void groupStartJoinWithRaiseErrorAndKillWithAnError() {
    onFreshHub(hub -> {
      Group group = new Group();
      Greenlet<String> g = new Greenlet<>(() -> "x");
      group.start(g);
      assertEquals("x", g.get());
      List<String> finished = new ArrayList<>();
      group.spawn(() -> {
        throw new IllegalStateException("first failure (expected in this test)");
      });
      group.spawn(() -> {
        sleep(0.05);
        finished.add("slow one");
      });
      // as gevent: the group is waited for first, then the failure is raised
      assertThrows(IllegalStateException.class, () -> group.join(5, true));
      assertEquals(List.of("slow one"), finished);
      Event never = new Event();
      Greenlet<Void> member = group.spawn(() -> never.await());
      sleep(0);
      group.kill(new IllegalStateException("killed (expected in this test)"), true, 5);
      assertTrue(member.exception() instanceof IllegalStateException);
      assertEquals(0, group.size());
    });
  }

  @Test
  void aFullPoolRaisesPoolFullAtTheTimeoutAndApplyAsyncNeverWaits() {
    onFreshHub(hub -> {
      Pool pool = new Pool(1);
      Event release = new Event();
      pool.spawn(() -> release.await());
      assertThrows(PoolFull.class, () -> pool.spawn(() -> "no room", 0.02));
      assertThrows(PoolFull.class, () -> pool.add(new Greenlet<>(() -> "x"), 0));
      Greenlet<String> outside = pool.applyAsync(() -> "ran anyway");
      assertFalse(pool.contains(outside), "spawned outside the full pool, as gevent's");
      assertEquals("ran anyway", outside.get(5));
      release.set();
      pool.join();
      Greenlet<String> inside = pool.applyAsync(() -> "member");
      assertEquals("member", inside.get(5));
    });
  }

  @Test
  void aSleepThatDoesNotKeepTheHubAliveEndsInLoopExit() {
    onFreshHub(hub -> assertThrows(LoopExit.class, () -> sleep(5, false)));
  }

  @Test
  void waitAllTakesFuturesAndIwaitCanBeClosedEarly() {
    onFreshHub(hub -> {
      CompletableFuture<String> future = new CompletableFuture<>();
      Event ev = new Event();
      Thread.ofPlatform().start(() -> future.complete("done"));
      List<Object> ready = Gevent.waitAll(List.of(future), 5);
      assertEquals(List.of(future), ready);
      try (Gevent.Waiting<Event> waiting = Gevent.iwait(List.of(ev, new Event()), 5)) {
        ev.set();
        for (Event e : waiting) {
          assertSame(ev, e);
          break; // early: closing removes the links from the other event
        }
      }
      assertEquals(0, ev.linkCount());
    });
  }
}
