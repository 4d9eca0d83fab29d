package io.gevent4j.queue;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static io.gevent4j.queue.QueueTesting.assertSucceeded;
import static io.gevent4j.queue.QueueTesting.since;
import static io.gevent4j.queue.QueueTesting.spawn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.LoopExit;
import io.gevent4j.hub.RawGreenlet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Channel, the rendezvous; both backends. */
@org.junit.jupiter.api.Timeout(120)
class ChannelTest {

  @Test
  void aChannelHasNoRoom() {
    onFreshHub(hub -> {
      Channel<String> ch = new Channel<>();
      assertEquals(0, ch.maxsize());
      assertEquals(0, ch.qsize());
      assertTrue(ch.empty());
      assertTrue(ch.full());
      assertEquals(0, ch.remainingCapacity());
      assertNull(ch.peek());
      assertNull(ch.poll());
    });
  }

  @Test
  void aPutWaitsUntilAGetTakesTheItem() {
    onFreshHub(hub -> {
      Channel<String> ch = new Channel<>();
      List<String> seen = new ArrayList<>();
      RawGreenlet putter = spawn(hub, "putter", () -> {
        ch.put("x");
        seen.add("put returned");
      });
      Hub.sleep(0);
      Hub.sleep(0);
      assertEquals(List.of(), seen, "nobody took it yet");
      assertEquals(0, ch.qsize());
      assertEquals("x", ch.peek(), "peek shows the waiting putter's item");
      assertEquals("x", ch.get());
      seen.add("got");
      assertTrue(hub.join(5));
      assertEquals(List.of("got", "put returned"), seen);
      assertSucceeded(putter);
    });
  }

  @Test
  void aGetWaitsForAPutter() {
    onFreshHub(hub -> {
      Channel<String> ch = new Channel<>();
      List<String> got = new ArrayList<>();
      spawn(hub, "getter", () -> got.add(ch.get()));
      Hub.sleep(0);
      ch.putNowait("x"); // a getter waits: handed at once
      assertTrue(hub.join(5));
      assertEquals(List.of("x"), got);
    });
  }

  @Test
  void withNoReaderPutNowaitIsFullAndAPutTimesOutWithQueueFull() {
    onFreshHub(hub -> {
      Channel<String> ch = new Channel<>();
      assertThrows(QueueFull.class, () -> ch.putNowait("x"));
      assertFalse(ch.offer("x"));
      Hub.sleep(0); // polls the loop: its cached time is now, the timer runs its full period
      long start = System.nanoTime();
      QueueFull e = assertThrows(QueueFull.class, () -> ch.put("x", 0.05));
      assertTrue(since(start) >= 0.045, "waited " + since(start));
      assertTrue(e.getMessage().contains("no getter"), e.getMessage());
      assertFalse(ch.offer("x", 20, TimeUnit.MILLISECONDS));
      assertNull(ch.peek(), "the timed-out putters left");
      assertThrows(QueueEmpty.class, () -> ch.get(0.02));
      assertThrows(LoopExit.class, () -> ch.put("x", Double.POSITIVE_INFINITY), "nobody can ever read it");
    });
  }

  @Test
  void nonWaitingGetsTakeFromWaitingPuttersInOrder() {
    onFreshHub(hub -> {
      Channel<Integer> ch = new Channel<>();
      List<Integer> returned = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        int n = i;
        spawn(hub, "putter-" + i, () -> {
          ch.put(n);
          returned.add(n);
        });
      }
      Hub.sleep(0);
      assertEquals(0, ch.getNowait());
      assertEquals(1, ch.poll());
      assertEquals(2, ch.get(0));
      List<Integer> rest = new ArrayList<>();
      assertEquals(2, ch.drainTo(rest));
      assertEquals(List.of(3, 4), rest);
      assertTrue(hub.join(5));
      assertEquals(List.of(0, 1, 2, 3, 4), returned);
      assertFalse(ch.iterator().hasNext(), "a channel iterates over nothing");
    });
  }

  @Test
  void gettersAndPuttersMeetFirstComeFirstServed() {
    onFreshHub(hub -> {
      Channel<String> ch = new Channel<>();
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int n = i;
        spawn(hub, "getter-" + i, () -> got.add(n + ":" + ch.get()));
      }
      Hub.sleep(0);
      for (String s : List.of("a", "b", "c")) spawn(hub, "putter-" + s, () -> ch.put(s));
      assertTrue(hub.join(5));
      assertEquals(List.of("0:a", "1:b", "2:c"), got);
    });
  }

  @Test
  void anItemAKilledGetterWasHandedIsKeptForTheNextGet() {
    onFreshHub(hub -> {
      Channel<String> ch = new Channel<>();
      RawGreenlet killed = spawn(hub, "killed", ch::get);
      Hub.sleep(0);
      killed.throwInto(new GreenletExit());
      ch.putNowait("x"); // handed to the getter, which dies before it returns it
      Hub.sleep(0);
      assertTrue(killed.dead());
      assertEquals(1, ch.qsize(), "kept rather than lost");
      assertEquals("x", ch.get(0));
      assertTrue(hub.join(5));
    });
  }

  @Test
  void aKilledPutterWithdrawsItsItem() {
    onFreshHub(hub -> {
      Channel<String> ch = new Channel<>();
      RawGreenlet killed = spawn(hub, "killed", () -> ch.put("x"));
      spawn(hub, "next", () -> ch.put("y"));
      Hub.sleep(0);
      killed.throwInto(new GreenletExit());
      Hub.sleep(0);
      assertEquals("y", ch.get(0));
      assertNull(ch.poll());
      assertTrue(hub.join(5));
    });
  }

  @Test
  void aPeekerSeesTheItemOfAPutterThatArrivesAndLeavesItToTheGetter() throws Exception {
    onFreshHub(hub -> {
      Channel<String> ch = new Channel<>();
      List<String> seen = new ArrayList<>();
      spawn(hub, "peeker", () -> seen.add("peeked " + ch.peek(10)));
      Hub.sleep(0);
      Thread.ofVirtual().start(() -> {
        try {
          ch.put("phantom"); // not a greenlet: it cannot wait, so it never offered its item
        } catch (IllegalStateException e) {
          seen.add("refused");
        }
      }).join();
      Hub.sleep(0);
      assertEquals(List.of("refused"), seen, "the peeker saw no item that was never put");
      spawn(hub, "putter", () -> {
        ch.put("x");
        seen.add("put returned");
      });
      Hub.sleep(0);
      Hub.sleep(0);
      assertEquals(List.of("refused", "peeked x"), seen, "the putter still waits for a getter");
      assertEquals("x", ch.get());
      assertTrue(hub.join(5));
      assertEquals(List.of("refused", "peeked x", "put returned"), seen);
    });
  }

  /**
   * gevent's ordering: a put returns only after the getter it handed its item to has run up to
   * its next switch; the getter's line comes before the sender's next. Before, the sender ran on
   * first.
   */
  @Test
  void aPutReturnsAfterTheReceiverRanWhicheverComesFirst() {
    for (boolean receiverFirst : new boolean[] {true, false}) {
      onFreshHub(hub -> {
        Channel<Integer> ch = new Channel<>();
        List<String> log = new ArrayList<>();
        QueueTesting.Body receiver = () -> {
          for (int i = 0; i < 2; i++) log.add("got " + ch.get());
        };
        QueueTesting.Body sender = () -> {
          for (int i = 1; i <= 2; i++) {
            log.add("sending " + i);
            ch.put(i);
            log.add("sent " + i);
          }
        };
        if (receiverFirst) {
          spawn(hub, "receiver", receiver);
          spawn(hub, "sender", sender);
        } else {
          spawn(hub, "sender", sender);
          spawn(hub, "receiver", receiver);
        }
        assertTrue(hub.join(5));
        assertEquals(List.of("sending 1", "got 1", "sent 1", "sending 2", "got 2", "sent 2"), log, "receiver first: " + receiverFirst);
      });
    }
  }

  /** The owner waiting in get sees its item before the sending greenlet goes on. */
  @Test
  void aWaitingGetOnThePlainThreadRunsBeforeTheSenderGoesOn() {
    onFreshHub(hub -> {
      Channel<String> ch = new Channel<>();
      List<String> log = new ArrayList<>();
      spawn(hub, "sender", () -> {
        log.add("sending");
        ch.put("x");
        log.add("sent");
      });
      log.add("owner got " + ch.get());
      Hub.sleep(0);
      assertEquals(List.of("sending", "owner got x", "sent"), log);
    });
  }
}
