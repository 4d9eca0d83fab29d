package io.gevent4j.queue;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.Hub;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The queues without waiting: order, sizes, the nowait calls, the BlockingQueue contracts; both backends. */
@org.junit.jupiter.api.Timeout(120)
class QueueTest {

  @Test
  void aQueueIsFirstInFirstOut() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>();
      q.put("a");
      q.put("b", 1.0);
      q.putNowait("c");
      assertTrue(q.offer("d"));
      assertEquals(4, q.qsize());
      assertEquals(4, q.size());
      assertEquals("a", q.get());
      assertEquals("b", q.get(1.0));
      assertEquals("c", q.getNowait());
      assertEquals("d", q.poll());
      assertTrue(q.empty());
      assertTrue(q.isEmpty());
      assertNull(q.poll());
    });
  }

  @Test
  void sizesOfBoundedAndUnboundedQueues() {
    onFreshHub(hub -> {
      Queue<Integer> unbounded = new Queue<>();
      assertEquals(-1, unbounded.maxsize());
      assertEquals(-1, new Queue<Integer>(0).maxsize(), "0 is unbounded, as in gevent");
      assertEquals(-1, new Queue<Integer>(-5).maxsize());
      for (int i = 0; i < 10_000; i++) unbounded.putNowait(i);
      assertFalse(unbounded.full(), "an unbounded queue is never full");
      assertEquals(Integer.MAX_VALUE, unbounded.remainingCapacity());

      Queue<Integer> bounded = new Queue<>(2);
      assertEquals(2, bounded.maxsize());
      assertTrue(bounded.empty());
      assertFalse(bounded.full());
      assertEquals(2, bounded.remainingCapacity());
      bounded.put(1);
      bounded.put(2);
      assertTrue(bounded.full());
      assertEquals(0, bounded.remainingCapacity());
      assertThrows(QueueFull.class, () -> bounded.putNowait(3));
      assertFalse(bounded.offer(3));
      assertThrows(IllegalStateException.class, () -> bounded.add(3), "Queue.add on a full queue");
      assertEquals(List.of(1, 2), List.copyOf(bounded));
    });
  }

  @Test
  void nowaitCallsAndZeroTimeoutsDoNotWait() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>(1);
      assertThrows(QueueEmpty.class, q::getNowait);
      assertThrows(QueueEmpty.class, () -> q.get(0));
      assertThrows(QueueEmpty.class, () -> q.peek(0));
      assertNull(q.peek());
      assertNull(q.poll());
      assertNull(q.poll(0, TimeUnit.SECONDS));
      q.put("x", 0);
      assertThrows(QueueFull.class, () -> q.put("y", 0));
      assertThrows(QueueFull.class, () -> q.putNowait("y"));
      assertFalse(q.offer("y", 0, TimeUnit.SECONDS));
      assertEquals("x", q.peek(0));
      assertEquals("x", q.get(0));
    });
  }

  @Test
  void aLifoQueueIsAStack() {
    onFreshHub(hub -> {
      LifoQueue<Integer> q = new LifoQueue<>();
      for (int i = 1; i <= 4; i++) q.put(i);
      assertEquals(4, q.peek());
      assertEquals(List.of(4, 3, 2, 1), List.copyOf(q), "iterates from the top");
      assertEquals(4, q.get());
      q.put(9);
      assertEquals(List.of(9, 3, 2, 1), drain(q));
      LifoQueue<Integer> bounded = new LifoQueue<>(1);
      bounded.put(1);
      assertThrows(QueueFull.class, () -> bounded.putNowait(2));
    });
  }

  @Test
  void aPriorityQueueGivesTheLowestFirst() {
    onFreshHub(hub -> {
      PriorityQueue<Integer> natural = new PriorityQueue<>();
      for (int i : new int[] {5, 1, 4, 2, 3}) natural.put(i);
      assertEquals(1, natural.peek());
      assertEquals(List.of(1, 2, 3, 4, 5), List.copyOf(natural), "iterates in get order");
      assertEquals(List.of(1, 2, 3, 4, 5), drain(natural));

      PriorityQueue<String> reversed = new PriorityQueue<>(2, Comparator.reverseOrder());
      assertEquals(2, reversed.maxsize());
      reversed.put("a");
      reversed.put("c");
      assertThrows(QueueFull.class, () -> reversed.put("b", 0));
      assertEquals("c", reversed.get());
      reversed.put("b");
      assertEquals(List.of("b", "a"), drain(reversed));

      assertEquals(-1, new PriorityQueue<Integer>(0).maxsize());
    });
  }

  @Test
  void aPriorityQueueInNaturalOrderRefusesItemsThatCannotBeCompared() {
    onFreshHub(hub -> {
      PriorityQueue<Object> q = new PriorityQueue<>();
      assertThrows(ClassCastException.class, () -> q.put(new Object()));
      assertThrows(ClassCastException.class, () -> q.offer(new Object()));
      assertEquals(0, q.qsize());
      PriorityQueue<Object> byHash = new PriorityQueue<>(0, Comparator.comparingInt(Object::hashCode));
      byHash.put(new Object()); // a comparator orders anything
      assertEquals(1, byHash.qsize());
    });
  }

  @Test
  void aSimpleQueueIsAQueue() {
    onFreshHub(hub -> {
      SimpleQueue<String> q = new SimpleQueue<>(1);
      assertEquals(1, q.maxsize());
      q.put("a");
      assertThrows(QueueFull.class, () -> q.putNowait("b"));
      assertEquals("a", q.get());
      assertEquals(-1, new SimpleQueue<String>().maxsize());
    });
  }

  @Test
  void nullItemsAreRefused() {
    onFreshHub(hub -> {
      for (Queue<String> q : List.of(new Queue<String>(), new Queue<String>(1), new LifoQueue<String>(),
          new PriorityQueue<String>(), new JoinableQueue<String>(), new Channel<String>())) {
        assertThrows(NullPointerException.class, () -> q.put(null), q.getClass().getSimpleName());
        assertThrows(NullPointerException.class, () -> q.put(null, 1.0));
        assertThrows(NullPointerException.class, () -> q.putNowait(null));
        assertThrows(NullPointerException.class, () -> q.offer(null));
        assertThrows(NullPointerException.class, () -> q.offer(null, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> q.add(null));
        assertThrows(NullPointerException.class, () -> q.addAll(Arrays.asList(null, "a")));
        assertFalse(q.contains(null));
        assertFalse(q.remove(null));
      }
    });
  }

  @Test
  void negativeAndNanTimeoutsAreRefusedEvenWhenNoWaitIsNeeded() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>(2);
      q.put("x");
      assertThrows(IllegalArgumentException.class, () -> q.get(-1));
      assertThrows(IllegalArgumentException.class, () -> q.get(Double.NaN));
      assertThrows(IllegalArgumentException.class, () -> q.peek(-0.5));
      assertThrows(IllegalArgumentException.class, () -> q.peek(Double.NaN));
      assertThrows(IllegalArgumentException.class, () -> q.put("y", -1));
      assertThrows(IllegalArgumentException.class, () -> q.put("y", Double.NaN));
      assertThrows(IllegalArgumentException.class, () -> q.put("y", Double.NEGATIVE_INFINITY));
      JoinableQueue<String> jq = new JoinableQueue<>();
      assertThrows(IllegalArgumentException.class, () -> jq.join(-1));
      assertThrows(IllegalArgumentException.class, () -> jq.join(Double.NaN));
      assertEquals(1, q.qsize(), "nothing was put");
      // The JDK's long timeouts keep the JDK's meaning: negative is "do not wait".
      assertEquals("x", q.poll(-1, TimeUnit.SECONDS));
      assertNull(q.poll(-1, TimeUnit.SECONDS));
      assertTrue(q.offer("y", -1, TimeUnit.SECONDS));
      assertTrue(q.offer("z", Long.MIN_VALUE, TimeUnit.NANOSECONDS));
      assertFalse(q.offer("w", -1, TimeUnit.SECONDS));
    });
  }

  @Test
  void theIteratorDoesNotConsume() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>();
      q.put("a");
      q.put("b");
      q.put("c");
      List<String> seen = new ArrayList<>();
      for (String s : q) seen.add(s);
      assertEquals(List.of("a", "b", "c"), seen);
      assertEquals(3, q.qsize(), "iterating took nothing");
      assertEquals("[a, b, c]", q.toString());

      Iterator<String> it = q.iterator();
      q.put("d"); // a snapshot: later puts are not seen
      assertEquals("a", it.next());
      assertEquals("b", it.next());
      it.remove();
      assertThrows(IllegalStateException.class, it::remove, "remove() twice");
      assertEquals("c", it.next());
      assertFalse(it.hasNext());
      assertThrows(NoSuchElementException.class, it::next);
      assertEquals(List.of("a", "c", "d"), List.copyOf(q));
    });
  }

  @Test
  void theIteratorRemovesTheVeryItemItReturned() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>();
      String first = new String("x");
      String second = new String("x");
      q.put(first);
      q.put(second);
      Iterator<String> it = q.iterator();
      it.next();
      it.next();
      it.remove();
      assertSame(first, q.get(), "the equal item before it stayed");
      assertTrue(q.empty());
    });
  }

  @Test
  void collectionMethods() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>(5);
      q.addAll(List.of("a", "b", "c", "b"));
      assertTrue(q.contains("b"));
      assertFalse(q.contains("z"));
      assertTrue(q.remove("b"));
      assertEquals(List.of("a", "c", "b"), List.copyOf(q), "the first equal item went");
      assertFalse(q.remove("z"));
      assertArrayEquals(new Object[] {"a", "c", "b"}, q.toArray());
      assertArrayEquals(new String[] {"a", "c", "b"}, q.toArray(new String[0]));
      String[] big = {"1", "2", "3", "4", "5"};
      assertSame(big, q.toArray(big));
      assertArrayEquals(new String[] {"a", "c", "b", null, "5"}, big);
      assertEquals("a", q.element());
      assertEquals("a", q.remove());
      q.clear();
      assertTrue(q.isEmpty());
      assertThrows(NoSuchElementException.class, q::remove);
      assertThrows(NoSuchElementException.class, q::element);
      assertThrows(IllegalArgumentException.class, () -> q.addAll(q));
    });
  }

  @Test
  void drainToMovesWhatIsThereInGetOrder() {
    onFreshHub(hub -> {
      BlockingQueue<Integer> q = new Queue<>();
      for (int i = 0; i < 5; i++) q.put(i);
      List<Integer> out = new ArrayList<>();
      assertEquals(2, q.drainTo(out, 2));
      assertEquals(List.of(0, 1), out);
      assertEquals(0, q.drainTo(out, 0));
      assertEquals(3, q.drainTo(out));
      assertEquals(List.of(0, 1, 2, 3, 4), out);
      assertEquals(0, q.drainTo(out));
      assertThrows(IllegalArgumentException.class, () -> q.drainTo(q));
      assertThrows(NullPointerException.class, () -> q.drainTo(null));
    });
  }

  @Test
  void itemsADrainCouldNotAddGoBackToTheHead() {
    onFreshHub(hub -> {
      Queue<Integer> q = new Queue<>();
      for (int i = 0; i < 4; i++) q.put(i);
      List<Integer> refusesTwo = new ArrayList<>() {
        @Override
        public boolean add(Integer i) {
          if (i == 2) throw new IllegalStateException("no 2s");
          return super.add(i);
        }
      };
      assertThrows(IllegalStateException.class, () -> q.drainTo(refusesTwo));
      assertEquals(List.of(0, 1), refusesTwo);
      assertEquals(List.of(2, 3), drain(q));
    });
  }

  @Test
  void aBlockingQueueViewWithTheJdkTimeouts() throws Exception {
    onFreshHub(hub -> {
      BlockingQueue<String> q = new Queue<>(1);
      assertTrue(q.offer("a", 1, TimeUnit.SECONDS));
      Hub.sleep(0); // polls the loop: its cached time is now, the timer runs its full period
      long start = System.nanoTime();
      assertFalse(q.offer("b", 30, TimeUnit.MILLISECONDS), "full until the timeout");
      assertTrue(QueueTesting.since(start) >= 0.025);
      assertEquals("a", q.take());
      Hub.sleep(0); // polls the loop: its cached time is now, the timer runs its full period
      start = System.nanoTime();
      assertNull(q.poll(30, TimeUnit.MILLISECONDS), "empty until the timeout");
      assertTrue(QueueTesting.since(start) >= 0.025);
      q.put("c");
      assertEquals("c", q.poll(Long.MAX_VALUE, TimeUnit.DAYS), "the largest timeout is forever");
    });
  }

  static <T> List<T> drain(Queue<T> q) {
    List<T> out = new ArrayList<>();
    T item;
    while ((item = q.poll()) != null) out.add(item);
    return out;
  }
}
