package io.gevent4j.hub;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** gevent.Timeout's semantics, in greenlets and on the hub's own thread; both backends. */
@org.junit.jupiter.api.Timeout(120)
class TimeoutTest {

  @Test
  void aTimeoutFiresAtTheWaitOfTheGreenletThatStartedIt() {
    onFreshHub(hub -> {
      Object[] caught = new Object[2];
      hub.execute(() -> {
        Timeout t = Timeout.start(0.02);
        try {
          Hub.sleep(5);
          fail("slept through the timeout");
        } catch (Timeout e) {
          caught[0] = e;
          caught[1] = t;
        } finally {
          t.close();
        }
      });
      assertTrue(hub.join(10));
      assertSame(caught[1], caught[0]);
    });
  }

  @Test
  void onThePlainThreadToo() {
    onFreshHub(hub -> {
      try (Timeout t = Timeout.start(0.02)) {
        Timeout e = assertThrows(Timeout.class, () -> new Waiter<String>(true).get());
        assertSame(t, e);
        assertFalse(t.pending());
      }
    });
  }

  @Test
  void catchExceptionDoesNotSwallowIt() {
    onFreshHub(hub -> {
      List<String> seen = new ArrayList<>();
      hub.execute(() -> {
        try (Timeout _ = Timeout.start(0.01)) {
          try {
            Hub.sleep(5);
          } catch (Exception e) {
            seen.add("swallowed");
          }
        } catch (Timeout t) {
          seen.add("timeout");
        }
      });
      hub.join(10);
      assertEquals(List.of("timeout"), seen);
    });
  }

  @Test
  void nestedTimeoutsEachFireForThemselves() {
    onFreshHub(hub -> {
      List<String> seen = new ArrayList<>();
      hub.execute(() -> {
        try (Timeout outer = Timeout.start(5)) {
          try (Timeout _ = Timeout.start(0.01)) {
            Hub.sleep(1);
          } catch (Timeout t) {
            seen.add(t.seconds() == 0.01 ? "inner" : "outer?");
          }
          assertTrue(outer.pending());
        }
        Timeout outer = Timeout.start(0.01);
        try {
          try (Timeout _ = Timeout.start(5)) {
            Hub.sleep(1);
          } catch (Timeout t) {
            if (t.seconds() == 5) seen.add("inner caught the outer's");
            throw t;
          }
        } catch (Timeout t) {
          seen.add(t == outer ? "outer" : "other");
        } finally {
          outer.cancel();
        }
      });
      hub.join(10);
      assertEquals(List.of("inner", "outer"), seen);
    });
  }

  @Test
  void aCustomThrowableIsRaisedInstead() {
    onFreshHub(hub -> {
      Throwable[] got = new Throwable[1];
      hub.execute(() -> {
        IOException custom = new IOException("too slow");
        try (Timeout _ = Timeout.start(0.01, custom)) {
          Hub.sleep(5);
        } catch (Throwable e) {
          got[0] = e;
        }
      });
      hub.join(10);
      assertTrue(got[0] instanceof IOException, String.valueOf(got[0]));
      assertEquals("too slow", got[0].getMessage());
    });
  }

  @Test
  void aRestartAfterCancelRunsTheFullPeriod() {
    onFreshHub(hub -> {
      Timeout t = new Timeout(0.3);
      t.start();
      Hub.sleep(0.2);
      t.cancel();
      assertFalse(t.pending());
      t.start();
      Hub.sleep(0.2); // 0.1 s would remain if the restart resumed; the full 0.3 s remains
      assertTrue(t.pending());
      assertThrows(Timeout.class, () -> Hub.sleep(1));
      assertFalse(t.pending());
    });
  }

  @Test
  void startZeroFiresAtTheFirstRealWaitNotAtSleepZero() {
    onFreshHub(hub -> {
      List<String> seen = new ArrayList<>();
      hub.execute(() -> {
        try (Timeout _ = Timeout.start(0)) {
          Hub.sleep(0);
          Hub.sleep(0);
          seen.add("sleep(0) passed");
          Hub.sleep(1);
          seen.add("slept");
        } catch (Timeout e) {
          seen.add("timeout");
        }
      });
      hub.join(10);
      assertEquals(List.of("sleep(0) passed", "timeout"), seen);
    });
  }

  @Test
  void withTimeoutReturnsTheFallbackOrTheValue() {
    onFreshHub(hub -> {
      assertEquals("fallback", Timeout.withTimeout(0.01, () -> {
        Hub.sleep(5);
        return "value";
      }, "fallback"));
      assertEquals("value", Timeout.withTimeout(5, () -> "value", "fallback"));
      CompletionException e = assertThrows(CompletionException.class,
          () -> Timeout.withTimeout(5, () -> {
            throw new IOException("checked");
          }, "fallback"));
      assertTrue(e.getCause() instanceof IOException);
      // another timeout passes through
      try (Timeout outer = Timeout.start(0.01)) {
        Timeout thrown = assertThrows(Timeout.class, () -> Timeout.withTimeout(5, () -> {
          Hub.sleep(1);
          return "value";
        }, "fallback"));
        assertSame(outer, thrown);
      }
    });
  }

  @Test
  void waitsCountFromWhenTheyStartNotFromTheLastPoll() {
    onFreshHub(hub -> {
      Hub.sleep(0.001);
      for (String what : List.of("sleep", "timeout")) {
        long busy = System.nanoTime() + 100_000_000L;
        while (System.nanoTime() < busy) Thread.onSpinWait(); // the hub does not poll meanwhile
        long start = System.nanoTime();
        if (what.equals("sleep")) {
          Hub.sleep(0.05);
        } else {
          try (Timeout _ = Timeout.start(0.05)) {
            Hub.sleep(10);
            fail("the timeout did not fire");
          } catch (Timeout expected) {
            // fired
          }
        }
        long waited = System.nanoTime() - start;
        assertTrue(waited >= 45_000_000L, what + "(0.05) after 100 ms of busy hub ended after " + waited / 1e6 + " ms");
      }
    });
  }

  @Test
  void aCancelledTimeoutNeverFires() {
    onFreshHub(hub -> {
      Timeout t = Timeout.start(0.01);
      t.cancel();
      t.cancel();
      Hub.sleep(0.05);
      assertFalse(t.pending());
      Timeout infinite = Timeout.start(Double.POSITIVE_INFINITY);
      assertFalse(infinite.pending());
      infinite.close();
    });
  }

  @Test
  void startingAPendingTimeoutAgainIsRefused() {
    onFreshHub(hub -> {
      try (Timeout t = Timeout.start(5)) {
        assertThrows(IllegalStateException.class, t::start);
      }
    });
  }
}
