package io.gevent4j.hub;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static io.gevent4j.hub.testing.JdkCallHarness.PATIENCE;
import static io.gevent4j.hub.testing.JdkCallHarness.PIN_SECONDS;
import static io.gevent4j.hub.testing.JdkCallHarness.blocksTheHub;
import static io.gevent4j.hub.testing.JdkCallHarness.blocksTheHubOnTheOwner;
import static io.gevent4j.hub.testing.JdkCallHarness.cooperates;
import static io.gevent4j.hub.testing.JdkCallHarness.waitUntil;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.testing.JdkCallHarness;
import io.gevent4j.hub.testing.JdkCallHarness.Outcome;
import io.gevent4j.hub.testing.JdkCallHarness.Ticker;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which JDK calls cooperate (docs/hub.md, "What blocks the hub"), row by row, on both backends.
 *
 * <p>A row that <b>cooperates</b>: {@value #N} greenlets of one hub each make the call and wait in
 * it; a greenlet of the same hub releases them only once all {@value #N} are in their call and a
 * timer greenlet of the hub has ticked 3 more times. So each call overlapped all the others, and
 * the timer ticked while each was waiting. A call that held the hub thread would never be
 * released (the releaser is a greenlet of that hub): the row would fail at its time-out.
 *
 * <p>A row that <b>blocks the hub</b>: greenlets make the call one after the other; a plain
 * thread releases each {@value JdkCallHarness#PIN_SECONDS} s after it started. The timer did not
 * tick while any of them was in its call (the hub thread was held: its tick count, read before
 * and after the call, did not move), and no call started before the previous one returned.
 *
 * <p>The <b>owner thread</b> rows: the same JDK calls made by the hub's owner itself, not in a
 * greenlet, hold the hub for their whole wait.
 *
 * <p>The checks are {@link JdkCallHarness}'s, shared with the dns and threading modules' rows.
 */
@org.junit.jupiter.api.Timeout(60)
class JdkCallsTest {
  /** Greenlets per cooperative row. */
  static final int N = 50;

  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private static Path dir;

  @BeforeAll
  static void makeDirectory() throws IOException {
    dir = Files.createTempDirectory("jdkcalls");
  }

  @AfterAll
  static void removeDirectory() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) Files.delete(p);
    }
    Files.delete(dir);
  }

  // ---------------------------------------------------------------------------------------------
  // FIFOs

  /** A fresh FIFO (named pipe) in the test's directory. */
  static Path fifo(String name) throws IOException, InterruptedException {
    Path p = dir.resolve(name);
    Files.deleteIfExists(p);
    Process mkfifo = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
    assertTrue(mkfifo.waitFor(10, SECONDS));
    assertEquals(0, mkfifo.exitValue());
    return p;
  }

  /** Opens {@code fifo} for writing (which waits for its reader), writes {@code b}, closes it. */
  static void writeTo(Path fifo, int b) throws IOException {
    try (OutputStream out = new FileOutputStream(fifo.toFile())) {
      out.write(b);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Sockets: cooperate

  @Test
  void serverSocketAcceptCooperates() {
    onFreshHub(hub -> {
      ServerSocket[] servers = new ServerSocket[N];
      List<Socket> clients = new ArrayList<>();
      try {
        cooperates(hub, "ServerSocket.accept", N, i -> {
          servers[i] = new ServerSocket(0, 1, LOOPBACK);
          return () -> servers[i].accept().close();
        }, () -> {
          for (ServerSocket s : servers) clients.add(new Socket(LOOPBACK, s.getLocalPort()));
        });
      } finally {
        for (Socket c : clients) c.close();
        for (ServerSocket s : servers) if (s != null) s.close();
      }
    });
  }

  @Test
  void socketReadCooperates() {
    onFreshHub(hub -> {
      try (ServerSocket server = new ServerSocket(0, N, LOOPBACK)) {
        List<Socket> accepted = new ArrayList<>();
        Socket[] clients = new Socket[N];
        hub.execute(() -> {
          try {
            for (int i = 0; i < N; i++) accepted.add(server.accept());
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        try {
          cooperates(hub, "Socket.getInputStream().read", N, i -> {
            clients[i] = new Socket(LOOPBACK, server.getLocalPort());
            InputStream in = clients[i].getInputStream();
            return () -> assertEquals(7, in.read());
          }, () -> {
            waitUntil(() -> accepted.size() == N, "the server to accept every client");
            for (Socket s : accepted) s.getOutputStream().write(7);
          });
        } finally {
          for (Socket s : accepted) s.close();
          for (Socket s : clients) if (s != null) s.close();
        }
      }
    });
  }

  @Test
  void blockingSocketChannelReadCooperates() {
    onFreshHub(hub -> {
      try (ServerSocket server = new ServerSocket(0, N, LOOPBACK)) {
        List<Socket> accepted = new ArrayList<>();
        SocketChannel[] clients = new SocketChannel[N];
        hub.execute(() -> {
          try {
            for (int i = 0; i < N; i++) accepted.add(server.accept());
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        try {
          cooperates(hub, "SocketChannel.read (blocking)", N, i -> {
            clients[i] = SocketChannel.open(new InetSocketAddress(LOOPBACK, server.getLocalPort()));
            assertTrue(clients[i].isBlocking());
            return () -> assertEquals(1, clients[i].read(ByteBuffer.allocate(1)));
          }, () -> {
            waitUntil(() -> accepted.size() == N, "the server to accept every client");
            for (Socket s : accepted) s.getOutputStream().write(7);
          });
        } finally {
          for (Socket s : accepted) s.close();
          for (SocketChannel c : clients) if (c != null) c.close();
        }
      }
    });
  }

  @Test
  void blockingServerSocketChannelAcceptCooperates() {
    onFreshHub(hub -> {
      ServerSocketChannel[] servers = new ServerSocketChannel[N];
      List<SocketChannel> clients = new ArrayList<>();
      try {
        cooperates(hub, "ServerSocketChannel.accept (blocking)", N, i -> {
          servers[i] = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0), 1);
          return () -> servers[i].accept().close();
        }, () -> {
          for (ServerSocketChannel s : servers) clients.add(SocketChannel.open(s.getLocalAddress()));
        });
      } finally {
        for (SocketChannel c : clients) c.close();
        for (ServerSocketChannel s : servers) if (s != null) s.close();
      }
    });
  }

  @Test
  void datagramSocketReceiveCooperates() {
    onFreshHub(hub -> {
      DatagramSocket[] sockets = new DatagramSocket[N];
      try {
        cooperates(hub, "DatagramSocket.receive", N, i -> {
          sockets[i] = new DatagramSocket(0, LOOPBACK);
          return () -> {
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            sockets[i].receive(p);
            assertEquals(1, p.getLength());
          };
        }, () -> {
          try (DatagramSocket sender = new DatagramSocket(0, LOOPBACK)) {
            for (DatagramSocket s : sockets) sender.send(new DatagramPacket(new byte[] {7}, 1, s.getLocalSocketAddress()));
          }
        });
      } finally {
        for (DatagramSocket s : sockets) if (s != null) s.close();
      }
    });
  }

  /** NIO libraries that select on their own (JDK 22+: a virtual thread parks in select). */
  @Test
  void selectorSelectCooperates() {
    onFreshHub(hub -> {
      Pipe[] pipes = new Pipe[N];
      Selector[] selectors = new Selector[N];
      try {
        cooperates(hub, "Selector.select", N, i -> {
          pipes[i] = Pipe.open();
          pipes[i].source().configureBlocking(false);
          selectors[i] = Selector.open();
          pipes[i].source().register(selectors[i], SelectionKey.OP_READ);
          return () -> assertEquals(1, selectors[i].select());
        }, () -> {
          for (Pipe p : pipes) p.sink().write(ByteBuffer.wrap(new byte[] {7}));
        });
      } finally {
        for (Selector s : selectors) if (s != null) s.close();
        for (Pipe p : pipes) {
          if (p == null) continue;
          p.source().close();
          p.sink().close();
        }
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Sleeping, monitors, java.util.concurrent: cooperate

  @Test
  void threadSleepCooperates() {
    onFreshHub(hub -> {
      Outcome o = cooperates(hub, "Thread.sleep(150 ms)", N, i -> () -> Thread.sleep(150), null);
      assertTrue(o.span() < N * 0.150 / 4, () -> "the sleeps overlap: " + o);
    });
  }

  @Test
  void contendedSynchronizedCooperates() {
    onFreshHub(hub -> {
      Object monitor = new Object();
      AtomicInteger entries = new AtomicInteger();
      CountDownLatch holding = new CountDownLatch(1);
      CountDownLatch releaseIt = new CountDownLatch(1);
      // a greenlet holds the monitor, parked in a JDK wait while it holds it (JDK 24+)
      hub.execute(() -> {
        synchronized (monitor) {
          holding.countDown();
          try {
            releaseIt.await();
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
        }
      });
      waitUntil(() -> holding.getCount() == 0, "the greenlet to take the monitor");
      cooperates(hub, "contended synchronized", N, i -> () -> {
        synchronized (monitor) {
          entries.incrementAndGet();
        }
      }, releaseIt::countDown);
      assertEquals(N, entries.get());
    });
  }

  @Test
  void contendedReentrantLockCooperates() {
    onFreshHub(hub -> {
      ReentrantLock lock = new ReentrantLock();
      CountDownLatch locked = new CountDownLatch(1);
      CountDownLatch unlockIt = new CountDownLatch(1);
      hub.execute(() -> {
        lock.lock();
        try {
          locked.countDown();
          unlockIt.await();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        } finally {
          lock.unlock();
        }
      });
      waitUntil(() -> locked.getCount() == 0, "the greenlet to take the lock");
      cooperates(hub, "ReentrantLock.lock (contended)", N, i -> () -> {
        lock.lock();
        lock.unlock();
      }, unlockIt::countDown);
    });
  }

  @Test
  void conditionAwaitCooperates() {
    onFreshHub(hub -> {
      ReentrantLock lock = new ReentrantLock();
      Condition signalled = lock.newCondition();
      boolean[] done = new boolean[1];
      cooperates(hub, "Condition.await", N, i -> () -> {
        lock.lock();
        try {
          while (!done[0]) signalled.await();
        } finally {
          lock.unlock();
        }
      }, () -> {
        lock.lock();
        try {
          done[0] = true;
          signalled.signalAll();
        } finally {
          lock.unlock();
        }
      });
    });
  }

  @Test
  void semaphoreAcquireCooperates() {
    onFreshHub(hub -> {
      Semaphore permits = new Semaphore(0);
      cooperates(hub, "Semaphore.acquire", N, i -> permits::acquire, () -> permits.release(N));
    });
  }

  @Test
  void objectWaitCooperates() {
    onFreshHub(hub -> {
      Object monitor = new Object();
      boolean[] notified = new boolean[1];
      cooperates(hub, "Object.wait", N, i -> () -> {
        synchronized (monitor) {
          while (!notified[0]) monitor.wait();
        }
      }, () -> {
        synchronized (monitor) {
          notified[0] = true;
          monitor.notifyAll();
        }
      });
    });
  }

  @Test
  void blockingQueueTakeCooperates() {
    onFreshHub(hub -> {
      List<BlockingQueue<Integer>> queues = List.of(new LinkedBlockingQueue<>(), new ArrayBlockingQueue<>(N),
          new SynchronousQueue<>());
      for (BlockingQueue<Integer> q : queues) {
        cooperates(hub, q.getClass().getSimpleName() + ".take", N, i -> () -> assertNotNull(q.take()), () -> {
          for (int i = 0; i < N; i++) q.put(i);
        });
      }
    });
  }

  @Test
  void countDownLatchAwaitCooperates() {
    onFreshHub(hub -> {
      CountDownLatch latch = new CountDownLatch(1);
      cooperates(hub, "CountDownLatch.await", N, i -> latch::await, latch::countDown);
    });
  }

  @Test
  void completableFutureGetCooperates() {
    onFreshHub(hub -> {
      CompletableFuture<String> future = new CompletableFuture<>();
      cooperates(hub, "CompletableFuture.get", N, i -> () -> assertEquals("done", future.get()),
          () -> future.complete("done"));
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Processes: waitFor cooperates, reading a pipe blocks the hub

  @Test
  void processWaitForCooperates() {
    onFreshHub(hub -> {
      int n = 20;
      Process[] children = new Process[n];
      try {
        cooperates(hub, "Process.waitFor", n, i -> {
          // the child ends when it reads a byte; no pipes but its stdin
          children[i] = new ProcessBuilder("head", "-c", "1").redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD).start();
          return () -> assertEquals(0, children[i].waitFor());
        }, () -> {
          for (Process p : children) {
            try (OutputStream in = p.getOutputStream()) {
              in.write('x');
            }
          }
        });
      } finally {
        for (Process p : children) {
          if (p == null) continue;
          p.getOutputStream().close();
          p.destroyForcibly();
        }
      }
    });
  }

  /**
   * {@code ProcessBuilder.start} spawns the child and waits for it to have started (the JDK's
   * {@code jspawnhelper} reports through a pipe) without yielding: a greenlet spawning children
   * back to back for 20 ms holds the hub all along.
   */
  @Test
  void processBuilderStartHoldsTheHubWhileItSpawns() {
    onFreshHub(hub -> {
      try (Ticker ticker = new Ticker(hub)) {
        ticker.awaitTicks(2);
        CompletableFuture<List<Long>> spawned = new CompletableFuture<>();
        List<Process> children = new ArrayList<>();
        ProcessBuilder trueBuilder = new ProcessBuilder("true").redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        hub.execute(() -> {
          try {
            children.add(trueBuilder.start()); // the JVM's first spawn loads what spawning needs: not measured
            int before = ticker.ticks();
            long begin = System.nanoTime();
            List<Long> took = new ArrayList<>();
            while (System.nanoTime() - begin < 20_000_000L) {
              long start = System.nanoTime();
              children.add(trueBuilder.start());
              took.add(System.nanoTime() - start);
            }
            took.add(0, (long) (ticker.ticks() - before));
            for (Process p : children) assertEquals(0, p.waitFor()); // cooperative
            spawned.complete(took);
          } catch (Throwable e) {
            spawned.completeExceptionally(e);
          }
        });
        List<Long> took = new ArrayList<>(Hub.await(spawned, PATIENCE));
        long ticks = took.remove(0);
        List<Long> sorted = took.stream().sorted().toList();
        System.out.printf("[jdkcalls] blocks the hub: ProcessBuilder.start: %d spawns back to back, median %.2f ms, longest %.2f ms, %d ticks%n",
            sorted.size(), sorted.get(sorted.size() / 2) / 1e6, sorted.get(sorted.size() - 1) / 1e6, ticks);
        assertEquals(0, ticks, "the timer must not tick while a greenlet spawns");
      }
    });
  }

  @Test
  void readingAProcessOutputBlocksTheHub() {
    onFreshHub(hub -> {
      int n = 3;
      Process[] children = new Process[n];
      try {
        blocksTheHub(hub, "Process.getInputStream().read", n, i -> {
          // the child echoes the line the releaser writes to it, then ends
          children[i] = new ProcessBuilder("head", "-n", "1").redirectError(ProcessBuilder.Redirect.DISCARD).start();
          InputStream out = children[i].getInputStream();
          return () -> assertArrayEquals("go\n".getBytes(StandardCharsets.US_ASCII), out.readNBytes(3));
        }, i -> {
          try (OutputStream in = children[i].getOutputStream()) {
            in.write("go\n".getBytes(StandardCharsets.US_ASCII));
          }
        });
      } finally {
        for (Process p : children) {
          if (p == null) continue;
          p.getOutputStream().close();
          p.getInputStream().close(); // now, not when the JDK's reaper gets to it
          p.destroyForcibly();
          assertTrue(p.waitFor((long) PATIENCE, SECONDS));
        }
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Files: block the hub; the thread pool cooperates

  @Test
  void fileInputStreamOnAFifoWithNoWriterBlocksTheHub() throws Exception {
    Path[] fifos = {fifo("fis0"), fifo("fis1")};
    onFreshHub(hub -> blocksTheHub(hub, "new FileInputStream(fifo) + read", fifos.length, i -> () -> {
      try (InputStream in = new FileInputStream(fifos[i].toFile())) { // open(2) waits for a writer
        assertEquals(7, in.read());
      }
    }, i -> writeTo(fifos[i], 7)));
  }

  @Test
  void fileChannelOnAFifoWithNoWriterBlocksTheHub() throws Exception {
    Path[] fifos = {fifo("fc0"), fifo("fc1")};
    onFreshHub(hub -> blocksTheHub(hub, "FileChannel.open(fifo) + read", fifos.length, i -> () -> {
      try (FileChannel ch = FileChannel.open(fifos[i], StandardOpenOption.READ)) {
        assertEquals(1, ch.read(ByteBuffer.allocate(1)));
      }
    }, i -> writeTo(fifos[i], 7)));
  }

  @Test
  void filesReadAllBytesOnAFifoBlocksTheHub() throws Exception {
    Path[] fifos = {fifo("rab0"), fifo("rab1")};
    onFreshHub(hub -> blocksTheHub(hub, "Files.readAllBytes(fifo)", fifos.length,
        i -> () -> assertArrayEquals(new byte[] {7}, Files.readAllBytes(fifos[i])), i -> writeTo(fifos[i], 7)));
  }

  /**
   * A regular file never makes a read wait for anything but the disk, so a greenlet reading
   * one holds the hub for as long as the reads take: 30 ms of reads from the page cache and the
   * timer did not tick.
   */
  @Test
  void regularFileReadsHoldTheHubWhileTheyRun() throws Exception {
    Path file = dir.resolve("regular");
    byte[] mib = new byte[1 << 20];
    Arrays.fill(mib, (byte) 7);
    Files.write(file, mib);
    onFreshHub(hub -> {
      try (Ticker ticker = new Ticker(hub)) {
        ticker.awaitTicks(2);
        CompletableFuture<double[]> read = new CompletableFuture<>();
        hub.execute(() -> {
          try {
            int before = ticker.ticks();
            long start = System.nanoTime();
            int reads = 0;
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (System.nanoTime() - start < 30_000_000L) {
              try (FileInputStream in = new FileInputStream(file.toFile())) {
                assertEquals(mib.length, in.readAllBytes().length);
              }
              try (FileChannel ch = FileChannel.open(file)) {
                assertEquals(4096, ch.read(buf.clear(), 0));
              }
              assertEquals(mib.length, Files.readAllBytes(file).length);
              reads++;
            }
            double took = (System.nanoTime() - start) / 1e9;
            read.complete(new double[] {ticker.ticks() - before, took, reads});
          } catch (Throwable e) {
            read.completeExceptionally(e);
          }
        });
        double[] r = Hub.await(read, PATIENCE);
        System.out.printf("[jdkcalls] blocks the hub: regular file reads: %d rounds of 1 MiB FileInputStream + 4 KiB FileChannel"
            + " + 1 MiB Files.readAllBytes in %.1f ms, %d ticks%n", (int) r[2], r[1] * 1e3, (int) r[0]);
        assertEquals(0, (int) r[0], "the timer must not tick while a greenlet reads a file");
        ticker.awaitTicks(2);
      }
    });
  }

  /** What to use instead: the hub's thread pool waits for the FIFO; the greenlets park. */
  @Test
  void aFifoThroughTheThreadPoolCooperates() throws Exception {
    int n = 5; // at most the pool's size (gevent.threadpool.size, 10): each open holds a pool thread
    Path[] fifos = new Path[n];
    for (int i = 0; i < n; i++) fifos[i] = fifo("pool" + i);
    onFreshHub(hub -> cooperates(hub, "hub.threadPool().apply(() -> Files.readAllBytes(fifo))", n,
        i -> () -> assertArrayEquals(new byte[] {7}, hub.threadPool().apply(() -> Files.readAllBytes(fifos[i]))),
        () -> {
          for (Path f : fifos) hub.threadPool().apply(() -> {
            writeTo(f, 7);
            return null;
          });
        }));
  }

  // ---------------------------------------------------------------------------------------------
  // The same calls on the hub's owner thread block the hub

  @Test
  void onTheOwnerThreadSleepBlocksTheHub() {
    onFreshHub(hub -> blocksTheHubOnTheOwner(hub, "Thread.sleep", () -> Thread.sleep((long) (PIN_SECONDS * 1000)), () -> { }));
  }

  @Test
  void onTheOwnerAQueueTakeBlocksTheHub() {
    onFreshHub(hub -> {
      LinkedBlockingQueue<String> q = new LinkedBlockingQueue<>();
      blocksTheHubOnTheOwner(hub, "LinkedBlockingQueue.take", () -> assertEquals("x", q.take()), () -> q.put("x"));
    });
  }

  @Test
  void onTheOwnerASocketReadBlocksTheHub() {
    onFreshHub(hub -> {
      try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK); Socket client = new Socket(LOOPBACK, server.getLocalPort());
          Socket accepted = server.accept()) {
        blocksTheHubOnTheOwner(hub, "Socket read", () -> assertEquals(7, client.getInputStream().read()),
            () -> accepted.getOutputStream().write(7));
      }
    });
  }

  @Test
  void onTheOwnerProcessWaitForBlocksTheHub() {
    onFreshHub(hub -> {
      Process child = new ProcessBuilder("head", "-c", "1").redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      try {
        blocksTheHubOnTheOwner(hub, "Process.waitFor", () -> assertEquals(0, child.waitFor()), () -> {
          try (OutputStream in = child.getOutputStream()) {
            in.write('x');
          }
        });
      } finally {
        child.getOutputStream().close();
        child.destroyForcibly();
      }
    });
  }

  /**
   * The owner waiting in a JDK queue for its own greenlet never lets that greenlet run: the
   * poll times out with the greenlet still ready. The same wait through {@link Hub#await} (or
   * made in a greenlet) lets it run.
   */
  @Test
  void onTheOwnerAJdkWaitForItsOwnGreenletNeverEnds() {
    onFreshHub(hub -> {
      LinkedBlockingQueue<String> q = new LinkedBlockingQueue<>();
      CompletableFuture<String> ran = new CompletableFuture<>();
      hub.execute(() -> {
        ran.complete("ran");
        q.add("from the greenlet");
      });
      assertNull(q.poll((long) (PIN_SECONDS * 1000), TimeUnit.MILLISECONDS));
      assertTrue(!ran.isDone(), "the greenlet did not run while its owner waited in the JDK");
      assertEquals("ran", Hub.await(ran, PATIENCE));
      assertEquals("from the greenlet", q.poll());
    });
  }
}
