package io.gevent4j.loop.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.loop.IoWatcher;
import io.gevent4j.loop.Loop;
import io.gevent4j.loop.RunMode;
import io.gevent4j.loop.TimerWatcher;
import io.gevent4j.loop.Watcher;
import io.gevent4j.testing.Leaks;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The c-ares peer over a plain {@link Loop}, driven as the dns module's transport drives it: io
 * watchers on the descriptors it names, one timer for its timeout. The nameserver is a loopback UDP
 * socket on a thread of the test that answers each query with itself (QR set), or stays silent.
 */
@Timeout(30)
class AresTest {
  /** A nameserver on 127.0.0.1: echoes each query as its reply, unless silent. */
  private static final class FakeServer implements AutoCloseable {
    final DatagramSocket socket;
    final Thread thread;
    final AtomicInteger queries = new AtomicInteger();

    FakeServer(boolean silent) throws SocketException {
      socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      thread = Thread.ofPlatform().name("fake-dns").start(() -> {
        byte[] buf = new byte[600];
        try {
          while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.receive(p);
            queries.incrementAndGet();
            if (silent) continue;
            byte[] reply = Arrays.copyOf(p.getData(), p.getLength());
            reply[2] |= (byte) 0x80;
            socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
          }
        } catch (IOException closed) {
          // close() ends it
        }
      });
    }

    InetSocketAddress address() {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
      socket.close(); // ends the thread's receive
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the test is being stopped: the thread ends by itself
      }
    }
  }

  /** A query for {@code name} (type A, class IN) with {@code id}. */
  static byte[] query(int id, String name) {
    List<Byte> out = new ArrayList<>(List.of((byte) (id >> 8), (byte) id, (byte) 1, (byte) 0, (byte) 0, (byte) 1,
        (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0));
    for (String label : name.split("\\.")) {
      out.add((byte) label.length());
      for (char c : label.toCharArray()) out.add((byte) c);
    }
    out.addAll(List.of((byte) 0, (byte) 0, (byte) 1, (byte) 0, (byte) 1));
    byte[] b = new byte[out.size()];
    for (int i = 0; i < b.length; i++) b[i] = out.get(i);
    return b;
  }

  /** The listener, watchers and timer, as a transport keeps them. */
  private static final class Driver implements Ares.Listener {
    final Loop loop;
    Ares ares;
    final Map<Integer, IoWatcher> io = new HashMap<>();
    final Map<Integer, Object> results = new HashMap<>();
    TimerWatcher timer;
    int opened;
    int closed;

    Driver(Loop loop) {
      this.loop = loop;
    }

    @Override
    public void socket(int fd, int events) {
      IoWatcher w = io.get(fd);
      if (events == 0) {
        closed++;
        io.remove(fd).close();
      } else if (w == null) {
        opened++;
        w = loop.io(fd, events);
        io.put(fd, w);
        w.start(revents -> {
          ares.process((revents & (Watcher.READ | Watcher.ERROR)) != 0 ? fd : Ares.NO_FD,
              (revents & Watcher.WRITE) != 0 ? fd : Ares.NO_FD);
          rearm();
        });
      } else {
        w.set(fd, events);
      }
    }

    @Override
    public void done(int token, byte[] reply, IOException failure) {
      results.put(token, reply != null ? reply : failure);
    }

    void rearm() {
      if (ares.isClosed()) return;
      int ms = ares.nextTimeout();
      if (ms < 0) {
        if (timer != null) timer.stop();
        return;
      }
      loop.updateNow();
      if (timer == null) timer = loop.timer(Math.max(1, ms) / 1000.0, 0);
      else timer.set(Math.max(1, ms) / 1000.0, 0);
      timer.start(revents -> {
        ares.process(Ares.NO_FD, Ares.NO_FD);
        rearm();
      });
    }

    void send(byte[] query, int token) {
      ares.send(query, token);
      rearm();
    }

    void runUntil(int done, double seconds) {
      try (TimerWatcher guard = loop.timer(seconds, 0)) {
        boolean[] expired = {false};
        guard.start(revents -> expired[0] = true);
        while (results.size() < done && !expired[0]) loop.run(RunMode.ONCE);
      }
      assertEquals(done, results.size(), "queries done: " + results);
    }
  }

  @Test
  void aReplyComesBackThroughTheLoopsWatchers() throws Exception {
    Leaks leaks = Leaks.snapshot();
    try (FakeServer server = new FakeServer(false); Loop loop = Loop.create()) {
      Driver d = new Driver(loop);
      d.ares = Ares.open(loop, List.of(server.address()), 2000, 2, d);
      assertEquals(-1, d.ares.nextTimeout());
      byte[] q = query(0x1234, "example.com");
      d.send(q, 7);
      assertEquals(1, d.opened);
      d.runUntil(1, 10);
      byte[] reply = (byte[]) d.results.get(7);
      byte[] expected = q.clone();
      expected[2] |= (byte) 0x80;
      assertArrayEquals(expected, reply);
      assertEquals(1, d.closed, "the last query ended: c-ares closed its socket");
      assertEquals(-1, d.ares.nextTimeout());
      d.ares.close();
      d.ares.close();
      assertTrue(d.ares.isClosed());
    }
    leaks.assertNoLeak();
  }

  @Test
  void aSilentServerIsATimeoutNamingTheServerAndTheTime() throws Exception {
    try (FakeServer server = new FakeServer(true); Loop loop = Loop.create()) {
      Driver d = new Driver(loop);
      d.ares = Ares.open(loop, List.of(server.address()), 50, 2, d);
      long started = System.nanoTime();
      d.send(query(1, "silent.example"), 1);
      d.runUntil(1, 10);
      long millis = (System.nanoTime() - started) / 1_000_000;
      SocketTimeoutException e = assertInstanceOf(SocketTimeoutException.class, d.results.get(1));
      String hostPort = "127.0.0.1:" + server.address().getPort();
      assertTrue(e.getMessage().contains(hostPort) && e.getMessage().contains("0.05 s") && e.getMessage().contains("ARES_ETIMEOUT")
          && e.getMessage().contains("ares_send"), e.getMessage());
      assertTrue(millis >= 140, "50 ms, then 100 ms: " + millis);
      assertEquals(2, server.queries.get());
      assertEquals(d.opened, d.closed);
    }
  }

  @Test
  void closingTheLoopClosesTheChannelFirst() throws Exception {
    Leaks leaks = Leaks.snapshot();
    try (FakeServer server = new FakeServer(true)) {
      Loop loop = Loop.create();
      Driver d = new Driver(loop);
      d.ares = Ares.open(loop, List.of(server.address()), 5000, 2, d);
      d.send(query(2, "pending.example"), 1);
      d.send(query(3, "pending.example"), 2);
      assertEquals(1, d.opened);
      loop.close();
      assertTrue(d.ares.isClosed());
      assertEquals(1, d.closed, "the listener was told while the loop was still there");
      for (int token : new int[] {1, 2}) {
        IOException e = assertInstanceOf(Closed.class, d.results.get(token));
        assertTrue(e.getMessage().contains("ARES_EDESTRUCTION"), e.getMessage());
      }
      IllegalStateException late = assertThrows(IllegalStateException.class, () -> d.ares.send(query(4, "late.example"), 3));
      assertTrue(late.getMessage().contains("ares_send") && late.getMessage().contains("closed"), late.getMessage());
      d.ares.close();
    }
    leaks.assertNoLeak();
  }

  @Test
  void aRefusedPortIsAConnectException() throws Exception {
    InetSocketAddress nobody;
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      nobody = (InetSocketAddress) s.getLocalSocketAddress();
    }
    try (Loop loop = Loop.create()) {
      Driver d = new Driver(loop);
      d.ares = Ares.open(loop, List.of(nobody), 5000, 2, d);
      d.send(query(5, "refused.example"), 1);
      d.runUntil(1, 10);
      IOException e = assertInstanceOf(java.net.ConnectException.class, d.results.get(1));
      assertTrue(e.getMessage().contains("ARES_ECONNREFUSED") && e.getMessage().contains(":" + nobody.getPort()), e.getMessage());
      d.ares.close();
    }
  }

  @Test
  void versions() {
    assertEquals(Ares.buildVersion(), Ares.version());
    assertTrue(Ares.version().matches("\\d+\\.\\d+\\.\\d+"), Ares.version());
    int timeout = LoopAccess.get().constant("ARES_ETIMEOUT");
    assertTrue(Ares.describe(timeout).startsWith("ARES_ETIMEOUT ("), Ares.describe(timeout));
  }
}
