package io.gevent4j.server;

import static io.gevent4j.greenlet.Gevent.joinAll;
import static io.gevent4j.greenlet.Gevent.sleep;
import static io.gevent4j.greenlet.Gevent.spawn;
import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.greenlet.Pool;
import io.gevent4j.hub.GreenletExit;
import io.gevent4j.socket.Socket;
import io.gevent4j.sync.Event;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** gevent.server.DatagramServer on both backends. */
@org.junit.jupiter.api.Timeout(120)
class DatagramServerTest {
  static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  /** A server whose handler gets the server itself, to reply through it. */
  interface ReplyingHandler {
    void handle(DatagramServer server, byte[] data, InetSocketAddress peer) throws Exception;
  }

  static DatagramServer server(ReplyingHandler handler) {
    DatagramServer[] self = new DatagramServer[1];
    self[0] = new DatagramServer(LOOPBACK_ANY_PORT, (data, peer) -> handler.handle(self[0], data, peer));
    return self[0];
  }

  static byte[] ask(InetSocketAddress server, byte[] question, double timeout) throws IOException {
    try (Socket c = Socket.udp()) {
      c.setTimeout(timeout);
      c.sendTo(question, server);
      DatagramPacket answer = c.recvFrom(65536);
      return java.util.Arrays.copyOf(answer.getData(), answer.getLength());
    }
  }

  @Test
  void echo() {
    onFreshHub(hub -> {
      DatagramServer server = server((s, data, peer) -> s.sendTo(data, peer));
      server.start();
      assertTrue(server.started());
      assertNotEquals(0, server.address().getPort());
      List<Greenlet<?>> clients = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        byte[] message = ("datagram " + i).getBytes();
        clients.add(spawn(() -> {
          assertArrayEquals(message, ask(server.address(), message, 5));
          return null;
        }));
      }
      joinAll(clients, 30, true);
      byte[] big = new byte[60000];
      new java.util.Random(3).nextBytes(big);
      assertArrayEquals(big, ask(server.address(), big, 5)); // nothing truncated
      assertArrayEquals(new byte[0], ask(server.address(), new byte[0], 5)); // empty datagrams too
      server.stop(5);
      assertFalse(server.started());
    });
  }

  @Test
  void maxConcurrencyIsHonoured() {
    onFreshHub(hub -> {
      AtomicInteger active = new AtomicInteger();
      AtomicInteger peak = new AtomicInteger();
      DatagramServer server = server((s, data, peer) -> {
        peak.accumulateAndGet(active.incrementAndGet(), Math::max);
        sleep(0.02);
        active.decrementAndGet();
        s.sendTo(data, peer);
      }).maxConcurrency(2);
      server.start();
      List<Greenlet<?>> clients = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        byte[] message = ("d" + i).getBytes();
        clients.add(spawn(() -> {
          assertArrayEquals(message, ask(server.address(), message, 10));
          return null;
        }));
      }
      joinAll(clients, 30, true);
      assertEquals(2, peak.get());
      server.stop(5);
    });
  }

  @Test
  void aSharedPoolBoundsTheHandlers() {
    onFreshHub(hub -> {
      Pool pool = new Pool(1);
      AtomicInteger active = new AtomicInteger();
      AtomicInteger peak = new AtomicInteger();
      DatagramServer server = server((s, data, peer) -> {
        peak.accumulateAndGet(active.incrementAndGet(), Math::max);
        sleep(0.01);
        active.decrementAndGet();
        s.sendTo(data, peer);
      }).spawn(pool);
      server.start();
      List<Greenlet<?>> clients = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        byte[] message = ("p" + i).getBytes();
        clients.add(spawn(() -> {
          assertArrayEquals(message, ask(server.address(), message, 10));
          return null;
        }));
      }
      joinAll(clients, 30, true);
      assertEquals(1, peak.get());
      server.stop(5);
    });
  }

  @Test
  void stopLetsHandlersReplyInTimeAndKillsThemAtTheTimeout() {
    onFreshHub(hub -> {
      Event in = new Event();
      DatagramServer graceful = server((s, data, peer) -> {
        in.set();
        sleep(0.1);
        s.sendTo(data, peer); // the socket stays open until the handlers are done
      });
      graceful.start();
      Greenlet<byte[]> client = spawn(() -> ask(graceful.address(), "late".getBytes(), 5));
      assertTrue(in.await(5));
      graceful.stop(10);
      assertEquals("late", new String(client.get(5)));
      assertThrows(ClosedChannelException.class, () -> graceful.sendTo(new byte[1], graceful.address()));

      Event in2 = new Event();
      AtomicReference<Throwable> ending = new AtomicReference<>();
      DatagramServer slow = server((s, data, peer) -> {
        in2.set();
        try {
          sleep(60);
        } catch (Throwable e) {
          ending.set(e);
          throw e;
        }
      });
      slow.start();
      Greenlet<Object> unanswered = spawn(() -> {
        try {
          return ask(slow.address(), "never".getBytes(), 0.5);
        } catch (SocketTimeoutException expected) {
          return expected;
        }
      });
      assertTrue(in2.await(5));
      long t0 = System.nanoTime();
      slow.stop(0.1);
      double took = (System.nanoTime() - t0) / 1e9;
      assertTrue(took >= 0.09 && took < 2, "stop(0.1) took " + took + " s");
      assertTrue(ending.get() instanceof GreenletExit);
      assertTrue(unanswered.get(5) instanceof SocketTimeoutException); // the killed handler never replied
    });
  }

  @Test
  void aFailingHandlerIsLoggedAndTheServerServesOn() {
    try (LogCapture log = LogCapture.of(DatagramServer.class)) {
      onFreshHub(hub -> {
        DatagramServer server = server((s, data, peer) -> {
          if (data[0] == 'x') throw new IllegalStateException("bad datagram");
          s.sendTo(data, peer);
        });
        server.start();
        try (Socket c = Socket.udp()) {
          c.sendTo("x".getBytes(), server.address());
        }
        assertEquals("ok", new String(ask(server.address(), "ok".getBytes(), 5)));
        server.stop(1);
      });
      assertEquals(1, log.events(Level.ERROR).size());
    }
  }

  @Test
  void badInputGetsClearErrors() {
    onFreshHub(hub -> {
      assertThrows(NullPointerException.class, () -> new DatagramServer(LOOPBACK_ANY_PORT, null));
      assertThrows(NullPointerException.class, () -> new DatagramServer((InetSocketAddress) null, (d, p) -> {}));
      DatagramServer server = new DatagramServer(LOOPBACK_ANY_PORT, (d, p) -> {});
      assertThrows(IllegalStateException.class, () -> server.sendTo(new byte[1], LOOPBACK_ANY_PORT));
      assertThrows(IllegalArgumentException.class, () -> server.maxConcurrency(-1));
      assertThrows(IllegalArgumentException.class, () -> server.stop(-1));
      server.start();
      assertThrows(IllegalStateException.class, server::start);
      assertThrows(IllegalStateException.class, () -> server.maxConcurrency(3));
      assertThrows(NullPointerException.class, () -> server.sendTo(null, LOOPBACK_ANY_PORT));

      DatagramServer clash = new DatagramServer(server.address(), (d, p) -> {});
      BindException e = assertThrows(BindException.class, clash::start); // no SO_REUSEADDR sharing for UDP
      assertTrue(e.getMessage().contains(String.valueOf(server.address().getPort())), e.getMessage());
      clash.close();

      server.close();
      assertThrows(IllegalStateException.class, server::start);
      try (Socket tcp = Socket.tcp()) {
        assertThrows(IllegalArgumentException.class, () -> new DatagramServer(tcp, (d, p) -> {}));
      }
    });
  }

  @Test
  void reusePortLetsTwoServersShareAPort() {
    onFreshHub(hub -> {
      DatagramServer first = server((s, data, peer) -> s.sendTo("1".getBytes(), peer)).reusePort(true);
      first.start();
      DatagramServer[] self = new DatagramServer[1];
      self[0] = new DatagramServer(first.address(), (data, peer) -> self[0].sendTo("2".getBytes(), peer)).reusePort(true);
      self[0].start();
      java.util.Set<String> answered = new java.util.HashSet<>();
      for (int i = 0; i < 1000 && answered.size() < 2; i++) answered.add(new String(ask(first.address(), new byte[1], 5)));
      assertEquals(java.util.Set.of("1", "2"), answered);
      first.stop(1);
      self[0].stop(1);
    });
  }

  @Test
  void aBoundSocketIsServedAndOwned() {
    onFreshHub(hub -> {
      Socket socket = Socket.udp();
      socket.bind(LOOPBACK_ANY_PORT);
      DatagramServer[] self = new DatagramServer[1];
      self[0] = new DatagramServer(socket, (data, peer) -> self[0].sendTo(data, peer));
      self[0].start();
      assertEquals("mine", new String(ask(self[0].address(), "mine".getBytes(), 5)));
      self[0].stop(1);
      assertFalse(socket.isOpen());
    });
  }
}
