package io.gevent4j.server;

import static io.gevent4j.greenlet.Gevent.joinAll;
import static io.gevent4j.greenlet.Gevent.sleep;
import static io.gevent4j.greenlet.Gevent.spawn;
import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.greenlet.Pool;
import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.loop.NativeIoException;
import io.gevent4j.socket.Socket;
import io.gevent4j.sync.Event;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** gevent.server.StreamServer on both backends. */
@org.junit.jupiter.api.Timeout(300)
class StreamServerTest {
  static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  static void echo(Socket socket, InetSocketAddress peer) throws IOException {
    byte[] buf = new byte[16384];
    int n;
    while ((n = socket.recv(buf, 0, buf.length)) > 0) socket.sendAll(buf, 0, n);
  }

  /** Sends {@code message} and reads as many bytes back. */
  static byte[] roundTrip(Socket client, byte[] message) throws IOException {
    client.sendAll(message);
    byte[] back = new byte[message.length];
    new DataInputStream(client.inputStream()).readFully(back);
    return back;
  }

  /** Connects, reads until the server closes, returns what came. */
  static String readAll(InetSocketAddress address) throws IOException {
    try (Socket c = Socket.tcp()) {
      c.connect(address);
      return new String(c.inputStream().readAllBytes());
    }
  }

  private static void echoWithClients(int clients) {
    onFreshHub(120, hub -> {
      Set<InetSocketAddress> peers = ConcurrentHashMap.newKeySet();
      StreamServer server = new StreamServer(LOOPBACK_ANY_PORT, (socket, peer) -> {
        peers.add(peer);
        echo(socket, peer);
      }).backlog(1024);
      server.start();
      assertTrue(server.started());
      InetSocketAddress address = server.address();
      Set<InetSocketAddress> clientAddresses = ConcurrentHashMap.newKeySet();
      List<Greenlet<?>> all = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int id = c;
        all.add(spawn(() -> {
          try (Socket s = Socket.tcp()) {
            s.connect(address);
            clientAddresses.add(s.localAddress());
            byte[] message = ("message " + id).getBytes();
            for (int round = 0; round < 3; round++) assertArrayEquals(message, roundTrip(s, message));
          }
          return null;
        }));
      }
      joinAll(all, 60, true);
      server.stop(10); // the clients are gone: the handlers end on their own
      assertFalse(server.started());
      assertEquals(clientAddresses, peers);
    });
  }

  @Test
  void echoWithOneClient() {
    echoWithClients(1);
  }

  @Test
  void echoWithAHundredClients() {
    echoWithClients(100);
  }

  @Test
  void echoWithAThousandClients() {
    echoWithClients(1000);
  }

  @Test
  void echoWithPlainJdkClientsOnAPlatformThread() {
    onFreshHub(60, hub -> {
      StreamServer server = new StreamServer(LOOPBACK_ANY_PORT, StreamServerTest::echo);
      server.start();
      InetSocketAddress address = server.address();
      int clients = 50;
      CompletableFuture<Integer> done = new CompletableFuture<>();
      Thread thread = Thread.ofPlatform().name("jdk-clients").start(() -> {
        List<java.net.Socket> sockets = new ArrayList<>();
        try {
          for (int i = 0; i < clients; i++) sockets.add(new java.net.Socket(address.getAddress(), address.getPort()));
          for (int i = 0; i < clients; i++) sockets.get(i).getOutputStream().write(("jdk " + i + "\n").getBytes());
          int ok = 0;
          for (int i = 0; i < clients; i++) {
            byte[] expected = ("jdk " + i + "\n").getBytes();
            byte[] back = sockets.get(i).getInputStream().readNBytes(expected.length);
            if (java.util.Arrays.equals(expected, back)) ok++;
          }
          done.complete(ok);
        } catch (Throwable e) {
          done.completeExceptionally(e);
        } finally {
          for (java.net.Socket s : sockets) {
            try {
              s.close();
            } catch (IOException ignored) {
              // closing
            }
          }
        }
      });
      assertEquals(clients, Hub.await(done, 30)); // the hub serves while it waits
      thread.join();
      server.stop(10);
    });
  }

  @Test
  void stopKillsTheHandlersStillRunningAtTheTimeout() {
    onFreshHub(hub -> {
      int clients = 3;
      AtomicInteger entered = new AtomicInteger();
      Event allIn = new Event();
      List<Throwable> endings = new ArrayList<>();
      StreamServer server = new StreamServer(LOOPBACK_ANY_PORT, (socket, peer) -> {
        if (entered.incrementAndGet() == clients) allIn.set();
        try {
          socket.recv(1); // the clients never send: only the kill ends this
        } catch (Throwable e) {
          endings.add(e);
          throw e;
        }
      });
      server.start();
      InetSocketAddress address = server.address();
      List<Greenlet<Integer>> readers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        readers.add(spawn(() -> {
          try (Socket c = Socket.tcp()) {
            c.connect(address);
            return c.recv(new byte[1], 0, 1); // -1 once the server closes the connection
          }
        }));
      }
      assertTrue(allIn.await(10));
      long t0 = System.nanoTime();
      server.stop(0.2);
      double took = (System.nanoTime() - t0) / 1e9;
      assertTrue(took >= 0.19 && took < 2, "stop(0.2) took " + took + " s");
      assertEquals(clients, endings.size());
      for (Throwable e : endings) assertTrue(e instanceof GreenletExit, e.toString());
      for (Greenlet<Integer> r : readers) assertEquals(-1, r.get(5));
      assertThrows(ConnectException.class, () -> readAll(address)); // the listener is closed
      assertFalse(server.started());
      server.stop(1); // idempotent
      server.close();
    });
  }

  @Test
  void stopIsGracefulWhenTheHandlersFinishInTime() {
    onFreshHub(hub -> {
      Event in = new Event();
      AtomicInteger finished = new AtomicInteger();
      StreamServer server = new StreamServer(LOOPBACK_ANY_PORT, (socket, peer) -> {
        in.set();
        sleep(0.1); // still working when the stop begins
        socket.sendAll("bye".getBytes());
        finished.incrementAndGet();
      });
      server.start();
      Greenlet<String> client = spawn(() -> readAll(server.address()));
      assertTrue(in.await(10));
      long t0 = System.nanoTime();
      server.stop(10);
      double took = (System.nanoTime() - t0) / 1e9;
      assertTrue(took < 2, "a graceful stop waited " + took + " s");
      assertEquals(1, finished.get());
      assertEquals("bye", client.get(5));
    });
  }

  @Test
  void closeKillsAtOnceAndTryWithResourcesLeavesNothingBehind() {
    onFreshHub(hub -> {
      Event in = new Event();
      AtomicReference<Throwable> ending = new AtomicReference<>();
      Greenlet<String> client;
      try (StreamServer server = new StreamServer(LOOPBACK_ANY_PORT, (socket, peer) -> {
        in.set();
        try {
          sleep(60);
        } catch (Throwable e) {
          ending.set(e);
          throw e;
        }
      })) {
        server.start();
        client = spawn(() -> readAll(server.address()));
        assertTrue(in.await(10));
      }
      assertTrue(ending.get() instanceof GreenletExit);
      assertEquals("", client.get(5));
    });
  }

  @Test
  void aConnectionWhoseHandlerIsKilledBeforeItRunsIsClosed() {
    // A stop from another thread can kill a handler its hub has not run yet; here the kill
    // comes from the accept loop itself, right after it spawned the handler.
    onFreshHub(hub -> {
      AtomicInteger calls = new AtomicInteger();
      Pool pool = new Pool(10);
      StreamServer server = new StreamServer(LOOPBACK_ANY_PORT, (socket, peer) -> calls.incrementAndGet()).spawn(pool);
      StreamServer.Accept real = server.accept;
      AtomicInteger accepted = new AtomicInteger();
      server.accept = (fd, peer) -> {
        int client = real.accept(fd, peer);
        if (client >= 0) accepted.incrementAndGet();
        else if (accepted.get() > 0 && pool.size() > 0) pool.kill(); // the handler is spawned, not run
        return client;
      };
      server.start();
      assertEquals("", readAll(server.address())); // closed, not leaked (the fd check would see it)
      assertEquals(0, calls.get());
      assertEquals(1, accepted.get());
      server.stop(1);
    });
  }

  @Test
  void aHandlerMayStopItsOwnServer() {
    onFreshHub(hub -> {
      StreamServer[] self = new StreamServer[1];
      self[0] = new StreamServer(LOOPBACK_ANY_PORT, (socket, peer) -> {
        self[0].stop(5); // neither waits for nor kills the caller
        socket.sendAll("stopped".getBytes());
      });
      self[0].start();
      Greenlet<Void> serving = spawn(() -> {
        self[0].serveForever();
        return null;
      });
      assertEquals("stopped", readAll(self[0].address()));
      serving.get(5); // serveForever returned: the server is stopped
      assertFalse(self[0].started());
    });
  }

  @Test
  void maxConcurrencyIsHonoured() {
    onFreshHub(hub -> {
      int limit = 3;
      int clients = 20;
      AtomicInteger active = new AtomicInteger();
      AtomicInteger peak = new AtomicInteger();
      StreamServer server = new StreamServer(LOOPBACK_ANY_PORT, (socket, peer) -> {
        peak.accumulateAndGet(active.incrementAndGet(), Math::max);
        sleep(0.02);
        active.decrementAndGet();
        socket.sendAll("ok".getBytes());
      }).maxConcurrency(limit);
      server.start();
      List<Greenlet<String>> all = new ArrayList<>();
      for (int i = 0; i < clients; i++) all.add(spawn(() -> readAll(server.address())));
      joinAll(all, 30, true);
      for (Greenlet<String> g : all) assertEquals("ok", g.get());
      assertEquals(limit, peak.get());
      server.stop(5);
    });
  }

  @Test
  void handlersSpawnInASharedPoolAndStopKillsOnlyThem() {
    onFreshHub(hub -> {
      Pool pool = new Pool(3);
      Event release = new Event();
      Greenlet<String> bystander = pool.spawn(() -> {
        release.await();
        return "untouched";
      }); // takes one slot: two are left for the server
      AtomicInteger active = new AtomicInteger();
      AtomicInteger peak = new AtomicInteger();
      AtomicInteger served = new AtomicInteger();
      StreamServer server = new StreamServer(LOOPBACK_ANY_PORT, (socket, peer) -> {
        peak.accumulateAndGet(active.incrementAndGet(), Math::max);
        sleep(0.02);
        active.decrementAndGet();
        served.incrementAndGet();
        socket.sendAll("ok".getBytes());
      }).spawn(pool);
      server.start();
      List<Greenlet<String>> all = new ArrayList<>();
      for (int i = 0; i < 10; i++) all.add(spawn(() -> readAll(server.address())));
      joinAll(all, 30, true);
      assertEquals(10, served.get());
      assertEquals(2, peak.get());
      server.stop(0);
      assertFalse(bystander.dead());
      release.set();
      assertEquals("untouched", bystander.get(5));
    });
  }

  @Test
  void portZeroGetsAFreePortThatAddressReports() {
    onFreshHub(hub -> {
      StreamServer server = new StreamServer(LOOPBACK_ANY_PORT, (socket, peer) -> socket.sendAll("hi".getBytes()));
      assertEquals(0, server.address().getPort());
      assertFalse(server.started());
      server.start();
      int port = server.address().getPort();
      assertNotEquals(0, port);
      assertEquals(InetAddress.getLoopbackAddress(), server.address().getAddress());
      assertEquals("hi", readAll(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
      server.stop(1);
      assertEquals(port, server.address().getPort()); // still known after the stop
    });
  }

  @Test
  void reusePortLetsServersOnTwoHubsShareAPort() {
    onFreshHub(60, hub -> {
      StreamServer first = new StreamServer(LOOPBACK_ANY_PORT, (socket, peer) -> socket.sendAll("1".getBytes())).reusePort(true);
      first.start();
      InetSocketAddress shared = first.address();
      Event secondUp = new Event().markShared();
      AtomicReference<StreamServer> second = new AtomicReference<>();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread other = Thread.ofPlatform().name("second-hub").start(() -> {
        try {
          StreamServer s = new StreamServer(shared, (socket, peer) -> socket.sendAll("2".getBytes())).reusePort(true);
          second.set(s);
          s.start();
          secondUp.set();
          s.serveForever(); // runs this thread's hub until the stop from the test thread
        } catch (Throwable e) {
          failure.set(e);
          secondUp.set();
        } finally {
          Hub.current().close();
        }
      });
      assertTrue(secondUp.await(10));
      assertNull(failure.get());
      Set<String> answered = new HashSet<>();
      for (int i = 0; i < 1000 && answered.size() < 2; i++) answered.add(readAll(shared)); // the kernel spreads by hash
      assertEquals(Set.of("1", "2"), answered);
      second.get().stop(5); // from another thread than the server's
      other.join(10_000);
      assertFalse(other.isAlive());
      assertNull(failure.get());
      assertEquals("1", readAll(shared)); // the first one serves on alone
      first.stop(5);
    });
  }

  @Test
  void aStopFromAnotherThreadWhileBusyLeavesNothingBehind() {
    onFreshHub(60, hub -> {
      AtomicReference<StreamServer> server = new AtomicReference<>();
      Event up = new Event().markShared();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread serving = Thread.ofPlatform().name("server-hub").start(() -> {
        try {
          StreamServer s = new StreamServer(LOOPBACK_ANY_PORT, StreamServerTest::echo).backlog(1024);
          server.set(s);
          s.start();
          up.set();
          s.serveForever();
        } catch (Throwable e) {
          failure.set(e);
          up.set();
        } finally {
          Hub.current().close();
        }
      });
      assertTrue(up.await(10));
      assertNull(failure.get());
      InetSocketAddress address = server.get().address();
      AtomicInteger exchanges = new AtomicInteger();
      Event busy = new Event();
      List<Greenlet<?>> clients = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        clients.add(spawn(() -> {
          byte[] message = "ping".getBytes();
          try (Socket c = Socket.tcp()) {
            c.connect(address);
            while (true) {
              if (!java.util.Arrays.equals(message, roundTrip(c, message))) throw new AssertionError("garbled");
              if (exchanges.incrementAndGet() == 2000) busy.set();
            }
          } catch (IOException ended) {
            return null; // EOF, reset or refused: the server stopped
          }
        }));
      }
      assertTrue(busy.await(30));
      server.get().stop(0);
      joinAll(clients, 30, true);
      serving.join(10_000);
      assertFalse(serving.isAlive());
      assertNull(failure.get());
    });
  }

  @Test
  void anAddressInUseIsABindException() {
    onFreshHub(hub -> {
      StreamServer first = new StreamServer(LOOPBACK_ANY_PORT, StreamServerTest::echo);
      first.start();
      StreamServer second = new StreamServer(first.address(), StreamServerTest::echo);
      BindException e = assertThrows(BindException.class, second::start);
      assertTrue(e.getMessage().contains(String.valueOf(first.address().getPort())), e.getMessage());
      assertFalse(second.started());
      second.close(); // its socket is already closed: nothing leaks
      first.stop(1);
    });
  }

  @Test
  void badInputGetsClearErrors() {
    onFreshHub(hub -> {
      assertThrows(NullPointerException.class, () -> new StreamServer(LOOPBACK_ANY_PORT, null));
      assertThrows(NullPointerException.class, () -> new StreamServer((InetSocketAddress) null, StreamServerTest::echo));
      assertThrows(NullPointerException.class, () -> new StreamServer((Socket) null, StreamServerTest::echo));
      StreamServer server = new StreamServer(LOOPBACK_ANY_PORT, StreamServerTest::echo);
      assertThrows(IllegalArgumentException.class, () -> server.maxConcurrency(0));
      assertThrows(IllegalArgumentException.class, () -> server.backlog(0));
      assertThrows(NullPointerException.class, () -> server.spawn(null));
      assertThrows(NullPointerException.class, () -> server.ssl(null));
      assertThrows(IllegalArgumentException.class, () -> server.stop(-1));
      assertThrows(IllegalArgumentException.class, () -> server.stop(Double.NaN));
      assertThrows(IllegalArgumentException.class, () -> server.serveForever(-1));
      server.start();
      assertThrows(IllegalStateException.class, server::start);
      assertThrows(IllegalStateException.class, () -> server.maxConcurrency(2));
      assertThrows(IllegalStateException.class, () -> server.spawn(new Pool(2)));
      assertThrows(IllegalStateException.class, () -> server.backlog(10));
      assertThrows(IllegalStateException.class, () -> server.reusePort(true));
      assertThrows(IllegalArgumentException.class, () -> server.stop(-0.5));
      assertTrue(server.started()); // the refused stop did nothing
      server.stop(1);
      assertThrows(IllegalStateException.class, server::start);
      assertThrows(IllegalStateException.class, server::serveForever);

      try (Socket udp = Socket.udp()) {
        assertThrows(IllegalArgumentException.class, () -> new StreamServer(udp, StreamServerTest::echo));
      }
      Socket closed = Socket.tcp();
      closed.close();
      assertThrows(IllegalArgumentException.class, () -> new StreamServer(closed, StreamServerTest::echo));
      Socket mine = Socket.tcp();
      StreamServer onSocket = new StreamServer(mine, StreamServerTest::echo);
      assertThrows(IllegalStateException.class, () -> onSocket.backlog(10));
      assertThrows(IllegalStateException.class, () -> onSocket.reusePort(true));
      onSocket.close(); // never started: it still closes the socket it owns
      assertFalse(mine.isOpen());
    });
  }

  @Test
  void aBoundSocketIsPutIntoListeningModeAndOwnedByTheServer() {
    onFreshHub(hub -> {
      Socket listener = Socket.tcp();
      listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      listener.bind(LOOPBACK_ANY_PORT); // bound, not listening
      StreamServer server = new StreamServer(listener, (socket, peer) -> socket.sendAll(("peer " + (peer != null)).getBytes()));
      assertEquals(listener.localAddress(), server.address());
      server.start();
      assertEquals("peer true", readAll(server.address()));
      server.stop(1);
      assertFalse(listener.isOpen());
    });
  }

  @Test
  void aUnixListenerServesWithANullPeer() throws Exception {
    Path dir = Files.createTempDirectory("g4j-server");
    Path path = dir.resolve("s.sock");
    try {
      onFreshHub(hub -> {
        Socket listener = Socket.unixStream();
        listener.bind(UnixDomainSocketAddress.of(path));
        listener.listen(16);
        StreamServer server = new StreamServer(listener, (socket, peer) -> socket.sendAll(("peer " + peer).getBytes()));
        server.start();
        try (Socket c = Socket.unixStream()) {
          c.connect(UnixDomainSocketAddress.of(path));
          assertEquals("peer null", new String(c.inputStream().readAllBytes()));
        }
        server.stop(1);
      });
    } finally {
      Files.deleteIfExists(path);
      Files.deleteIfExists(dir);
    }
  }

  @Test
  void aFailingHandlerIsLoggedItsConnectionClosedAndTheServerServesOn() {
    try (LogCapture log = LogCapture.of(StreamServer.class)) {
      onFreshHub(hub -> {
        AtomicInteger calls = new AtomicInteger();
        StreamServer server = new StreamServer(LOOPBACK_ANY_PORT, (socket, peer) -> {
          socket.sendAll("partial".getBytes());
          if (calls.incrementAndGet() == 1) throw new IOException("boom");
          // the second returns without closing: the server closes it
        });
        server.start();
        assertEquals("partial", readAll(server.address()));
        assertEquals("partial", readAll(server.address()));
        server.stop(1);
        assertEquals(2, calls.get());
      });
      List<ILoggingEvent> errors = log.events(Level.ERROR);
      assertEquals(1, errors.size(), errors.toString());
      assertEquals("boom", errors.get(0).getThrowableProxy().getMessage());
    }
  }

  @Test
  void acceptErrorsPauseAcceptingButDoNotKillTheServer() {
    try (LogCapture log = LogCapture.of(StreamServer.class)) {
      onFreshHub(hub -> {
        StreamServer server = new StreamServer(LOOPBACK_ANY_PORT, (socket, peer) -> socket.sendAll("served".getBytes()));
        AtomicInteger failures = new AtomicInteger();
        StreamServer.Accept real = server.accept;
        server.accept = (fd, peer) -> {
          if (failures.getAndIncrement() < 3) throw new NativeIoException(24, "accept"); // EMFILE
          return real.accept(fd, peer);
        };
        long t0 = System.nanoTime();
        server.start();
        assertEquals("served", readAll(server.address()));
        double took = (System.nanoTime() - t0) / 1e9;
        assertTrue(took >= 0.07 - 0.005, "paused 10 + 20 + 40 ms, took " + took + " s");
        assertTrue(server.started());
        server.stop(1);
      });
      List<ILoggingEvent> warnings = log.events(Level.WARN);
      assertEquals(3, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).getThrowableProxy().getMessage().contains("EMFILE"));
    }
  }

  @Test
  void aFatalAcceptErrorStopsTheServer() {
    try (LogCapture log = LogCapture.of(StreamServer.class)) {
      onFreshHub(hub -> {
        StreamServer server = new StreamServer(LOOPBACK_ANY_PORT, StreamServerTest::echo);
        server.accept = (fd, peer) -> {
          throw new NativeIoException(22, "accept"); // EINVAL: the listener is gone
        };
        server.serveForever(); // returns: the server stopped itself
        assertFalse(server.started());
      });
      assertEquals(1, log.events(Level.ERROR).size());
    }
  }

  @Test
  void serveForeverReturnsOnceStoppedElsewhereAndStopsWhenKilled() {
    onFreshHub(hub -> {
      StreamServer server = new StreamServer(LOOPBACK_ANY_PORT, StreamServerTest::echo);
      Greenlet<Void> stopper = spawn(() -> {
        sleep(0.05);
        server.stop(1);
        return null;
      });
      server.serveForever(); // starts it, returns after the stop
      assertFalse(server.started());
      stopper.get(5);

      StreamServer other = new StreamServer(LOOPBACK_ANY_PORT, StreamServerTest::echo);
      Greenlet<Void> serving = spawn(() -> {
        other.serveForever();
        return null;
      });
      sleep(0.05);
      assertTrue(other.started());
      serving.kill(); // serveForever stops the server on its way out
      assertFalse(other.started());
      assertThrows(ConnectException.class, () -> readAll(other.address()));
    });
  }

  @Test
  void aTlsServerServesSslSocketsToItsHandlers() {
    onFreshHub(hub -> {
      StreamServer server = new StreamServer(LOOPBACK_ANY_PORT, (socket, peer) -> {
        assertTrue(socket instanceof io.gevent4j.socket.SslSocket, socket.toString());
        io.gevent4j.socket.SocketTest.echo(socket);
      }).ssl(io.gevent4j.socket.TlsTesting.server());
      server.start();
      List<Greenlet<?>> clients = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        clients.add(spawn(() -> {
          try (io.gevent4j.socket.SslSocket s = io.gevent4j.socket.SslSocket.connect("localhost", server.address().getPort(),
              io.gevent4j.socket.TlsTesting.client(), 10)) {
            s.sendAll("over tls".getBytes());
            assertEquals("over tls", new String(s.recv(100)));
          }
          return null;
        }));
      }
      joinAll(clients, 30, true);
      server.stop(1);
    });
  }

  @Test
  void handlersCanUseTheSocketStreams() {
    onFreshHub(hub -> {
      StreamServer server = new StreamServer(LOOPBACK_ANY_PORT, (socket, peer) -> {
        InputStream in = socket.inputStream();
        OutputStream out = socket.outputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') out.write(Character.toUpperCase(b));
        out.write('\n');
      });
      server.start();
      try (Socket c = Socket.tcp()) {
        c.connect(server.address());
        c.sendAll("shout\n".getBytes());
        assertEquals("SHOUT\n", new String(c.inputStream().readAllBytes()));
      }
      server.stop(1);
    });
  }
}
