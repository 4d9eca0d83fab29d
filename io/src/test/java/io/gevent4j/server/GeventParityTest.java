package io.gevent4j.server;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.greenlet.Pool;
import io.gevent4j.socket.Socket;
import io.gevent4j.socket.SslSocket;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * gevent behaviours the socket and server layers gained from the audit against gevent
 * (docs/fidelity.md): sendAll's total deadline, connect by host name, a refused connect that
 * names the address, closed(), a listening SslSocket refused, a failed spawn that pauses the
 * server rather than stopping it, a peer that went away logged at DEBUG. Both backends.
 */
@org.junit.jupiter.api.Timeout(60)
class GeventParityTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

  /** A reader that takes 4 KiB every 20 ms keeps every wait short: only a total deadline ends the call. */
  @Test
  void sendAllHasOneDeadlineForTheWholeCall() {
    onFreshHub(hub -> {
      try (Socket listener = Socket.tcp()) {
        listener.bind(LOOPBACK);
        listener.listen(1);
        AtomicBoolean stop = new AtomicBoolean();
        Greenlet<Void> reader = Gevent.spawn(() -> {
          try (Socket peer = listener.accept()) {
            byte[] chunk = new byte[4096];
            while (!stop.get() && peer.recv(chunk, 0, chunk.length) > 0) Gevent.sleep(0.02);
          }
          return null;
        });
        try (Socket writer = Socket.createConnection("127.0.0.1", listener.localAddress().getPort(), 5.0)) {
          writer.setTimeout(0.3);
          long start = System.nanoTime();
          SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> writer.sendAll(new byte[64 << 20]));
          double took = (System.nanoTime() - start) / 1e9;
          assertTrue(took >= 0.28 && took < 3, "took " + took + " s");
          assertTrue(e.bytesTransferred > 0, "some was written");
        }
        stop.set(true);
        reader.join(5);
      }
    });
  }

  @Test
  void connectResolvesHostNamesAndNamesTheAddressItCouldNotReach() {
    onFreshHub(hub -> {
      try (Socket listener = Socket.tcp(); Socket client = Socket.tcp()) {
        listener.bind(LOOPBACK);
        listener.listen(1);
        client.connect(InetSocketAddress.createUnresolved("localhost", listener.localAddress().getPort()));
        listener.accept().close();
      }
      int port;
      try (Socket bound = Socket.tcp()) {
        bound.bind(LOOPBACK);
        port = bound.localAddress().getPort(); // bound, never listening
        try (Socket client = Socket.tcp()) {
          ConnectException e = assertThrows(ConnectException.class, () -> client.connect(new InetSocketAddress("127.0.0.1", port)));
          assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
          assertTrue(e.getMessage().contains("ECONNREFUSED"), e.getMessage());
        }
      }
    });
  }

  @Test
  void closedIsTrueOnceAStopBegan() {
    onFreshHub(hub -> {
      StreamServer server = new StreamServer(LOOPBACK, (s, peer) -> {});
      assertFalse(server.closed());
      server.start();
      assertFalse(server.closed());
      server.stop(1);
      assertTrue(server.closed());
      assertFalse(server.started());
    });
  }

  @Test
  void aListeningSslSocketIsRefused() throws Exception {
    javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getDefault();
    onFreshHub(hub -> {
      try (Socket plain = Socket.tcp()) {
        SslSocket tls = SslSocket.wrap(plain, context.createSSLEngine());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StreamServer(tls, (s, peer) -> {}));
        assertTrue(e.getMessage().contains("ssl("), e.getMessage());
        tls.close();
      }
    });
  }

  /** gevent pauses and tries again when a handler cannot be spawned; before, the server stopped. */
  @Test
  void aHandlerThatCannotBeSpawnedPausesTheServerWhichGoesOn() {
    onFreshHub(hub -> {
      AtomicBoolean failNext = new AtomicBoolean(true);
      Pool pool = new Pool(10) {
        @Override
        public <T> Greenlet<T> spawn(Callable<T> body) {
          if (failNext.getAndSet(false)) throw new IllegalStateException("no greenlet this time (expected in this test)");
          return super.spawn(body);
        }
      };
      try (LogCapture log = LogCapture.of(StreamServer.class)) {
        StreamServer server = new StreamServer(LOOPBACK, (s, peer) -> s.sendAll(new byte[] {42})).spawn(pool);
        server.start();
        try {
          int port = server.address().getPort();
          try (Socket first = Socket.createConnection("127.0.0.1", port, 5.0)) {
            assertEquals(-1, first.recv(new byte[1], 0, 1), "the first connection was closed unserved");
          }
          try (Socket second = Socket.createConnection("127.0.0.1", port, 5.0)) {
            byte[] b = new byte[1];
            assertEquals(1, second.recv(b, 0, 1));
            assertEquals(42, b[0]);
          }
          assertTrue(server.started());
        } finally {
          server.stop(1);
        }
        assertEquals(1, log.events(Level.WARN).size(), "one warning for the failed spawn");
      }
    });
  }

  /** A client that resets the connection is the client's doing: DEBUG, not an ERROR with a stack. */
  @Test
  void aPeerThatWentAwayIsNotAnError() {
    onFreshHub(hub -> {
      try (LogCapture log = LogCapture.of(StreamServer.class.getName(), Level.DEBUG)) {
        io.gevent4j.sync.Event done = new io.gevent4j.sync.Event();
        StreamServer server = new StreamServer(LOOPBACK, (s, peer) -> {
          try {
            s.recv(new byte[1], 0, 1); // the client is gone once this returns
            for (int i = 0; i < 1000; i++) s.sendAll(new byte[65536]); // EPIPE / ECONNRESET
          } finally {
            done.set();
          }
        });
        server.start();
        try (Socket client = Socket.createConnection("127.0.0.1", server.address().getPort(), 5.0)) {
          client.setOption(java.net.StandardSocketOptions.SO_LINGER, 0); // close = reset
        }
        assertTrue(done.await(10));
        Gevent.sleep(0.01);
        server.stop(1);
        assertEquals(0, log.events(Level.ERROR).size(), "no error: " + log.events(Level.ERROR));
        assertEquals(1, log.events(Level.DEBUG).stream().filter(e -> e.getFormattedMessage().contains("went away")).count());
      }
    });
  }

  @Test
  void waitReadWriteSaysWhichIsReady() {
    onFreshHub(hub -> {
      int[] pipe = io.gevent4j.loop.Posix.pipe2(0);
      try {
        assertEquals(io.gevent4j.loop.Watcher.WRITE, io.gevent4j.socket.Sockets.waitReadWrite(pipe[1], 1.0));
        io.gevent4j.loop.Posix.write(pipe[1], new byte[1], 0, 1);
        assertEquals(io.gevent4j.loop.Watcher.READ, io.gevent4j.socket.Sockets.waitReadWrite(pipe[0], 1.0));
      } finally {
        io.gevent4j.loop.Posix.close(pipe[0]);
        io.gevent4j.loop.Posix.close(pipe[1]);
      }
    });
  }

  /** The IPv4 wildcard listens on IPv6 too, as gevent's ('', port) and a JDK ServerSocket do. */
  @Test
  void theWildcardAddressListensOnIpv4AndIpv6() {
    onFreshHub(hub -> {
      StreamServer server = new StreamServer(new InetSocketAddress(0), (s, peer) -> s.sendAll(new byte[] {7}));
      server.start();
      try {
        int port = server.address().getPort();
        for (String host : new String[] {"127.0.0.1", "::1"}) {
          try (Socket c = Socket.createConnection(host, port, 5.0)) {
            byte[] b = new byte[1];
            assertEquals(1, c.recv(b, 0, 1), host);
            assertEquals(7, b[0]);
          }
        }
      } finally {
        server.stop(1);
      }
    });
  }
}
