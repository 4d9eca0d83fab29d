package io.gevent4j.hub;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.testing.Leaks;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * gevent.jdkPollers=hub (this JVM has {@code --add-opens java.base/sun.nio.ch}): greenlets'
 * JDK I/O waits are served by their own hub's loop; other virtual threads keep the JDK's
 * way. Both backends. The routes without the flag, or chosen otherwise, are in
 * {@link JdkPollersRouteTest}.
 */
@org.junit.jupiter.api.Timeout(120)
class JdkPollersTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  static {
    Leaks.snapshot(); // the first hub of this JVM, as every test here assumes
  }

  @Test
  void theJdkPollersAreGeventsOnesAndTheirThreadsRunOnTheDefaultScheduler() throws Exception {
    assertEquals("hub", Hub.jdkPollers(), JdkPollers.reason());
    List<Thread> threads = JdkPollers.fallbackThreads();
    assertFalse(threads.isEmpty());
    for (Thread t : threads) {
      assertTrue(t.isVirtual(), t.toString()); // jdk.pollerMode is the default, 2: sub-pollers
      assertNotNull(VirtualThreads.defaultScheduler());
      assertTrue(VirtualThreads.schedulerOf(t) == VirtualThreads.defaultScheduler(), t + " runs on " + VirtualThreads.schedulerOf(t));
      assertTrue(t.isAlive(), t.toString());
    }
    // What the JDK itself reports (jcmd PID Thread.vthread_pollers): every read and write
    // poller is gevent4j's, its thread one of the fallback ones.
    Process jcmd = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(ProcessHandle.current().pid()), "Thread.vthread_pollers").redirectErrorStream(true).start();
    String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(jcmd.waitFor(60, TimeUnit.SECONDS));
    assertTrue(out.contains("Read I/O pollers:") && out.contains("Write I/O pollers:"), out);
    List<String> pollers = out.lines().filter(l -> l.startsWith("[")).toList();
    assertEquals(threads.size(), pollers.size(), out);
    for (String line : pollers) {
      assertTrue(line.contains("sun.nio.ch.GeventPoller@") && line.contains("gevent4j-SubPoller-"), out);
    }
  }

  @Test
  void aJdkSocketEchoInGreenletsIsWokenByItsHubWhileATimerKeepsTicking() {
    onFreshHub(hub -> {
      long before = JdkPollers.wakeups(hub);
      AtomicInteger ticks = new AtomicInteger();
      CompletableFuture<Void> stop = new CompletableFuture<>();
      hub.execute(() -> {
        while (!stop.isDone()) {
          Hub.sleep(0.005);
          ticks.incrementAndGet();
        }
      });
      try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
        int clients = 10;
        int rounds = 200;
        serveEcho(hub, server, clients);
        CompletableFuture<Integer> done = runClients(hub, server.getLocalPort(), clients, rounds);
        assertEquals(clients * rounds, Hub.await(done, 60));
      }
      stop.complete(null);
      assertTrue(hub.join(10));
      // Every read that had to wait was woken through the hub's own epoll set.
      assertTrue(JdkPollers.wakeups(hub) - before >= 10 * 200, "wakeups: " + (JdkPollers.wakeups(hub) - before));
      assertTrue(ticks.get() > 0);
    });
  }

  @Test
  void aGreenletBlockedWritingIsWokenByItsHubsWriteSet() {
    onFreshHub(hub -> {
      try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
        byte[] chunk = new byte[1 << 20];
        int total = 16 * chunk.length; // far more than the socket buffers hold: the writer parks
        CompletableFuture<Long> read = new CompletableFuture<>();
        hub.execute(() -> {
          try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
            Hub.sleep(0.1); // the writer fills the buffers and waits meanwhile
            long n = 0;
            byte[] buf = new byte[65536];
            for (int r; (r = in.read(buf)) > 0; ) n += r;
            read.complete(n);
          } catch (Throwable t) {
            read.completeExceptionally(t);
          }
        });
        hub.execute(() -> {
          try (Socket s = new Socket(LOOPBACK, server.getLocalPort()); OutputStream out = s.getOutputStream()) {
            for (int i = 0; i < total / chunk.length; i++) out.write(chunk);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
        assertEquals((long) total, Hub.await(read, 60));
      }
      assertTrue(JdkPollers.wakeups(hub) > 0);
    });
  }

  @Test
  void aTimeoutEndsAJdkReadInAGreenletAndTheNextReadStillWorks() {
    onFreshHub(hub -> {
      try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
        serveEcho(hub, server, 2);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        hub.execute(() -> {
          try (Socket s = new Socket(LOOPBACK, server.getLocalPort())) {
            try (Timeout t = Timeout.start(0.05)) {
              s.getInputStream().read(); // nothing comes: the Timeout interrupts the wait
              outcome.complete("read returned");
            } catch (SocketException e) {
              outcome.complete("interrupted: " + e.getMessage());
            }
          } catch (Throwable t) {
            outcome.completeExceptionally(t);
          }
        });
        assertTrue(Hub.await(outcome, 10).startsWith("interrupted"), outcome.join());
        // The descriptor left the hub's set (not polled: deleted); another socket's reads work.
        assertEquals(50, Hub.await(runClients(hub, server.getLocalPort(), 1, 50), 30));
      }
    });
  }

  @Test
  void plainVirtualThreadsDoJdkIoWhileTheHubIsBusyAndAfterItClosed() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
      Thread echo = plainEchoServer(server);
      CountDownLatch hogging = new CountDownLatch(1);
      Thread owner = Thread.ofPlatform().start(() -> {
        Hub hub = Hub.current();
        // a greenlet of this hub did JDK I/O first, then the hub is held by a greenlet that never yields
        hub.execute(() -> {
          try (Socket s = new Socket(LOOPBACK, server.getLocalPort())) {
            s.getOutputStream().write(1);
            s.getInputStream().read();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          hogging.countDown();
          long end = System.nanoTime() + 1_000_000_000L;
          while (System.nanoTime() < end) Thread.onSpinWait();
        });
        Hub.sleep(2);
      });
      assertTrue(hogging.await(30, TimeUnit.SECONDS));
      // While the hub is held, and after its owner has ended (the hub closed with it).
      assertEquals(100, plainVirtualClient(server.getLocalPort(), 100, Duration.ofSeconds(30)));
      owner.join();
      assertEquals(100, plainVirtualClient(server.getLocalPort(), 100, Duration.ofSeconds(30)));
      server.close();
      echo.join();
    }
  }

  @Test
  void eachOfSeveralHubsServesItsOwnGreenletsAndAHogDelaysOnlyItsOwnHub() throws Exception {
    int hubs = 3;
    List<Hub> made = new ArrayList<>();
    List<Thread> owners = new ArrayList<>();
    CountDownLatch ready = new CountDownLatch(hubs);
    CountDownLatch go = new CountDownLatch(1);
    CompletableFuture<Void> hogStarted = new CompletableFuture<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long[] wakeups = new long[hubs];
    long[] roundTrips = new long[hubs];
    long[] worstGapNanos = new long[hubs];
    for (int h = 0; h < hubs; h++) {
      int index = h;
      owners.add(Thread.ofPlatform().name("owner-" + h).start(() -> {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
          Hub hub = Hub.current();
          synchronized (made) {
            made.add(hub);
          }
          ready.countDown();
          go.await();
          serveEcho(hub, server, 4);
          long start = System.nanoTime();
          AtomicLong trips = new AtomicLong();
          AtomicLong gap = new AtomicLong();
          CompletableFuture<Void> done = new CompletableFuture<>();
          AtomicInteger running = new AtomicInteger(4);
          for (int c = 0; c < 4; c++) {
            hub.execute(() -> {
              try (Socket s = new Socket(LOOPBACK, server.getLocalPort())) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] b = new byte[8];
                long last = System.nanoTime();
                while (System.nanoTime() - start < 1_500_000_000L) {
                  s.getOutputStream().write(b);
                  in.readFully(b);
                  long now = System.nanoTime();
                  gap.accumulateAndGet(now - last, Math::max);
                  last = now;
                  trips.incrementAndGet();
                }
              } catch (IOException e) {
                done.completeExceptionally(e);
              }
              if (running.decrementAndGet() == 0) done.complete(null);
            });
          }
          if (index == 0) {
            // hub 0 is held for 1 s by a greenlet that never yields, once the others are under way
            hub.execute(() -> {
              Hub.sleep(0.2);
              hogStarted.complete(null);
              long end = System.nanoTime() + 1_000_000_000L;
              while (System.nanoTime() < end) Thread.onSpinWait();
            });
          }
          Hub.await(done, 60);
          assertTrue(hub.join(10));
          roundTrips[index] = trips.get();
          worstGapNanos[index] = gap.get();
          wakeups[index] = JdkPollers.wakeups(hub);
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }));
    }
    assertTrue(ready.await(30, TimeUnit.SECONDS));
    go.countDown();
    for (Thread t : owners) t.join();
    if (failure.get() != null) throw new AssertionError(failure.get());
    assertTrue(hogStarted.isDone());
    for (int h = 0; h < hubs; h++) {
      // every hub's greenlets were woken by that hub's own epoll set, about once per round trip
      assertTrue(wakeups[h] >= roundTrips[h], "hub " + h + ": " + wakeups[h] + " wakeups, " + roundTrips[h] + " round trips");
    }
    // The held hub's greenlets waited the whole second; the others' never came near it.
    assertTrue(worstGapNanos[0] >= 900_000_000L, "hub 0's worst gap: " + worstGapNanos[0] / 1e6 + " ms");
    for (int h = 1; h < hubs; h++) {
      assertTrue(worstGapNanos[h] < 500_000_000L, "hub " + h + "'s worst gap: " + worstGapNanos[h] / 1e6 + " ms");
      assertTrue(roundTrips[h] > roundTrips[0], "round trips: " + java.util.Arrays.toString(roundTrips));
    }
  }

  @Test
  void aHubClosedWithAGreenletParkedInAJdkReadLetsGoOfIt() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
      int registered = registeredInJdkPollers();
      AtomicInteger registeredWhileParked = new AtomicInteger();
      AtomicReference<JdkPollers.HubIo> sets = new AtomicReference<>();
      AtomicReference<Socket> accepted = new AtomicReference<>();
      Thread owner = Thread.ofPlatform().start(() -> {
        Hub hub = Hub.current();
        hub.execute(() -> {
          try (Socket s = new Socket(LOOPBACK, server.getLocalPort())) {
            s.getInputStream().read(); // never answered: parked when the hub closes
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
        hub.execute(() -> {
          try {
            accepted.set(server.accept());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
        Hub.sleep(0.2);
        try {
          registeredWhileParked.set(registeredInJdkPollers());
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        sets.set(hub.jdkIo);
        hub.close();
        assertTrue(hub.jdkIo == null);
      });
      owner.join();
      accepted.get().close();
      assertEquals(registered + 1, registeredWhileParked.get());
      // Nothing of the greenlet's wait is left in the JDK's pollers, and the hub's epoll sets
      // are closed with it. (The greenlet's own socket stays open: the JDK keeps every virtual
      // thread that has not ended, jdk.trackAllThreads, so it is never collected.)
      assertEquals(registered, registeredInJdkPollers());
      assertTrue(sets.get() != null && sets.get() != JdkPollers.HubIo.UNAVAILABLE && sets.get().closed);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** Waits registered in the JDK's (gevent4j's) pollers, every slot together. */
  private static int registeredInJdkPollers() throws Exception {
    int n = 0;
    for (Object p : JdkPollers.installedPollers()) {
      n += (int) p.getClass().getMethod("registered").invoke(p);
    }
    return n;
  }

  /** {@code clients} connections served by greenlets of {@code hub}, each echoing until EOF. */
  static void serveEcho(Hub hub, ServerSocket server, int clients) {
    hub.execute(() -> {
      try {
        for (int i = 0; i < clients; i++) {
          Socket s = server.accept();
          hub.execute(() -> {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
              byte[] buf = new byte[256];
              for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
            } catch (IOException e) {
              // the client went away
            }
          });
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** {@code clients} greenlets, each doing {@code rounds} round trips; completes with their total. */
  static CompletableFuture<Integer> runClients(Hub hub, int port, int clients, int rounds) {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    AtomicInteger trips = new AtomicInteger();
    AtomicInteger running = new AtomicInteger(clients);
    for (int c = 0; c < clients; c++) {
      int id = c;
      hub.execute(() -> {
        try (Socket s = new Socket(LOOPBACK, port)) {
          byte[] message = ("client " + id).getBytes(StandardCharsets.UTF_8);
          DataInputStream in = new DataInputStream(s.getInputStream());
          for (int r = 0; r < rounds; r++) {
            s.getOutputStream().write(message);
            byte[] back = new byte[message.length];
            in.readFully(back);
            assertArrayEquals(message, back);
            trips.incrementAndGet();
          }
        } catch (Throwable t) {
          done.completeExceptionally(t);
        }
        if (running.decrementAndGet() == 0) done.complete(trips.get());
      });
    }
    return done;
  }

  /** A JDK echo server on plain virtual threads, until the server socket closes. */
  private static Thread plainEchoServer(ServerSocket server) {
    return Thread.ofVirtual().start(() -> {
      try {
        while (true) {
          Socket s = server.accept();
          Thread.ofVirtual().start(() -> {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
              byte[] buf = new byte[256];
              for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
            } catch (IOException e) {
              // the client went away
            }
          });
        }
      } catch (IOException closed) {
        // the test is over
      }
    });
  }

  /** Round trips of a plain virtual thread; what it managed within {@code limit}. */
  private static int plainVirtualClient(int port, int rounds, Duration limit) throws InterruptedException {
    AtomicInteger trips = new AtomicInteger();
    Thread t = Thread.ofVirtual().start(() -> {
      try (Socket s = new Socket(LOOPBACK, port)) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] b = new byte[16];
        for (int r = 0; r < rounds; r++) {
          s.getOutputStream().write(b);
          in.readFully(b);
          trips.incrementAndGet();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    t.join(limit);
    return trips.get();
  }
}
