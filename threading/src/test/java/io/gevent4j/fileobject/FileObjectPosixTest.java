package io.gevent4j.fileobject;

import static io.gevent4j.fileobject.FileObjectThreadTest.failure;
import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.loop.NativeIoException;
import io.gevent4j.loop.Posix;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FileObjectPosix over pipes and a tty, from greenlets and plain threads, on both backends. */
@org.junit.jupiter.api.Timeout(60)
class FileObjectPosixTest {
  @TempDir Path dir;

  /**
   * A megabyte through a 64 KiB pipe: the writer meets EAGAIN and waits on the hub's io watcher
   * until the reader drains; the reader meets it whenever the pipe is empty.
   */
  @Test
  void aPipeBetweenTwoGreenletsWaitsOnEAgainAtBothEnds() {
    onFreshHub(hub -> {
      int[] p = Posix.pipe2(0);
      FileObjectPosix in = FileObject.open(p[0], "rb");
      FileObjectPosix out = FileObject.open(p[1], "wb");
      assertTrue(Posix.isNonBlocking(p[0]) && Posix.isNonBlocking(p[1]), "open made both ends non-blocking");
      byte[] data = new byte[1 << 20];
      new Random(7).nextBytes(data);
      Greenlet<Void> writer = Gevent.spawn(() -> {
        try (OutputStream o = out.outputStream()) {
          o.write(data);
        }
        return null;
      });
      Hub.sleep(0);
      assertFalse(writer.ready(), "the pipe holds 64 KiB: the writer waits for room (EAGAIN)");
      Greenlet<byte[]> reader = Gevent.spawn(() -> in.inputStream().readAllBytes());
      assertArrayEquals(data, reader.get());
      writer.get();
      in.close();
      assertFalse(in.isOpen() || out.isOpen());
    });
  }

  @Test
  void aReadOfAnEmptyPipeParksUntilSomethingIsWritten() {
    onFreshHub(hub -> {
      int[] p = Posix.pipe2(0);
      try (FileObjectPosix in = FileObject.open(p[0], "r"); FileObjectPosix out = FileObject.open(p[1], "w")) {
        Greenlet<String> heap = Gevent.spawn(() -> {
          ByteBuffer b = ByteBuffer.allocate(100);
          int n = in.read(b);
          return new String(b.array(), 0, n, US_ASCII) + " " + b.position();
        });
        Hub.sleep(0);
        assertFalse(heap.ready(), "nothing to read (EAGAIN): the reader waits");
        out.write("hi".getBytes(US_ASCII), 0, 2);
        assertEquals("hi 2", heap.get());

        Greenlet<String> direct = Gevent.spawn(() -> {
          ByteBuffer b = ByteBuffer.allocateDirect(100);
          int n = in.read(b);
          byte[] got = new byte[n];
          b.flip().get(got);
          return new String(got, US_ASCII);
        });
        Hub.sleep(0);
        assertFalse(direct.ready());
        ByteBuffer src = ByteBuffer.allocateDirect(5).put("there".getBytes(US_ASCII)).flip();
        assertEquals(5, out.write(src));
        assertEquals("there", direct.get());
        assertEquals(3, out.write(ByteBuffer.wrap("abc".getBytes(US_ASCII)).asReadOnlyBuffer()));
        byte[] three = new byte[3];
        assertEquals(3, in.inputStream().read(three));
        assertEquals("abc", new String(three, US_ASCII));
        assertEquals(0, in.read(new byte[1], 0, 0));
      }
    });
  }

  /** The owner thread reads through its hub: its own greenlet, which writes, runs while it waits. */
  @Test
  void aPlainThreadReadsWhatItsGreenletWrites() {
    onFreshHub(hub -> {
      int[] p = Posix.pipe2(0);
      try (FileObjectPosix in = FileObject.open(p[0], "r")) {
        FileObjectPosix out = FileObject.open(p[1], "w");
        Greenlet<Void> writer = Gevent.spawn(() -> {
          try (out) {
            for (int i = 0; i < 100; i++) out.write(new byte[4096], 0, 4096);
          }
          return null;
        });
        assertEquals(100 * 4096, in.inputStream().readAllBytes().length);
        writer.get();
      }
    });
  }

  /** A plain thread with a hub of its own writes; a greenlet of another hub reads; both wait on EAGAIN. */
  @Test
  void aGreenletReadsWhatAPlainThreadOfAnotherHubWrites() {
    onFreshHub(hub -> {
      int[] p = Posix.pipe2(0);
      try (FileObjectPosix in = FileObject.open(p[0], "r")) {
        FileObjectPosix out = FileObject.open(p[1], "w");
        Greenlet<Integer> reader = Gevent.spawn(() -> in.inputStream().readAllBytes().length);
        CompletableFuture<Void> wrote = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
          try (out) {
            out.outputStream().write(new byte[512 * 1024]);
            wrote.complete(null);
          } catch (Throwable e) {
            wrote.completeExceptionally(e);
          } finally {
            Hub.current().close();
          }
        });
        assertEquals(512 * 1024, reader.get());
        Hub.await(wrote);
      }
    });
  }

  /**
   * Closing wakes every waiter, on every hub: here a plain thread of another hub waits on the
   * descriptor with a temporary watcher (the armed ones belong to the hub that waited first), and a
   * greenlet waits for its turn to read; both wake with FileObjectClosed, even though the object
   * does not own the descriptor, which then stays open, and non-blocking, for its owner to close.
   */
  @Test
  void closeWakesWaitersOnEveryHubAndLeavesAForeignDescriptorOpen() {
    onFreshHub(hub -> {
      int[] p = Posix.pipe2(0);
      FileObjectPosix in = FileObjectPosix.open(p[0], "r", false);
      // a first wait here arms the object's watchers on this hub
      Greenlet<Integer> first = Gevent.spawn(() -> in.read(new byte[10], 0, 10));
      Hub.sleep(0);
      assertEquals(1, Posix.write(p[1], new byte[] {1}, 0, 1));
      assertEquals(1, first.get());
      CompletableFuture<Integer> there = new CompletableFuture<>();
      Thread other = Thread.ofPlatform().start(() -> {
        try {
          there.complete(in.read(new byte[10], 0, 10));
        } catch (Throwable e) {
          there.completeExceptionally(e);
        } finally {
          Hub.current().close();
        }
      });
      // not a sleep: until the other thread waits in its hub on the descriptor
      while (Stream.of(other.getStackTrace()).noneMatch(f -> f.getMethodName().equals("waitOn"))) Hub.sleep(0.001);
      Greenlet<Integer> queued = Gevent.spawn(() -> in.read(new byte[10], 0, 10));
      Hub.sleep(0);
      assertFalse(queued.ready(), "reads are one at a time: it waits for its turn");
      in.close();
      in.close(); // idempotent
      Throwable a = assertThrows(Throwable.class, () -> Hub.await(there));
      a = a instanceof FileObjectClosed ? a : a.getCause();
      assertInstanceOf(FileObjectClosed.class, a);
      assertTrue(a.getMessage().contains("FileObjectPosix(fd " + p[0] + ", 'r') was closed while a greenlet waited on it"), a.getMessage());
      Throwable b = failure(queued);
      assertInstanceOf(FileObjectClosed.class, b);
      assertTrue(b.getMessage().contains("is closed: read"), b.getMessage());
      assertTrue(Posix.isNonBlocking(p[0]), "closefd=false: the descriptor is still open (and non-blocking)");
      Posix.close(p[0]);
      Posix.close(p[1]);
    });
  }

  /** A greenlet waiting on the descriptor on the hub that armed the watchers wakes too. */
  @Test
  void closeWakesAGreenletWaitingOnTheArmedWatcher() {
    onFreshHub(hub -> {
      int[] p = Posix.pipe2(0);
      FileObjectPosix out = FileObject.open(p[1], "w");
      FileObjectPosix in = FileObject.open(p[0], "r");
      try {
        Greenlet<Integer> reader = Gevent.spawn(() -> in.read(new byte[10], 0, 10));
        Hub.sleep(0);
        assertFalse(reader.ready());
        in.close(); // the test: a close while a greenlet waits
        Throwable e = failure(reader);
        assertInstanceOf(FileObjectClosed.class, e);
        assertTrue(e.getMessage().contains("was closed while a greenlet waited on it"), e.getMessage());
      } finally {
        in.close(); // idempotent
        out.close();
      }
    });
  }

  @Test
  void useAfterCloseAndWritingToAPipeNobodyReads() {
    onFreshHub(hub -> {
      int[] p = Posix.pipe2(0);
      FileObjectPosix in = FileObject.open(p[0], "r");
      FileObjectPosix out = FileObjectPosix.open(p[1], "w", true, "the test's pipe");
      in.close();
      NativeIoException epipe = assertThrows(NativeIoException.class, () -> out.write(new byte[1], 0, 1));
      assertEquals("EPIPE", epipe.errnoName());
      assertTrue(epipe.getMessage().contains("write(fd " + p[1] + ")"), epipe.getMessage());
      out.close();
      FileObjectClosed r = assertThrows(FileObjectClosed.class, () -> in.read(new byte[1], 0, 1));
      assertTrue(r.getMessage().contains("FileObjectPosix(fd " + p[0] + ", 'r') is closed: read"), r.getMessage());
      FileObjectClosed w = assertThrows(FileObjectClosed.class, () -> out.outputStream().write(1));
      assertEquals("the test's pipe is closed: write", w.getMessage());
      assertThrows(FileObjectClosed.class, () -> in.read(ByteBuffer.allocateDirect(1)));
      assertThrows(FileObjectClosed.class, () -> out.write(ByteBuffer.allocateDirect(1)));
      assertTrue(in.toString().contains("closed"), in.toString());
    });
  }

  @Test
  void badInputIsAClearError() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("a-directory"));
    onFreshHub(hub -> {
      IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> FileObject.open(-1, "r"));
      assertTrue(negative.getMessage().contains("fd -1"), negative.getMessage());

      ClosedChannelException notOpen = assertThrows(ClosedChannelException.class, () -> FileObject.open(999_999, "r"));
      assertTrue(notOpen.getMessage().contains("fd 999999") && notOpen.getMessage().contains("EBADF"), notOpen.getMessage());

      int[] p = Posix.pipe2(0);
      try {
        for (String bad : new String[] {"a", "x+", "rt", "", "rw", "z"}) {
          IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FileObject.open(p[0], bad), bad);
          assertTrue(e.getMessage().contains("fd " + p[0]), e.getMessage());
        }
        // the write end, opened for reading: refused at once (a read of 0 bytes says EBADF)
        NonReadableChannelException wrongEnd = assertThrows(NonReadableChannelException.class, () -> FileObject.open(p[1], "r"));
        assertTrue(wrongEnd.getMessage().contains("read(fd " + p[1] + ") failed: EBADF")
            && wrongEnd.getMessage().contains("is open, but not for reading"), wrongEnd.getMessage());
        // the read end, opened for writing: the first write says so
        FileObjectPosix readEnd = FileObjectPosix.open(p[0], "w", false);
        NonWritableChannelException cannotWrite = assertThrows(NonWritableChannelException.class, () -> readEnd.write(new byte[1], 0, 1));
        assertTrue(cannotWrite.getMessage().contains("write(fd " + p[0] + ") failed: EBADF")
            && cannotWrite.getMessage().contains("is open, but not for writing (mode 'w')"), cannotWrite.getMessage());
        assertThrows(NonReadableChannelException.class, readEnd::inputStream);
        assertThrows(NonReadableChannelException.class, () -> readEnd.read(new byte[1], 0, 1));
        readEnd.close();
        FileObjectPosix r = FileObjectPosix.open(p[0], "rb", false);
        NonWritableChannelException ro = assertThrows(NonWritableChannelException.class, r::outputStream);
        assertTrue(ro.getMessage().contains("not open for writing (mode 'rb')"), ro.getMessage());
        r.close();
      } finally {
        Posix.close(p[0]);
        Posix.close(p[1]);
      }

      try (FileChannel _ = FileChannel.open(sub, StandardOpenOption.READ)) {
        int fd = fdOpenedOn(sub.toString());
        NativeIoException isDir = assertThrows(NativeIoException.class, () -> FileObjectPosix.open(fd, "r", false));
        assertEquals("EISDIR", isDir.errnoName());
        assertTrue(isDir.getMessage().contains("read(fd " + fd + ")"), isDir.getMessage());
      }
    });
  }

  /**
   * A tty: the master side of a pseudo-terminal, its slave never opened. What is written to it
   * comes back as the terminal's echo ("\r\n" for "\n"), which the kernel produces a moment
   * later: the first read meets EAGAIN and waits on the io watcher. Opened by the JDK (no Posix
   * call opens a path), found in /proc/self/fd, and closed by the JDK after the file object let go
   * of it (closefd=false).
   */
  @Test
  void aTtyEchoesWhatIsWrittenToIt() throws Exception {
    RandomAccessFile ptmx;
    try {
      ptmx = new RandomAccessFile("/dev/ptmx", "rw");
    } catch (IOException e) {
      Assumptions.abort("no pseudo-terminal to open here: " + e);
      return;
    }
    try (ptmx) {
      int fd = fdOpenedOn("/dev/ptmx");
      onFreshHub(hub -> {
        try (FileObjectPosix tty = FileObjectPosix.open(fd, "r+b", false, "the tty")) {
          Greenlet<String> reader = Gevent.spawn(() -> {
            StringBuilder got = new StringBuilder();
            byte[] b = new byte[64];
            while (!got.toString().endsWith("\r\n")) {
              int n = tty.read(b, 0, b.length);
              got.append(new String(b, 0, n, US_ASCII));
            }
            return got.toString();
          });
          Hub.sleep(0);
          assertFalse(reader.ready(), "nothing echoed yet: the reader waits (EAGAIN)");
          tty.outputStream().write("hello\n".getBytes(US_ASCII));
          assertEquals("hello\r\n", reader.get());
        }
      });
    }
  }

  private static Set<Integer> openFds() throws IOException {
    Set<Integer> fds = new HashSet<>();
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      s.forEach(f -> fds.add(Integer.parseInt(f.getFileName().toString())));
    }
    return fds;
  }

  /** The descriptor of this process that names {@code target}, the only one (the test just opened it). */
  private static int fdOpenedOn(String target) throws IOException {
    int found = -1;
    for (int fd : openFds()) {
      try {
        if (Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString().equals(target)) {
          if (found >= 0) throw new AssertionError("two descriptors name " + target + ": " + found + ", " + fd);
          found = fd;
        }
      } catch (IOException closedMeanwhile) {
        // the listing's own, or closed by another thread
      }
    }
    if (found < 0) throw new AssertionError("no descriptor names " + target + ": " + Arrays.toString(openFds().toArray()));
    return found;
  }
}
