package io.gevent4j.greenlet;

import static io.gevent4j.greenlet.Gevent.sleep;
import static io.gevent4j.greenlet.Gevent.spawn;
import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gevent4j.hub.Hub;
import io.gevent4j.queue.Queue;
import io.gevent4j.sync.AsyncResult;
import io.gevent4j.sync.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A plain thread is gevent's main greenlet: when its wait is over it takes its place in the
 * FIFO of ready greenlets, it does not jump ahead of those that became ready before it, nor
 * wait for the end of a batch. Run on both backends.
 */
@org.junit.jupiter.api.Timeout(60)
class OwnerTurnTest {

  /** Three greenlets, each: log x1, sleep(0), x2, sleep(0), x3. */
  private static void spawnSteppers(List<String> log) {
    for (String name : List.of("a", "b", "c")) {
      spawn(() -> {
        log.add(name + 1);
        sleep(0);
        log.add(name + 2);
        sleep(0);
        log.add(name + 3);
      });
    }
  }

  @Test
  void eachSleepZeroOfTheOwnerAdvancesEveryGreenletByOneStep() {
    onFreshHub(hub -> {
      List<String> log = new ArrayList<>();
      spawnSteppers(log);
      sleep(0);
      assertEquals(List.of("a1", "b1", "c1"), log);
      sleep(0);
      assertEquals(List.of("a1", "b1", "c1", "a2", "b2", "c2"), log);
      sleep(0);
      assertEquals(List.of("a1", "b1", "c1", "a2", "b2", "c2", "a3", "b3", "c3"), log);
    });
  }

  /**
   * The owner waits on an event that greenlet a sets: a goes on to its next wait, b (ready
   * before the owner was woken) runs, then the owner; a's next step comes after it.
   */
  @Test
  void anEventSetByAGreenletResumesTheOwnerInFifoOrder() {
    onFreshHub(hub -> {
      List<String> log = new ArrayList<>();
      Event ev = new Event();
      spawn(() -> {
        log.add("a sets");
        ev.set();
        log.add("a after set");
        sleep(0);
        log.add("a later");
      });
      spawn(() -> log.add("b"));
      ev.await();
      log.add("owner");
      sleep(0);
      assertEquals(List.of("a sets", "a after set", "b", "owner", "a later"), log);
    });
  }

  @Test
  void anAsyncResultResumesTheOwnerInFifoOrder() {
    onFreshHub(hub -> {
      List<String> log = new ArrayList<>();
      AsyncResult<String> result = new AsyncResult<>();
      spawn(() -> {
        result.set("x");
        log.add("a after set");
        sleep(0);
        log.add("a later");
      });
      spawn(() -> log.add("b"));
      log.add("owner got " + result.get());
      sleep(0);
      assertEquals(List.of("a after set", "b", "owner got x", "a later"), log);
    });
  }

  @Test
  void aQueueGetResumesTheOwnerInFifoOrder() {
    onFreshHub(hub -> {
      List<String> log = new ArrayList<>();
      Queue<String> queue = new Queue<>();
      spawn(() -> {
        queue.put("item");
        log.add("a after put");
        sleep(0);
        log.add("a later");
      });
      spawn(() -> log.add("b"));
      log.add("owner got " + queue.get());
      sleep(0);
      assertEquals(List.of("a after put", "b", "owner got item", "a later"), log);
    });
  }

  @Test
  void aJoinResumesTheOwnerInFifoOrder() {
    onFreshHub(hub -> {
      List<String> log = new ArrayList<>();
      Greenlet<Boolean> a = spawn(() -> log.add("a ends"));
      spawn(() -> {
        log.add("b");
        sleep(0);
        log.add("b later");
      });
      a.join();
      log.add("owner");
      sleep(0);
      assertEquals(List.of("a ends", "b", "owner", "b later"), log);
    });
  }

  /**
   * An error delivered to the owner (a Timeout's timer and a kill take this path) ends its
   * wait at its place in the FIFO: after the greenlets that were ready before.
   */
  @Test
  void anErrorDeliveredToTheOwnerEndsItsWaitInFifoOrder() {
    onFreshHub(hub -> {
      List<String> log = new ArrayList<>();
      Event never = new Event();
      spawn(() -> {
        hub.mainGreenlet().throwInto(new IllegalStateException("delivered"));
        log.add("a after delivery");
        sleep(0);
        log.add("a later");
      });
      spawn(() -> log.add("b"));
      try {
        never.await();
      } catch (IllegalStateException e) {
        log.add("owner got " + e.getMessage());
      }
      sleep(0);
      assertEquals(List.of("a after delivery", "b", "owner got delivered", "a later"), log);
    });
  }

  /**
   * Future.get() keeps the JDK's contract on the owner: it waits, cooperatively, for whatever
   * completes the future — here its own greenlets, which used to be unable to run (a hang).
   */
  @Test
  void futuresOfGreenletsAndResultsCanBeGotOnTheOwner() {
    onFreshHub(hub -> {
      assertEquals("x", spawn(() -> "x").toCompletableFuture().get());
      AsyncResult<Integer> result = new AsyncResult<>();
      spawn(() -> result.set(42));
      assertEquals(42, result.toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(7, spawn(() -> 6).toCompletableFuture().thenApply(v -> v + 1).join());
      java.util.concurrent.CompletableFuture<Void> never = spawn(() -> new Event().await()).toCompletableFuture()
          .thenAccept(v -> {});
      org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.TimeoutException.class,
          () -> never.get(20, java.util.concurrent.TimeUnit.MILLISECONDS));
      Gevent.killAll(hub.liveGreenlets().stream().map(g -> (Greenlet<?>) g.owner()).toList());
    });
  }
}
