package io.gevent4j.socket;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.loop.Posix;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Sockets used from a plain thread (gevent's main greenlet), on both backends: the owner of a
 * hub never carries greenlets itself, so a monitor it holds (BufferedReader.readLine's) stays
 * its own; its socket waits resume it in FIFO order; a close from another thread wakes it.
 */
@org.junit.jupiter.api.Timeout(120)
class PlainThreadSocketTest {

  /**
   * A greenlet serves one line; the plain thread writes a line and reads the reply with a
   * BufferedReader, whose readLine holds the reader's lock while the hub runs greenlets.
   * Before the hub had a thread of its own, this spun forever at 100 % CPU within a few rounds
   * (HotSpot lost the monitor the plain thread held while it carried greenlets).
   */
  @Test
  void aPlainThreadReadsLinesWithABufferedReader200Times() {
    onFreshHub(hub -> {
      for (int round = 0; round < 200; round++) {
        try (Socket listener = Socket.tcp()) {
          listener.bind(new InetSocketAddress("127.0.0.1", 0));
          listener.listen(128);
          Greenlet<String> server = Gevent.spawn(() -> {
            try (Socket conn = listener.accept()) {
              String line = new BufferedReader(new InputStreamReader(conn.inputStream(), US_ASCII)).readLine();
              conn.outputStream().write(("hello " + line + "\n").getBytes(US_ASCII));
              return line;
            }
          });
          try (Socket client = Socket.createConnection("127.0.0.1", listener.localAddress().getPort(), 5.0)) {
            client.outputStream().write(("stream " + round + "\n").getBytes(US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(client.inputStream(), US_ASCII));
            assertEquals("hello stream " + round, in.readLine());
          }
          assertEquals("stream " + round, server.get(5.0));
        }
      }
    });
  }

  /** A monitor held by the owner while it waits is still held, and still its own, after. */
  @Test
  void aMonitorHeldAcrossWaitsStaysTheOwners() {
    onFreshHub(hub -> {
      Object lock = new Object();
      Object other = new Object();
      for (int round = 0; round < 200; round++) {
        synchronized (lock) {
          Greenlet<Void> g = Gevent.spawn(() -> {
            synchronized (other) {
              Gevent.sleep(0);
            }
          });
          Gevent.sleep(0);
          g.join();
          assertTrue(Thread.holdsLock(lock), "round " + round);
          lock.notifyAll(); // IllegalMonitorStateException if the monitor was lost
        }
      }
    });
  }

  /** A socket wait of the owner ends at its place in the FIFO: after the poll that saw it. */
  @Test
  void aSocketWaitResumesTheOwnerInFifoOrder() {
    onFreshHub(hub -> {
      int[] pipe = Posix.pipe2(0);
      try {
        List<String> log = new ArrayList<>();
        Gevent.spawn(() -> {
          Posix.write(pipe[1], new byte[] {1}, 0, 1);
          log.add("a wrote");
          Gevent.sleep(0);
          log.add("a later");
          return null;
        });
        Gevent.spawn(() -> log.add("b"));
        Sockets.waitRead(pipe[0], 5.0);
        log.add("owner");
        assertEquals(List.of("a wrote", "b", "a later", "owner"), log);
      } finally {
        Posix.close(pipe[0]);
        Posix.close(pipe[1]);
      }
    });
  }

  /** java.net.Socket users close from another thread to unblock a reader: so can ours. */
  @Test
  void aCloseFromAnotherThreadWakesAPlainThreadReadingOnItsOwnHub() throws Exception {
    Socket[] pair = Socket.socketpair();
    try {
      CompletableFuture<Throwable> reader = new CompletableFuture<>();
      CompletableFuture<Void> waiting = new CompletableFuture<>();
      Thread t = Thread.ofPlatform().name("reader").start(() -> {
        try {
          Hub.current().callSoon(() -> waiting.complete(null)); // runs once this thread waits
          pair[0].recv(16);
          reader.complete(null);
        } catch (Throwable e) {
          reader.complete(e);
        }
      });
      waiting.get(10, TimeUnit.SECONDS);
      pair[0].close(); // from the test thread: another hub (or none)
      Throwable e = reader.get(10, TimeUnit.SECONDS);
      assertTrue(e instanceof ClosedChannelException, "the reader woke with " + e);
      t.join();
    } finally {
      pair[1].close();
    }
  }

  /** The same with the reader in a greenlet of one hub and the close from another hub's greenlet. */
  @Test
  void aCloseFromAnotherHubWakesAGreenletReader() throws Exception {
    Socket[] pair = Socket.socketpair();
    try {
      CompletableFuture<Throwable> reader = new CompletableFuture<>();
      CompletableFuture<Void> waiting = new CompletableFuture<>();
      Thread a = Thread.ofPlatform().name("hub-a").start(() -> {
        Greenlet<Void> g = Gevent.spawn(() -> {
          Hub.current().callSoon(() -> waiting.complete(null));
          try {
            pair[0].recv(16);
            reader.complete(null);
          } catch (Throwable e) {
            reader.complete(e);
          }
          return null;
        });
        g.join();
      });
      waiting.get(10, TimeUnit.SECONDS);
      Thread b = Thread.ofPlatform().name("hub-b").start(() -> Gevent.spawn(pair[0]::close).join());
      Throwable e = reader.get(10, TimeUnit.SECONDS);
      assertTrue(e instanceof ClosedChannelException, "the reader woke with " + e);
      a.join();
      b.join();
      assertThrows(ClosedChannelException.class, () -> pair[0].recv(1));
    } finally {
      pair[1].close();
    }
  }
}
