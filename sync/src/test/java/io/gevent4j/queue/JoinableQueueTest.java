package io.gevent4j.queue;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static io.gevent4j.queue.QueueTesting.since;
import static io.gevent4j.queue.QueueTesting.spawn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.LoopExit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JoinableQueue: taskDone, join, unfinishedTasks; both backends. */
@org.junit.jupiter.api.Timeout(120)
class JoinableQueueTest {

  @Test
  void everyPutIsATaskUntilTaskDone() {
    onFreshHub(hub -> {
      JoinableQueue<String> q = new JoinableQueue<>();
      assertTrue(q.join(0), "nothing unfinished");
      q.join();
      q.put("a");
      q.put("b");
      assertEquals(2, q.unfinishedTasks());
      assertFalse(q.join(0));
      q.get();
      q.get();
      assertEquals(2, q.unfinishedTasks(), "getting is not finishing");
      q.taskDone();
      q.taskDone();
      assertEquals(0, q.unfinishedTasks());
      assertTrue(q.join(0));
      assertThrows(IllegalStateException.class, q::taskDone, "more taskDone() than items");
      assertEquals(0, q.unfinishedTasks());
    });
  }

  @Test
  void joinWithPendingTasksWaitsForTheLastTaskDone() {
    onFreshHub(hub -> {
      JoinableQueue<Integer> q = new JoinableQueue<>();
      for (int i = 0; i < 5; i++) q.put(i);
      List<String> log = new ArrayList<>();
      spawn(hub, "worker", () -> {
        for (int i = 0; i < 5; i++) {
          int n = q.get();
          Hub.sleep(0); // working on it
          log.add("done " + n);
          q.taskDone();
        }
      });
      q.join();
      log.add("joined");
      assertEquals(List.of("done 0", "done 1", "done 2", "done 3", "done 4", "joined"), log);
      assertTrue(hub.join(5));
    });
  }

  @Test
  void joinWithATimeoutReturnsFalseWhileTasksArePending() {
    onFreshHub(hub -> {
      JoinableQueue<String> q = new JoinableQueue<>();
      q.put("a");
      Hub.sleep(0); // polls the loop: its cached time is now, the timer runs its full period
      long start = System.nanoTime();
      assertFalse(q.join(0.05));
      assertTrue(since(start) >= 0.045);
      List<Boolean> joined = new ArrayList<>();
      spawn(hub, "joiner-1", () -> joined.add(q.join(10)));
      spawn(hub, "joiner-2", () -> joined.add(q.join(10)));
      Hub.sleep(0);
      q.get();
      q.taskDone();
      assertTrue(hub.join(5));
      assertEquals(List.of(true, true), joined, "the last taskDone ends every join");
    });
  }

  @Test
  void aJoinAfterTheCountWentBackUpWaitsForTheNewTasks() {
    onFreshHub(hub -> {
      JoinableQueue<String> q = new JoinableQueue<>();
      q.put("a");
      List<String> log = new ArrayList<>();
      spawn(hub, "early", () -> {
        q.join();
        log.add("early joined");
      });
      Hub.sleep(0);
      q.get();
      q.taskDone(); // wakes early
      q.put("b");
      spawn(hub, "late", () -> {
        q.join();
        log.add("late joined");
      });
      Hub.sleep(0);
      Hub.sleep(0);
      assertEquals(List.of("early joined"), log, "late waits for b");
      q.get();
      q.taskDone();
      assertTrue(hub.join(5));
      assertEquals(List.of("early joined", "late joined"), log);
    });
  }

  @Test
  void itemsTakenOutWithoutAGetCountAsDone() {
    onFreshHub(hub -> {
      JoinableQueue<String> q = new JoinableQueue<>();
      q.addAll(List.of("a", "b", "c", "d"));
      assertEquals(4, q.unfinishedTasks());
      assertTrue(q.remove("b"));
      assertEquals(3, q.unfinishedTasks());
      Iterator<String> it = q.iterator();
      it.next();
      it.remove();
      assertEquals(2, q.unfinishedTasks());
      q.clear();
      assertEquals(0, q.unfinishedTasks());
      assertTrue(q.join(0));
      q.put("e");
      List<String> out = new ArrayList<>();
      q.drainTo(out);
      assertEquals(1, q.unfinishedTasks(), "drained items are the consumer's to finish");
      q.taskDone();
    });
  }

  @Test
  void anImmediateShutdownMarksTheDroppedItemsDone() {
    onFreshHub(hub -> {
      JoinableQueue<String> q = new JoinableQueue<>();
      q.put("a");
      q.put("b");
      q.put("c");
      String got = q.get(); // in a consumer's hands: still unfinished
      List<Boolean> joined = new ArrayList<>();
      spawn(hub, "joiner", () -> joined.add(q.join(10)));
      Hub.sleep(0);
      q.shutdown(true);
      assertEquals(1, q.unfinishedTasks());
      Hub.sleep(0);
      assertEquals(List.of(), joined);
      assertEquals("a", got);
      q.taskDone();
      assertTrue(hub.join(5));
      assertEquals(List.of(true), joined);
    });
  }

  @Test
  void aPlainShutdownLeavesTheTasksToTheConsumers() {
    onFreshHub(hub -> {
      JoinableQueue<String> q = new JoinableQueue<>();
      q.put("a");
      q.shutdown();
      assertEquals(1, q.unfinishedTasks());
      assertEquals("a", q.get());
      q.taskDone();
      assertTrue(q.join(0));
    });
  }

  @Test
  void puttersMovedInAndHandOffsCountAsTasks() {
    onFreshHub(hub -> {
      JoinableQueue<String> q = new JoinableQueue<>(1);
      List<String> got = new ArrayList<>();
      spawn(hub, "getter", () -> got.add(q.get()));
      Hub.sleep(0);
      q.put("handed");
      q.put("stored");
      spawn(hub, "putter", () -> q.put("moved"));
      Hub.sleep(0);
      assertEquals(2, q.unfinishedTasks(), "the waiting putter's item is not a task yet");
      assertEquals("stored", q.get());
      assertEquals(3, q.unfinishedTasks());
      assertEquals("moved", q.get());
      for (int i = 0; i < 3; i++) q.taskDone();
      assertTrue(q.join(0));
      assertTrue(hub.join(5));
      assertEquals(List.of("handed"), got);
    });
  }

  @Test
  void aPlainThreadJoiningTasksNobodyCanFinishIsLoopExit() {
    onFreshHub(hub -> {
      JoinableQueue<String> q = new JoinableQueue<>();
      q.put("a");
      assertThrows(LoopExit.class, q::join);
      q.get();
      q.taskDone();
      q.join();
    });
  }
}
