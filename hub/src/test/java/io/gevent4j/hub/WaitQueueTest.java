package io.gevent4j.hub;

import io.gevent4j.hub.internal.WaitQueue;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The FIFO wait queue under every sync object; both backends. */
@org.junit.jupiter.api.Timeout(120)
class WaitQueueTest {

  @Test
  void waitersAreWokenFirstComeFirstServed() {
    onFreshHub(hub -> {
      WaitQueue queue = new WaitQueue();
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        int n = i;
        hub.execute(() -> {
          WaitQueue.Ticket t = queue.enqueue(null);
          assertTrue(t.await(Double.POSITIVE_INFINITY));
          order.add(n * 100 + (Integer) t.value());
        });
      }
      Hub.sleep(0);
      assertEquals(5, queue.size());
      for (int i = 0; i < 5; i++) assertTrue(queue.wakeOne(i));
      assertFalse(queue.wakeOne(99));
      assertTrue(hub.join(5));
      assertEquals(List.of(0, 101, 202, 303, 404), order);
    });
  }

  @Test
  void aClaimedTicketIsWokenBySignalAndKeepsWhatItWasHanded() {
    onFreshHub(hub -> {
      WaitQueue queue = new WaitQueue();
      List<Object> got = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        hub.execute(() -> {
          WaitQueue.Ticket t = queue.enqueue(null);
          assertTrue(t.await(Double.POSITIVE_INFINITY));
          got.add(t.value());
        });
      }
      Hub.sleep(0);
      WaitQueue.Ticket first = queue.claimOne("one");
      assertTrue(first.woken(), "claimed counts as woken");
      assertEquals(2, queue.size(), "the claimed ticket left the queue");
      List<WaitQueue.Ticket> rest = queue.claimAll("rest");
      assertEquals(2, rest.size());
      assertTrue(queue.isEmpty());
      assertEquals(null, queue.claimOne("nobody"));
      assertEquals(List.of(), queue.claimAll("nobody"));
      first.signal();
      rest.forEach(WaitQueue.Ticket::signal);
      assertTrue(hub.join(5));
      assertEquals(List.of("one", "rest", "rest"), got);
      WaitQueue.Ticket mine = queue.enqueue(null);
      assertThrows(IllegalStateException.class, mine::signal, "only a claimed ticket is signalled");
      assertTrue(mine.cancel());
    });
  }

  @Test
  void aClaimedTicketWhoseWaiterTimesOutBeforeTheSignalKeepsWhatItWasHanded() {
    onFreshHub(hub -> {
      WaitQueue queue = new WaitQueue();
      WaitQueue.Ticket t = queue.enqueue(null);
      assertSame(t, queue.claimOne("permit"));
      assertTrue(t.await(0.01), "claimed before the wait: it was woken");
      assertEquals("permit", t.value());
    });
  }

  @Test
  void anInterruptEndsAGreenletsInterruptibleWaitButNotAPlainOne() {
    onFreshHub(hub -> {
      WaitQueue queue = new WaitQueue();
      List<String> seen = new ArrayList<>();
      RawGreenlet interruptible = hub.newGreenlet(() -> {
        try {
          queue.enqueue(null).awaitInterruptibly(Double.POSITIVE_INFINITY);
          seen.add("woken");
        } catch (InterruptedException e) {
          seen.add("interrupted, status " + Thread.currentThread().isInterrupted());
        }
      }, "interruptible").start();
      RawGreenlet plain = hub.newGreenlet(() -> {
        seen.add("plain " + queue.enqueue(null).await(Double.POSITIVE_INFINITY) + ", status " + Thread.interrupted());
      }, "plain").start();
      Hub.sleep(0);
      interruptible.thread().interrupt();
      plain.thread().interrupt();
      Hub.sleep(0);
      assertEquals(List.of("interrupted, status false"), seen);
      assertEquals(1, queue.size(), "the interrupted ticket left the queue");
      assertTrue(queue.wakeOne(null));
      assertTrue(hub.join(5));
      assertEquals(List.of("interrupted, status false", "plain true, status true"), seen);
      Thread.currentThread().interrupt();
      assertThrows(InterruptedException.class, () -> queue.enqueue(null).awaitInterruptibly(10), "on entry");
      assertFalse(Thread.currentThread().isInterrupted());
      assertTrue(queue.isEmpty());
    });
  }

  @Test
  void aTimedOutTicketLeavesTheQueue() {
    onFreshHub(hub -> {
      WaitQueue queue = new WaitQueue();
      WaitQueue.Ticket t = queue.enqueue(null);
      assertFalse(t.await(0.01));
      assertTrue(queue.isEmpty());
      assertFalse(queue.wakeOne("nobody"));
      WaitQueue.Ticket now = queue.enqueue(null);
      assertFalse(now.await(0), "0 does not wait");
    });
  }

  @Test
  void whatAKilledWakenWaiterWasHandedIsPassedOn() {
    onFreshHub(hub -> {
      WaitQueue queue = new WaitQueue();
      List<Object> passedOn = Collections.synchronizedList(new ArrayList<>());
      RawGreenlet g = hub.newGreenlet(() -> queue.enqueue(passedOn::add).await(Double.POSITIVE_INFINITY), "w").start();
      Hub.sleep(0);
      g.throwInto(new GreenletExit()); // the kill lands first...
      assertTrue(queue.wakeOne("permit")); // ...then the wake-up, before the greenlet ran again
      assertTrue(hub.join(5));
      assertEquals(List.of("permit"), passedOn);
    });
  }

  @Test
  void manyThreadsWakeWaitersOfOneHub() throws Exception {
    onFreshHub(hub -> {
      WaitQueue queue = new WaitQueue();
      queue.markShared(); // the wakers below are other threads
      int waiters = 400;
      AtomicInteger woken = new AtomicInteger();
      for (int i = 0; i < waiters; i++) {
        hub.execute(() -> {
          if (queue.enqueue(null).await(Double.POSITIVE_INFINITY)) woken.incrementAndGet();
        });
      }
      Hub.sleep(0);
      List<Thread> wakers = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        wakers.add(Thread.ofPlatform().start(() -> {
          for (int i = 0; i < waiters / 8; i++) {
            while (!queue.wakeOne(null)) Thread.onSpinWait();
          }
        }));
      }
      assertTrue(hub.join(30));
      for (Thread t : wakers) t.join();
      assertEquals(waiters, woken.get());
    });
  }

  @Test
  void aQueueUsedByAnotherThreadIsShared() throws Exception {
    onFreshHub(hub -> {
      WaitQueue queue = new WaitQueue();
      assertFalse(queue.isShared());
      hub.execute(queue::touch); // a greenlet of the creator's hub: still the same owner
      Hub.sleep(0);
      assertFalse(queue.isShared());
      Thread other = Thread.ofPlatform().start(queue::touch);
      other.join();
      assertTrue(queue.isShared());
      Thread later = Thread.ofPlatform().unstarted(() -> queue.wakeOne("late"));
      WaitQueue.Ticket t = queue.enqueue(null);
      later.start();
      assertTrue(t.await(10), "a shared queue's wait waits for the other thread");
      later.join();
    });
  }

  @Test
  void anUnsharedTicketNothingCanWakeIsLoopExit() {
    onFreshHub(hub -> {
      WaitQueue queue = new WaitQueue();
      WaitQueue.Ticket t = queue.enqueue(null);
      assertThrows(LoopExit.class, () -> t.await(Double.POSITIVE_INFINITY));
      assertTrue(queue.isEmpty(), "the ticket left the queue");
    });
  }
}
