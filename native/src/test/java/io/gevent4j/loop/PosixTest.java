package io.gevent4j.loop;

import static io.gevent4j.loop.Posix.*;
import static org.junit.jupiter.api.Assertions.*;

import io.gevent4j.loop.PosixProcesses.SpawnOptions;
import io.gevent4j.loop.PosixProcesses.WaitStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Posix, PosixSockets and PosixProcesses on real descriptors: loopback sockets (IPv4, IPv6,
 * unix), pipes, socket pairs and child processes. Readiness is awaited with an io watcher of
 * the configured backend, never with sleeps. Every test checks that it left no descriptor open.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PosixTest {
  private static final InetAddress V4 = InetAddress.ofLiteral("127.0.0.1");
  private static final InetAddress V6 = InetAddress.ofLiteral("::1");

  private Map<Integer, String> fdsBefore;

  @BeforeAll
  static void warmUp() throws IOException {
    Native.ensureAvailable();
    // Whatever the JVM and the loop libraries open once and keep (libuv's signal pipe, ...)
    // is opened here, before the first count.
    try (Loop loop = Loop.create()) {
      loop.updateNow();
    }
    int[] p = Posix.pipe2(0);
    Posix.close(p[0]);
    Posix.close(p[1]);
    // The JDK's temp-file names come from a SecureRandom that keeps /dev/urandom open.
    Files.delete(Files.createTempDirectory("g4j-warm-up"));
  }

  @BeforeEach
  void countFds() throws IOException {
    fdsBefore = openFds();
  }

  @AfterEach
  void checkFds() throws IOException {
    Map<Integer, String> after = openFds();
    after.keySet().removeAll(fdsBefore.keySet());
    assertEquals(Map.of(), after, "descriptors left open by the test");
  }

  // ---- TCP --------------------------------------------------------------------------------

  @Test
  void tcpEchoIPv4() throws Exception {
    tcpEcho(V4);
  }

  @Test
  void tcpEchoIPv6() throws Exception {
    tcpEcho(V6);
  }

  private void tcpEcho(InetAddress loopback) throws Exception {
    int family = loopback instanceof Inet6Address ? AF_INET6 : AF_INET;
    int server = PosixSockets.socket(family, SOCK_STREAM, 0);
    int client = -1;
    int conn = -1;
    try {
      PosixSockets.setsockopt(server, SOL_SOCKET, SO_REUSEADDR, 1);
      PosixSockets.bind(server, new InetSocketAddress(loopback, 0));
      PosixSockets.listen(server, 16);
      InetSocketAddress local = (InetSocketAddress) PosixSockets.getsockname(server);
      assertEquals(loopback, local.getAddress());
      assertTrue(local.getPort() > 0);
      assertEquals(1, PosixSockets.getsockopt(server, SOL_SOCKET, SO_ACCEPTCONN));

      Posix.setNonBlocking(server, true);
      assertEquals(WOULD_BLOCK, PosixSockets.accept(server, 0), "no connection yet");

      client = PosixSockets.socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
      assertTrue(Posix.isNonBlocking(client));
      int rc = PosixSockets.connect(client, local);
      assertTrue(rc == 0 || rc == IN_PROGRESS, "connect returned " + rc);
      if (rc == IN_PROGRESS) awaitReady(client, Watcher.WRITE);
      PosixSockets.finishConnect(client);

      awaitReady(server, Watcher.READ);
      SocketAddress[] peer = new SocketAddress[1];
      conn = PosixSockets.accept(server, SOCK_NONBLOCK, peer);
      assertTrue(conn >= 0);
      assertTrue(Posix.isNonBlocking(conn));
      assertEquals(PosixSockets.getsockname(client), peer[0]);
      assertEquals(peer[0], PosixSockets.getpeername(conn));
      assertEquals(local, PosixSockets.getpeername(client));
      assertEquals(local, PosixSockets.getsockname(conn));

      ByteBuffer out = direct("hello over " + loopback);
      int length = out.remaining();
      assertEquals(length, Posix.write(client, out));
      assertFalse(out.hasRemaining(), "write advances the position");

      ByteBuffer in = ByteBuffer.allocateDirect(256);
      readFully(conn, in, length);
      in.flip();
      assertEquals(length, Posix.write(conn, in), "echo");

      ByteBuffer back = ByteBuffer.allocateDirect(256);
      readFully(client, back, length);
      assertEquals("hello over " + loopback, text(back.flip()));
      assertEquals(WOULD_BLOCK, Posix.read(client, ByteBuffer.allocateDirect(8)), "nothing more to read");
    } finally {
      closeAll(conn, client, server);
    }
  }

  @Test
  void connectionRefusedIsConnectException() throws Exception {
    // A bound socket that does not listen answers SYNs with RST.
    int target = PosixSockets.socket(AF_INET, SOCK_STREAM, 0);
    int blocking = PosixSockets.socket(AF_INET, SOCK_STREAM, 0);
    int nonBlocking = PosixSockets.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    try {
      PosixSockets.bind(target, new InetSocketAddress(V4, 0));
      SocketAddress address = PosixSockets.getsockname(target);

      ConnectException e = assertThrows(ConnectException.class, () -> PosixSockets.connect(blocking, address));
      NativeIoException cause = assertInstanceOf(NativeIoException.class, e.getCause());
      assertEquals(Constants.ECONNREFUSED, cause.errno());
      assertEquals("connect", cause.call());
      assertEquals("ECONNREFUSED", cause.errnoName());

      int rc = PosixSockets.connect(nonBlocking, address);
      if (rc == IN_PROGRESS) {
        awaitReady(nonBlocking, Watcher.WRITE);
        assertThrows(ConnectException.class, () -> PosixSockets.finishConnect(nonBlocking));
      } else {
        fail("a refused non-blocking connect returned " + rc);
      }
    } finally {
      closeAll(nonBlocking, blocking, target);
    }
  }

  @Test
  void shutdownWriteGivesPeerEndOfFile() throws Exception {
    int[] pair = tcpPair();
    try {
      assertEquals(3, Posix.write(pair[0], bytes("bye"), 0, 3));
      PosixSockets.shutdown(pair[0], SHUT_WR);
      assertEquals("bye", readAll(pair[1]), "the data, then end of file");
      // The other direction still works.
      assertEquals(2, Posix.write(pair[1], bytes("ok"), 0, 2));
      byte[] b = new byte[2];
      assertEquals(2, Posix.read(pair[0], b, 0, 2));
      assertEquals("ok", new String(b, StandardCharsets.US_ASCII));
    } finally {
      closeAll(pair);
    }
  }

  @Test
  void socketOptions() throws Exception {
    int fd = PosixSockets.socket(AF_INET, SOCK_STREAM, 0);
    try {
      PosixSockets.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
      assertNotEquals(0, PosixSockets.getsockopt(fd, SOL_SOCKET, SO_REUSEADDR));
      PosixSockets.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, 0);
      assertEquals(0, PosixSockets.getsockopt(fd, SOL_SOCKET, SO_REUSEADDR));

      assertEquals(0, PosixSockets.getsockopt(fd, IPPROTO_TCP, TCP_NODELAY));
      PosixSockets.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
      assertNotEquals(0, PosixSockets.getsockopt(fd, IPPROTO_TCP, TCP_NODELAY));

      PosixSockets.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, 64 * 1024);
      assertTrue(PosixSockets.getsockopt(fd, SOL_SOCKET, SO_RCVBUF) >= 64 * 1024, "Linux doubles the value asked for");

      assertEquals(-1, PosixSockets.getsockopt(fd, SOL_SOCKET, SO_LINGER), "linger is off by default");
      PosixSockets.setsockopt(fd, SOL_SOCKET, SO_LINGER, 5);
      assertEquals(5, PosixSockets.getsockopt(fd, SOL_SOCKET, SO_LINGER));
      PosixSockets.setsockopt(fd, SOL_SOCKET, SO_LINGER, -1);
      assertEquals(-1, PosixSockets.getsockopt(fd, SOL_SOCKET, SO_LINGER));

      assertEquals(SOCK_STREAM, PosixSockets.getsockopt(fd, SOL_SOCKET, SO_TYPE));
      assertEquals(AF_INET, PosixSockets.getsockopt(fd, SOL_SOCKET, SO_DOMAIN));
      assertEquals(0, PosixSockets.getsockopt(fd, SOL_SOCKET, SO_ERROR));

      NativeIoException e = assertThrows(NativeIoException.class, () -> PosixSockets.getsockopt(fd, SOL_SOCKET, 12345));
      assertEquals("getsockopt", e.call());
      assertEquals("ENOPROTOOPT", e.errnoName());
    } finally {
      Posix.close(fd);
    }
  }

  @Test
  void addressInUseIsBindException() throws Exception {
    int a = PosixSockets.socket(AF_INET, SOCK_STREAM, 0);
    int b = PosixSockets.socket(AF_INET, SOCK_STREAM, 0);
    try {
      PosixSockets.bind(a, new InetSocketAddress(V4, 0));
      PosixSockets.listen(a, 1);
      SocketAddress taken = PosixSockets.getsockname(a);
      BindException e = assertThrows(BindException.class, () -> PosixSockets.bind(b, taken));
      assertEquals(Constants.EADDRINUSE, ((NativeIoException) e.getCause()).errno());
    } finally {
      closeAll(a, b);
    }
  }

  // ---- UDP --------------------------------------------------------------------------------

  @Test
  void udpSendtoRecvfromIPv4() throws Exception {
    udp(V4);
  }

  @Test
  void udpSendtoRecvfromIPv6() throws Exception {
    udp(V6);
  }

  private void udp(InetAddress loopback) throws Exception {
    int family = loopback instanceof Inet6Address ? AF_INET6 : AF_INET;
    int a = PosixSockets.socket(family, SOCK_DGRAM, 0);
    int b = PosixSockets.socket(family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    try {
      PosixSockets.bind(a, new InetSocketAddress(loopback, 0));
      PosixSockets.bind(b, new InetSocketAddress(loopback, 0));
      SocketAddress addressA = PosixSockets.getsockname(a);
      SocketAddress addressB = PosixSockets.getsockname(b);

      SocketAddress[] sender = new SocketAddress[1];
      ByteBuffer in = ByteBuffer.allocateDirect(64);
      assertEquals(WOULD_BLOCK, PosixSockets.recvfrom(b, in, 0, sender));
      assertNull(sender[0]);

      ByteBuffer ping = direct("ping");
      assertEquals(4, PosixSockets.sendto(a, ping, 0, addressB));
      assertEquals(4, ping.position());
      awaitReady(b, Watcher.READ);
      assertEquals(4, PosixSockets.recvfrom(b, in, 0, sender));
      assertEquals("ping", text(in.flip()));
      assertEquals(addressA, sender[0]);

      // The sender's address goes straight back.
      in.clear();
      assertEquals(4, PosixSockets.sendto(b, direct("pong"), 0, sender[0]));
      assertEquals(4, PosixSockets.recvfrom(a, in, 0, sender));
      assertEquals("pong", text(in.flip()));
      assertEquals(addressB, sender[0]);

      // An empty datagram is a datagram.
      assertEquals(0, PosixSockets.sendto(a, ByteBuffer.allocateDirect(0), 0, addressB));
      awaitReady(b, Watcher.READ);
      in.clear();
      assertEquals(0, PosixSockets.recvfrom(b, in, 0, sender));
      assertEquals(addressA, sender[0]);
    } finally {
      closeAll(a, b);
    }
  }

  // ---- unix domain ------------------------------------------------------------------------

  @Test
  void unixStream() throws Exception {
    Path dir = Files.createTempDirectory("g4j-posix");
    UnixDomainSocketAddress path = UnixDomainSocketAddress.of(dir.resolve("s.sock"));
    int server = PosixSockets.socket(AF_UNIX, SOCK_STREAM, 0);
    int client = PosixSockets.socket(AF_UNIX, SOCK_STREAM, 0);
    int conn = -1;
    try {
      PosixSockets.bind(server, path);
      PosixSockets.listen(server, 4);
      assertEquals(path, PosixSockets.getsockname(server));
      assertEquals(0, PosixSockets.connect(client, path));
      SocketAddress[] peer = new SocketAddress[1];
      conn = PosixSockets.accept(server, 0, peer);
      assertEquals(UnixDomainSocketAddress.of(""), peer[0], "an unbound client is unnamed");
      assertEquals(path, PosixSockets.getpeername(client));
      assertEquals(UnixDomainSocketAddress.of(""), PosixSockets.getsockname(client));

      byte[] msg = bytes("over a unix socket");
      assertEquals(msg.length, Posix.write(client, msg, 0, msg.length));
      byte[] got = new byte[64];
      int n = Posix.read(conn, got, 5, 40);
      assertEquals(msg.length, n);
      assertEquals("over a unix socket", new String(got, 5, n, StandardCharsets.US_ASCII));
    } finally {
      closeAll(conn, client, server);
      deleteTree(dir);
    }
  }

  @Test
  void unixDatagramAddresses() throws Exception {
    Path dir = Files.createTempDirectory("g4j-posix");
    UnixDomainSocketAddress pathA = UnixDomainSocketAddress.of(dir.resolve("a"));
    UnixDomainSocketAddress pathB = UnixDomainSocketAddress.of(dir.resolve("b"));
    int a = PosixSockets.socket(AF_UNIX, SOCK_DGRAM, 0);
    int b = PosixSockets.socket(AF_UNIX, SOCK_DGRAM, 0);
    try {
      PosixSockets.bind(a, pathA);
      PosixSockets.bind(b, pathB);
      assertEquals(3, PosixSockets.sendto(a, direct("abc"), 0, pathB));
      SocketAddress[] sender = new SocketAddress[1];
      ByteBuffer in = ByteBuffer.allocateDirect(16);
      assertEquals(3, PosixSockets.recvfrom(b, in, 0, sender));
      assertEquals(pathA, sender[0]);
      assertEquals("abc", text(in.flip()));
    } finally {
      closeAll(a, b);
      deleteTree(dir);
    }
  }

  // ---- socket pairs, pipes, vectors -------------------------------------------------------

  @Test
  void socketpairWithReadvWritev() throws Exception {
    int[] sp = PosixSockets.socketpair(AF_UNIX, SOCK_STREAM, 0);
    try {
      ByteBuffer head = direct("head-");
      ByteBuffer body = ByteBuffer.allocateDirect(16).put(bytes("xxbody")).flip().position(2);
      assertEquals(9, Posix.writev(sp[0], head, body));
      assertFalse(head.hasRemaining());
      assertFalse(body.hasRemaining());

      ByteBuffer r1 = ByteBuffer.allocateDirect(3);
      ByteBuffer r2 = ByteBuffer.allocateDirect(4);
      ByteBuffer r3 = ByteBuffer.allocateDirect(10);
      ByteBuffer[] dsts = {ByteBuffer.allocate(1), r1, r2, r3};
      assertEquals(9, Posix.readv(sp[1], dsts, 1, 3), "offset 1 skips the heap buffer");
      assertEquals(3, r1.position());
      assertEquals(4, r2.position());
      assertEquals(2, r3.position());
      assertEquals("hea", text(r1.flip()));
      assertEquals("d-bo", text(r2.flip()));
      assertEquals("dy", text(r3.flip()));

      // The rest of a partial gather write stays in the buffers' positions.
      ByteBuffer big = ByteBuffer.allocateDirect(8 << 20);
      Posix.setNonBlocking(sp[0], true);
      long written = Posix.writev(sp[0], direct("x"), big);
      assertTrue(written > 1 && written < big.capacity() + 1, "partial: " + written);
      assertEquals(written - 1, big.position());
      assertEquals(WOULD_BLOCK, Posix.writev(sp[0], big), "the peer's buffer is full");
    } finally {
      closeAll(sp);
    }
  }

  @Test
  void pipesAndNonBlockingMode() throws Exception {
    int[] p = Posix.pipe2(O_NONBLOCK);
    try {
      assertTrue(Posix.isNonBlocking(p[0]));
      assertTrue(Posix.isNonBlocking(p[1]));
      byte[] b = new byte[16];
      assertEquals(WOULD_BLOCK, Posix.read(p[0], b, 0, b.length));
      assertEquals(WOULD_BLOCK, Posix.read(p[0], ByteBuffer.allocateDirect(4)));

      assertEquals(5, Posix.write(p[1], bytes("pipe!"), 0, 5));
      assertEquals(5, Posix.read(p[0], b, 0, b.length));
      assertEquals("pipe!", new String(b, 0, 5, StandardCharsets.US_ASCII));

      Posix.setNonBlocking(p[0], false);
      assertFalse(Posix.isNonBlocking(p[0]));
      assertTrue(Posix.isNonBlocking(p[1]), "the other end keeps its mode");
      Posix.setNonBlocking(p[0], true);
      assertTrue(Posix.isNonBlocking(p[0]));

      Posix.close(p[1]);
      p[1] = -1;
      assertEquals(0, Posix.read(p[0], b, 0, b.length), "end of file once the writer is gone");
    } finally {
      closeAll(p);
    }
  }

  @Test
  void writesToAGoneReaderFailWithEpipe() throws Exception {
    int[] sp = PosixSockets.socketpair(AF_UNIX, SOCK_STREAM, 0);
    int[] p = Posix.pipe2(0);
    try {
      Posix.close(sp[1]);
      sp[1] = -1;
      NativeIoException e = assertThrows(NativeIoException.class, () -> Posix.write(sp[0], direct("x")));
      assertEquals(Constants.EPIPE, e.errno());
      e = assertThrows(NativeIoException.class, () -> PosixSockets.send(sp[0], direct("x"), 0));
      assertEquals(Constants.EPIPE, e.errno());
      e = assertThrows(NativeIoException.class, () -> Posix.writev(sp[0], direct("x"), direct("y")));
      assertEquals(Constants.EPIPE, e.errno());

      // A pipe cannot take MSG_NOSIGNAL: SIGPIPE is raised, and the JVM ignores it.
      Posix.close(p[0]);
      p[0] = -1;
      e = assertThrows(NativeIoException.class, () -> Posix.write(p[1], bytes("x"), 0, 1));
      assertEquals(Constants.EPIPE, e.errno());
      assertEquals("write", e.call());
    } finally {
      closeAll(sp);
      closeAll(p);
    }
  }

  @Test
  void byteArrayTransfersAreBounded() throws Exception {
    int[] sp = PosixSockets.socketpair(AF_UNIX, SOCK_STREAM, 0);
    try {
      PosixSockets.setsockopt(sp[0], SOL_SOCKET, SO_SNDBUF, 1 << 20);
      byte[] big = new byte[MAX_ARRAY_TRANSFER * 3];
      int n = Posix.write(sp[0], big, 0, big.length);
      assertTrue(n > 0 && n <= MAX_ARRAY_TRANSFER, "wrote " + n);
      byte[] in = new byte[big.length];
      int r = Posix.read(sp[1], in, 0, in.length);
      assertTrue(r > 0 && r <= MAX_ARRAY_TRANSFER, "read " + r);
      assertEquals(0, Posix.read(sp[1], in, 0, 0));
    } finally {
      closeAll(sp);
    }
  }

  @Test
  void sendAndRecvWithFlags() throws Exception {
    int[] sp = PosixSockets.socketpair(AF_UNIX, SOCK_STREAM, 0);
    try {
      ByteBuffer in = ByteBuffer.allocateDirect(8);
      assertEquals(WOULD_BLOCK, PosixSockets.recv(sp[1], in, MSG_DONTWAIT), "blocking socket, non-blocking call");
      assertEquals(4, PosixSockets.send(sp[0], direct("peek"), 0));
      assertEquals(4, PosixSockets.recv(sp[1], in, MSG_PEEK));
      in.clear();
      assertEquals(4, PosixSockets.recv(sp[1], in, 0), "the peeked data is still there");
      assertEquals("peek", text(in.flip()));
    } finally {
      closeAll(sp);
    }
  }

  // ---- bad input --------------------------------------------------------------------------

  @Test
  void closedDescriptorIsClosedChannelException() throws Exception {
    int fd = PosixSockets.socket(AF_INET, SOCK_STREAM, 0);
    Posix.close(fd);
    ClosedChannelException e = assertThrows(ClosedChannelException.class, () -> Posix.read(fd, ByteBuffer.allocateDirect(4)));
    assertEquals(Constants.EBADF, ((NativeIoException) e.getCause()).errno());
    assertEquals("read", ((NativeIoException) e.getCause()).call());
    assertThrows(ClosedChannelException.class, () -> Posix.close(fd), "a second close");

    int never = Integer.MAX_VALUE;
    assertThrows(ClosedChannelException.class, () -> Posix.write(never, bytes("x"), 0, 1));
    assertThrows(ClosedChannelException.class, () -> Posix.isNonBlocking(never));
    assertThrows(ClosedChannelException.class, () -> PosixSockets.getsockname(never));
    assertThrows(ClosedChannelException.class, () -> PosixSockets.connect(never, new InetSocketAddress(V4, 1)));
    assertThrows(ClosedChannelException.class, () -> Posix.close(-1));
  }

  @Test
  void badArgumentsAreClearExceptions() throws Exception {
    int[] sp = PosixSockets.socketpair(AF_UNIX, SOCK_STREAM, 0);
    try {
      int fd = sp[0];
      assertThrows(NullPointerException.class, () -> Posix.read(fd, (ByteBuffer) null));
      assertThrows(NullPointerException.class, () -> Posix.write(fd, null, 0, 1));
      IllegalArgumentException heap = assertThrows(IllegalArgumentException.class, () -> Posix.write(fd, ByteBuffer.allocate(4)));
      assertTrue(heap.getMessage().contains("direct"), heap.getMessage());
      assertThrows(IllegalArgumentException.class, () -> Posix.read(fd, ByteBuffer.allocate(4)));
      assertThrows(ReadOnlyBufferException.class, () -> Posix.read(fd, ByteBuffer.allocateDirect(4).asReadOnlyBuffer()));
      assertThrows(IllegalArgumentException.class, () -> Posix.writev(fd, direct("a"), ByteBuffer.allocate(1)));
      assertThrows(NullPointerException.class, () -> Posix.writev(fd, direct("a"), null));
      assertThrows(IndexOutOfBoundsException.class, () -> Posix.writev(fd, new ByteBuffer[] {direct("a")}, 1, 1));
      assertThrows(IndexOutOfBoundsException.class, () -> Posix.readv(fd, new ByteBuffer[1], 0, -1));
      assertThrows(IndexOutOfBoundsException.class, () -> Posix.write(fd, new byte[4], -1, 2));
      assertThrows(IndexOutOfBoundsException.class, () -> Posix.write(fd, new byte[4], 2, 10));
      assertThrows(IndexOutOfBoundsException.class, () -> Posix.read(fd, new byte[4], 0, -1));
      assertThrows(IllegalArgumentException.class, () -> PosixSockets.recvfrom(fd, ByteBuffer.allocateDirect(1), 0, new SocketAddress[0]));
      assertThrows(IllegalArgumentException.class, () -> PosixSockets.accept(fd, 0, new SocketAddress[0]));

      assertThrows(IllegalArgumentException.class,
          () -> PosixSockets.connect(fd, InetSocketAddress.createUnresolved("localhost", 80)));
      assertThrows(IllegalArgumentException.class,
          () -> PosixSockets.bind(fd, UnixDomainSocketAddress.of("/tmp/" + "x".repeat(200))));
      assertThrows(IllegalArgumentException.class, () -> PosixSockets.bind(fd, new SocketAddress() {}));
      assertThrows(NullPointerException.class, () -> PosixSockets.bind(fd, null));

      assertThrows(IllegalArgumentException.class, () -> PosixProcesses.kill(0, Signals.SIGTERM));
      assertThrows(IllegalArgumentException.class, () -> PosixProcesses.kill(-1, Signals.SIGTERM));
      assertThrows(IllegalArgumentException.class, () -> PosixProcesses.kill(1, -3));
      assertThrows(IllegalArgumentException.class, () -> PosixProcesses.kill(1, 1000));
      assertThrows(IllegalArgumentException.class, () -> PosixProcesses.killpg(1, Signals.SIGTERM));
      assertThrows(IllegalArgumentException.class, () -> PosixProcesses.waitpid(-1, 0));
      assertThrows(IllegalArgumentException.class, () -> PosixProcesses.waitpid(0, WNOHANG));
      assertThrows(IllegalArgumentException.class, () -> PosixProcesses.spawn("/bin/sh", new String[] {"sh", "a\0b"}, null, null));
      assertThrows(IllegalArgumentException.class, () -> new SpawnOptions().addDup2(-1, 1));
      assertThrows(NullPointerException.class, () -> PosixProcesses.spawn(null, new String[0], null, null));
    } finally {
      closeAll(sp);
    }
  }

  @Test
  void addressLayoutRoundTrips() throws Exception {
    byte[] linkLocal = InetAddress.ofLiteral("fe80::1").getAddress();
    SocketAddress[] addresses = {
      new InetSocketAddress(V4, 80),
      new InetSocketAddress(V6, 65535),
      new InetSocketAddress(Inet6Address.getByAddress(null, linkLocal, 7), 443),
      new InetSocketAddress(InetAddress.ofLiteral("10.1.2.3"), 9),
      new InetSocketAddress(Inet6Address.getByAddress(null, mapped(10, 1, 2, 3), -1), 9),
      UnixDomainSocketAddress.of("/run/some.sock"),
      UnixDomainSocketAddress.of(""),
    };
    for (SocketAddress a : addresses) {
      byte[] wire = SocketAddressCodec.encode(a);
      byte[] room = java.util.Arrays.copyOf(wire, Constants.ADDR_HEADER + Constants.SIZEOF_SUN_PATH);
      SocketAddress back = SocketAddressCodec.decode(room);
      assertEquals(a, back);
      assertEquals(a.getClass(), back.getClass());
      if (a instanceof InetSocketAddress inet) {
        assertEquals(inet.getAddress().getClass(), ((InetSocketAddress) back).getAddress().getClass(), "family kept");
      }
      if (a instanceof InetSocketAddress inet && inet.getAddress() instanceof Inet6Address v6) {
        assertEquals(v6.getScopeId(), ((Inet6Address) ((InetSocketAddress) back).getAddress()).getScopeId());
      }
    }
    InetSocketAddress scoped = (InetSocketAddress) SocketAddressCodec.decode(java.util.Arrays.copyOf(
        SocketAddressCodec.encode(new InetSocketAddress(Inet6Address.getByAddress(null, linkLocal, 7), 1)), 200));
    assertEquals(7, ((Inet6Address) scoped.getAddress()).getScopeId());
  }

  private static byte[] mapped(int a, int b, int c, int d) {
    byte[] v6 = new byte[16];
    v6[10] = (byte) 0xff;
    v6[11] = (byte) 0xff;
    v6[12] = (byte) a;
    v6[13] = (byte) b;
    v6[14] = (byte) c;
    v6[15] = (byte) d;
    return v6;
  }

  // ---- processes --------------------------------------------------------------------------

  @Test
  void spawnShellExitStatusAndStdout() throws Exception {
    int[] p = Posix.pipe2(0);
    int pid;
    try {
      pid = PosixProcesses.spawn("/bin/sh", new String[] {"sh", "-c", "echo out; exit 3"}, null,
          new SpawnOptions().addDup2(p[1], 1));
      Posix.close(p[1]);
      p[1] = -1;
      assertEquals("out\n", readAll(p[0]));
    } finally {
      closeAll(p);
    }
    WaitStatus status = PosixProcesses.waitpid(pid, 0);
    assertEquals(pid, status.pid());
    assertTrue(status.exited());
    assertFalse(status.signaled());
    assertEquals(3, status.exitStatus());
    assertEquals(3, status.returncode());
    NativeIoException e = assertThrows(NativeIoException.class, () -> PosixProcesses.waitpid(pid, WNOHANG), "already reaped");
    assertEquals(Constants.ECHILD, e.errno());
  }

  @Test
  void spawnSearchesPathWithEnvironmentAndDirectory() throws Exception {
    Path dir = Files.createTempDirectory("g4j-spawn").toRealPath();
    int[] p = Posix.pipe2(0);
    int pid;
    try {
      pid = PosixProcesses.spawn("sh", new String[] {"sh", "-c", "printf '%s %s' \"$G4J_TEST\" \"$(pwd)\"; echo file > out.txt"},
          new String[] {"G4J_TEST=yes", "PATH=/usr/bin:/bin"},
          new SpawnOptions().addChdir(dir.toString()).addDup2(p[1], 1).addClose(p[1]).addCloseFrom(3));
      Posix.close(p[1]);
      p[1] = -1;
      assertEquals("yes " + dir, readAll(p[0]));
      assertEquals(0, PosixProcesses.waitpid(pid, 0).returncode());
      assertEquals("file\n", Files.readString(dir.resolve("out.txt")));
    } finally {
      closeAll(p);
      deleteTree(dir);
    }
  }

  @Test
  void spawnOpenAction() throws Exception {
    Path dir = Files.createTempDirectory("g4j-spawn");
    try {
      Path out = dir.resolve("stdout.txt");
      int pid = PosixProcesses.spawn("/bin/sh", new String[] {"sh", "-c", "echo to a file; echo to stderr >&2"}, null,
          new SpawnOptions()
              .addOpen(0, "/dev/null", O_RDONLY, 0)
              .addOpen(1, out.toString(), O_WRONLY | O_CREAT | O_TRUNC, 0644)
              .addDup2(1, 2));
      assertEquals(0, PosixProcesses.waitpid(pid, 0).returncode());
      assertEquals("to a file\nto stderr\n", Files.readString(out));
    } finally {
      deleteTree(dir);
    }
  }

  @Test
  void spawnOfAMissingProgramNamesIt() {
    for (String program : new String[] {"g4j-no-such-program", "/nonexistent/g4j-program"}) {
      IOException e = assertThrows(IOException.class, () -> PosixProcesses.spawn(program, new String[] {program}, null, null));
      assertTrue(e.getMessage().contains(program), e.getMessage());
      NativeIoException cause = assertInstanceOf(NativeIoException.class, e.getCause());
      assertEquals(Constants.ENOENT, cause.errno());
      assertEquals(program.startsWith("/") ? "posix_spawn" : "posix_spawnp", cause.call());
    }
    IOException e = assertThrows(IOException.class, () -> PosixProcesses.spawn("/bin/true", new String[0], null,
        new SpawnOptions().addOpen(0, "/nonexistent/input", O_RDONLY, 0)));
    assertTrue(e.getMessage().contains("/bin/true"), e.getMessage());
    assertThrows(IOException.class, () -> PosixProcesses.spawn("/bin/true", new String[0], null,
        new SpawnOptions().addDup2(Integer.MAX_VALUE, 5)));
  }

  @Test
  void killOfADeadPid() throws Exception {
    int pid = PosixProcesses.spawn("/bin/true", new String[0], null, null);
    assertEquals(0, PosixProcesses.waitpid(pid, 0).returncode());
    // Signal 0: the check alone, harmless should the pid have been reused.
    NativeIoException e = assertThrows(NativeIoException.class, () -> PosixProcesses.kill(pid, 0));
    assertEquals(Constants.ESRCH, e.errno());
    assertEquals("ESRCH", e.errnoName());
    assertEquals("kill", e.call());
  }

  @Test
  void killTerminatesASleepingChild() throws Exception {
    int pid = PosixProcesses.spawn("/bin/sleep", new String[] {"sleep", "10"}, null, null);
    assertNull(PosixProcesses.waitpid(pid, WNOHANG), "still sleeping");
    PosixProcesses.kill(pid, 0);
    PosixProcesses.kill(pid, Signals.SIGTERM);
    WaitStatus status = PosixProcesses.waitpid(pid, 0);
    assertTrue(status.signaled(), status.toString());
    assertFalse(status.exited());
    assertEquals(Signals.SIGTERM, status.termSignal());
    assertEquals(-Signals.SIGTERM, status.returncode());
  }

  @Test
  void childStartsWithDefaultSignals() throws Exception {
    // The JVM blocks or handles signals; the child must not inherit that. The program reports
    // its blocked and ignored signals in /proc/self/status.
    int[] p = Posix.pipe2(0);
    int pid;
    try {
      pid = PosixProcesses.spawn("/bin/sh", new String[] {"sh", "-c", "exec grep -E '^Sig(Blk|Ign)' /proc/self/status"}, null,
          new SpawnOptions().addDup2(p[1], 1));
      Posix.close(p[1]);
      p[1] = -1;
      String out = readAll(p[0]);
      assertTrue(out.contains("SigBlk:\t0000000000000000"), out);
      // glibc's posix_spawn leaves its two internal real-time signals (32, 33) ignored;
      // every standard signal must be back at its default.
      long ignored = Long.parseUnsignedLong(out.replaceAll("(?s).*SigIgn:\t([0-9a-f]+).*", "$1"), 16);
      assertEquals(0, ignored & 0x7fffffffL, out); // bit n-1 is signal n
    } finally {
      closeAll(p);
    }
    assertEquals(0, PosixProcesses.waitpid(pid, 0).returncode());
  }

  @Test
  void newSessionAndProcessGroup() throws Exception {
    int pid = PosixProcesses.spawn("/bin/sleep", new String[] {"sleep", "10"}, null, new SpawnOptions().setProcessGroup(0));
    try {
      PosixProcesses.killpg(pid, Signals.SIGTERM);
    } finally {
      WaitStatus status = PosixProcesses.waitpid(pid, 0);
      assertEquals(-Signals.SIGTERM, status.returncode());
    }
    int[] p = Posix.pipe2(0);
    try {
      // Field 6 of /proc/PID/stat is the session id.
      int leader = PosixProcesses.spawn("/bin/sh", new String[] {"sh", "-c", "cut -d' ' -f6 /proc/$$/stat"},
          null, new SpawnOptions().setSid().addDup2(p[1], 1));
      Posix.close(p[1]);
      p[1] = -1;
      assertEquals(String.valueOf(leader), readAll(p[0]).strip(), "its own session");
      assertEquals(0, PosixProcesses.waitpid(leader, 0).returncode());
    } finally {
      closeAll(p);
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** Runs a loop of the configured backend until {@code fd} is ready for {@code events} (or failed). */
  private static void awaitReady(int fd, int events) {
    try (Loop loop = Loop.create()) {
      int[] fired = {0};
      IoWatcher watcher = loop.io(fd, events);
      watcher.start(revents -> {
        fired[0] = revents;
        watcher.stop();
      });
      while (fired[0] == 0) loop.run(RunMode.ONCE);
      // A socket error (a refused connect) is READ|WRITE on both backends (LoopTest checks it).
      assertNotEquals(0, fired[0] & events, "fired " + fired[0]);
    }
  }

  /** A connected blocking TCP pair over IPv4 loopback. */
  private static int[] tcpPair() throws IOException {
    int server = PosixSockets.socket(AF_INET, SOCK_STREAM, 0);
    int client = -1;
    try {
      PosixSockets.bind(server, new InetSocketAddress(V4, 0));
      PosixSockets.listen(server, 1);
      client = PosixSockets.socket(AF_INET, SOCK_STREAM, 0);
      assertEquals(0, PosixSockets.connect(client, PosixSockets.getsockname(server)));
      return new int[] {client, PosixSockets.accept(server, 0)};
    } catch (IOException | RuntimeException | Error e) {
      closeAll(client);
      throw e;
    } finally {
      Posix.close(server);
    }
  }

  private static void readFully(int fd, ByteBuffer dst, int count) throws IOException {
    int start = dst.position();
    while (dst.position() - start < count) {
      int n = Posix.read(fd, dst);
      if (n == WOULD_BLOCK) {
        awaitReady(fd, Watcher.READ);
      } else if (n == 0) {
        fail("end of file after " + (dst.position() - start) + " of " + count + " bytes");
      }
    }
  }

  /** Everything up to end of file, from a blocking descriptor. */
  private static String readAll(int fd) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] b = new byte[1024];
    for (int n; (n = Posix.read(fd, b, 0, b.length)) > 0; ) out.write(b, 0, n);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void closeAll(int... fds) throws IOException {
    for (int fd : fds) {
      if (fd >= 0) Posix.close(fd);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static ByteBuffer direct(String s) {
    byte[] b = bytes(s);
    return ByteBuffer.allocateDirect(b.length).put(b).flip();
  }

  private static String text(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return new String(a, StandardCharsets.US_ASCII);
  }

  private static Map<Integer, String> openFds() throws IOException {
    Map<Integer, String> fds = new TreeMap<>();
    try (Stream<Path> list = Files.list(Path.of("/proc/self/fd"))) {
      for (Path p : (Iterable<Path>) list::iterator) {
        String target;
        try {
          target = Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
          continue; // closed while listing
        }
        if (target.startsWith("/proc/") && target.endsWith("/fd")) continue; // the listing's own
        fds.put(Integer.parseInt(p.getFileName().toString()), target);
      }
    }
    return fds;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
    }
  }
}
