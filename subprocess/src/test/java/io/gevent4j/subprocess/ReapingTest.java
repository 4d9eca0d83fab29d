package io.gevent4j.subprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.testing.HubTesting;
import io.gevent4j.sync.Event;
import io.gevent4j.testing.Leaks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exits are seen by the reaper's child watchers, which reap exactly their own pids: no zombie,
 * no descriptor left, and the JDK's own Processes keep their exit codes; on both backends.
 */
@org.junit.jupiter.api.Timeout(180)
class ReapingTest {
  @BeforeAll
  static void warmUp() {
    SubprocessTesting.warmUp();
  }

  @Test
  void aThousandSpawnsLeaveNoZombieAndNoDescriptor() throws Exception {
    List<Integer> zombiesBefore = SubprocessTesting.zombies();
    HubTesting.onFreshHub(hub -> { // checks descriptors and threads before and after
      for (int i = 0; i < 1000; i++) {
        Popen p = Popen.builder("true").stdout(i % 2 == 0 ? Popen.PIPE : Popen.INHERIT).start();
        assertEquals(0, p.waitFor(30));
        p.close();
      }
    });
    assertEquals(zombiesBefore, SubprocessTesting.zombies());
  }

  @Test
  void aChildIsReapedAsSoonAsItExitsEvenIfNobodyWaitsForIt() throws Exception {
    Leaks leaks = Leaks.snapshot();
    Popen p = Popen.builder("true").start();
    Event exited = new Event();
    p.rawlink(exited::set); // not a wait: tells when the reaper has seen the exit
    assertTrue(exited.await(30));
    assertTrue(!SubprocessTesting.zombies().contains(p.pid()), "pid " + p.pid() + " was not reaped");
    assertEquals(0, p.returncode());
    p.close();
    leaks.assertNoLeak();
  }

  @Test
  void aJavaProcessStartedAlongsideGetsItsOwnExitCode() throws Exception {
    HubTesting.onFreshHub(hub -> {
      Process jdk = new ProcessBuilder("sh", "-c", "sleep 0.3; exit 7").start();
      List<Greenlet<Integer>> ours = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int code = i % 5;
        ours.add(Gevent.spawn(() -> {
          Popen p = Popen.builder("sh", "-c", "exit " + code).start();
          int rc = p.waitFor(30);
          p.close();
          return rc;
        }));
      }
      for (int i = 0; i < 20; i++) assertEquals(i % 5, ours.get(i).get());
      assertTrue(jdk.waitFor(30, TimeUnit.SECONDS));
      assertEquals(7, jdk.exitValue());
      // The JDK closes its Process's pipes in its reaper thread, after waitFor may have returned:
      // closed here, they cannot count as a leak in the check that ends the test.
      jdk.getOutputStream().close();
      jdk.getInputStream().close();
      jdk.getErrorStream().close();
    });
  }

  @Test
  void greenletsOnTwoHubsAndAPlainThreadSpawnAtOnce() throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 3; t++) {
      boolean greenlets = t < 2;
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          if (greenlets) {
            List<Greenlet<Integer>> gs = new ArrayList<>();
            for (int i = 0; i < 30; i++) gs.add(Gevent.spawn(() -> Popen.builder("sh", "-c", "exit 3").start().waitFor()));
            for (Greenlet<Integer> g : gs) assertEquals(3, g.get());
          } else {
            for (int i = 0; i < 30; i++) assertEquals(3, Popen.builder("sh", "-c", "exit 3").start().waitFor());
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
    }
    for (Thread t : threads) t.join(120_000);
    assertEquals(List.of(), failures);
  }
}
