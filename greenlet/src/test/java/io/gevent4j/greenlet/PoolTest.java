package io.gevent4j.greenlet;

import static io.gevent4j.greenlet.Gevent.sleep;
import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** gevent.pool.Group and Pool; both backends. */
@org.junit.jupiter.api.Timeout(120)
class PoolTest {

  @Test
  void membersLeaveWhenTheyDieAndJoinWaitsForAll() {
    onFreshHub(hub -> {
      Group group = new Group();
      Greenlet<Integer> a = group.spawn(() -> {
        sleep(0.01);
        return 1;
      });
      Greenlet<Integer> b = group.spawn(() -> 2);
      assertEquals(2, group.size());
      assertTrue(group.contains(a));
      group.join();
      assertEquals(0, group.size());
      assertTrue(a.dead() && b.dead());
      Greenlet<Integer> outsider = Greenlet.spawn(() -> 3);
      group.add(outsider);
      group.discard(outsider);
      assertFalse(group.contains(outsider));
      outsider.join();
    });
  }

  @Test
  void joinWithRaiseErrorRethrowsAndJoinTimesOut() {
    onFreshHub(hub -> {
      Group group = new Group();
      Greenlet<?> slow = group.spawn(() -> {
        sleep(30);
        return null;
      });
      group.spawn(() -> {
        throw new IllegalStateException("member failed (expected in this test)");
      });
      assertThrows(IllegalStateException.class, () -> group.join(10, true));
      assertFalse(group.join(0.01));
      group.killOne(slow);
      assertTrue(group.join(5));
    });
  }

  @Test
  void killingAGroupOfTenThousand() {
    onFreshHub(hub -> {
      Group group = new Group();
      for (int i = 0; i < 10_000; i++) group.spawn(() -> {
        sleep(60);
        return null;
      });
      sleep(0);
      assertEquals(10_000, group.size());
      group.kill();
      assertEquals(0, group.size());
    });
  }

  @Test
  void imapKeepsOrderUnderRandomDelaysAndImapUnorderedYieldsByCompletion() {
    onFreshHub(hub -> {
      Random random = new Random(42);
      List<Integer> items = IntStream.range(0, 50).boxed().toList();
      List<Double> delays = items.stream().map(i -> random.nextDouble() * 0.02).toList();
      Group group = new Group();
      List<Integer> ordered = new ArrayList<>();
      for (int r : group.imap((Integer i) -> {
        sleep(delays.get(i));
        return i;
      }, items)) {
        ordered.add(r);
      }
      assertEquals(items, ordered);
      List<Integer> unordered = new ArrayList<>();
      for (int r : group.imapUnordered((Integer i) -> {
        sleep(i == 0 ? 0.05 : 0);
        return i;
      }, List.of(0, 1, 2))) {
        unordered.add(r);
      }
      assertEquals(List.of(1, 2, 0), unordered);
      assertEquals(List.of(2, 4, 6), group.map((Integer i) -> i * 2, List.of(1, 2, 3)));
      assertEquals(5, group.apply(() -> 5));
      assertEquals(6, group.applyAsync(() -> 6).get());
    });
  }

  @Test
  void aPoolSpawnWaitsWhileFullAndHonoursItsBound() {
    onFreshHub(hub -> {
      Pool pool = new Pool(3);
      AtomicInteger running = new AtomicInteger();
      AtomicInteger peak = new AtomicInteger();
      List<Integer> results = new ArrayList<>();
      for (int r : pool.imap((Integer i) -> {
        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
        sleep(0.002);
        running.decrementAndGet();
        return i;
      }, IntStream.range(0, 30).boxed().toList())) {
        results.add(r);
      }
      assertEquals(30, results.size());
      assertEquals(3, peak.get(), "never more than the pool's size in flight");
      pool.join(); // members leave through rawlinks, which run in the hub after the last result
      assertEquals(3, pool.freeCount());
    });
  }

  @Test
  void fullPoolsFreeCountAndWaitAvailable() {
    onFreshHub(hub -> {
      Pool pool = new Pool(2);
      Greenlet<?> a = pool.spawn(() -> {
        sleep(30);
        return null;
      });
      pool.spawn(() -> {
        sleep(0.02);
        return null;
      });
      assertTrue(pool.full());
      assertEquals(0, pool.freeCount());
      assertEquals(0, pool.waitAvailable(0.001), "still full at the timeout");
      assertEquals(1, pool.waitAvailable(10), "the short one ends and frees its slot");
      List<String> order = new ArrayList<>();
      Greenlet<?> third = pool.spawn(() -> {
        order.add("third");
        sleep(30);
        return null;
      });
      Greenlet<?> waiter = Greenlet.spawn(() -> {
        pool.spawn(() -> order.add("fourth waited for a slot"));
        return null;
      });
      sleep(0.01);
      assertTrue(order.contains("third"));
      assertFalse(order.contains("fourth waited for a slot"));
      a.kill(); // a killed greenlet frees its slot
      waiter.join();
      third.kill();
      pool.join();
      assertEquals(List.of("third", "fourth waited for a slot"), order);
      assertThrows(IllegalArgumentException.class, () -> new Pool(0));
    });
  }

  @Test
  void waitersForSlotsAreServedFirstComeFirstServed() {
    onFreshHub(hub -> {
      Pool pool = new Pool(1);
      Greenlet<?> holder = pool.spawn(() -> {
        sleep(0.01);
        return null;
      });
      List<Integer> order = new ArrayList<>();
      List<Greenlet<?>> spawners = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        int n = i;
        spawners.add(Greenlet.spawn(() -> pool.spawn(() -> order.add(n)).join()));
      }
      Gevent.joinAll(spawners);
      holder.join();
      assertEquals(List.of(0, 1, 2, 3, 4), order);
    });
  }

  /** gevent's apply runs inline for a member: a Pool(1) member applying again would wait for itself. */
  @Test
  void applyFromAMemberRunsInline() {
    onFreshHub(hub -> {
      Pool pool = new Pool(1);
      assertEquals(6, pool.apply(() -> pool.apply(() -> 5 + 1)));
      Group group = new Group();
      assertEquals("inner", group.apply(() -> group.apply(() -> "inner")));
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> pool.apply(() -> pool.apply(() -> {
            throw new IllegalStateException("boom");
          })));
      assertEquals("boom", e.getMessage());
    });
  }

  /** Ordinary code: bodies that return nothing, and functions that throw checked exceptions. */
  @Test
  void runnableBodiesAndCheckedFunctions() {
    onFreshHub(hub -> {
      Pool pool = new Pool(2);
      List<String> ran = new ArrayList<>();
      pool.spawn(() -> {
        ran.add("pool");
      });
      Group group = new Group();
      group.spawn(() -> {
        ran.add("group");
      });
      pool.join();
      group.join();
      assertEquals(List.of("pool", "group"), ran);
      assertEquals(List.of(2, 4), pool.map(PoolTest::doubleOrFail, List.of(1, 2)));
      java.util.concurrent.CompletionException e = assertThrows(java.util.concurrent.CompletionException.class,
          () -> pool.map(PoolTest::doubleOrFail, List.of(1, 3)));
      assertTrue(e.getCause() instanceof java.io.IOException, "the checked failure: " + e.getCause());
      List<Integer> unordered = new ArrayList<>();
      for (int v : group.imapUnordered(PoolTest::doubleOrFail, List.of(1, 2))) unordered.add(v);
      assertEquals(2, unordered.size());
    });
  }

  private static int doubleOrFail(int x) throws java.io.IOException {
    if (x == 3) throw new java.io.IOException("no 3");
    return 2 * x;
  }
}
