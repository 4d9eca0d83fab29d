package io.gevent4j.queue;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static io.gevent4j.queue.QueueTesting.assertSucceeded;
import static io.gevent4j.queue.QueueTesting.since;
import static io.gevent4j.queue.QueueTesting.spawn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.BlockingSwitchOutError;
import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.LoopExit;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.hub.Timeout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Waiting on queues: timeouts, first come first served, hand-off, kills and timeouts that lose
 * no item, interrupts, LoopExit and waits from hub callbacks; both backends.
 */
@org.junit.jupiter.api.Timeout(120)
class QueueWaitTest {

  @Test
  void aGetFromAnEmptyQueueWithATimeoutThrowsQueueEmpty() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>();
      Hub.sleep(0); // polls the loop: its cached time is now, the timer runs its full period
      long start = System.nanoTime();
      QueueEmpty e = assertThrows(QueueEmpty.class, () -> q.get(0.05));
      assertTrue(since(start) >= 0.045, "waited " + since(start));
      assertTrue(e.getMessage().contains("0.05"), e.getMessage());
      Hub.sleep(0); // polls the loop: its cached time is now, the timer runs its full period
      start = System.nanoTime();
      assertThrows(QueueEmpty.class, () -> q.peek(0.05));
      assertTrue(since(start) >= 0.045);
      q.put("later");
      assertEquals("later", q.get(0.05), "the timed-out waits left nothing behind");
    });
  }

  @Test
  void aPutIntoAFullQueueWithATimeoutThrowsQueueFull() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>(1);
      q.put("a");
      Hub.sleep(0); // polls the loop: its cached time is now, the timer runs its full period
      long start = System.nanoTime();
      assertThrows(QueueFull.class, () -> q.put("b", 0.05));
      assertTrue(since(start) >= 0.045, "waited " + since(start));
      assertEquals(List.of("a"), List.copyOf(q), "the timed-out item was not admitted");
      assertEquals("a", q.get());
      q.put("c", 0.05);
      assertEquals("c", q.get());
    });
  }

  @Test
  void aWaitingGetterGetsTheNextPut() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>();
      List<String> got = new ArrayList<>();
      RawGreenlet g = spawn(hub, "getter", () -> got.add(q.get()));
      Hub.sleep(0);
      assertEquals(List.of(), got);
      q.put("x");
      assertTrue(hub.join(5));
      assertEquals(List.of("x"), got);
      assertSucceeded(g);
      assertTrue(q.empty(), "handed over, never stored");
    });
  }

  @Test
  void gettersAreServedFirstComeFirstServedAndOnePutWakesOneGetter() {
    onFreshHub(hub -> {
      Queue<Integer> q = new Queue<>();
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        int n = i;
        spawn(hub, "getter-" + i, () -> got.add("g" + n + ":" + q.get()));
      }
      Hub.sleep(0);
      q.put(100);
      Hub.sleep(0);
      assertEquals(List.of("g0:100"), got, "one put woke one getter");
      q.put(101);
      q.put(102);
      q.put(103);
      assertTrue(hub.join(5));
      assertEquals(List.of("g0:100", "g1:101", "g2:102", "g3:103"), got);
    });
  }

  @Test
  void puttersAreServedFirstComeFirstServed() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>(1);
      q.put("first");
      List<String> returned = new ArrayList<>();
      for (String s : List.of("a", "b", "c")) {
        spawn(hub, "putter-" + s, () -> {
          q.put(s);
          returned.add(s);
        });
      }
      Hub.sleep(0);
      assertEquals(List.of(), returned);
      assertTrue(q.full());
      assertEquals("first", q.get());
      assertEquals("a", q.get(), "the first putter's item moved in when room was made");
      assertEquals("b", q.get());
      assertEquals("c", q.get());
      assertTrue(hub.join(5));
      assertEquals(List.of("a", "b", "c"), returned);
      assertTrue(q.empty());
    });
  }

  @Test
  void aNewPutQueuesBehindWaitingPutters() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>(1);
      q.put("first");
      spawn(hub, "putter", () -> q.put("waiting"));
      Hub.sleep(0);
      assertThrows(QueueFull.class, () -> q.putNowait("barging"));
      assertEquals(List.of("first", "waiting"), List.of(q.get(), q.get()));
      assertTrue(hub.join(5));
    });
  }

  @Test
  void removingItemsLetsWaitingPuttersIn() {
    onFreshHub(hub -> {
      Queue<Integer> q = new Queue<>(2);
      q.put(1);
      q.put(2);
      for (int i = 3; i <= 6; i++) {
        int n = i;
        spawn(hub, "putter-" + i, () -> q.put(n));
      }
      Hub.sleep(0);
      assertTrue(q.remove(Integer.valueOf(1)));
      assertEquals(List.of(2, 3), List.copyOf(q));
      q.clear();
      assertEquals(List.of(4, 5), List.copyOf(q));
      List<Integer> out = new ArrayList<>();
      q.drainTo(out);
      assertEquals(List.of(4, 5, 6), out, "drainTo takes the putters' items as it makes room");
      assertTrue(hub.join(5));
    });
  }

  @Test
  void peekWaitsForAnItemAndLeavesIt() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>();
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      spawn(hub, "peeker-1", () -> seen.add("p1:" + q.peek(Double.POSITIVE_INFINITY)));
      spawn(hub, "getter", () -> seen.add("g:" + q.get()));
      spawn(hub, "peeker-2", () -> seen.add("p2:" + q.peek(10)));
      Hub.sleep(0);
      q.put("x");
      Hub.sleep(0);
      List<String> sorted = new ArrayList<>(seen);
      Collections.sort(sorted);
      assertEquals(List.of("g:x", "p1:x", "p2:x"), sorted, "every waiting peeker saw it, the getter took it");
      assertTrue(q.empty());
      q.put("y");
      assertEquals("y", q.peek(1.0));
      assertEquals("y", q.peek());
      assertEquals(1, q.qsize());
      assertTrue(hub.join(5));
    });
  }

  @Test
  void aGetKilledAfterItWasHandedAnItemLosesNothing() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>();
      RawGreenlet killed = spawn(hub, "killed", () -> {
        q.get();
        throw new AssertionError("returned");
      });
      Hub.sleep(0);
      killed.throwInto(new GreenletExit()); // the kill lands first...
      q.put("x"); // ...then the put hands x to it, before it runs again
      assertTrue(hub.join(5));
      assertTrue(killed.dead());
      assertNull(killed.failure());
      assertEquals(List.of("x"), List.copyOf(q), "x went back into the queue");
    });
  }

  @Test
  void anItemAKilledGetterGivesBackGoesToTheNextWaitingGetter() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>();
      List<String> got = new ArrayList<>();
      RawGreenlet killed = spawn(hub, "killed", q::get);
      RawGreenlet next = spawn(hub, "next", () -> got.add(q.get()));
      Hub.sleep(0);
      killed.throwInto(new GreenletExit());
      q.put("x"); // handed to the killed getter, which gives it to the next one
      assertTrue(hub.join(5));
      assertEquals(List.of("x"), got);
      assertTrue(q.empty());
      assertSucceeded(killed, next);
    });
  }

  @Test
  void anItemAKilledGetterGivesBackGoesToTheHeadOfTheQueue() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>();
      List<String> got = new ArrayList<>();
      RawGreenlet killed = spawn(hub, "killed", q::get);
      RawGreenlet next = spawn(hub, "next", () -> got.add(q.get()));
      Hub.sleep(0);
      killed.throwInto(new GreenletExit());
      q.put("x"); // handed to the killed getter
      q.put("y"); // handed to the next one
      q.put("z");
      assertTrue(hub.join(5));
      assertEquals(List.of("y"), got);
      assertEquals(List.of("x", "z"), List.copyOf(q), "x is back at the head, before z");
      assertSucceeded(killed, next);
    });
  }

  @Test
  void aGetEndedByATimeoutLosesNoItem() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>();
      List<String> outcome = new ArrayList<>();
      RawGreenlet g = spawn(hub, "timed", () -> {
        try (Timeout _ = Timeout.start(0)) { // fires at its first real wait
          outcome.add(q.get());
        } catch (Timeout t) {
          outcome.add("timeout");
        }
      });
      Hub.sleep(0); // the greenlet waits; its timeout fires at the next loop poll...
      q.put("x"); // ...but x is handed to it first, or stays in the queue
      assertTrue(hub.join(5));
      assertSucceeded(g);
      if (outcome.equals(List.of("timeout"))) {
        assertEquals(List.of("x"), List.copyOf(q), "given back");
      } else {
        assertEquals(List.of("x"), outcome);
        assertTrue(q.empty());
      }
    });
  }

  @Test
  void manyGettersKilledOrTimedOutWhileItemsArriveLoseNothing() {
    onFreshHub(hub -> {
      Queue<Integer> q = new Queue<>();
      List<Integer> got = new ArrayList<>();
      List<RawGreenlet> getters = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        int n = i;
        getters.add(spawn(hub, "getter-" + i, () -> {
          try {
            got.add(n % 3 == 0 ? q.get(0.001) : q.get());
          } catch (QueueEmpty e) {
            // timed out
          }
        }));
      }
      Hub.sleep(0);
      for (int i = 0; i < 60; i++) {
        if (i % 2 == 0) getters.get(i).throwInto(new GreenletExit());
        q.put(i);
        if (i % 5 == 0) Hub.sleep(0);
      }
      List<RawGreenlet> stillWaiting = new ArrayList<>();
      for (RawGreenlet g : getters) {
        if (!g.dead()) stillWaiting.add(g);
      }
      stillWaiting.forEach(g -> g.throwInto(new GreenletExit()));
      assertTrue(hub.join(5));
      List<Integer> all = new ArrayList<>(got);
      all.addAll(q);
      Collections.sort(all);
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < 60; i++) expected.add(i);
      assertEquals(expected, all, "every item was got once or is still queued");
    });
  }

  @Test
  void aKilledPutterLeavesNoItemBehind() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>(1);
      q.put("a");
      RawGreenlet putter = spawn(hub, "putter", () -> q.put("b"));
      spawn(hub, "next", () -> q.put("c"));
      Hub.sleep(0);
      putter.throwInto(new GreenletExit());
      Hub.sleep(0);
      assertTrue(putter.dead());
      assertEquals("a", q.get());
      assertEquals("c", q.get(), "the killed putter's item was never admitted");
      assertTrue(hub.join(5));
    });
  }

  @Test
  void aTakeInAGreenletIsInterruptible() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>(1);
      List<String> seen = new ArrayList<>();
      RawGreenlet taker = spawn(hub, "taker", () -> {
        try {
          q.take();
        } catch (InterruptedException e) {
          seen.add("take interrupted, status " + Thread.currentThread().isInterrupted());
        }
      });
      RawGreenlet poller = spawn(hub, "poller", () -> {
        try {
          q.poll(1, TimeUnit.HOURS);
        } catch (InterruptedException e) {
          seen.add("poll interrupted");
        }
      });
      RawGreenlet getter = spawn(hub, "getter", () -> {
        seen.add("get " + q.get() + ", status " + Thread.interrupted());
      });
      Hub.sleep(0);
      taker.thread().interrupt();
      poller.thread().interrupt();
      getter.thread().interrupt();
      Hub.sleep(0);
      assertEquals(List.of("take interrupted, status false", "poll interrupted"), seen);
      q.put("x");
      assertTrue(hub.join(5));
      assertEquals("get x, status true", seen.get(2), "get() is not interruptible: the status stays set");
      assertTrue(q.empty(), "the interrupted waits left the queue");

      q.put("full");
      RawGreenlet offerer = spawn(hub, "offerer", () -> {
        try {
          q.offer("y", 1, TimeUnit.HOURS);
        } catch (InterruptedException e) {
          seen.add("offer interrupted");
        }
      });
      Hub.sleep(0);
      offerer.thread().interrupt();
      assertTrue(hub.join(5));
      assertEquals("offer interrupted", seen.get(3));
      assertEquals(List.of("full"), List.copyOf(q));
      assertSucceeded(taker, poller, getter, offerer);
    });
  }

  @Test
  void anInterruptSetOnEntryEndsTheJdkWaitsButNotGetAndPut() throws Exception {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>(1);
      Thread.currentThread().interrupt();
      assertThrows(InterruptedException.class, q::take);
      assertFalse(Thread.interrupted(), "cleared");
      Thread.currentThread().interrupt();
      assertThrows(InterruptedException.class, () -> q.poll(1, TimeUnit.SECONDS));
      Thread.currentThread().interrupt();
      assertThrows(InterruptedException.class, () -> q.offer("x", 1, TimeUnit.SECONDS));
      assertTrue(q.empty());
      Thread.currentThread().interrupt();
      q.put("x");
      assertEquals("x", q.get());
      assertTrue(Thread.interrupted(), "put and get keep the status");
    });
  }

  @Test
  void aPlainThreadGettingFromAnUnsharedEmptyQueueIsLoopExit() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>();
      LoopExit e = assertThrows(LoopExit.class, q::get);
      assertTrue(e.getMessage().contains("an item from Queue@"), e.getMessage());
      assertTrue(e.getMessage().contains("markShared"), "the remedy: " + e.getMessage());
      assertThrows(LoopExit.class, () -> q.peek(Double.POSITIVE_INFINITY));
      Queue<String> full = new Queue<>(1);
      full.put("a");
      assertThrows(LoopExit.class, () -> full.put("b", Double.POSITIVE_INFINITY));
      q.put("x");
      assertEquals("x", q.get(0), "the failed wait left no getter behind");
      assertEquals(List.of("a"), List.copyOf(full));
    });
  }

  /**
   * BlockingQueue's take and put keep the JDK's contract: they wait for a thread that has not
   * touched the queue yet (the gevent-named get and put(item, timeout) would end in LoopExit).
   */
  @Test
  void takeAndPutWaitForAThreadThatHasNotUsedTheQueueYet() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>(1);
      hub.callSoon(() -> Thread.ofPlatform().start(() -> q.put("late"))); // starts once we wait
      assertEquals("late", q.take());
      q.put("first");
      hub.callSoon(() -> Thread.ofPlatform().start(() -> {
        try {
          q.take();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }));
      q.put("second"); // waits for room, made by a thread that starts only once we wait
      assertEquals("second", q.get(0));
    });
  }

  @Test
  void aQueueAnotherThreadUsesKeepsThePlainThreadsWaitAlive() throws Exception {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>();
      CompletableFuture<Void> touched = new CompletableFuture<>();
      CompletableFuture<Void> waiting = new CompletableFuture<>();
      Thread other = Thread.ofPlatform().name("other").start(() -> {
        q.put("a");
        touched.complete(null);
        waiting.join();
        q.put("b");
      });
      Hub.await(touched);
      assertEquals("a", q.get());
      waiting.complete(null);
      assertEquals("b", q.get(), "no LoopExit: another thread may still put");
      other.join();
    });
  }

  @Test
  void aWaitInsideAHubCallbackIsRefusedButNonWaitingCallsWork() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>(1);
      List<Object> seen = new ArrayList<>();
      hub.callSoon(() -> {
        try {
          q.get();
        } catch (BlockingSwitchOutError e) {
          seen.add("get refused");
        }
        q.put("x"); // room: no wait
        try {
          q.put("y");
        } catch (BlockingSwitchOutError e) {
          seen.add("put refused");
        }
        seen.add(q.get());
      });
      Hub.sleep(0);
      assertEquals(List.of("get refused", "put refused", "x"), seen);
      assertTrue(q.empty());
      q.put("z", 0);
      assertEquals("z", q.get(0), "the refused waits left nothing behind");
    });
  }

  @Test
  void aVirtualThreadThatIsNotAGreenletMayUseTheCallsThatNeverWait() throws Exception {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>(1);
      List<Object> seen = Collections.synchronizedList(new ArrayList<>());
      Thread.ofVirtual().start(() -> {
        seen.add(q.offer("x"));
        seen.add(q.poll());
        try {
          q.get();
        } catch (IllegalStateException e) {
          seen.add("get needs a greenlet");
        }
      }).join();
      assertEquals(List.of(true, "x", "get needs a greenlet"), seen);
      q.put("y", 0);
      assertEquals("y", q.get(0));
    });
  }

  @Test
  void aKilledGetterOfAPriorityQueueGivesItsItemBack() {
    onFreshHub(hub -> {
      PriorityQueue<Integer> q = new PriorityQueue<>();
      RawGreenlet killed = spawn(hub, "killed", q::get);
      Hub.sleep(0);
      killed.throwInto(new GreenletExit());
      q.put(5);
      q.put(7);
      Hub.sleep(0);
      assertTrue(killed.dead());
      q.put(6);
      assertEquals(List.of(5, 6, 7), QueueTest.drain(q));
      assertTrue(hub.join(5));
    });
  }

  @Test
  void gettersWokenWithTheirItemsRunInOrder() {
    onFreshHub(hub -> {
      LifoQueue<Integer> q = new LifoQueue<>();
      List<Integer> got = new ArrayList<>();
      for (int i = 0; i < 3; i++) spawn(hub, "getter-" + i, () -> got.add(q.get()));
      Hub.sleep(0);
      q.put(1);
      q.put(2);
      q.put(3);
      assertTrue(hub.join(5));
      assertEquals(List.of(1, 2, 3), got, "each put went to the next waiting getter");
      assertInstanceOf(Queue.class, q);
    });
  }
}
