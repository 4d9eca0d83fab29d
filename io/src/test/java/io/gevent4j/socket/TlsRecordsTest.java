package io.gevent4j.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.util.Random;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import org.junit.jupiter.api.Test;

/**
 * {@link TlsRecords} without a socket or a hub: two engines (client and server) handshake and
 * exchange application bytes through two of them, the encrypted bytes carried between them in
 * small pieces, as TCP may deliver them.
 */
class TlsRecordsTest {

  /** One side: its engine and its records. */
  record Side(SSLEngine engine, TlsRecords records) {
    static Side of(SSLEngine engine) {
      return new Side(engine, new TlsRecords(engine));
    }

    void runTasks() {
      for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) t.run();
    }
  }

  /** Carries up to {@code max} wrapped bytes from one side to the other; returns the count. */
  static int carry(Side from, Side to, int max) {
    ByteBuffer wire = ByteBuffer.allocate(max);
    from.records().transmit(wire);
    wire.flip();
    int n = wire.remaining();
    while (wire.hasRemaining()) {
      if (to.records().receive(wire) == 0) throw new AssertionError("no room for received bytes");
    }
    return n;
  }

  /** One step of a side's handshake; true when it did something. */
  static boolean step(Side side) throws Exception {
    HandshakeStatus hs = side.engine().getHandshakeStatus();
    switch (hs) {
      case NEED_TASK -> {
        side.runTasks();
        return true;
      }
      case NEED_WRAP -> {
        SSLEngineResult r = side.records().wrapAppending(TlsRecords.EMPTY);
        return r.bytesProduced() > 0 || r.getHandshakeStatus() != HandshakeStatus.NEED_WRAP;
      }
      case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
        SSLEngineResult r = side.records().unwrap(null);
        return r.getStatus() != SSLEngineResult.Status.BUFFER_UNDERFLOW;
      }
      default -> {
        return false;
      }
    }
  }

  static void handshake(Side client, Side server, Random random) throws Exception {
    client.engine().beginHandshake();
    server.engine().beginHandshake();
    for (int i = 0; i < 10_000; i++) {
      boolean progress = step(client) | step(server);
      progress |= carry(client, server, 1 + random.nextInt(700)) > 0;
      progress |= carry(server, client, 1 + random.nextInt(700)) > 0;
      boolean done = client.engine().getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
          && server.engine().getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
          && !client.records().outputPending() && !server.records().outputPending();
      if (done) return;
      if (!progress) throw new AssertionError("the handshake is stuck: " + client.engine().getHandshakeStatus() + " / "
          + server.engine().getHandshakeStatus());
    }
    throw new AssertionError("the handshake does not end");
  }

  /** Sends {@code data} from one side to the other, record by record, carried in random pieces; returns what arrived. */
  static byte[] send(Side from, Side to, byte[] data, Random random, boolean readLarge) throws Exception {
    ByteBuffer src = ByteBuffer.wrap(data);
    ByteBuffer received = ByteBuffer.allocate(data.length + to.records().applicationCapacity());
    while (src.hasRemaining() || from.records().outputPending() || received.position() < data.length) {
      if (src.hasRemaining() && !from.records().outputPending()) {
        SSLEngineResult r = from.records().wrap(src);
        assertEquals(SSLEngineResult.Status.OK, r.getStatus(), r.toString());
      }
      carry(from, to, 1 + random.nextInt(5000));
      while (true) {
        if (to.records().pending() > 0) {
          ByteBuffer dst = received.slice(received.position(), Math.min(received.remaining(), 1 + random.nextInt(3000)));
          received.position(received.position() + to.records().deliver(dst));
          continue;
        }
        // a read with room for a whole record unwraps straight into it, as SslSocket.recv does
        ByteBuffer target = readLarge && received.remaining() >= to.records().applicationCapacity() ? received : null;
        SSLEngineResult r = to.records().unwrap(target);
        if (r.getStatus() != SSLEngineResult.Status.OK || (r.bytesConsumed() == 0 && to.records().pending() == 0)) break;
      }
    }
    return java.util.Arrays.copyOf(received.array(), received.position());
  }

  @Test
  void aHandshakeAndBytesBothWaysThroughRecordsCarriedInPieces() throws Exception {
    for (long seed = 1; seed <= 6; seed++) {
      Random random = new Random(seed);
      SSLEngine c = TlsTesting.client().createSSLEngine("localhost", 443);
      c.setUseClientMode(true);
      SSLEngine s = TlsTesting.server().createSSLEngine();
      s.setUseClientMode(false);
      Side client = Side.of(c);
      Side server = Side.of(s);
      handshake(client, server, random);
      client.records().shrinkOutput();
      server.records().shrinkOutput();
      byte[] request = new byte[random.nextInt(70_000)];
      random.nextBytes(request);
      assertArrayEquals(request, send(client, server, request, random, seed % 2 == 0), "seed " + seed);
      byte[] response = new byte[1 + random.nextInt(70_000)];
      random.nextBytes(response);
      assertArrayEquals(response, send(server, client, response, random, seed % 2 == 1), "seed " + seed);
      assertFalse(client.records().outputPending());
      assertEquals(0, server.records().pending());
    }
  }
}
