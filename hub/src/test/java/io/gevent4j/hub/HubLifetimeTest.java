package io.gevent4j.hub;

import io.gevent4j.hub.testing.HubTesting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.testing.Leaks;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A hub lives as long as its owner thread: when the thread ends, the hub closes (loop, fds,
 * hub thread), and what its finished greenlets held is garbage. On both backends.
 */
@org.junit.jupiter.api.Timeout(120)
class HubLifetimeTest {

  /** Before: every thread that waited once kept its hub, ~2-4 fds and a Hub.all() entry, for good. */
  @Test
  void tenThousandShortLivedThreadsLeaveNoHubAndNoFd() throws Exception {
    Leaks leaks = Leaks.snapshot();
    Set<Hub> before = new HashSet<>(Hub.all());
    List<Thread> hubThreads = new ArrayList<>();
    for (int batch = 0; batch < 100; batch++) {
      List<Thread> owners = new ArrayList<>();
      AtomicReference<Throwable> failed = new AtomicReference<>();
      List<Thread> made = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < 100; i++) {
        owners.add(Thread.ofPlatform().start(() -> {
          try {
            Hub.sleep(0.0001);
            made.add(Hub.current().thread());
          } catch (Throwable e) {
            failed.compareAndSet(null, e);
          }
        }));
      }
      for (Thread t : owners) t.join();
      if (failed.get() != null) throw new AssertionError(failed.get());
      for (Thread t : made) t.join(); // each hub thread ends once its owner has
      hubThreads.addAll(made);
    }
    assertEquals(10_000, hubThreads.size());
    assertEquals(before, new HashSet<>(Hub.all()));
    leaks.assertNoLeak();
  }

  /**
   * What other modules keep on a hub (HubAccess.onClose) is freed when it closes, once, while its
   * loop can still be used: by the owner's close, or by the hub thread when the owner ended.
   */
  @Test
  void closeHooksRunOnceBeforeTheLoopGoes() throws Exception {
    io.gevent4j.hub.internal.HubAccess access = io.gevent4j.hub.internal.HubAccess.get();
    for (boolean ownerEnds : new boolean[] {false, true}) {
      AtomicReference<Hub> hub = new AtomicReference<>();
      List<String> ran = java.util.Collections.synchronizedList(new ArrayList<>());
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread owner = Thread.ofPlatform().start(() -> {
        try {
          Hub h = Hub.current();
          hub.set(h);
          Runnable removed = () -> ran.add("removed");
          assertTrue(access.onClose(h, () -> ran.add("open=" + !h.loop.isClosed() + " " + Thread.currentThread().getName())));
          assertTrue(access.onClose(h, removed));
          access.removeOnClose(h, removed);
          access.removeOnClose(h, removed);
          assertTrue(access.onClose(h, () -> { throw new IllegalStateException("a failing hook is logged"); }));
          assertTrue(access.onClose(h, () -> ran.add("after a failing one")));
          Hub.sleep(0);
          if (!ownerEnds) {
            h.close();
            h.close();
            assertFalse(access.onClose(h, () -> ran.add("too late")));
          }
        } catch (Throwable e) {
          failed.set(e);
        }
      });
      owner.join();
      hub.get().thread().join();
      if (failed.get() != null) throw new AssertionError(failed.get());
      String closer = ownerEnds ? hub.get().thread().getName() : owner.getName();
      assertEquals(List.of("open=true " + closer, "after a failing one"), ran);
      assertFalse(access.onClose(hub.get(), () -> ran.add("too late")));
    }
  }

  @Test
  void aHubClosesWhenItsOwnerEndsWithGreenletsStillParked() throws Exception {
    AtomicReference<Hub> hub = new AtomicReference<>();
    Thread owner = Thread.ofPlatform().start(() -> {
      Hub h = Hub.current();
      hub.set(h);
      h.execute(() -> Hub.sleep(3600)); // never resumes: its owner will not wait again
      Hub.sleep(0);
    });
    owner.join();
    hub.get().thread().join();
    assertTrue(hub.get().isClosed());
    assertFalse(Hub.all().contains(hub.get()));
  }

  /**
   * A joined greenlet and what it captured are garbage: before, the hub's spare wait timers
   * kept their last waiter (and through it the greenlet's body) reachable.
   */
  @Test
  void aFinishedGreenletIsGarbageAfterATimedWait() throws Exception {
    HubTesting.onFreshHub(hub -> {
      WeakReference<byte[]> captured = spawnAndForget(hub);
      assertTrue(hub.join(Double.POSITIVE_INFINITY)); // no timed wait of our own: its timer stays spare
      for (int i = 0; i < 20 && captured.get() != null; i++) System.gc();
      assertNull(captured.get(), "the finished greenlet's 16 MB are still reachable");
    });
  }

  private static WeakReference<byte[]> spawnAndForget(Hub hub) {
    byte[] big = new byte[16 << 20];
    hub.execute(() -> {
      Hub.sleep(0.001);
      big[0] = 1;
    });
    return new WeakReference<>(big);
  }
}
