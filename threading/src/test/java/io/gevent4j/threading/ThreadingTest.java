package io.gevent4j.threading;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.sync.BoundedSemaphore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** gevent.threading's names on greenlets: idents, the main greenlet, the current thread, the lock; both backends. */
@org.junit.jupiter.api.Timeout(60)
class ThreadingTest {
  @Test
  void getIdentIsDistinctPerGreenletAndStableAcrossSwitches() {
    onFreshHub(hub -> {
      long owner = Threading.getIdent();
      assertEquals(Thread.currentThread().threadId(), owner);
      List<Greenlet<long[]>> gs = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        gs.add(Gevent.spawn(() -> {
          long before = Threading.getIdent();
          Hub.sleep(0);
          Hub.sleep(0.001);
          return new long[] {before, Threading.getIdent(), Thread.currentThread().threadId()};
        }));
      }
      Set<Long> idents = new HashSet<>();
      for (Greenlet<long[]> g : gs) {
        long[] r = g.get();
        assertEquals(r[0], r[1], "stable across switches");
        assertEquals(r[2], r[0], "the greenlet's thread id");
        assertTrue(idents.add(r[0]), "distinct per greenlet");
      }
      assertFalse(idents.contains(owner), "the main greenlet has its own");
      long[] inCallback = {0};
      CompletableFuture<Void> ran = new CompletableFuture<>();
      hub.callSoon(() -> {
        inCallback[0] = Threading.getIdent();
        ran.complete(null);
      });
      Hub.await(ran);
      assertEquals(hub.thread().threadId(), inCallback[0], "a hub callback runs on the hub thread");
      assertFalse(idents.contains(inCallback[0]) || inCallback[0] == owner);
      // never reused, unlike Python's: a later greenlet gets a new one
      long later = Gevent.spawn(Threading::getIdent).get();
      assertFalse(idents.contains(later) || later == owner);
    });
  }

  @Test
  void currentThreadIsTheGreenletsVirtualThread() {
    onFreshHub(hub -> {
      assertSame(Thread.currentThread(), Threading.currentThread());
      Greenlet<String> g = new Greenlet<>(() -> {
        Thread t = Threading.currentThread();
        return t.isVirtual() + " " + t.getName() + " " + (t == Thread.currentThread());
      }).name("worker-7");
      g.start();
      assertEquals("true worker-7 true", g.get());
    });
  }

  @Test
  void mainThreadIsTheHubsOwner() throws Exception {
    onFreshHub(hub -> {
      assertSame(Thread.currentThread(), Threading.mainThread());
      assertSame(hub.owner(), Threading.mainThread());
      assertSame(hub.owner(), Gevent.spawn(Threading::mainThread).get(), "in a greenlet: its hub's owner");
      AtomicReference<Thread> inCallback = new AtomicReference<>();
      CompletableFuture<Void> ran = new CompletableFuture<>();
      hub.callSoon(() -> {
        inCallback.set(Threading.mainThread());
        ran.complete(null);
      });
      Hub.await(ran);
      assertSame(hub.owner(), inCallback.get(), "in a hub callback: its hub's owner");
      // another platform thread is the main greenlet of its own hub, whose greenlets see it
      CompletableFuture<Thread[]> other = new CompletableFuture<>();
      Thread t = Thread.ofPlatform().start(() -> {
        try {
          other.complete(new Thread[] {Threading.mainThread(), Gevent.spawn(Threading::mainThread).get(), Thread.currentThread()});
        } catch (Throwable e) {
          other.completeExceptionally(e);
        } finally {
          Hub.current().close();
        }
      });
      Thread[] seen = Hub.await(other);
      assertSame(t, seen[0]);
      assertSame(t, seen[1]);
      assertNotEquals(hub.owner(), seen[0]);
    });
    // a virtual thread that is not a greenlet belongs to no hub
    CompletableFuture<Throwable> virtual = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        Threading.mainThread();
        virtual.complete(null);
      } catch (Throwable e) {
        virtual.complete(e);
      }
    }).join();
    Throwable e = virtual.get();
    assertTrue(e instanceof IllegalStateException && e.getMessage().contains("not a greenlet"), String.valueOf(e));
  }

  /** gevent.thread.allocate_lock(): a BoundedSemaphore(1) that any greenlet may release. */
  @Test
  void allocateLockIsAnUnownedLock() {
    onFreshHub(hub -> {
      BoundedSemaphore lock = Threading.allocateLock();
      assertFalse(lock.locked());
      assertTrue(lock.tryAcquire());
      assertTrue(lock.locked());
      assertFalse(lock.tryAcquire(), "not reentrant");
      assertFalse(lock.acquire(0.001), "a timeout gives false");
      List<String> order = new ArrayList<>();
      List<Greenlet<?>> waiters = new ArrayList<>();
      for (String name : new String[] {"a", "b", "c"}) {
        waiters.add(Gevent.spawn(() -> {
          lock.acquire();
          order.add(name);
          return null;
        }));
      }
      Hub.sleep(0);
      Gevent.spawn(lock::release).join(); // released by a greenlet that never acquired it: allowed
      Hub.sleep(0);
      assertEquals(List.of("a"), order, "one at a time, in arrival order");
      lock.release();
      lock.release();
      Gevent.joinAll(waiters);
      assertEquals(List.of("a", "b", "c"), order);
      lock.release();
      assertFalse(lock.locked());
      assertThrows(IllegalStateException.class, lock::release, "releasing it unlocked (Python's RuntimeError)");
      assertNotEquals(lock, Threading.allocateLock());
    });
  }
}
