package io.gevent4j.hub;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.internal.HubAccess;
import io.gevent4j.testing.Leaks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** HubAccess.unstartedThread: a raw greenlet's thread handed out unstarted (what a ThreadFactory returns); both backends. */
@org.junit.jupiter.api.Timeout(60)
class UnstartedThreadTest {

  @Test
  void theThreadRunsAsTheGreenletWhenStartedAndOnlyThen() {
    onFreshHub(hub -> {
      List<String> seen = new ArrayList<>();
      AtomicReference<RawGreenlet> inside = new AtomicReference<>();
      RawGreenlet g = hub.newGreenlet(() -> {
        inside.set(RawGreenlet.current());
        seen.add("ran on " + (Hub.current() == hub ? "its hub" : Hub.current()));
        Hub.sleep(0.001); // a gevent4j wait: cooperative
        seen.add("woke");
      }, "handed-out");
      Thread t = HubAccess.get().unstartedThread(g);
      assertEquals(Thread.State.NEW, t.getState());
      assertTrue(t.isVirtual());
      assertEquals("handed-out", t.getName());
      assertTrue(g.started(), "handed out counts as started");
      assertThrows(IllegalStateException.class, g::start);
      assertThrows(IllegalStateException.class, () -> HubAccess.get().unstartedThread(g));
      Hub.sleep(0);
      assertEquals(List.of(), seen, "not started: it does not run");
      t.start();
      assertTrue(hub.join(10));
      assertEquals(List.of("ran on its hub", "woke"), seen);
      assertSame(g, inside.get());
      assertSame(t, g.thread());
      assertTrue(g.dead());
      assertEquals(Thread.State.TERMINATED, t.getState());
    });
  }

  @Test
  void startedFromAnotherThreadItCrossesToTheHub() {
    onFreshHub(hub -> {
      CompletableFuture<Boolean> ranOnHub = new CompletableFuture<>();
      Thread t = HubAccess.get().unstartedThread(hub.newGreenlet(() -> ranOnHub.complete(Hub.current() == hub), null));
      Thread starter = Thread.ofPlatform().start(t::start);
      assertTrue(Hub.await(ranOnHub, 10));
      starter.join();
      assertTrue(hub.join(10));
      t.join(); // ended with its greenlet
    });
  }

  @Test
  void aKillBeforeTheStartEndsItWithoutRunningItsBody() {
    onFreshHub(hub -> {
      List<String> seen = new ArrayList<>();
      RawGreenlet g = hub.newGreenlet(() -> seen.add("ran"), null);
      Thread t = HubAccess.get().unstartedThread(g);
      g.throwInto(new GreenletExit());
      Hub.sleep(0); // the delivery reaches the hub: the thread is not started, nothing to interrupt
      assertFalse(t.isInterrupted());
      t.start();
      assertTrue(hub.join(10));
      assertEquals(List.of(), seen);
      assertTrue(g.dead());
      assertNull(g.failure(), "GreenletExit counts as success");
    });
  }

  @Test
  void startingItOnceTheHubIsClosedIsRejectedNamingTheHub() throws Exception {
    Leaks leaks = Leaks.snapshot();
    AtomicReference<Thread> handedOut = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread owner = Thread.ofPlatform().name("closing-owner").start(() -> {
      try {
        Hub hub = Hub.current();
        handedOut.set(HubAccess.get().unstartedThread(hub.newGreenlet(() -> { }, null)));
        RawGreenlet later = hub.newGreenlet(() -> { }, null);
        hub.close();
        assertThrows(IllegalStateException.class, () -> HubAccess.get().unstartedThread(later));
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    owner.join();
    if (failure.get() != null) throw new AssertionError(failure.get());
    RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> handedOut.get().start());
    assertTrue(e.getMessage().contains("closing-owner") && e.getMessage().contains("closed"), e.getMessage());
    assertEquals(Thread.State.TERMINATED, handedOut.get().getState());
    leaks.assertNoLeak();
  }
}
