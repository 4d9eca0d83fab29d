package io.gevent4j.hub;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/**
 * A Timeout around a JDK blocking call in a greenlet: the call is interrupted and ends with the
 * JDK's own exception; {@code withTimeout} returns its fallback (before: a CompletionException
 * around that exception), {@link Timeout#fired()} tells the handler what happened, and the
 * interrupt status does not outlive the block. Both backends.
 */
@org.junit.jupiter.api.Timeout(60)
class TimeoutJdkTest {

  /** Runs {@code body} in a greenlet of this hub, returns what it returned. */
  private static <T> T inGreenlet(Hub hub, Callable<T> body) {
    Object[] out = new Object[1];
    Throwable[] failed = new Throwable[1];
    hub.execute(() -> {
      try {
        out[0] = body.call();
      } catch (Throwable t) {
        failed[0] = t;
      }
    });
    assertTrue(hub.join(20));
    if (failed[0] != null) throw new AssertionError(failed[0]);
    @SuppressWarnings("unchecked")
    T t = (T) out[0];
    return t;
  }

  private interface JdkCall {
    void run() throws Exception;
  }

  private static void checkFallback(Hub hub, String what, JdkCall call) {
    String got = inGreenlet(hub, () -> {
      String r = Timeout.withTimeout(0.2, () -> {
        call.run();
        return "finished";
      }, "fallback");
      return r + (Thread.currentThread().isInterrupted() ? " (interrupt left set)" : "");
    });
    assertEquals("fallback", got, what);
  }

  @Test
  void withTimeoutReturnsItsFallbackFromThreadSleep() {
    onFreshHub(hub -> checkFallback(hub, "Thread.sleep", () -> Thread.sleep(10_000)));
  }

  @Test
  void withTimeoutReturnsItsFallbackFromLinkedBlockingQueueTake() {
    onFreshHub(hub -> checkFallback(hub, "take", () -> new LinkedBlockingQueue<String>().take()));
  }

  @Test
  void withTimeoutReturnsItsFallbackFromAJavaNetSocketRead() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
      onFreshHub(hub -> checkFallback(hub, "Socket read", () -> {
        try (Socket s = new Socket(loopback, server.getLocalPort()); Socket _ = server.accept()) {
          s.getInputStream().read(); // the peer never writes
        }
      }));
    }
  }

  @Test
  void withTimeoutReturnsItsFallbackFromAnHttpUrlConnectionRead() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor = Thread.ofPlatform().start(() -> {
        try {
          accepted.add(server.accept()); // and never answer
        } catch (java.io.IOException e) {
          // the server socket closed
        }
      });
      onFreshHub(hub -> {
        checkFallback(hub, "HttpURLConnection", () -> {
          HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.getLocalPort() + "/").toURL()
              .openConnection();
          c.getResponseCode();
        });
        acceptor.join();
        for (Socket s : accepted) s.close();
      });
    }
  }

  /**
   * Timeout.call: the Timeout itself comes out, whatever the interrupted JDK call threw; the
   * body's result when it does not fire; the body's own exception when it fails by itself.
   */
  @Test
  void timeoutCallThrowsTheTimeoutFromAJavaNetSocketRead() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
      onFreshHub(hub -> {
        String got = inGreenlet(hub, () -> {
          try (Socket s = new Socket(loopback, server.getLocalPort()); Socket _ = server.accept()) {
            Timeout.call(0.2, () -> s.getInputStream().read()); // the peer never writes
            return "finished";
          } catch (Timeout t) {
            return "timeout" + (Thread.currentThread().isInterrupted() ? " (interrupt left set)" : "");
          }
        });
        assertEquals("timeout", got);
        assertEquals("done", inGreenlet(hub, () -> Timeout.call(5, () -> "done")));
        String own = inGreenlet(hub, () -> {
          try {
            return Timeout.call(5, () -> {
              throw new java.io.IOException("the body's own");
            });
          } catch (java.io.IOException e) {
            return e.getMessage();
          }
        });
        assertEquals("the body's own", own);
      });
    }
  }

  /**
   * try-with-resources: the JDK's exception comes out of the block (the JDK decides its type),
   * the Timeout says it fired, and nothing of it is left once the block is closed: no
   * interrupt status, no Timeout thrown at a later wait.
   */
  @Test
  void aTimeoutThatEndedAJdkCallLeavesNothingBehindItsBlock() {
    onFreshHub(hub -> {
      List<String> seen = inGreenlet(hub, () -> {
        List<String> log = new ArrayList<>();
        Timeout started = null;
        try (Timeout t = Timeout.start(0.1)) {
          started = t;
          Thread.sleep(10_000);
        } catch (InterruptedException e) {
          log.add("interrupted, fired " + started.fired());
        }
        log.add("interrupt status " + Thread.currentThread().isInterrupted());
        Hub.sleep(0.15); // longer than the timeout: it must not surface here
        log.add("slept");
        return log;
      });
      assertEquals(List.of("interrupted, fired true", "interrupt status false", "slept"), seen);
    });
  }

  @Test
  void aTimeoutThatDidNotFireSaysSo() {
    onFreshHub(hub -> {
      try (Timeout t = Timeout.start(5)) {
        Hub.sleep(0.01);
        assertFalse(t.fired());
      }
    });
  }
}
