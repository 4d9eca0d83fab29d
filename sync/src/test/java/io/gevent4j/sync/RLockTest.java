package io.gevent4j.sync;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.BlockingSwitchOutError;
import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.LoopExit;
import io.gevent4j.hub.RawGreenlet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.junit.jupiter.api.Test;

/** gevent.lock.RLock as a java.util.concurrent.locks.Lock, and its conditions; both backends. */
@org.junit.jupiter.api.Timeout(120)
class RLockTest {

  @Test
  void theOwnerLocksAgainAndEachLockNeedsItsUnlock() {
    onFreshHub(hub -> {
      RLock lock = new RLock();
      assertFalse(lock.locked());
      lock.lock();
      lock.acquire();
      assertTrue(lock.tryLock());
      assertTrue(lock.acquire(0));
      assertEquals(4, lock.getHoldCount());
      assertTrue(lock.isHeldByCurrentThread());
      lock.unlock();
      lock.release();
      lock.unlock();
      assertTrue(lock.locked());
      lock.unlock();
      assertFalse(lock.locked());
      assertEquals(0, lock.getHoldCount());
      assertThrows(IllegalMonitorStateException.class, lock::unlock, "not locked");
    });
  }

  @Test
  void onlyTheOwnerGreenletUnlocks() {
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      RLock lock = new RLock();
      lock.lock();
      List<String> seen = new ArrayList<>();
      s.spawn("other", () -> {
        assertFalse(lock.isHeldByCurrentThread());
        assertEquals(0, lock.getHoldCount());
        assertFalse(lock.tryLock());
        assertFalse(lock.acquire(0.01));
        IllegalMonitorStateException e = assertThrows(IllegalMonitorStateException.class, lock::unlock);
        seen.add(e.getMessage());
      });
      assertTrue(hub.join(5));
      assertEquals(1, seen.size());
      assertTrue(seen.get(0).contains("test-hub"), seen.get(0));
      assertEquals(1, lock.getHoldCount());
      lock.unlock();
      s.check();
    });
  }

  @Test
  void unlockHandsTheLockToWaitersInOrderWithoutBarging() {
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      RLock lock = new RLock();
      List<String> order = new ArrayList<>();
      lock.lock();
      for (int i = 0; i < 5; i++) {
        int n = i;
        s.spawn("w" + i, () -> {
          lock.lock();
          try {
            order.add("w" + n);
            Hub.sleep(0); // hold it across a switch
          } finally {
            lock.unlock();
          }
        });
      }
      Hub.sleep(0);
      assertEquals(5, lock.waiting());
      lock.unlock();
      assertEquals(4, lock.waiting(), "handed to the first waiter, the others still wait");
      assertTrue(lock.locked(), "held for the first waiter");
      assertFalse(lock.tryLock(), "nobody barges in");
      assertTrue(hub.join(5));
      assertEquals(List.of("w0", "w1", "w2", "w3", "w4"), order);
      assertFalse(lock.locked());
      s.check();
    });
  }

  @Test
  void tryLockWithATimeFollowsTheLockContract() throws Exception {
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      RLock lock = new RLock();
      List<Object> seen = new ArrayList<>();
      s.spawn("holder", () -> {
        lock.lock();
        Hub.sleep(0.2);
        lock.unlock();
      });
      Hub.sleep(0);
      assertFalse(lock.tryLock(10, TimeUnit.MILLISECONDS));
      assertFalse(lock.tryLock(0, TimeUnit.SECONDS), "zero: don't wait");
      assertFalse(lock.tryLock(-5, TimeUnit.SECONDS), "negative: don't wait (Lock's contract)");
      assertThrows(NullPointerException.class, () -> lock.tryLock(1, null));
      Thread.currentThread().interrupt();
      assertThrows(InterruptedException.class, () -> lock.tryLock(1, TimeUnit.SECONDS));
      assertFalse(Thread.interrupted(), "the status is cleared");
      assertTrue(lock.tryLock(10, TimeUnit.SECONDS));
      seen.add(lock.getHoldCount());
      lock.unlock();
      assertEquals(List.of(1), seen);
      assertTrue(hub.join(5));
      s.check();
    });
  }

  @Test
  void anInterruptEndsAGreenletsLockInterruptiblyButNotItsLock() {
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      RLock lock = new RLock();
      lock.lock();
      List<String> seen = new ArrayList<>();
      RawGreenlet interruptible = s.spawn("interruptible", () -> {
        try {
          lock.lockInterruptibly();
          seen.add("locked");
          lock.unlock();
        } catch (InterruptedException e) {
          seen.add("interrupted");
        }
      });
      RawGreenlet plain = s.spawn("plain", () -> {
        lock.lock();
        seen.add("plain locked, interrupted " + Thread.interrupted());
        lock.unlock();
      });
      Hub.sleep(0);
      assertEquals(2, lock.waiting());
      interruptible.thread().interrupt();
      plain.thread().interrupt();
      Hub.sleep(0);
      assertEquals(List.of("interrupted"), seen);
      assertEquals(1, lock.waiting());
      lock.unlock();
      assertTrue(hub.join(5));
      assertEquals(List.of("interrupted", "plain locked, interrupted true"), seen);
      Thread.currentThread().interrupt();
      assertThrows(InterruptedException.class, lock::lockInterruptibly, "interrupted on entry, even when free");
      assertFalse(lock.locked());
      s.check();
    });
  }

  @Test
  void aGreenletKilledWhileWaitingNeitherTakesNorLosesTheLock() {
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      RLock lock = new RLock();
      List<String> seen = new ArrayList<>();
      lock.lock();
      RawGreenlet victim = s.spawn("victim", () -> {
        lock.lock();
        seen.add("victim locked");
      });
      s.spawn("next", () -> {
        lock.lock();
        seen.add("next locked");
        lock.unlock();
      });
      Hub.sleep(0);
      victim.throwInto(new GreenletExit()); // lands before the hand-off below is seen
      lock.unlock(); // handed to the victim, which passes it on
      assertTrue(hub.join(5));
      assertEquals(List.of("next locked"), seen);
      assertFalse(lock.locked());
      assertEquals(0, lock.waiting());
      s.check();
    });
  }

  @Test
  void aLockWhoseOwnerDiedStaysLocked() {
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      RLock lock = new RLock();
      RawGreenlet owner = s.spawn("careless", lock::lock);
      assertTrue(hub.join(5));
      assertTrue(owner.dead());
      assertTrue(lock.locked(), "as in gevent and ReentrantLock: nobody can release it now");
      assertTrue(lock.toString().contains("careless (dead)"), lock.toString());
      assertFalse(lock.tryLock());
      assertFalse(lock.acquire(0.01));
      assertThrows(IllegalMonitorStateException.class, lock::unlock);
      assertThrows(LoopExit.class, lock::acquire, "an endless gevent-style wait nothing can end");
      assertEquals(0, lock.waiting());
      s.check();
    });
  }

  @Test
  void waitingForALockInsideAHubCallbackIsABlockingSwitchOutError() {
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      RLock lock = new RLock();
      s.spawn("holder", lock::lock);
      Hub.sleep(0);
      List<Throwable> errors = new ArrayList<>();
      hub.callSoon(() -> {
        try {
          lock.lock();
        } catch (Throwable t) {
          errors.add(t);
        }
      });
      Hub.sleep(0);
      assertEquals(1, errors.size());
      assertInstanceOf(BlockingSwitchOutError.class, errors.get(0));
      assertEquals(0, lock.waiting());
      s.check();
    });
  }

  @Test
  void badInputIsRefused() {
    onFreshHub(hub -> {
      RLock lock = new RLock();
      assertThrows(IllegalArgumentException.class, () -> lock.acquire(-1));
      assertThrows(IllegalArgumentException.class, () -> lock.acquire(Double.NaN));
      assertFalse(lock.locked());
    });
  }

  // ---- conditions -----------------------------------------------------------------------------

  @Test
  void awaitReleasesEveryHoldAndTakesThemBack() {
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      RLock lock = new RLock();
      Condition ready = lock.newCondition();
      List<String> seen = new ArrayList<>();
      s.spawn("waiter", () -> {
        lock.lock();
        lock.lock();
        try {
          seen.add("waiting");
          ready.await();
          seen.add("signalled, holds " + lock.getHoldCount());
        } finally {
          lock.unlock();
          lock.unlock();
        }
      });
      Hub.sleep(0);
      assertFalse(lock.locked(), "await released both holds");
      lock.lock();
      seen.add("main locked");
      ready.signal();
      Hub.sleep(0);
      assertEquals(List.of("waiting", "main locked"), seen, "the waiter needs the lock back first");
      lock.unlock();
      assertTrue(hub.join(5));
      assertEquals(List.of("waiting", "main locked", "signalled, holds 2"), seen);
      assertFalse(lock.locked());
      s.check();
    });
  }

  @Test
  void signalWakesOneWaiterInOrderAndSignalAllTheRest() {
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      RLock lock = new RLock();
      Condition c = lock.newCondition();
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        int n = i;
        s.spawn("w" + i, () -> {
          lock.lock();
          try {
            c.awaitUninterruptibly();
            order.add(n);
          } finally {
            lock.unlock();
          }
        });
      }
      Hub.sleep(0);
      lock.lock();
      c.signal();
      lock.unlock();
      Hub.sleep(0);
      Hub.sleep(0);
      assertEquals(List.of(0), order);
      lock.lock();
      c.signalAll();
      lock.unlock();
      assertTrue(hub.join(5));
      assertEquals(List.of(0, 1, 2, 3, 4), order);
      s.check();
    });
  }

  @Test
  void timedAwaitsReturnFalseWithTheLockHeldAgain() throws Exception {
    onFreshHub(hub -> {
      RLock lock = new RLock();
      Condition c = lock.newCondition();
      lock.lock();
      assertFalse(c.await(10, TimeUnit.MILLISECONDS));
      assertTrue(c.awaitNanos(5_000_000) <= 0);
      assertFalse(c.await(0, TimeUnit.SECONDS));
      assertFalse(c.await(-1, TimeUnit.SECONDS), "negative: don't wait (Condition's contract)");
      assertFalse(c.awaitUntil(new Date(System.currentTimeMillis() + 10)));
      assertFalse(c.awaitUntil(new Date(0)));
      assertEquals(1, lock.getHoldCount());
      lock.unlock();
    });
  }

  @Test
  void conditionMethodsNeedTheLock() {
    onFreshHub(hub -> {
      RLock lock = new RLock();
      Condition c = lock.newCondition();
      assertThrows(IllegalMonitorStateException.class, c::await);
      assertThrows(IllegalMonitorStateException.class, c::awaitUninterruptibly);
      assertThrows(IllegalMonitorStateException.class, c::signal);
      assertThrows(IllegalMonitorStateException.class, c::signalAll);
      assertThrows(NullPointerException.class, () -> {
        lock.lock();
        try {
          c.awaitUntil(null);
        } finally {
          lock.unlock();
        }
      });
    });
  }

  @Test
  void anInterruptedOrKilledConditionWaiterGetsTheLockBackBeforeThrowing() {
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      RLock lock = new RLock();
      Condition c = lock.newCondition();
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      RawGreenlet interrupted = s.spawn("interrupted", () -> {
        lock.lock();
        try {
          c.await();
          seen.add("signalled");
        } catch (InterruptedException e) {
          seen.add("interrupted, holding " + lock.getHoldCount());
        } finally {
          lock.unlock();
        }
      });
      RawGreenlet killed = s.spawn("killed", () -> {
        lock.lock();
        try {
          c.await();
        } finally {
          seen.add("killed, holding " + lock.getHoldCount());
          lock.unlock();
        }
      });
      Hub.sleep(0);
      lock.lock(); // both wait for the lock back once woken
      interrupted.thread().interrupt();
      killed.throwInto(new GreenletExit());
      Hub.sleep(0);
      assertEquals(List.of(), seen);
      lock.unlock();
      assertTrue(hub.join(5));
      assertEquals(List.of("interrupted, holding 1", "killed, holding 1"), seen);
      assertFalse(lock.locked());
      s.check();
    });
  }

  @Test
  void aSignalToAWaiterKilledBeforeItRanGoesToTheNext() {
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      RLock lock = new RLock();
      Condition c = lock.newCondition();
      List<String> seen = new ArrayList<>();
      RawGreenlet first = s.spawn("first", () -> {
        lock.lock();
        try {
          c.awaitUninterruptibly();
          seen.add("first");
        } finally {
          lock.unlock();
        }
      });
      s.spawn("second", () -> {
        lock.lock();
        try {
          c.awaitUninterruptibly();
          seen.add("second");
        } finally {
          lock.unlock();
        }
      });
      Hub.sleep(0);
      first.throwInto(new GreenletExit());
      lock.lock();
      c.signal(); // to the first, which is dying: passed on to the second
      lock.unlock();
      assertTrue(hub.join(5));
      assertEquals(List.of("second"), seen);
      s.check();
    });
  }

  @Test
  void aPlainThreadAndGreenletsOfAnotherHubShareTheLock() throws Exception {
    onFreshHub(hub -> {
      Spawner s = new Spawner();
      RLock lock = new RLock();
      int[] counter = {0};
      Thread other = Thread.ofPlatform().name("other-hub").start(() -> {
        Hub mine = Hub.current();
        try {
          for (int i = 0; i < 20; i++) {
            s.spawn(mine, "other-" + i, () -> {
              for (int k = 0; k < 20; k++) {
                lock.lock();
                try {
                  int v = counter[0];
                  Hub.sleep(0);
                  counter[0] = v + 1;
                } finally {
                  lock.unlock();
                }
              }
            });
          }
          assertTrue(mine.join(30));
        } catch (Throwable t) {
          s.fail(t);
        } finally {
          mine.close();
        }
      });
      for (int k = 0; k < 100; k++) {
        assertTrue(lock.tryLock(30, TimeUnit.SECONDS));
        try {
          int v = counter[0];
          Hub.sleep(0);
          counter[0] = v + 1;
        } finally {
          lock.unlock();
        }
      }
      other.join();
      s.check();
      lock.lock();
      assertEquals(500, counter[0]);
      lock.unlock();
    });
  }
}
