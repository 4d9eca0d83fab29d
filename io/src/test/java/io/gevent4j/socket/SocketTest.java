package io.gevent4j.socket;

import static io.gevent4j.greenlet.Gevent.joinAll;
import static io.gevent4j.greenlet.Gevent.spawn;
import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** gevent.socket: cooperative sockets on both backends. */
@org.junit.jupiter.api.Timeout(300)
public class SocketTest {
  private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  static Socket listener() throws IOException {
    Socket server = Socket.tcp();
    server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    server.bind(ANY_LOOPBACK);
    server.listen(1024);
    return server;
  }

  /** Echoes until end of stream, then closes (shared with the server tests). */
  public static void echo(Socket s) {
    try (s) {
      byte[] buf = new byte[16384];
      int n;
      while ((n = s.recv(buf, 0, buf.length)) > 0) s.sendAll(buf, 0, n);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void echoWithClients(int clients) throws Exception {
    onFreshHub(60, hub -> {
      Socket server = listener();
      InetSocketAddress address = server.localAddress();
      Greenlet<Void> acceptor = spawn(() -> {
        for (int i = 0; i < clients; i++) {
          Socket s = server.accept();
          spawn(() -> echo(s));
        }
        return null;
      });
      List<Greenlet<?>> all = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int id = c;
        all.add(spawn(() -> {
          try (Socket s = Socket.tcp()) {
            s.connect(address);
            byte[] message = ("message " + id).getBytes();
            for (int round = 0; round < 3; round++) {
              s.sendAll(message);
              byte[] back = new byte[message.length];
              new DataInputStream(s.inputStream()).readFully(back);
              assertArrayEquals(message, back);
            }
          }
          return null;
        }));
      }
      joinAll(all, 60, true);
      acceptor.get(10);
      server.close();
    });
  }

  @Test
  void echoWithOneClient() throws Exception {
    echoWithClients(1);
  }

  @Test
  void echoWithAHundredClients() throws Exception {
    echoWithClients(100);
  }

  @Test
  void echoWithAThousandClients() throws Exception {
    echoWithClients(1000);
  }

  @Test
  void sixtyFourMebibytesArriveIntactThroughSmallBuffers() {
    onFreshHub(120, hub -> {
      Socket server = listener();
      byte[] data = new byte[64 << 20];
      new Random(7).nextBytes(data);
      Greenlet<byte[]> receiver = spawn(() -> {
        try (Socket s = server.accept()) {
          MessageDigest digest = MessageDigest.getInstance("SHA-256");
          ByteBuffer buf = ByteBuffer.allocateDirect(65536);
          long total = 0;
          int n;
          while ((n = s.recvInto(buf.clear())) > 0) {
            digest.update(buf.flip());
            total += n;
          }
          assertEquals(data.length, total);
          return digest.digest();
        }
      });
      try (Socket client = Socket.tcp()) {
        // A small send buffer: sends are partial. (Below loopback's 64 KiB MSS, e.g. 16 KiB, the
        // kernel itself stalls for milliseconds per segment: 64 MiB would take 40 s, with the JDK too.)
        client.setOption(StandardSocketOptions.SO_SNDBUF, 65536);
        client.connect(server.localAddress());
        client.sendAll(data); // many partial writes
        client.shutdownOutput();
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), receiver.get(60));
      }
      server.close();
    });
  }

  @Test
  void timeoutsOnRecvConnectAndAccept() {
    onFreshHub(hub -> {
      Socket server = listener();
      server.setTimeout(0.01);
      assertThrows(SocketTimeoutException.class, server::accept);
      server.setTimeout(0);
      assertThrows(SocketTimeoutException.class, server::accept, "timeout 0 is non-blocking");
      Socket[] pair = Socket.socketpair();
      pair[0].setTimeout(0.01);
      assertEquals(0.01, pair[0].getTimeout());
      assertThrows(SocketTimeoutException.class, () -> pair[0].recv(10));
      pair[0].setTimeout(-5);
      assertEquals(-1, pair[0].getTimeout());
      assertThrows(IllegalArgumentException.class, () -> pair[0].setTimeout(Double.NaN));
      pair[0].close();
      pair[1].close();
      // a connect that cannot complete: a full backlog of a listener that never accepts
      try (Socket blackhole = Socket.tcp()) {
        blackhole.bind(ANY_LOOPBACK);
        blackhole.listen(0);
        List<Socket> fillers = new ArrayList<>();
        try {
          boolean timedOut = false;
          for (int i = 0; i < 64 && !timedOut; i++) {
            Socket c = Socket.tcp();
            fillers.add(c);
            c.setTimeout(0.05);
            try {
              c.connect(blackhole.localAddress());
            } catch (SocketTimeoutException e) {
              timedOut = true;
            }
          }
          assertTrue(timedOut, "a connect to a full backlog times out");
        } finally {
          fillers.forEach(Socket::close);
        }
      }
      server.close();
    });
  }

  @Test
  void connectionRefusedAndPeerReset() {
    onFreshHub(hub -> {
      Socket probe = listener();
      InetSocketAddress closedPort = probe.localAddress();
      probe.close();
      try (Socket s = Socket.tcp()) {
        assertThrows(ConnectException.class, () -> s.connect(closedPort));
      }
      assertThrows(ConnectException.class, () -> Socket.createConnection("127.0.0.1", closedPort.getPort(), 5));
      Socket server = listener();
      try (Socket client = Socket.createConnection("127.0.0.1", server.localAddress().getPort(), 5)) {
        Greenlet<Void> resetter = spawn(() -> {
          Socket s = server.accept();
          s.setOption(StandardSocketOptions.SO_LINGER, 0); // close sends RST
          s.close();
          return null;
        });
        resetter.get(10);
        IOException e = assertThrows(IOException.class, () -> {
          client.recv(10);
          client.recv(10);
        });
        assertTrue(e instanceof java.net.SocketException || e.getMessage().contains("ECONNRESET"), e.toString());
      }
      server.close();
    });
  }

  @Test
  void dataThatCameAfterAShortReadIsReadWithoutWaitingLong() {
    onFreshHub(hub -> {
      Socket[] pair = Socket.socketpair();
      pair[0].sendAll("a".getBytes());
      assertEquals("a", new String(pair[1].recv(100)), "a short read: the buffer was drained");
      // more arrives while nobody reads; the armed watcher fires with nobody waiting and stops
      pair[0].sendAll("b".getBytes());
      Hub.sleep(0.001);
      pair[1].setTimeout(5);
      assertEquals("b", new String(pair[1].recv(100)), "the wait before the read ends at once");
      pair[0].sendAll("c".getBytes());
      pair[1].setTimeout(0); // non-blocking: reads at once, never waits first
      assertEquals("c", new String(pair[1].recv(100)));
      assertThrows(SocketTimeoutException.class, () -> pair[1].recv(100), "nothing left: would wait");
      pair[0].close();
      pair[1].close();
    });
  }

  @Test
  void halfCloseLetsThePeerFinish() {
    onFreshHub(hub -> {
      Socket[] pair = Socket.socketpair();
      pair[0].sendAll("request".getBytes());
      pair[0].shutdownOutput();
      byte[] got = pair[1].recv(100);
      assertEquals("request", new String(got));
      assertEquals(0, pair[1].recv(100).length, "end of stream after the half-close");
      pair[1].sendAll("reply".getBytes());
      assertEquals("reply", new String(pair[0].recv(100)), "the other direction still works");
      pair[0].close();
      pair[1].close();
    });
  }

  @Test
  void closingASocketWakesTheGreenletWaitingOnIt() {
    onFreshHub(hub -> {
      Socket[] pair = Socket.socketpair();
      Greenlet<Throwable> reader = spawn(() -> {
        try {
          pair[0].recv(10);
          return null;
        } catch (ClosedChannelException e) {
          return e;
        }
      });
      io.gevent4j.hub.Hub.sleep(0);
      pair[0].close();
      assertTrue(reader.get(5) instanceof ClosedChannelException);
      pair[0].close(); // idempotent
      assertThrows(ClosedChannelException.class, () -> pair[0].recv(1));
      pair[1].close();
    });
  }

  @Test
  void udpRoundTrip() {
    onFreshHub(hub -> {
      try (Socket server = Socket.udp(); Socket client = Socket.udp()) {
        server.bind(ANY_LOOPBACK);
        Greenlet<Void> echo = spawn(() -> {
          DatagramPacket p = server.recvFrom(1500);
          server.sendTo(p.getData(), p.getSocketAddress());
          return null;
        });
        client.sendTo("ping".getBytes(), server.localAddress());
        client.setTimeout(5);
        DatagramPacket reply = client.recvFrom(1500);
        assertEquals("ping", new String(reply.getData(), 0, reply.getLength()));
        assertEquals(server.localAddress(), reply.getSocketAddress());
        echo.get(5);
      }
    });
  }

  @Test
  void sendToIsNotHeldUpByAGreenletWaitingInRecvFrom() {
    onFreshHub(hub -> {
      try (Socket a = Socket.udp(); Socket b = Socket.udp()) {
        a.bind(ANY_LOOPBACK);
        b.bind(ANY_LOOPBACK);
        Greenlet<DatagramPacket> reader = spawn(() -> a.recvFrom(100));
        io.gevent4j.hub.Hub.sleep(0); // the reader waits in recvFrom on a
        a.sendTo("from a".getBytes(), b.localAddress()); // same socket, while it waits
        b.setTimeout(5);
        assertEquals("from a", new String(b.recvFrom(100).getData()));
        b.sendTo("to a".getBytes(), a.localAddress());
        assertEquals("to a", new String(reader.get(5).getData()));
      }
    });
  }

  @Test
  void unixStreamSockets() throws Exception {
    Path dir = Files.createTempDirectory("g4j-unix");
    Path path = dir.resolve("echo.sock");
    try {
      onFreshHub(hub -> {
        try (Socket server = Socket.unixStream()) {
          server.bind(UnixDomainSocketAddress.of(path));
          server.listen(8);
          Greenlet<Void> acceptor = spawn(() -> {
            echo(server.accept());
            return null;
          });
          try (Socket client = Socket.unixStream()) {
            client.connect(UnixDomainSocketAddress.of(path));
            client.sendAll("over unix".getBytes());
            assertEquals("over unix", new String(client.recv(100)));
          }
          acceptor.get(5);
        }
      });
    } finally {
      Files.deleteIfExists(path);
      Files.deleteIfExists(dir);
    }
  }

  @Test
  void ipv6Loopback() {
    onFreshHub(hub -> {
      try (Socket server = Socket.tcp6()) {
        server.bind(new InetSocketAddress("::1", 0));
        server.listen(8);
        Greenlet<Void> acceptor = spawn(() -> {
          echo(server.accept());
          return null;
        });
        try (Socket client = Socket.createConnection("::1", server.localAddress().getPort(), 5)) {
          client.sendAll("v6".getBytes());
          assertEquals("v6", new String(client.recv(10)));
          assertEquals(server.localAddress().getPort(), client.remoteAddress().getPort());
        }
        acceptor.get(5);
      }
    });
  }

  @Test
  void waitReadAndWaitWriteOnRawDescriptors() {
    onFreshHub(hub -> {
      Socket[] pair = Socket.socketpair();
      Sockets.waitWrite(pair[0].fd(), 5);
      assertThrows(SocketTimeoutException.class, () -> Sockets.waitRead(pair[1].fd(), 0.01));
      pair[0].sendAll(new byte[] {1});
      Sockets.waitRead(pair[1].fd(), 5);
      assertThrows(IllegalArgumentException.class, () -> Sockets.waitRead(pair[1].fd(), -1));
      pair[0].close();
      pair[1].close();
      assertThrows(IllegalArgumentException.class, () -> Sockets.waitRead(100_000, 1), "a closed fd");
    });
  }

  @Test
  void byteChannelAndOptions() {
    onFreshHub(hub -> {
      Socket[] pair = Socket.socketpair();
      assertEquals(5, pair[0].write(ByteBuffer.wrap("bytes".getBytes())));
      ByteBuffer dst = ByteBuffer.allocate(10);
      assertEquals(5, pair[1].read(dst));
      assertTrue(pair[0].isOpen());
      try (Socket tcp = Socket.tcp()) {
        tcp.setOption(StandardSocketOptions.TCP_NODELAY, true);
        assertTrue(tcp.getOption(StandardSocketOptions.TCP_NODELAY));
        tcp.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        assertTrue(tcp.getOption(StandardSocketOptions.SO_KEEPALIVE));
        assertThrows(UnsupportedOperationException.class, () -> tcp.setOption(StandardSocketOptions.IP_TOS, 1));
      }
      pair[0].close();
      pair[1].close();
      assertTrue(!pair[0].isOpen());
    });
  }
}
