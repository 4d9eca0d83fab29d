package io.gevent4j.sync;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.LoopExit;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.hub.Timeout;
import io.gevent4j.hub.internal.HubAccess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** gevent.event.AsyncResult's behaviour; both backends. */
@org.junit.jupiter.api.Timeout(120)
class AsyncResultTest {

  @Test
  void getWaitsForTheValueAndWaitersWakeInOrder() {
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      AsyncResult<String> r = new AsyncResult<>();
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int n = i;
        s.spawn("getter", () -> got.add(n + ":" + r.get()));
      }
      Hub.sleep(0);
      assertEquals(3, r.waiting());
      assertFalse(r.ready());
      assertNull(r.value());
      s.spawn("setter", () -> r.set("v"));
      assertEquals("v", r.get(5));
      assertTrue(hub.join(5));
      assertEquals(List.of("0:v", "1:v", "2:v"), got);
      assertTrue(r.ready());
      assertTrue(r.successful());
      assertEquals("v", r.value());
      assertNull(r.exception());
      s.check();
    });
  }

  @Test
  void getRethrowsUncheckedFailuresAsTheyAreAndCheckedOnesWrapped() {
    onFreshHub(hub -> {
      AsyncResult<String> unchecked = new AsyncResult<>();
      IllegalStateException boom = new IllegalStateException("boom");
      unchecked.setException(boom);
      assertSame(boom, assertThrows(IllegalStateException.class, unchecked::get));
      assertSame(boom, assertThrows(IllegalStateException.class, () -> unchecked.get(1)));
      assertTrue(unchecked.ready());
      assertFalse(unchecked.successful());
      assertSame(boom, unchecked.exception());
      assertNull(unchecked.value());
      assertTrue(unchecked.await(1), "await never throws the failure");

      AsyncResult<String> checked = new AsyncResult<>();
      IOException io = new IOException("io");
      checked.setException(io);
      CompletionException wrapped = assertThrows(CompletionException.class, checked::get);
      assertSame(io, wrapped.getCause());

      AsyncResult<String> error = new AsyncResult<>();
      StackOverflowError soe = new StackOverflowError();
      error.setException(soe);
      assertSame(soe, assertThrows(StackOverflowError.class, error::getNowait));
    });
  }

  @Test
  void getWithATimeoutThrowsTimeoutWhenNotReadyAndAwaitReturnsFalse() {
    onFreshHub(hub -> {
      AsyncResult<Integer> r = new AsyncResult<>();
      assertThrows(Timeout.class, () -> r.get(0.01));
      assertThrows(Timeout.class, () -> r.get(0), "get(0) does not wait");
      assertThrows(Timeout.class, r::getNowait);
      assertFalse(r.await(0));
      assertFalse(r.await(0.01));
      assertEquals(0, r.waiting());
      r.set(null);
      assertNull(r.get(0));
      assertTrue(r.successful());
    });
  }

  @Test
  void aSecondSetReplacesTheOutcomeAsInGevent() {
    onFreshHub(hub -> {
      AsyncResult<Integer> r = new AsyncResult<>();
      CompletableFuture<Integer> before = r.toCompletableFuture();
      r.set(1);
      r.set(2);
      assertEquals(2, r.get());
      RuntimeException late = new RuntimeException("late");
      r.setException(late);
      assertSame(late, r.exception());
      assertNull(r.value());
      assertEquals(1, before.getNow(-1), "a future handed out keeps the first outcome");
      assertTrue(r.toCompletableFuture().isCompletedExceptionally());
    });
  }

  @Test
  void toCompletableFutureIsCompletedWithTheOutcomeAndIsNotTheResult() throws Exception {
    onFreshHub(hub -> {
      AsyncResult<String> r = new AsyncResult<>();
      CompletableFuture<String> f = r.toCompletableFuture();
      CompletableFuture<String> other = r.toCompletableFuture();
      assertFalse(f.isDone());
      other.cancel(false);
      assertFalse(r.ready(), "cancelling a future does not touch the result");
      Thread setter = Thread.ofPlatform().start(() -> r.set("x"));
      assertEquals("x", f.get(10, TimeUnit.SECONDS));
      setter.join();
      assertEquals("x", r.toCompletableFuture().getNow(null));

      AsyncResult<String> failed = new AsyncResult<>();
      CompletableFuture<String> ff = failed.toCompletableFuture();
      IOException io = new IOException("io");
      failed.setException(io);
      assertSame(io, assertThrows(ExecutionException.class, ff::get).getCause());
      assertSame(io, assertThrows(ExecutionException.class, () -> failed.toCompletableFuture().get()).getCause());
      assertEquals("x", Hub.await(r.toCompletableFuture()));
    });
  }

  @Test
  void aGreenletOnAnotherThreadsHubSetsTheResult() throws Exception {
    onFreshHub(hub -> {
      AsyncResult<Integer> r = new AsyncResult<Integer>().markShared();
      Spawner s = new Spawner();
      Thread other = Thread.ofPlatform().name("other-hub").start(() -> {
        Hub mine = Hub.current();
        try {
          s.spawn(mine, "setter", () -> r.set(42));
          assertTrue(mine.join(10));
        } catch (Throwable t) {
          s.fail(t);
        } finally {
          mine.close();
        }
      });
      assertEquals(42, r.get());
      other.join();
      s.check();
    });
  }

  @Test
  void aKilledGetterLeavesNoTraceAndAnUnsharedResultIsLoopExit() {
    onFreshHub(hub -> {
      AsyncResult<String> r = new AsyncResult<>();
      Spawner s = new Spawner();
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      RawGreenlet g = s.spawn("getter", () -> seen.add(r.get()));
      Event dead = new Event();
      HubAccess.get().onExit(g, x -> dead.set());
      Hub.sleep(0);
      g.throwInto(new GreenletExit());
      assertTrue(dead.await(5));
      assertEquals(0, r.waiting());
      assertThrows(LoopExit.class, r::get);
      assertEquals(0, r.waiting());
      r.set("late");
      assertEquals(List.of(), seen);
      s.check();
    });
  }

  @Test
  void rawlinksRunInTheHubOnceReady() {
    onFreshHub(hub -> {
      AsyncResult<String> r = new AsyncResult<>();
      List<String> calls = new ArrayList<>();
      r.rawlink(() -> calls.add("linked: " + r.value()));
      Runnable gone = () -> calls.add("gone");
      r.rawlink(gone);
      r.unlink(gone);
      r.set("v");
      assertEquals(List.of(), calls);
      Hub.sleep(0);
      r.rawlink(() -> calls.add("late: " + r.value()));
      Hub.sleep(0);
      assertEquals(List.of("linked: v", "late: v"), calls);
    });
  }

  @Test
  void badInputIsRefused() {
    onFreshHub(hub -> {
      AsyncResult<String> r = new AsyncResult<>();
      assertThrows(NullPointerException.class, () -> r.setException(null));
      assertThrows(IllegalArgumentException.class, () -> r.get(-1));
      assertThrows(IllegalArgumentException.class, () -> r.await(Double.NaN));
      assertThrows(NullPointerException.class, () -> r.rawlink(null));
      r.set("v");
      assertThrows(IllegalArgumentException.class, () -> r.get(-1), "even when ready");
      assertThrows(IllegalArgumentException.class, () -> r.await(-1), "even when ready");
    });
  }
}
