package io.gevent4j.socket;

import static io.gevent4j.greenlet.Gevent.joinAll;
import static io.gevent4j.greenlet.Gevent.spawn;
import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.loop.Posix;
import io.gevent4j.loop.PosixSockets;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** gevent.ssl: TLS over cooperative sockets, on both backends. */
@org.junit.jupiter.api.Timeout(300)
class SslSocketTest {

  /**
   * A certificate made by the JDK's keytool once per JVM (EC P-256, SAN dns:localhost and
   * ip:127.0.0.1) and the contexts built on it.
   */
  static final class Certs {
    private static SSLContext server;
    private static SSLContext client;
    private static SSLContext untrusting;
    private static X509ExtendedTrustManager trust;

    private Certs() {}

    private static synchronized void init() {
      if (server != null) return;
      try {
        Path dir = Files.createTempDirectory("g4j-tls");
        Path store = dir.resolve("server.p12");
        char[] password = "changeit".toCharArray();
        try {
          Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
              "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
              "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "7",
              "-keystore", store.toString(), "-storetype", "PKCS12",
              "-storepass", "changeit", "-keypass", "changeit", "-noprompt")
              .redirectErrorStream(true).start();
          byte[] output;
          try (InputStream in = keytool.getInputStream()) {
            output = in.readAllBytes();
          }
          if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new AssertionError("keytool failed: " + new String(output, StandardCharsets.UTF_8));
          }
          KeyStore keys = KeyStore.getInstance("PKCS12");
          try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, password);
          }
          KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
          kmf.init(keys, password);
          SSLContext s = SSLContext.getInstance("TLS");
          s.init(kmf.getKeyManagers(), null, null);

          KeyStore trusted = KeyStore.getInstance("PKCS12");
          trusted.load(null, null);
          trusted.setCertificateEntry("server", keys.getCertificate("server"));
          TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
          tmf.init(trusted);
          trust = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
          SSLContext c = SSLContext.getInstance("TLS");
          c.init(null, tmf.getTrustManagers(), null);

          SSLContext u = SSLContext.getInstance("TLS");
          u.init(null, null, null); // the JDK's cacerts: our self-signed certificate is unknown there
          server = s;
          client = c;
          untrusting = u;
        } finally {
          Files.deleteIfExists(store);
          Files.deleteIfExists(dir);
        }
      } catch (Exception e) {
        throw new AssertionError("cannot make the test certificate", e);
      }
    }

    static SSLContext server() {
      init();
      return server;
    }

    static SSLContext client() {
      init();
      return client;
    }

    static SSLContext untrusting() {
      init();
      return untrusting;
    }

    /** A client context whose trust manager records the threads it runs on. */
    static SSLContext recordingClient(List<Thread> threads) throws Exception {
      init();
      X509ExtendedTrustManager recording = new X509ExtendedTrustManager() {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
          threads.add(Thread.currentThread());
          trust.checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) throws CertificateException {
          threads.add(Thread.currentThread());
          trust.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          threads.add(Thread.currentThread());
          trust.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
          trust.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) throws CertificateException {
          trust.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          trust.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return trust.getAcceptedIssuers();
        }
      };
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(null, new TrustManager[] {recording}, null);
      return c;
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** A client over TCP to {@code port} speaking only {@code protocol}, checking the name localhost. */
  static SslSocket client(int port, String protocol) throws IOException {
    Socket plain = Socket.createConnection("127.0.0.1", port, 10);
    SSLEngine engine = Certs.client().createSSLEngine("localhost", port);
    engine.setUseClientMode(true);
    engine.setEnabledProtocols(new String[] {protocol});
    javax.net.ssl.SSLParameters parameters = engine.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(parameters);
    return SslSocket.wrap(plain, engine);
  }

  /** A handshaken client/server pair over loopback TCP; the listener is closed already. */
  static SslSocket[] tlsPair() throws Exception {
    try (Socket listener = SocketTest.listener()) {
      Greenlet<SslSocket> server = spawn(() -> {
        SslSocket s = SslSocket.wrapServer(listener.accept(), Certs.server());
        s.setTimeout(10);
        s.handshake();
        return s;
      });
      SslSocket c = SslSocket.connect("127.0.0.1", listener.localAddress().getPort(), Certs.client(), 10);
      return new SslSocket[] {c, server.get(10)};
    }
  }

  static String readAll(Socket s) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[1000];
    int n;
    while ((n = s.recv(buf, 0, buf.length)) > 0) all.write(buf, 0, n);
    assertEquals(-1, n);
    return all.toString(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---- round trips --------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void echoRoundTripBetweenGreenletsOfOneHub(String protocol) {
    onFreshHub(60, hub -> {
      int clients = 20;
      Socket server = SocketTest.listener();
      int port = server.localAddress().getPort();
      Greenlet<Void> acceptor = spawn(() -> {
        for (int i = 0; i < clients; i++) {
          Socket tls = SslSocket.wrapServer(server.accept(), Certs.server());
          spawn(() -> SocketTest.echo(tls)); // a handler written for a plain Socket
        }
        return null;
      });
      List<Greenlet<?>> all = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int id = c;
        all.add(spawn(() -> {
          try (SslSocket s = client(port, protocol)) {
            DataInputStream in = new DataInputStream(s.inputStream());
            for (int round = 0; round < 3; round++) {
              byte[] message = bytes("message " + id + " round " + round);
              s.sendAll(message);
              byte[] back = new byte[message.length];
              in.readFully(back);
              assertArrayEquals(message, back);
            }
            assertEquals(protocol, s.session().getProtocol());
            assertTrue(s.isClientMode());
            s.shutdownOutput(); // close_notify: the echo loop ends and closes, with its own close_notify
            assertEquals(-1, s.recv(new byte[10], 0, 10));
            assertEquals(0, s.recv(10).length, "end of stream stays");
            assertThrows(java.net.SocketException.class, () -> s.sendAll(bytes("too late")));
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
  void eightMebibytesBothWaysIntactWithKeyUpdatesOnTheWay() {
    onFreshHub(120, hub -> {
      Socket server = SocketTest.listener();
      byte[] data = new byte[8 << 20];
      new Random(7).nextBytes(data);
      Greenlet<Void> echo = spawn(() -> {
        SslSocket s = SslSocket.wrapServer(server.accept(), Certs.server());
        s.setTimeout(30);
        s.handshake();
        // the server asks for key updates while its echo loop reads and writes
        Greenlet<Void> updater = spawn(() -> {
          for (int i = 0; i < 5; i++) {
            s.keyUpdate();
            Gevent.sleep(0.005);
          }
          return null;
        });
        SocketTest.echo(s);
        updater.get(30);
        return null;
      });
      Socket plain = Socket.tcp();
      plain.setOption(StandardSocketOptions.SO_SNDBUF, 16384); // partial writes, as in SocketTest
      plain.setOption(StandardSocketOptions.TCP_NODELAY, true);
      plain.connect(server.localAddress());
      try (SslSocket client = SslSocket.wrapClient(plain, Certs.client(), "127.0.0.1")) {
        client.setTimeout(30);
        Greenlet<byte[]> reader = spawn(() -> {
          MessageDigest digest = MessageDigest.getInstance("SHA-256");
          ByteBuffer buf = ByteBuffer.allocateDirect(65536); // room for whole records: unwrapped in place
          long total = 0;
          int n;
          while ((n = client.recvInto(buf.clear())) > 0) {
            digest.update(buf.flip());
            total += n;
          }
          assertEquals(data.length, total);
          return digest.digest();
        });
        Greenlet<Void> updater = spawn(() -> {
          for (int i = 0; i < 5; i++) {
            client.keyUpdate();
            Gevent.sleep(0.005);
          }
          return null;
        });
        client.sendAll(data); // while the reader reads: one writer and one reader at once
        updater.get(30);
        client.shutdownOutput();
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), reader.get(60));
      }
      echo.get(30);
      server.close();
    });
  }

  @Test
  void keyUpdatesFromEitherSide() {
    onFreshHub(hub -> {
      SslSocket[] p = tlsPair();
      for (int i = 0; i < 3; i++) {
        p[i % 2].keyUpdate();
        p[0].sendAll(bytes("ping " + i));
        assertEquals("ping " + i, new String(p[1].recv(100), StandardCharsets.UTF_8));
        p[1].sendAll(bytes("pong " + i));
        assertEquals("pong " + i, new String(p[0].recv(100), StandardCharsets.UTF_8));
      }
      p[0].close();
      assertEquals("", readAll(p[1]));
      p[1].close();
    });
  }

  @Test
  void pendingBytesAndTheByteChannelMethods() {
    onFreshHub(hub -> {
      SslSocket[] p = tlsPair();
      assertTrue(p[0].getOption(StandardSocketOptions.TCP_NODELAY), "no Nagle on TLS: it would stall small records 40 ms");
      assertTrue(p[1].getOption(StandardSocketOptions.TCP_NODELAY));
      assertEquals(10000, p[1].write(ByteBuffer.wrap(new byte[10000])));
      byte[] one = new byte[1];
      assertEquals(1, p[0].recv(one, 0, 1));
      assertEquals(9999, p[0].pending(), "decrypted, waiting to be read");
      ByteBuffer rest = ByteBuffer.allocate(20000);
      assertEquals(9999, p[0].read(rest));
      assertEquals(0, p[0].pending());
      p[0].outputStream().write(bytes("via the stream"));
      assertEquals("via the stream", new String(p[1].recv(100), StandardCharsets.UTF_8));
      p[0].close();
      p[1].close();
    });
  }

  // ---- SNI and certificates ---------------------------------------------------------------------

  @Test
  void theServerSeesTheNameTheClientAskedFor() {
    onFreshHub(hub -> {
      Socket server = SocketTest.listener();
      int port = server.localAddress().getPort();
      Greenlet<Void> names = spawn(() -> {
        for (int i = 0; i < 2; i++) {
          try (SslSocket s = SslSocket.wrapServer(server.accept(), Certs.server())) {
            s.setTimeout(10);
            assertFalse(s.isClientMode());
            s.sendAll(bytes(String.valueOf(s.requestedServerName())));
          }
        }
        return null;
      });
      try (SslSocket c = SslSocket.wrapClient(Socket.createConnection("127.0.0.1", port, 10), Certs.client(), "localhost")) {
        assertEquals("localhost", c.requestedServerName());
        assertEquals("localhost", readAll(c));
      }
      try (SslSocket c = SslSocket.wrapClient(Socket.createConnection("127.0.0.1", port, 10), Certs.client(), null)) {
        assertNull(c.requestedServerName());
        assertEquals("null", readAll(c), "no SNI sent");
      }
      names.get(10);
      server.close();
    });
  }

  @Test
  void anUntrustedCertificateFailsTheHandshakeOnBothSides() {
    onFreshHub(hub -> {
      Socket server = SocketTest.listener();
      Greenlet<Throwable> serverSide = spawn(() -> {
        try (SslSocket s = SslSocket.wrapServer(server.accept(), Certs.server())) {
          s.setTimeout(10);
          s.handshake();
          return null;
        } catch (IOException e) {
          return e;
        }
      });
      SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
          () -> SslSocket.connect("127.0.0.1", server.localAddress().getPort(), Certs.untrusting(), 10));
      assertTrue(e.getMessage().contains("PKIX"), e.toString());
      assertInstanceOf(SSLHandshakeException.class, serverSide.get(10), "the client's alert reaches the server");
      server.close();
    });
  }

  @Test
  void hostNameVerification() {
    onFreshHub(hub -> {
      Socket server = SocketTest.listener();
      int port = server.localAddress().getPort();
      Greenlet<Void> acceptor = spawn(() -> {
        for (int i = 0; i < 4; i++) {
          try (SslSocket s = SslSocket.wrapServer(server.accept(), Certs.server())) {
            s.setTimeout(10);
            s.sendAll(bytes("ok"));
          } catch (SSLException expected) {
            // the client refused us
          }
        }
        return null;
      });
      try (SslSocket c = SslSocket.wrapClient(Socket.createConnection("127.0.0.1", port, 10), Certs.client(), "wrong.example")) {
        SSLHandshakeException e = assertThrows(SSLHandshakeException.class, c::handshake);
        assertTrue(e.getMessage().contains("wrong.example"), e.toString());
        SSLHandshakeException again = assertThrows(SSLHandshakeException.class, () -> c.recv(10), "a failed connection stays failed");
        assertTrue(again.getCause() == e);
      }
      try (SslSocket c = SslSocket.wrapClient(Socket.createConnection("127.0.0.1", port, 10), Certs.client(), "127.0.0.1")) {
        assertEquals("ok", readAll(c), "an IP literal is checked against the IP addresses");
      }
      try (SslSocket c = SslSocket.connect("localhost", port, Certs.client(), 10)) {
        assertEquals("ok", readAll(c));
      }
      try (SslSocket c = SslSocket.wrapClient(Socket.tcp(), Certs.client(), "localhost")) {
        c.connect(server.localAddress()); // wrapped before the connect, as gevent allows
        assertEquals("ok", readAll(c));
      }
      acceptor.get(10);
      server.close();
    });
  }

  // ---- timeouts ------------------------------------------------------------------------------------

  @Test
  void aHandshakeWithAServerThatNeverAnswersTimesOut() {
    onFreshHub(hub -> {
      Socket silent = SocketTest.listener(); // the kernel completes the connects; nobody answers
      int port = silent.localAddress().getPort();
      long t0 = System.nanoTime();
      assertThrows(SocketTimeoutException.class, () -> SslSocket.connect("127.0.0.1", port, Certs.client(), 0.2));
      double took = (System.nanoTime() - t0) / 1e9;
      assertTrue(took >= 0.19 && took < 5, "took " + took);
      try (SslSocket c = SslSocket.wrapClient(Socket.createConnection("127.0.0.1", port, Double.POSITIVE_INFINITY),
          Certs.client(), "localhost")) {
        assertEquals(-1, c.getTimeout());
        c.handshakeTimeout(0.1);
        assertThrows(SocketTimeoutException.class, c::handshake);
        assertThrows(SocketTimeoutException.class, () -> c.recv(10), "the implicit handshake too");
        assertThrows(IllegalArgumentException.class, () -> c.handshakeTimeout(-1));
        c.setTimeout(0);
        c.handshakeTimeout(5);
        assertThrows(SocketTimeoutException.class, c::handshake, "a non-blocking socket never waits");
      }
      silent.close();

      // the server side: a client that connects and says nothing
      Socket server = SocketTest.listener();
      Socket mute = Socket.createConnection("127.0.0.1", server.localAddress().getPort(), 10);
      SslSocket s = SslSocket.wrapServer(server.accept(), Certs.server()).handshakeTimeout(0.1);
      assertThrows(SocketTimeoutException.class, s::handshake);
      s.close();
      mute.close();
      server.close();
    });
  }

  @Test
  void readTimeoutsAfterTheHandshakeLeaveTheConnectionUsable() {
    onFreshHub(hub -> {
      SslSocket[] p = tlsPair();
      p[0].setTimeout(0.05);
      assertThrows(SocketTimeoutException.class, () -> p[0].recv(10));
      p[0].setTimeout(0);
      assertThrows(SocketTimeoutException.class, () -> p[0].recv(10), "timeout 0 is non-blocking");
      p[1].sendAll(bytes("late"));
      p[0].setTimeout(5);
      assertEquals("late", new String(p[0].recv(10), StandardCharsets.UTF_8));
      p[0].close();
      p[1].close();
    });
  }

  @Test
  void aWriteTimeoutReportsTheBytesTakenAndLosesNone() {
    onFreshHub(60, hub -> {
      SslSocket[] p = tlsPair();
      p[0].setOption(StandardSocketOptions.SO_SNDBUF, 16384);
      byte[] data = new byte[32 << 20];
      new Random(11).nextBytes(data);
      p[0].setTimeout(0.2);
      SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> p[0].sendAll(data), "the peer does not read");
      int taken = e.bytesTransferred;
      assertTrue(taken > 0 && taken < data.length, "taken: " + taken);
      Greenlet<byte[]> peer = spawn(() -> {
        byte[] got = new byte[taken];
        new DataInputStream(p[1].inputStream()).readFully(got);
        p[1].sendAll(bytes("done"));
        return got;
      });
      // the last record taken may still wait in the socket: a read that waits sends it first
      p[0].setTimeout(10);
      assertEquals("done", new String(p[0].recv(10), StandardCharsets.UTF_8));
      assertArrayEquals(java.util.Arrays.copyOf(data, taken), peer.get(10));
      p[0].close();
      assertEquals("", readAll(p[1]), "nothing more than the bytes taken");
      p[1].close();
    });
  }

  // ---- closing -------------------------------------------------------------------------------------

  @Test
  void closeSendsCloseNotifyAndThePeerReadsEndOfStream() {
    onFreshHub(hub -> {
      Socket server = SocketTest.listener();
      int port = server.localAddress().getPort();
      Greenlet<List<String>> reads = spawn(() -> {
        List<String> got = new ArrayList<>();
        for (boolean suppress : new boolean[] {false, false, true}) {
          try (SslSocket s = SslSocket.wrapServer(server.accept(), Certs.server())) {
            s.setTimeout(10);
            s.suppressRaggedEofs(suppress);
            try {
              got.add(readAll(s));
            } catch (SSLException e) {
              got.add("SSLException");
            }
          }
        }
        return got;
      });
      try (SslSocket c = SslSocket.connect("127.0.0.1", port, Certs.client(), 10)) {
        c.sendAll(bytes("goodbye"));
      } // close(): close_notify
      for (int i = 0; i < 2; i++) { // a TCP end of stream without close_notify: a ragged EOF
        SslSocket c = SslSocket.connect("127.0.0.1", port, Certs.client(), 10);
        c.sendAll(bytes("cut"));
        PosixSockets.shutdown(c.fd(), Posix.SHUT_WR);
        assertEquals(-1, c.recv(new byte[1], 0, 1), "the server closes after reading");
        c.close();
      }
      assertEquals(List.of("goodbye", "SSLException", "cut"), reads.get(10));
      server.close();
    });
  }

  @Test
  void halfCloseLetsThePeerAnswer() {
    onFreshHub(hub -> {
      SslSocket[] p = tlsPair();
      p[0].sendAll(bytes("request"));
      p[0].shutdownOutput();
      assertEquals("request", readAll(p[1]));
      p[1].sendAll(bytes("reply"));
      p[1].close();
      assertEquals("reply", readAll(p[0]), "TLS 1.3 half-close: the other direction still works");
      p[0].close();
    });
  }

  @Test
  void closedSocketsAndWakingTheirWaiters() {
    onFreshHub(hub -> {
      Socket[] pair = Socket.socketpair(); // TLS over a Unix stream socket pair
      int fd = pair[0].fd();
      SslSocket a = SslSocket.wrapClient(pair[0], Certs.client(), null);
      SslSocket b = SslSocket.wrapServer(pair[1], Certs.server());
      assertFalse(pair[0].isOpen(), "the plain socket was taken over");
      assertEquals(fd, a.fd());
      assertThrows(ClosedChannelException.class, () -> SslSocket.wrapServer(pair[0], Certs.server()));

      // a greenlet parked in the handshake (nothing from the client yet) wakes when b closes
      Greenlet<Throwable> inHandshake = spawn(() -> {
        try {
          b.recv(10);
          return null;
        } catch (ClosedChannelException e) {
          return e;
        }
      });
      Gevent.sleep(0);
      b.close();
      assertInstanceOf(ClosedChannelException.class, inHandshake.get(5));
      b.close(); // idempotent
      assertThrows(ClosedChannelException.class, () -> b.recv(1));
      assertThrows(ClosedChannelException.class, () -> b.sendAll(new byte[1]));
      assertThrows(ClosedChannelException.class, b::handshake);
      assertThrows(ClosedChannelException.class, b::shutdownOutput);
      a.close();

      // and one parked in a read after the handshake
      SslSocket[] p = tlsPair();
      Greenlet<Throwable> reader = spawn(() -> {
        try {
          p[0].recv(10);
          return null;
        } catch (ClosedChannelException e) {
          return e;
        }
      });
      Gevent.sleep(0.01);
      p[0].close();
      assertInstanceOf(ClosedChannelException.class, reader.get(5));
      assertEquals("", readAll(p[1]), "the peer got close_notify");
      p[1].close();
    });
  }

  @Test
  void whatATlsSocketRefuses() {
    onFreshHub(hub -> {
      try (Socket udp = Socket.udp()) {
        assertThrows(IllegalArgumentException.class, () -> SslSocket.wrapClient(udp, Certs.client(), null));
      }
      Socket[] pair = Socket.socketpair();
      SslSocket a = SslSocket.wrapClient(pair[0], Certs.client(), null);
      assertThrows(IllegalArgumentException.class, () -> SslSocket.wrapServer(a, Certs.server()), "TLS in TLS");
      assertThrows(UnsupportedOperationException.class, a::accept);
      assertThrows(UnsupportedOperationException.class, () -> a.sendTo(new byte[1], null));
      assertThrows(UnsupportedOperationException.class, () -> a.recvFrom(10));
      assertTrue(a.toString().contains("handshake pending"), a.toString());
      a.close();
      pair[1].close();
    });
  }

  // ---- peers that do not speak TLS -----------------------------------------------------------------

  @Test
  void aPlainTextClientGetsAnSslExceptionNotAHang() {
    onFreshHub(hub -> {
      Socket server = SocketTest.listener();
      Greenlet<Throwable> serverSide = spawn(() -> {
        try (SslSocket s = SslSocket.wrapServer(server.accept(), Certs.server())) {
          s.setTimeout(10);
          s.recv(100);
          return null;
        } catch (IOException e) {
          return e;
        }
      });
      try (Socket plain = Socket.createConnection("127.0.0.1", server.localAddress().getPort(), 10)) {
        plain.sendAll(bytes("GET / HTTP/1.0\r\nHost: localhost\r\n\r\n"));
        Throwable e = serverSide.get(10);
        assertInstanceOf(SSLException.class, e);
        plain.recv(1000); // an alert, or the end
      }
      server.close();
    });
  }

  @Test
  void aPlainTextServerGivesTheClientAnSslExceptionNotAHang() {
    onFreshHub(hub -> {
      Socket server = SocketTest.listener();
      int port = server.localAddress().getPort();
      Greenlet<Void> servers = spawn(() -> {
        try (Socket s = server.accept()) { // an HTTP server
          s.recv(16384);
          s.sendAll(bytes("HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
          s.shutdownOutput();
          while (s.recv(16384).length > 0) { } // until the client closes: no reset
        }
        try (Socket s = server.accept()) { // an echo server
          byte[] buf = new byte[16384];
          int n;
          while ((n = s.recv(buf, 0, buf.length)) > 0) s.sendAll(buf, 0, n);
        } catch (IOException peerGone) {
          // the client has gone
        }
        try (Socket s = server.accept()) { // a server that hangs up (a FIN: a close with unread bytes would be a reset)
          s.shutdownOutput();
          while (s.recv(16384).length > 0) { }
        }
        return null;
      });
      assertThrows(SSLException.class, () -> SslSocket.connect("127.0.0.1", port, Certs.client(), 10));
      assertThrows(SSLException.class, () -> SslSocket.connect("127.0.0.1", port, Certs.client(), 10));
      SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> SslSocket.connect("127.0.0.1", port, Certs.client(), 10));
      assertTrue(e.getMessage().contains("closed"), e.toString());
      servers.get(10);
      server.close();
    });
  }

  // ---- delegated tasks ------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void delegatedTasksRunInlineOrOnTheThreadPool(boolean inThreadPool) {
    onFreshHub(hub -> {
      List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
      SSLContext recording = Certs.recordingClient(threads);
      try (Socket server = SocketTest.listener()) {
        Greenlet<Void> echo = spawn(() -> {
          SslSocket s = SslSocket.wrapServer(server.accept(), Certs.server()).delegatedTasksInThreadPool(inThreadPool);
          SocketTest.echo(s);
          return null;
        });
        try (SslSocket c = SslSocket.wrapClient(Socket.createConnection("127.0.0.1", server.localAddress().getPort(), 10),
            recording, "localhost").delegatedTasksInThreadPool(inThreadPool)) {
          c.sendAll(bytes("tasks"));
          assertEquals("tasks", new String(c.recv(100), StandardCharsets.UTF_8));
        }
        echo.get(10);
      }
      assertEquals(1, threads.size(), "the certificate was checked once");
      Thread checker = threads.get(0);
      if (inThreadPool) {
        assertTrue(checker.getName().startsWith("gevent4j-threadpool"), checker.getName());
      } else {
        assertEquals(Thread.currentThread(), checker, "inline, in the caller (here the hub's main greenlet)");
      }
    });
  }
}
