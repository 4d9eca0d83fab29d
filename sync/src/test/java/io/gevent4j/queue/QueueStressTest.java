package io.gevent4j.queue;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static io.gevent4j.queue.QueueTesting.onOwnHub;
import static io.gevent4j.queue.QueueTesting.spawn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.Hub;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Producers and consumers on four hubs (four platform threads) plus plain threads, moving
 * 100k items through one queue: every item is received exactly once and, for FIFO queues,
 * each consumer sees each producer's items in the order they were put. Each case runs several
 * rounds. Both backends.
 */
@org.junit.jupiter.api.Timeout(300)
class QueueStressTest {
  private static final int HUBS = 4;
  private static final int PRODUCERS_PER_HUB = 2;
  private static final int CONSUMERS_PER_HUB = 2;
  private static final int PRODUCERS = HUBS * PRODUCERS_PER_HUB + 1; // + a plain thread
  private static final int CONSUMERS = HUBS * CONSUMERS_PER_HUB + 1; // + a plain thread
  private static final long POISON = -1;

  @Test
  void anUnboundedQueueAcrossHubs() {
    for (int round = 0; round < 5; round++) run(Queue::new, 100_000, true);
  }

  @Test
  void aBoundedQueueAcrossHubs() {
    for (int round = 0; round < 5; round++) run(() -> new Queue<>(16), 100_000, true);
  }

  @Test
  void aQueueOfOneAcrossHubs() {
    for (int round = 0; round < 3; round++) run(() -> new Queue<>(1), 100_000, true);
  }

  @Test
  void aChannelAcrossHubs() {
    for (int round = 0; round < 3; round++) run(Channel::new, 100_000, true);
  }

  @Test
  void aJoinableQueueAcrossHubs() {
    run(() -> new JoinableQueue<>(64), 100_000, true);
  }

  @Test
  void lifoAndPriorityQueuesAcrossHubsLoseNothing() {
    run(() -> new LifoQueue<>(32), 100_000, false);
    run(PriorityQueue::new, 100_000, false);
  }

  private void run(Supplier<Queue<Long>> make, int items, boolean fifo) {
    onFreshHub(120, hub -> {
      Queue<Long> q = make.get(); // created here: every user below is another thread
      int perProducer = items / PRODUCERS;
      AtomicInteger producing = new AtomicInteger(PRODUCERS);
      CompletableFuture<Void> produced = new CompletableFuture<>();
      int total = perProducer * PRODUCERS;
      AtomicInteger consuming = new AtomicInteger(total);
      CompletableFuture<Void> consumed = new CompletableFuture<>();
      Runnable gotOne = () -> {
        if (consuming.decrementAndGet() == 0) consumed.complete(null);
      };
      List<List<Long>> received = new ArrayList<>();
      for (int c = 0; c < CONSUMERS; c++) received.add(new ArrayList<>());
      List<CompletableFuture<Void>> threads = new ArrayList<>();

      for (int h = 0; h < HUBS; h++) {
        int hubIndex = h;
        threads.add(onOwnHub("stress-hub-" + h, own -> {
          for (int p = 0; p < PRODUCERS_PER_HUB; p++) {
            long producer = hubIndex * PRODUCERS_PER_HUB + p;
            spawn(own, "producer-" + producer, () -> {
              produce(q, producer, perProducer);
              if (producing.decrementAndGet() == 0) produced.complete(null);
            });
          }
          for (int c = 0; c < CONSUMERS_PER_HUB; c++) {
            List<Long> mine = received.get(hubIndex * CONSUMERS_PER_HUB + c);
            spawn(own, "consumer-" + hubIndex + "-" + c, () -> consume(q, mine, gotOne));
          }
        }));
      }
      threads.add(onOwnHub("stress-plain-producer", own -> {
        produce(q, PRODUCERS - 1, perProducer);
        if (producing.decrementAndGet() == 0) produced.complete(null);
      }));
      threads.add(onOwnHub("stress-plain-consumer", own -> consume(q, received.get(CONSUMERS - 1), gotOne)));

      Hub.await(produced);
      Hub.await(consumed); // then the poison: a LIFO or priority queue would hand it out first
      for (int c = 0; c < CONSUMERS; c++) q.put(POISON);
      Hub.await(CompletableFuture.allOf(threads.toArray(new CompletableFuture<?>[0])));

      int[][] seen = new int[PRODUCERS][perProducer];
      for (List<Long> mine : received) {
        long[] last = new long[PRODUCERS];
        java.util.Arrays.fill(last, -1);
        for (long item : mine) {
          int producer = (int) (item >>> 32);
          int seq = (int) item;
          seen[producer][seq]++;
          if (fifo) {
            assertTrue(seq > last[producer], "producer " + producer + ": " + seq + " after " + last[producer]);
            last[producer] = seq;
          }
        }
      }
      for (int p = 0; p < PRODUCERS; p++) {
        for (int s = 0; s < perProducer; s++) {
          assertEquals(1, seen[p][s], "item " + s + " of producer " + p + " received that many times");
        }
      }
      assertTrue(q.empty());
      if (q instanceof JoinableQueue<Long> jq) {
        assertEquals(0, jq.unfinishedTasks());
        assertTrue(jq.join(0));
      }
    });
  }

  private static void produce(Queue<Long> q, long producer, int count) {
    for (int i = 0; i < count; i++) q.put(producer << 32 | i);
  }

  private static void consume(Queue<Long> q, List<Long> into, Runnable gotOne) {
    while (true) {
      long item = q.get();
      if (q instanceof JoinableQueue<Long> jq) jq.taskDone();
      if (item == POISON) return;
      into.add(item);
      gotOne.run();
    }
  }
}
