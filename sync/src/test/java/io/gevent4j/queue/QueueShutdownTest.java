package io.gevent4j.queue;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static io.gevent4j.queue.QueueTesting.spawn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.Hub;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** shutdown() and shutdown(true) (Python 3.13's queue shutdown); both backends. */
@org.junit.jupiter.api.Timeout(120)
class QueueShutdownTest {

  @Test
  void shutdownWakesEveryWaitingGetterAndPeeker() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>();
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < 3; i++) {
        int n = i;
        spawn(hub, "getter-" + i, () -> {
          try {
            q.get();
          } catch (QueueShutDown e) {
            seen.add("getter " + n);
          }
        });
      }
      spawn(hub, "taker", () -> {
        try {
          q.take();
        } catch (QueueShutDown e) {
          seen.add("taker");
        }
      });
      spawn(hub, "poller", () -> seen.add("poller " + q.poll(10, TimeUnit.SECONDS)));
      spawn(hub, "peeker", () -> {
        try {
          q.peek(10);
        } catch (QueueShutDown e) {
          seen.add("peeker");
        }
      });
      Hub.sleep(0);
      assertFalse(q.isShutdown());
      q.shutdown();
      assertTrue(q.isShutdown());
      assertTrue(hub.join(5));
      assertEquals(List.of("getter 0", "getter 1", "getter 2", "taker", "poller null", "peeker"), seen);
    });
  }

  @Test
  void shutdownWakesEveryWaitingPutterWithoutAdmittingItsItem() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>(1);
      q.put("kept");
      List<String> seen = new ArrayList<>();
      for (String s : List.of("a", "b")) {
        spawn(hub, "putter-" + s, () -> {
          try {
            q.put(s);
          } catch (QueueShutDown e) {
            seen.add(s + " refused");
          }
        });
      }
      spawn(hub, "offerer", () -> {
        try {
          q.offer("c", 10, TimeUnit.SECONDS);
        } catch (QueueShutDown e) {
          seen.add("c refused");
        }
      });
      Hub.sleep(0);
      q.shutdown();
      assertTrue(hub.join(5));
      assertEquals(List.of("a refused", "b refused", "c refused"), seen);
      assertEquals(List.of("kept"), List.copyOf(q));
    });
  }

  @Test
  void afterShutdownPutsAreRefusedAndGetsDrainThenThrow() throws Exception {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>();
      q.put("a");
      q.put("b");
      q.put("c");
      q.shutdown();
      assertThrows(QueueShutDown.class, () -> q.put("x"));
      assertThrows(QueueShutDown.class, () -> q.putNowait("x"));
      assertThrows(QueueShutDown.class, () -> q.offer("x"));
      assertThrows(QueueShutDown.class, () -> q.add("x"));
      assertThrows(QueueShutDown.class, () -> q.offer("x", 1, TimeUnit.SECONDS));
      assertEquals("a", q.peek());
      assertEquals("a", q.get());
      assertEquals("b", q.take());
      assertEquals("c", q.poll());
      assertThrows(QueueShutDown.class, q::get);
      assertThrows(QueueShutDown.class, () -> q.get(10));
      assertThrows(QueueShutDown.class, q::getNowait);
      assertThrows(QueueShutDown.class, q::take);
      assertThrows(QueueShutDown.class, () -> q.peek(10));
      assertNull(q.poll());
      assertNull(q.poll(10, TimeUnit.SECONDS));
      assertNull(q.peek());
      q.shutdown(); // idempotent
    });
  }

  @Test
  void anImmediateShutdownDropsTheItemsAndWakesEveryWaiter() {
    onFreshHub(hub -> {
      Queue<String> q = new Queue<>(2);
      q.put("a");
      q.put("b");
      List<String> seen = new ArrayList<>();
      spawn(hub, "putter", () -> {
        try {
          q.put("c");
        } catch (QueueShutDown e) {
          seen.add("putter");
        }
      });
      Hub.sleep(0);
      q.shutdown(true);
      assertTrue(hub.join(5));
      assertEquals(List.of("putter"), seen);
      assertEquals(0, q.qsize());
      assertThrows(QueueShutDown.class, () -> q.get(0));
      assertNull(q.poll());

      Queue<String> later = new Queue<>();
      later.put("x");
      later.shutdown();
      later.shutdown(true); // still drops what is left
      assertNull(later.poll());
    });
  }

  @Test
  void shutdownWakesChannelWaitersOnBothSides() {
    onFreshHub(hub -> {
      Channel<String> in = new Channel<>();
      Channel<String> out = new Channel<>();
      List<String> seen = new ArrayList<>();
      spawn(hub, "getter", () -> {
        try {
          in.get();
        } catch (QueueShutDown e) {
          seen.add("getter");
        }
      });
      spawn(hub, "putter", () -> {
        try {
          out.put("x");
        } catch (QueueShutDown e) {
          seen.add("putter");
        }
      });
      Hub.sleep(0);
      in.shutdown();
      out.shutdown();
      assertTrue(hub.join(5));
      assertEquals(List.of("getter", "putter"), seen);
      assertNull(out.poll(), "the putter's item was withdrawn");
    });
  }
}
