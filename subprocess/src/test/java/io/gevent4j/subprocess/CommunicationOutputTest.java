package io.gevent4j.subprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What communicate keeps of a pipe: chunks joined once, whatever sizes the reads come in. */
@Timeout(30)
class CommunicationOutputTest {
  private static final int CHUNK = Communication.Output.CHUNK;

  /** Gives {@code data} in reads of random sizes (1 to 70 KiB), and counts its closes. */
  private static class Pieces extends InputStream {
    final byte[] data;
    final Random random;
    int at;
    int closes;

    Pieces(byte[] data, long seed) {
      this.data = data;
      this.random = new Random(seed);
    }

    @Override
    public int read() {
      return at < data.length ? data[at++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (at == data.length) return -1;
      int n = Math.min(Math.min(len, 1 + random.nextInt(70 * 1024)), data.length - at);
      System.arraycopy(data, at, b, off, n);
      at += n;
      return n;
    }

    @Override
    public void close() {
      closes++;
    }
  }

  @Test
  void everySizeAroundTheChunkBoundariesComesBackWhole() {
    Random random = new Random(42);
    for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 5, 10 << 20}) {
      byte[] data = new byte[size];
      random.nextBytes(data);
      Pieces in = new Pieces(data, size);
      Communication.Output out = new Communication.Output();
      out.drain(in);
      assertArrayEquals(data, out.toByteArray(), size + " bytes");
      assertEquals(1, in.closes, "the drain closes its stream");
    }
  }

  @Test
  void aCopyTakenFromAnotherThreadMidwayHoldsWhatWasReadSoFar() throws Exception {
    byte[] data = new byte[5 * CHUNK + 123];
    new Random(7).nextBytes(data);
    int cut = 2 * CHUNK + CHUNK / 2;
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    // stops once it has given `cut` bytes, as a pipe the child has not written more to yet
    Pieces in = new Pieces(data, 1) {
      @Override
      public int read(byte[] b, int off, int len) {
        if (at == cut) {
          reached.countDown();
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        }
        return super.read(b, off, Math.min(len, at < cut ? cut - at : len));
      }
    };
    Communication.Output out = new Communication.Output();
    Thread drainer = Thread.ofPlatform().start(() -> out.drain(in));
    reached.await();
    byte[] midway = out.toByteArray();
    assertArrayEquals(Arrays.copyOf(data, cut), midway, "what a TimeoutExpired carries");
    go.countDown();
    drainer.join();
    assertArrayEquals(data, out.toByteArray(), "what the next communicate returns");
    assertNotSame(out.toByteArray(), out.toByteArray(), "each call gives a copy of its own");
  }
}
