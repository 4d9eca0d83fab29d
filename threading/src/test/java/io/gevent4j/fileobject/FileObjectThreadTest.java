package io.gevent4j.fileobject;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Timeout;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FileObjectThread from greenlets and plain threads, on both backends: the hub keeps running while files work. */
@org.junit.jupiter.api.Timeout(120)
class FileObjectThreadTest {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  /** A sparse file of {@code mib} MiB with the byte {@code 'A' + k} at each multiple of 64 MiB and 'Z' last. */
  private Path sparse(String name, int mib) throws Exception {
    Path p = dir.resolve(name);
    try (FileChannel c = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long at = 0, k = 0; at < (long) mib * MIB; at += 64L * MIB, k++) {
        c.write(ByteBuffer.wrap(new byte[] {(byte) ('A' + k)}), at);
      }
      c.write(ByteBuffer.wrap(new byte[] {'Z'}), (long) mib * MIB - 1);
    }
    return p;
  }

  /**
   * Reading 256 MiB through a FileObjectThread keeps the hub turning: a timer greenlet ticking
   * every 2 ms goes on ticking during the read. Each 1 MiB read is a pool task; the greenlet waits
   * for it cooperatively. Read on the hub thread itself, the file would let no tick through.
   */
  @Test
  void aLargeReadLetsATimerGreenletKeepTicking() throws Exception {
    Path big = sparse("big", 256);
    onFreshHub(hub -> {
      int[] ticks = {0};
      boolean[] done = {false};
      Greenlet<Void> ticker = Gevent.spawn(() -> {
        while (!done[0]) {
          Hub.sleep(0.002);
          ticks[0]++;
        }
      });
      Greenlet<long[]> reader = Gevent.spawn(() -> {
        try (FileObjectThread f = FileObject.open(big, "rb"); InputStream in = f.inputStream()) {
          byte[] buffer = new byte[MIB];
          long total = 0;
          int ticksBefore = ticks[0];
          long start = System.nanoTime();
          int n;
          while ((n = in.read(buffer)) > 0) total += n;
          long elapsed = System.nanoTime() - start;
          return new long[] {total, elapsed, ticks[0] - ticksBefore};
        } finally {
          done[0] = true;
        }
      });
      long[] r = reader.get();
      ticker.join();
      assertEquals(256L * MIB, r[0]);
      double seconds = r[1] / 1e9;
      // 2 ms per tick at best; a tenth of that, at least 3, however loaded the machine
      long wanted = Math.max(3, (long) (seconds / 0.002 / 10));
      assertTrue(r[2] >= wanted, "only " + r[2] + " ticks during a read of " + seconds + " s (wanted >= " + wanted + ")");
    });
  }

  /** A plain thread reads through its hub: its greenlets run while it waits for the pool, as gevent's main greenlet. */
  @Test
  void aPlainThreadReadingLetsItsGreenletsRun() throws Exception {
    Path big = sparse("big", 64);
    onFreshHub(hub -> {
      int[] ticks = {0};
      boolean[] done = {false};
      Greenlet<Void> ticker = Gevent.spawn(() -> {
        while (!done[0]) {
          Hub.sleep(0.001);
          ticks[0]++;
        }
      });
      byte[] all;
      try (FileObjectThread f = FileObject.open(big, "rb")) {
        all = f.inputStream().readAllBytes();
      } finally {
        done[0] = true;
      }
      ticker.join();
      assertEquals(64 * MIB, all.length);
      assertEquals('A', all[0]);
      assertEquals('Z', all[all.length - 1]);
      assertTrue(ticks[0] >= 1, "the owner's greenlets ran while it read: " + ticks[0] + " ticks");
    });
  }

  @Test
  void writeThenReadBackSeekTruncateAndForce() {
    onFreshHub(hub -> {
      Path p = dir.resolve("rw");
      Greenlet<Void> g = Gevent.spawn(() -> {
        try (FileObjectThread f = FileObjectThread.open(p, "w+b")) {
          assertEquals("w+b", f.mode());
          assertEquals(p.toString(), f.name());
          assertEquals(10, f.write(ByteBuffer.wrap("0123456789".getBytes(US_ASCII))));
          assertEquals(10, f.position());
          assertEquals(10, f.size());
          assertSame(f, f.position(3));
          ByteBuffer four = ByteBuffer.allocate(4);
          assertEquals(4, f.read(four));
          assertEquals("3456", new String(four.array(), US_ASCII));
          assertEquals(7, f.position());
          ByteBuffer direct = ByteBuffer.allocateDirect(16);
          assertEquals(3, f.read(direct));
          assertEquals(-1, f.read(direct), "end of file");
          assertSame(f, f.truncate(5));
          assertEquals(5, f.size());
          assertEquals(5, f.position(), "a position beyond the new size moves back to it (SeekableByteChannel)");
          f.truncate(100);
          assertEquals(5, f.size(), "truncate never extends (SeekableByteChannel)");
          f.position(8).outputStream().write('x');
          assertEquals(9, f.size(), "a write beyond the end extends the file");
          f.force(true);
          f.force(false);
          f.position(0);
          assertArrayEquals("01234\0\0\0x".getBytes(US_ASCII), f.inputStream().readAllBytes());
          assertEquals(0, f.read(ByteBuffer.allocate(0)));
        }
        return null;
      });
      g.get();
    });
  }

  @Test
  void pythonModes() throws Exception {
    Path p = dir.resolve("modes");
    Files.writeString(p, "abc");
    onFreshHub(hub -> {
      try (FileObjectThread r = FileObject.open(p, "r")) {
        assertArrayEquals("abc".getBytes(US_ASCII), r.inputStream().readAllBytes());
        NonWritableChannelException w = assertThrows(NonWritableChannelException.class, () -> r.write(ByteBuffer.allocate(1)));
        assertTrue(w.getMessage().contains("not open for writing (mode 'r')") && w.getMessage().contains(p.toString()), w.getMessage());
        assertThrows(NonWritableChannelException.class, r::outputStream);
        assertThrows(NonWritableChannelException.class, () -> r.truncate(0));
      }
      try (FileObjectThread a = FileObject.open(p, "ab")) {
        assertEquals(3, a.position(), "append: the position is the size");
        a.position(0);
        a.outputStream().write("de".getBytes(US_ASCII));
        NonReadableChannelException nr = assertThrows(NonReadableChannelException.class, () -> a.read(ByteBuffer.allocate(1)));
        assertTrue(nr.getMessage().contains("not open for reading (mode 'ab')"), nr.getMessage());
        assertThrows(NonReadableChannelException.class, a::inputStream);
      }
      assertEquals("abcde", Files.readString(p), "'a' appends wherever the position is");
      try (FileObjectThread ap = FileObject.open(p, "a+")) {
        assertEquals(5, ap.position(), "'a+' starts at the end");
        ap.position(1);
        ByteBuffer two = ByteBuffer.allocate(2);
        ap.read(two);
        assertEquals("bc", new String(two.array(), US_ASCII));
        ap.write(ByteBuffer.wrap("f".getBytes(US_ASCII)));
        assertEquals(6, ap.position(), "after an append the position is at the end, as Python's");
        ap.position(0);
        assertArrayEquals("abcdef".getBytes(US_ASCII), ap.inputStream().readAllBytes());
      }
      try (FileObjectThread w = FileObject.open(p, "wb")) {
        assertEquals(0, w.size(), "'w' truncates");
      }
      assertThrows(FileAlreadyExistsException.class, () -> FileObject.open(p, "x"));
      try (FileObjectThread x = FileObject.open(dir.resolve("new"), "x+b")) {
        x.write(ByteBuffer.wrap(new byte[] {1, 2}));
        x.position(0);
        assertEquals(2, x.read(ByteBuffer.allocate(8)));
      }
      NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> FileObject.open(dir.resolve("missing"), "r"));
      assertTrue(missing.getMessage().contains("missing"), missing.getMessage());
      FileSystemException isDir = assertThrows(FileSystemException.class, () -> FileObject.open(dir, "rb"));
      assertTrue(isDir.getMessage().contains("Is a directory") && isDir.getMessage().contains(dir.toString()), isDir.getMessage());
      for (String bad : new String[] {"", "rt", "rw", "r++", "q", "rbb", "U"}) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FileObject.open(p, bad), bad);
        assertTrue(e.getMessage().contains("bad mode '" + bad + "'") && e.getMessage().contains(p.toString()), e.getMessage());
      }
      assertThrows(NullPointerException.class, () -> FileObject.open(p, null));
    });
  }

  @Test
  void closeTwiceAndUseAfterClose() {
    onFreshHub(hub -> {
      FileObjectThread f = FileObject.open(dir.resolve("c"), "w+");
      InputStream in = f.inputStream();
      OutputStream out = f.outputStream();
      assertTrue(f.isOpen());
      f.close();
      f.close(); // idempotent
      in.close();
      assertFalse(f.isOpen());
      FileObjectClosed read = assertThrows(FileObjectClosed.class, () -> f.read(ByteBuffer.allocate(1)));
      assertTrue(read.getMessage().contains("FileObjectThread(" + dir.resolve("c") + ", 'w+') is closed: read"), read.getMessage());
      assertThrows(FileObjectClosed.class, () -> f.write(ByteBuffer.allocate(1)));
      assertThrows(FileObjectClosed.class, f::position);
      assertThrows(FileObjectClosed.class, () -> f.position(0));
      assertThrows(FileObjectClosed.class, f::size);
      assertThrows(FileObjectClosed.class, () -> f.truncate(0));
      assertThrows(FileObjectClosed.class, () -> f.force(true));
      assertThrows(FileObjectClosed.class, in::read);
      assertThrows(FileObjectClosed.class, () -> out.write(1));
      assertThrows(FileObjectClosed.class, () -> f.inputStream().read());
      assertTrue(f.toString().contains("closed"), f.toString());
    });
  }

  /**
   * Calls are one at a time: a close waits for the call under way, which stops at its next
   * chunk; a call queued behind it finds the object closed.
   */
  @Test
  void closeStopsALongWriteAtItsNextChunkAndFailsTheQueuedCalls() {
    onFreshHub(hub -> {
      Path p = dir.resolve("long");
      FileObjectThread f = FileObject.open(p, "wb");
      int total = 64 * MIB;
      Greenlet<Integer> writer = Gevent.spawn(() -> f.write(ByteBuffer.allocate(total)));
      Greenlet<Long> queued = Gevent.spawn(() -> f.size());
      Hub.sleep(0); // the writer is in its first chunk, the other call waits for its turn
      f.close();
      Throwable w = failure(writer);
      assertInstanceOf(FileObjectClosed.class, w);
      assertTrue(w.getMessage().contains("was closed while writing: ") && w.getMessage().contains(" of " + total + " bytes written"),
          w.getMessage());
      long written = Long.parseLong(w.getMessage().replaceAll(".*writing: (\\d+) of.*", "$1"));
      assertTrue(written > 0 && written < total, w.getMessage());
      assertEquals(written, Files.size(p), "the chunks before the close are written, whole");
      Throwable q = failure(queued);
      assertInstanceOf(FileObjectClosed.class, q);
      assertTrue(q.getMessage().contains("is closed: size"), q.getMessage());
    });
  }

  /** What {@code g} failed with, unwrapped from the CompletionException that carries a checked one. */
  static Throwable failure(Greenlet<?> g) {
    Throwable e = assertThrows(Throwable.class, g::get);
    return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  /** Writes from greenlets of two hubs and a plain thread never interleave: each write is whole. */
  @Test
  void writesFromSeveralHubsAndThreadsAreSerialisedWhole() throws Exception {
    Path p = dir.resolve("serial");
    int size = 2 * MIB + 12345; // three chunks each
    onFreshHub(hub -> {
      try (FileObjectThread f = FileObject.open(p, "wb")) {
        Greenlet<Integer> here = Gevent.spawn(() -> writeFilled(f, size, (byte) 'a'));
        List<CompletableFuture<Void>> elsewhere = new ArrayList<>();
        for (byte fill : new byte[] {'b', 'c'}) {
          CompletableFuture<Void> done = new CompletableFuture<>();
          elsewhere.add(done);
          boolean greenlet = fill == 'b';
          Thread.ofPlatform().start(() -> {
            try {
              if (greenlet) Gevent.spawn(() -> writeFilled(f, size, fill)).get(); // a greenlet of another hub
              else writeFilled(f, size, fill);                                     // a plain thread
              done.complete(null);
            } catch (Throwable e) {
              done.completeExceptionally(e);
            } finally {
              Hub.current().close();
            }
          });
        }
        assertEquals(size, here.get());
        for (CompletableFuture<Void> done : elsewhere) Hub.await(done);
      }
      byte[] all = Files.readAllBytes(p);
      assertEquals(3 * size, all.length);
      boolean[] seen = new boolean[3];
      for (int block = 0; block < 3; block++) {
        byte first = all[block * size];
        for (int i = block * size; i < (block + 1) * size; i++) {
          if (all[i] != first) throw new AssertionError("writes interleaved at byte " + i);
        }
        seen[first - 'a'] = true;
      }
      assertTrue(seen[0] && seen[1] && seen[2], Arrays.toString(seen));
    });
  }

  private static Integer writeFilled(FileObjectThread f, int size, byte fill) throws Exception {
    byte[] data = new byte[size];
    Arrays.fill(data, fill);
    f.outputStream().write(data);
    return size;
  }

  /**
   * Occupies every thread of {@code hub}'s pool until the returned latch is released, so that a
   * task submitted meanwhile queues (and its caller really waits); returns once they all run.
   */
  private static CountDownLatch plugThePool(Hub hub) {
    CountDownLatch release = new CountDownLatch(1);
    int threads = hub.threadPool().maxsize();
    CountDownLatch running = new CountDownLatch(threads);
    CompletableFuture<Void> allRunning = new CompletableFuture<>();
    for (int i = 0; i < threads; i++) {
      hub.threadPool().spawn(() -> {
        running.countDown();
        if (running.getCount() == 0) allRunning.complete(null);
        release.await();
        return null;
      });
    }
    Hub.await(allRunning);
    return release;
  }

  /**
   * A Timeout while the pool reads: the read in the pool completes and its bytes are dropped; the
   * caller's buffer is never written after its call threw; the next call waits for it and finds
   * the position after it.
   */
  @Test
  void aTimeoutDuringAReadLeavesTheObjectConsistentAndTheBufferUntouched() throws Exception {
    Path big = sparse("t", 8);
    onFreshHub(hub -> {
      try (FileObjectThread f = FileObject.open(big, "r")) {
        byte[] mine = new byte[MIB];
        Arrays.fill(mine, (byte) 0x55);
        CountDownLatch plug = plugThePool(hub); // the read will wait in the pool's queue
        try {
          Greenlet<Throwable> g = Gevent.spawn(() -> {
            try (Timeout _ = Timeout.start(0)) { // fires at the first real wait: the read's
              f.read(ByteBuffer.wrap(mine));
              return null;
            } catch (Timeout t) {
              return t;
            }
          });
          assertInstanceOf(Timeout.class, g.get());
          assertTrue(f.busy(), "the abandoned read still holds the object's turn");
        } finally {
          plug.countDown(); // now the abandoned read runs
        }
        assertEquals(MIB, f.position(), "the abandoned read completed: the next call waited for it");
        for (byte b : mine) assertEquals((byte) 0x55, b);
        ByteBuffer next = ByteBuffer.allocate(1);
        f.position(0);
        f.read(next);
        assertEquals('A', next.get(0));
      }
    });
  }

  /** The open runs on the pool too: a Timeout there leaves no descriptor behind (the leak check). */
  @Test
  void aTimeoutDuringTheOpenLeaksNothing() throws Exception {
    Path p = sparse("o", 1);
    onFreshHub(hub -> {
      CountDownLatch plug = plugThePool(hub);
      try {
        Greenlet<Throwable> g = Gevent.spawn(() -> {
          try (Timeout _ = Timeout.start(0)) {
            FileObject.open(p, "r").close();
            return null;
          } catch (Timeout t) {
            return t;
          }
        });
        assertInstanceOf(Timeout.class, g.get());
      } finally {
        plug.countDown(); // now the abandoned open runs, and closes what it opened
      }
      // the leak check after the hub closes (with its pool, once the open has ended) finds no descriptor
    });
  }
}
