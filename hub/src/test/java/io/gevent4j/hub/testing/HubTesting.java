package io.gevent4j.hub.testing;

import io.gevent4j.hub.Hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.testing.Leaks;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a test body on a fresh platform thread with a fresh hub, then checks that every
 * greenlet ended, closes the hub and checks descriptors and threads. A body that does not end
 * in time fails the test (its thread is left behind, never hangs the suite).
 */
public final class HubTesting {
  private HubTesting() {}

  /** A test body that gets the thread's hub. */
  @FunctionalInterface
  public interface Body {
    void run(Hub hub) throws Exception;
  }

  public static void onFreshHub(Body body) {
    onFreshHub(30, body);
  }

  public static void onFreshHub(double seconds, Body body) {
    Leaks leaks = Leaks.snapshot();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = Thread.ofPlatform().name("test-hub").start(() -> {
      Hub hub = Hub.current();
      try {
        body.run(hub);
        Hub last = Hub.current(); // the body may have closed its hub and made another
        assertTrue(last.join(10), "greenlets still running at the end of the test: " + last.liveGreenlets());
        assertEquals(List.of(), last.liveGreenlets());
      } catch (Throwable e) {
        failure.set(e);
      } finally {
        try {
          Hub.current().close();
        } catch (Throwable e) {
          if (failure.get() == null) failure.set(e);
        }
      }
    });
    try {
      t.join((long) (seconds * 1000));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    if (t.isAlive()) {
      AssertionError hang = new AssertionError("the test did not end within " + seconds + " s");
      hang.setStackTrace(t.getStackTrace());
      throw hang;
    }
    Throwable e = failure.get();
    if (e instanceof Error err) throw err;
    if (e instanceof RuntimeException r) throw r;
    if (e != null) throw new AssertionError(e);
    leaks.assertNoLeak();
  }
}
