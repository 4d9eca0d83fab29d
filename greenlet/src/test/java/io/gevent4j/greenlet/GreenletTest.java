package io.gevent4j.greenlet;

import static io.gevent4j.greenlet.Gevent.joinAll;
import static io.gevent4j.greenlet.Gevent.killAll;
import static io.gevent4j.greenlet.Gevent.sleep;
import static io.gevent4j.greenlet.Gevent.spawn;
import static io.gevent4j.greenlet.Gevent.spawnLater;
import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Timeout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** gevent.Greenlet and the top-level functions; run on both backends. */
@org.junit.jupiter.api.Timeout(120)
class GreenletTest {

  @Test
  void spawnGetAndState() {
    onFreshHub(hub -> {
      Greenlet<String> g = spawn(() -> "value");
      assertTrue(g.started());
      assertFalse(g.ready());
      assertEquals("value", g.get());
      assertTrue(g.ready());
      assertTrue(g.dead());
      assertTrue(g.successful());
      assertEquals("value", g.value());
      assertNull(g.exception());
      assertTrue(g.toString().contains("dead"), g.toString());
    });
  }

  @Test
  void getRethrowsUncheckedAsIsAndCheckedWrapped() {
    onFreshHub(hub -> {
      Greenlet<String> unchecked = spawn(() -> {
        throw new IllegalStateException("unchecked (expected in this test)");
      });
      assertThrows(IllegalStateException.class, unchecked::get);
      assertFalse(unchecked.successful());
      assertTrue(unchecked.exception() instanceof IllegalStateException);
      Greenlet<String> checked = spawn(() -> {
        throw new IOException("checked (expected in this test)");
      });
      CompletionException e = assertThrows(CompletionException.class, checked::get);
      assertTrue(e.getCause() instanceof IOException);
      assertNull(checked.value());
    });
  }

  @Test
  void getWithATimeoutThrowsTimeout() {
    onFreshHub(hub -> {
      Greenlet<String> slow = spawn(() -> {
        sleep(5);
        return "late";
      });
      assertThrows(Timeout.class, () -> slow.get(0.01));
      assertFalse(slow.join(0.01));
      slow.kill();
      assertTrue(slow.dead());
    });
  }

  @Test
  void newThenStartAndStartLater() {
    onFreshHub(hub -> {
      List<String> order = new ArrayList<>();
      Greenlet<Void> later = new Greenlet<Void>(() -> {
        order.add("later");
        return null;
      }).startLater(0);
      Greenlet<Void> plain = new Greenlet<Void>(() -> {
        order.add("plain");
        return null;
      });
      assertFalse(plain.started());
      plain.start();
      assertSame(plain, plain.start(), "idempotent: the first start wins");
      joinAll(List.of(later, plain));
      assertEquals(List.of("plain", "later"), order, "spawnLater(0) runs after plain spawns");
      Greenlet<Integer> delayed = spawnLater(0.01, () -> 7);
      assertEquals(7, delayed.get());
      assertThrows(IllegalArgumentException.class, () -> spawnLater(-1, () -> 1));
    });
  }

  @Test
  void killEndsTheGreenletAsASuccess() {
    onFreshHub(hub -> {
      Greenlet<String> g = spawn(() -> {
        sleep(30);
        return "never";
      });
      sleep(0);
      g.kill();
      assertTrue(g.dead());
      assertTrue(g.successful(), "a GreenletExit kill counts as success");
      assertNull(g.value());
      g.kill(); // killing the dead is a no-op
    });
  }

  @Test
  void killWithAnErrorAndWithoutBlocking() {
    onFreshHub(hub -> {
      Greenlet<String> g = spawn(() -> {
        sleep(30);
        return "never";
      });
      sleep(0);
      IllegalStateException error = new IllegalStateException("killed (expected in this test)");
      g.kill(error, false, 0);
      assertFalse(g.dead(), "not blocking: it dies at its next turn");
      g.join();
      assertSame(error, g.exception());
      assertThrows(IllegalArgumentException.class, () -> g.kill(new GreenletExit(), true, -1));
    });
  }

  @Test
  void aGreenletKilledBeforeItStartsNeverRuns() {
    onFreshHub(hub -> {
      AtomicInteger ran = new AtomicInteger();
      Greenlet<Integer> spawned = spawn(ran::incrementAndGet);
      spawned.kill();
      Greenlet<Integer> fresh = new Greenlet<>(ran::incrementAndGet);
      fresh.kill();
      assertTrue(fresh.dead());
      fresh.start(); // no-op: it never runs
      sleep(0.01);
      assertEquals(0, ran.get());
      assertTrue(spawned.dead());
    });
  }

  @Test
  void linksFireOnceInOrderAlsoWhenLinkedAfterDeath() {
    onFreshHub(hub -> {
      List<String> fired = Collections.synchronizedList(new ArrayList<>());
      Greenlet<String> g = spawn(() -> "v");
      g.rawlink(x -> fired.add("raw " + (Greenlet.getCurrent() == null)));
      g.link(x -> {
        sleep(0.001); // links run in a greenlet of their own: they may block
        fired.add("link " + x.value());
      });
      g.linkValue(x -> fired.add("value"));
      g.linkException(x -> fired.add("exception?"));
      g.join();
      hub.join(5);
      assertEquals(List.of("raw true", "value", "link v"), fired);
      fired.clear();
      g.link(x -> fired.add("after death"));
      hub.join(5);
      assertEquals(List.of("after death"), fired);
    });
  }

  @Test
  void unlinkRemovesAndRawlinksMustNotBlock() {
    onFreshHub(hub -> {
      List<Object> seen = Collections.synchronizedList(new ArrayList<>());
      Greenlet<String> g = new Greenlet<>(() -> "v");
      java.util.function.Consumer<Greenlet<String>> removed = x -> seen.add("removed fired");
      g.link(removed);
      g.unlink(removed);
      g.rawlink(x -> {
        try {
          sleep(0.01);
        } catch (io.gevent4j.hub.BlockingSwitchOutError e) {
          seen.add(e.getClass().getSimpleName());
        }
      });
      g.start().join();
      hub.join(5);
      assertEquals(List.of("BlockingSwitchOutError"), seen);
    });
  }

  @Test
  void linkExceptionFiresForFailures() {
    onFreshHub(hub -> {
      List<String> fired = Collections.synchronizedList(new ArrayList<>());
      Greenlet<String> g = spawn(() -> {
        throw new IllegalStateException("failed (expected in this test)");
      });
      g.linkValue(x -> fired.add("value?"));
      g.linkException(x -> fired.add("exception " + x.exception().getMessage()));
      g.join();
      hub.join(5);
      assertEquals(List.of("exception failed (expected in this test)"), fired);
    });
  }

  @Test
  void theCompletableFutureBridge() throws Exception {
    onFreshHub(hub -> {
      assertEquals("v", Hub.await(spawn(() -> "v").toCompletableFuture()));
      Greenlet<String> failing = spawn(() -> {
        throw new IllegalStateException("x (expected in this test)");
      });
      assertThrows(IllegalStateException.class, () -> Hub.await(failing.toCompletableFuture()));
      Greenlet<String> sleeper = spawn(() -> {
        sleep(30);
        return "never";
      });
      CompletableFuture<String> f = sleeper.toCompletableFuture();
      sleep(0);
      f.cancel(false);
      sleeper.join(5);
      assertTrue(sleeper.dead(), "cancelling the future kills the greenlet");
      Greenlet<String> killed = spawn(() -> {
        sleep(30);
        return "never";
      });
      CompletableFuture<String> kf = killed.toCompletableFuture();
      sleep(0);
      killed.kill();
      assertThrows(CancellationException.class, kf::join);
    });
  }

  @Test
  void joinAllRaiseErrorRethrowsTheFirstFailureAsItHappens() {
    onFreshHub(hub -> {
      Greenlet<String> slow = spawn(() -> {
        sleep(30);
        return "slow";
      });
      Greenlet<String> failing = spawn(() -> {
        sleep(0.01);
        throw new IllegalStateException("first failure (expected in this test)");
      });
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> joinAll(List.of(slow, failing), Double.POSITIVE_INFINITY, true));
      assertTrue(e.getMessage().startsWith("first failure"));
      assertFalse(slow.dead());
      List<Greenlet<?>> done = joinAll(List.of(slow, failing), 0.01, false);
      assertEquals(List.of(failing), done);
      killAll(List.of(slow));
      assertTrue(slow.dead());
    });
  }

  @Test
  void waitAllAndIwaitInReadinessOrder() {
    onFreshHub(hub -> {
      Greenlet<Integer> a = spawn(() -> {
        sleep(0.03);
        return 1;
      });
      Greenlet<Integer> b = spawn(() -> {
        sleep(0.01);
        return 2;
      });
      Greenlet<Integer> c = spawn(() -> {
        sleep(0.02);
        return 3;
      });
      List<Integer> order = new ArrayList<>();
      for (Greenlet<Integer> g : Gevent.iwait(List.of(a, b, c), 10)) order.add(g.get());
      assertEquals(List.of(2, 3, 1), order);
      Greenlet<Integer> d = spawn(() -> {
        sleep(30);
        return 4;
      });
      assertEquals(List.of(a), Gevent.waitAll(List.of(a, d), 10, 1));
      assertEquals(List.of(a), Gevent.waitAll(List.of(a, d), 0.01));
      List<Greenlet<Integer>> none = new ArrayList<>();
      Gevent.iwait(List.of(d), 0.01).forEach(none::add);
      assertEquals(List.of(), none, "iwait ends quietly at the timeout");
      d.kill();
      assertThrows(IllegalArgumentException.class, () -> Gevent.waitAll(List.of("not linkable")));
    });
  }

  @Test
  void waitAllTakesEventsResultsAndSemaphoresToo() {
    onFreshHub(hub -> {
      io.gevent4j.sync.Event event = new io.gevent4j.sync.Event();
      io.gevent4j.sync.AsyncResult<String> result = new io.gevent4j.sync.AsyncResult<>();
      io.gevent4j.sync.Semaphore semaphore = new io.gevent4j.sync.Semaphore(0);
      Greenlet<Void> setter = spawn(() -> {
        sleep(0.01);
        result.set("r");
        sleep(0.01);
        semaphore.release();
        sleep(0.01);
        event.set();
      });
      List<Object> order = Gevent.waitAll(List.<Object>of(event, result, semaphore));
      assertEquals(List.of(result, semaphore, event), order);
      setter.join();
    });
  }

  @Test
  void errorsThroughJoinAllRaiseErrorAndKillAllNonBlocking() {
    onFreshHub(hub -> {
      List<Greenlet<?>> many = new ArrayList<>();
      for (int i = 0; i < 100; i++) many.add(spawn(() -> sleep(30)));
      sleep(0);
      killAll(many, false, 0);
      assertTrue(joinAll(many, 10, false).size() == 100);
    });
  }

  @Test
  void namesIdentsAndTheSpawnTree() {
    onFreshHub(hub -> {
      Greenlet<Greenlet<?>[]> parent = spawn(() -> {
        Greenlet.getCurrent().spawnTreeLocals().put("request", "r-1");
        Greenlet<Object> child = spawn(() -> Greenlet.getCurrent().spawnTreeLocals().get("request"));
        return new Greenlet<?>[] {Greenlet.getCurrent(), child};
      }).name("parent");
      Greenlet<?>[] both = parent.get();
      Greenlet<?> child = both[1];
      assertSame(parent, child.spawningGreenlet());
      assertNull(parent.spawningGreenlet());
      assertEquals("r-1", child.get());
      assertEquals("parent", parent.name());
      assertTrue(parent.minimalIdent() > 0);
      assertTrue(parent.minimalIdent() != child.minimalIdent());
      assertNull(Greenlet.getCurrent(), "a plain thread is no greenlet");
    });
  }

  @Test
  void runInfoListsLiveGreenletsWithStacksAndTree() {
    onFreshHub(hub -> {
      Greenlet<Void> g = spawn(() -> {
        Greenlet.getCurrent().spawnTreeLocals().put("k", "v");
        sleep(30);
      }).name("sleeper-in-run-info");
      sleep(0);
      String info = Gevent.runInfo();
      assertTrue(info.contains("sleeper-in-run-info"), info);
      assertTrue(info.contains("tree locals {k=v}"), info);
      assertTrue(info.contains("Hub.sleep"), "stacks are included: " + info);
      g.kill();
    });
  }

  @Test
  void localsAreSeparatePerGreenletAndGoWithThem() {
    onFreshHub(hub -> {
      Local<List<String>> local = new Local<>(ArrayList::new);
      local.get().add("main");
      List<Greenlet<Integer>> gs = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        int n = i;
        gs.add(spawn(() -> {
          local.get().add("g" + n);
          sleep(0);
          return local.get().size();
        }));
      }
      for (Greenlet<Integer> g : gs) assertEquals(1, g.get());
      assertEquals(List.of("main"), local.get());
      local.remove();
      assertEquals(List.of(), local.get());
    });
  }

  @Test
  void aHundredThousandGreenletsWithLocalsLeaveNothingBehind() {
    onFreshHub(hub -> {
      Local<byte[]> local = new Local<>(() -> new byte[64]);
      List<Greenlet<?>> batch = new ArrayList<>();
      for (int i = 0; i < 100_000; i++) {
        batch.add(spawn(() -> local.get().length));
        if (batch.size() == 10_000) {
          joinAll(batch);
          batch.clear();
        }
      }
      joinAll(batch);
      assertEquals(0, hub.liveGreenlets().size());
    });
  }

  /** gevent's start() is idempotent: the first call wins, the body runs once. */
  @Test
  void startIsIdempotent() {
    onFreshHub(hub -> {
      AtomicInteger runs = new AtomicInteger();
      Greenlet<Integer> g = new Greenlet<>(runs::incrementAndGet);
      assertSame(g, g.start());
      assertSame(g, g.start());
      assertSame(g, g.startLater(0.01));
      g.join();
      g.start();
      sleep(0.02);
      assertEquals(1, runs.get());
      assertEquals(1, g.get());
      Greenlet<Integer> later = new Greenlet<>(runs::incrementAndGet).startLater(0.01);
      later.start();
      later.join();
      assertEquals(2, runs.get());
    });
  }

  /** A greenlet that would wait for its own end is told at once. */
  @Test
  void aGreenletThatJoinsItselfGetsAnIllegalStateException() {
    onFreshHub(hub -> {
      Greenlet<String> joiner = spawn(() -> {
        Greenlet.getCurrent().join();
        return "joined";
      });
      assertEquals("cannot join itself", messageOf(joiner));
      Greenlet<Object> getter = spawn(() -> Greenlet.getCurrent().get(1.0));
      assertEquals("cannot join itself", messageOf(getter));
      Greenlet<Object> all = spawn(() -> joinAll(List.of(Greenlet.getCurrent())));
      assertEquals("cannot joinAll", messageOf(all));
    });
  }

  private static String messageOf(Greenlet<?> g) {
    g.join();
    assertTrue(g.exception() instanceof IllegalStateException, "got " + g.exception());
    String m = g.exception().getMessage();
    return m.contains("cannot joinAll") ? "cannot joinAll" : m.contains("cannot join itself") ? "cannot join itself" : m;
  }
}
