package io.gevent4j.hub;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.loop.IoWatcher;
import io.gevent4j.loop.Posix;
import io.gevent4j.loop.PosixSockets;
import io.gevent4j.loop.Watcher;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

/** {@link Hub#wait(Watcher, double)}, {@link Hub#waitArmed} and {@link Hub#cancelWait}; once per backend. */
@org.junit.jupiter.api.Timeout(60)
class WatcherWaitTest {

  /** A connected pair of non-blocking Unix stream sockets, closed by the test body. */
  private interface PairBody {
    void run(Hub hub, int a, int b) throws Exception;
  }

  private static void withPair(PairBody body) {
    onFreshHub(hub -> {
      int[] pair = PosixSockets.socketpair(Posix.AF_UNIX, Posix.SOCK_STREAM | Posix.SOCK_NONBLOCK, 0);
      try {
        body.run(hub, pair[0], pair[1]);
      } finally {
        Posix.close(pair[0]);
        Posix.close(pair[1]);
      }
    });
  }

  private static void send(int fd) {
    try {
      assertEquals(1, Posix.write(fd, new byte[] {1}, 0, 1));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void drain(int fd) throws IOException {
    byte[] buf = new byte[64];
    while (Posix.read(fd, buf, 0, buf.length) > 0) {
      // until WOULD_BLOCK
    }
  }

  @Test
  void waitStopsTheWatcherAgain() {
    withPair((hub, a, b) -> {
      try (IoWatcher w = hub.loop().io(a, Watcher.READ)) {
        hub.execute(() -> send(b));
        assertEquals(Watcher.READ, hub.wait(w, 5) & Watcher.READ);
        assertFalse(w.isActive());
        drain(a);
        assertEquals(0, hub.wait(w, 0.01), "nothing to read: timeout");
        assertFalse(w.isActive());
      }
    });
  }

  @Test
  void waitArmedLeavesTheWatcherStartedButUnreferenced() {
    withPair((hub, a, b) -> {
      try (IoWatcher w = hub.loop().io(a, Watcher.READ)) {
        hub.execute(() -> send(b));
        assertEquals(Watcher.READ, hub.waitArmed(w, 5) & Watcher.READ);
        assertTrue(w.isActive(), "armed for the next wait");
        assertFalse(w.isRef(), "an idle socket must not keep the hub alive");
        assertTrue(hub.join(5), "join returns with the armed watcher still started");
        drain(a);
        // still started: the next wait costs no start, and a timeout leaves it armed too
        assertEquals(0, hub.waitArmed(w, 0.01));
        assertTrue(w.isActive());
        hub.execute(() -> send(b));
        assertEquals(Watcher.READ, hub.waitArmed(w, 5) & Watcher.READ);
      }
    });
  }

  @Test
  void anArmedWatcherThatFiresWithNobodyWaitingIsStopped() {
    withPair((hub, a, b) -> {
      try (IoWatcher w = hub.loop().io(a, Watcher.READ)) {
        hub.execute(() -> send(b));
        hub.waitArmed(w, 5);
        assertTrue(w.isActive());
        // still readable (not drained) and nobody waits: the next poll stops it
        Hub.sleep(0.001);
        assertFalse(w.isActive(), "a level-triggered fd must not fire at every poll");
        assertEquals(Watcher.READ, hub.waitArmed(w, 5) & Watcher.READ, "the next wait starts it again");
      }
    });
  }

  @Test
  void whileAGreenletWaitsTheArmedWatcherKeepsTheHubAlive() {
    withPair((hub, a, b) -> {
      try (IoWatcher w = hub.loop().io(a, Watcher.READ)) {
        int[] fired = {0};
        hub.execute(() -> fired[0] = hub.waitArmed(w, Double.POSITIVE_INFINITY));
        Hub.sleep(0);
        assertFalse(hub.join(0.02), "a greenlet waits on the armed watcher");
        send(b);
        assertTrue(hub.join(5));
        assertEquals(Watcher.READ, fired[0] & Watcher.READ);
      }
    });
  }

  @Test
  void armedAndUnreferencedWatchersArePolledWhileGreenletsSpin() {
    withPair((hub, a, b) -> {
      try (IoWatcher armed = hub.loop().io(a, Watcher.READ); IoWatcher unreferenced = hub.loop().io(b, Watcher.READ)) {
        // an armed wait, and a watcher nobody waits on that does not keep the hub alive (as a
        // signal handler's): both must be polled although a greenlet is always ready
        // (libuv's uv_run does not poll at all when nothing referenced is active)
        boolean[] stop = {false};
        int[] fired = {0, 0};
        unreferenced.setRef(false);
        unreferenced.start(revents -> {
          fired[1] = revents;
          unreferenced.stop();
        });
        hub.execute(() -> {
          while (!stop[0]) Hub.sleep(0);
        });
        hub.execute(() -> {
          fired[0] = hub.waitArmed(armed, 5);
          send(a); // wakes the unreferenced watcher on b
          while (fired[1] == 0) Hub.sleep(0);
          stop[0] = true;
        });
        Hub.sleep(0);
        send(b);
        assertTrue(hub.join(10));
        assertEquals(Watcher.READ, fired[0] & Watcher.READ, "the armed wait timed out: its fd was not polled");
        assertEquals(Watcher.READ, fired[1] & Watcher.READ);
      }
    });
  }

  @Test
  void cancelWaitWakesTheWaiterWithTheError() {
    withPair((hub, a, b) -> {
      for (boolean armed : new boolean[] {false, true}) {
        try (IoWatcher w = hub.loop().io(a, Watcher.READ)) {
          Throwable[] got = {null};
          hub.execute(() -> {
            try {
              if (armed) hub.waitArmed(w, Double.POSITIVE_INFINITY);
              else hub.wait(w, Double.POSITIVE_INFINITY);
            } catch (Throwable t) {
              got[0] = t;
            }
          });
          Hub.sleep(0);
          ClosedChannelException closed = new ClosedChannelException();
          assertTrue(hub.cancelWait(w, closed));
          assertFalse(hub.cancelWait(w, new ClosedChannelException()), "once only");
          assertTrue(hub.join(5));
          assertSame(closed, got[0]);
          assertFalse(hub.cancelWait(w, closed), "nobody waits any more");
        }
      }
    });
  }

  @Test
  void oneWaitPerWatcherAtATime() {
    withPair((hub, a, b) -> {
      try (IoWatcher w = hub.loop().io(a, Watcher.READ)) {
        hub.execute(() -> hub.waitArmed(w, Double.POSITIVE_INFINITY));
        Hub.sleep(0);
        assertThrows(IllegalStateException.class, () -> hub.waitArmed(w, 1));
        assertThrows(IllegalStateException.class, () -> hub.wait(w, 1));
        send(b);
        assertTrue(hub.join(5));
      }
    });
  }

  @Test
  void badTimeoutsAreRefused() {
    withPair((hub, a, b) -> {
      try (IoWatcher w = hub.loop().io(a, Watcher.READ)) {
        assertThrows(IllegalArgumentException.class, () -> hub.waitArmed(w, -1));
        assertThrows(IllegalArgumentException.class, () -> hub.wait(w, Double.NaN));
        assertFalse(w.isActive());
      }
    });
  }
}
