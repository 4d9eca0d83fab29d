package io.gevent4j.hub;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Delivering a kill (gevent's greenlet.throw / kill) wherever the greenlet waits; both backends. */
@org.junit.jupiter.api.Timeout(120)
class KillTest {

  @Test
  void aGreenletKilledInSleepEndsAtOnce() {
    onFreshHub(hub -> {
      List<String> seen = new ArrayList<>();
      RawGreenlet g = hub.newGreenlet(() -> {
        seen.add("sleeping");
        Hub.sleep(30);
        seen.add("woke");
      }, "sleeper").start();
      Hub.sleep(0);
      g.throwInto(new GreenletExit());
      assertTrue(hub.join(5), "the kill did not end the sleep");
      assertEquals(List.of("sleeping"), seen);
      assertTrue(g.dead());
      assertNull(g.failure(), "GreenletExit counts as success");
    });
  }

  @Test
  void aGreenletKilledInAJdkSocketReadIsInterrupted() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
      onFreshHub(hub -> {
        List<String> seen = new ArrayList<>();
        Waiter<Void> connected = new Waiter<>(true);
        RawGreenlet g = hub.newGreenlet(() -> {
          try (Socket s = new Socket(loopback, server.getLocalPort())) {
            seen.add("connected");
            connected.switchTo(null); // the hub's thread resumes once this greenlet parks in read()
            s.getInputStream().read(); // the peer never writes
            seen.add("read");
          } catch (java.io.IOException e) {
            seen.add("io error: " + e.getClass().getSimpleName());
          }
        }, "reader").start();
        connected.get(10);
        try (Socket _ = server.accept()) {
          g.throwInto(new GreenletExit());
          assertTrue(hub.join(5), "the kill did not end the read");
        }
        assertTrue(seen.contains("connected"), seen.toString());
        assertFalse(seen.contains("read"), seen.toString());
        assertNull(g.failure());
      });
    }
  }

  @Test
  void aGreenletKilledInAwaitEndsAndNoLongerKeepsTheHubAlive() {
    onFreshHub(hub -> {
      CompletableFuture<String> never = new CompletableFuture<>();
      RawGreenlet g = hub.newGreenlet(() -> Hub.await(never), "awaiter").start();
      Hub.sleep(0);
      assertFalse(hub.join(0.01), "a greenlet in await keeps the hub alive");
      g.throwInto(new GreenletExit());
      assertTrue(hub.join(5));
      assertTrue(g.dead());
    });
  }

  @Test
  void aGreenletKilledBeforeItRunsNeverRuns() {
    onFreshHub(hub -> {
      List<String> seen = new ArrayList<>();
      RawGreenlet started = hub.newGreenlet(() -> seen.add("started ran"), "a").start();
      started.throwInto(new GreenletExit());
      RawGreenlet unstarted = hub.newGreenlet(() -> seen.add("unstarted ran"), "b");
      unstarted.throwInto(new GreenletExit());
      unstarted.start();
      assertTrue(hub.join(5));
      assertEquals(List.of(), seen);
      assertTrue(started.dead());
      assertTrue(unstarted.dead());
    });
  }

  @Test
  void aKillWithAnotherErrorIsTheGreenletsFailure() {
    onFreshHub(hub -> {
      IllegalStateException error = new IllegalStateException("stop it (expected in this test)");
      RawGreenlet g = hub.newGreenlet(() -> Hub.sleep(30), "victim").start();
      Hub.sleep(0);
      g.throwInto(error);
      assertTrue(hub.join(5));
      assertSame(error, g.failure());
    });
  }

  @Test
  void aKillLandsInABusySleepZeroLoop() {
    onFreshHub(hub -> {
      int[] rounds = {0};
      RawGreenlet g = hub.newGreenlet(() -> {
        while (true) {
          rounds[0]++;
          Hub.sleep(0);
        }
      }, "spinner").start();
      Hub.sleep(0);
      Hub.sleep(0);
      g.throwInto(new GreenletExit());
      assertTrue(hub.join(5));
      assertTrue(rounds[0] >= 1);
    });
  }

  @Test
  void exitHooksRunOnceWhenTheGreenletEnds() {
    onFreshHub(hub -> {
      List<String> seen = new ArrayList<>();
      RawGreenlet g = hub.newGreenlet(() -> Hub.sleep(0.01), "hooked");
      g.onExit(x -> seen.add("first"));
      g.start();
      g.onExit(x -> seen.add("second"));
      hub.join(5);
      g.onExit(x -> seen.add("after death"));
      assertEquals(List.of("first", "second", "after death"), seen);
    });
  }

  /**
   * A kill that finds the greenlet in a wait an interrupt cannot end (a monitor, Lock.lock())
   * is not turned into an interrupt that would stay set and hit the next JDK call: it is
   * thrown at the greenlet's next wait point. Before, the greenlet went on with its interrupt
   * status set.
   */
  @Test
  void aKillDuringAnUninterruptibleWaitIsThrownAtTheNextWaitPointWithoutAnInterrupt() {
    onFreshHub(hub -> {
      java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
      Object monitor = new Object();
      List<String> seen = new ArrayList<>();
      lock.lock();
      RawGreenlet locker = hub.newGreenlet(() -> {
        lock.lock();
        lock.unlock();
        seen.add("lock: interrupted " + Thread.currentThread().isInterrupted());
        Hub.sleep(5); // the kill is thrown here
        seen.add("lock: slept");
      }, "locker").start();
      RawGreenlet syncer;
      synchronized (monitor) {
        syncer = hub.newGreenlet(() -> {
          synchronized (monitor) {
            seen.add("monitor: interrupted " + Thread.currentThread().isInterrupted());
          }
          Hub.sleep(5);
          seen.add("monitor: slept");
        }, "syncer").start();
        Hub.sleep(0); // both run into their waits
        assertEquals(Thread.State.WAITING, locker.thread().getState());
        assertEquals(Thread.State.BLOCKED, syncer.thread().getState());
        locker.throwInto(new GreenletExit());
        syncer.throwInto(new GreenletExit());
      }
      lock.unlock();
      assertTrue(hub.join(4), "the kills were not thrown at the next wait point");
      assertEquals(List.of("lock: interrupted false", "monitor: interrupted false"), seen);
      assertTrue(locker.dead() && syncer.dead());
      assertNull(locker.failure());
      assertNull(syncer.failure());
    });
  }

  /** The same kill, the greenlet's next wait a JDK call that an interrupt ends: interrupted there. */
  @Test
  void aDeferredKillInterruptsTheNextInterruptibleJdkCall() {
    onFreshHub(hub -> {
      Object monitor = new Object();
      List<String> seen = new ArrayList<>();
      RawGreenlet g;
      synchronized (monitor) {
        g = hub.newGreenlet(() -> {
          synchronized (monitor) {
            seen.add("interrupted " + Thread.currentThread().isInterrupted());
          }
          try {
            Thread.sleep(5_000);
            seen.add("slept");
          } catch (InterruptedException e) {
            seen.add("sleep interrupted");
          }
        }, "syncer").start();
        Hub.sleep(0);
        g.throwInto(new GreenletExit());
      }
      assertTrue(hub.join(4), "the kill did not reach the sleep");
      assertEquals(List.of("interrupted false", "sleep interrupted"), seen);
      assertNull(g.failure(), "the kill is the outcome");
    });
  }
}
