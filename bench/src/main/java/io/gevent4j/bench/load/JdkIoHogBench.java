package io.gevent4j.bench.load;

import io.gevent4j.hub.Hub;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * What a greenlet that holds its hub does to other threads' JDK I/O, for the load harness: hub A
 * (whose greenlet does the JVM's first JDK I/O wait) is held for {@code holdSeconds} by a
 * greenlet that never yields, while a greenlet of hub B and a plain virtual thread each do JDK
 * socket round trips with an echo server of platform threads. Prints the worst gap between two
 * round trips of each: about the hold when their waits depend on hub A, a few milliseconds when
 * they do not.
 *
 * <p>Usage: {@code JdkIoHogBench <label> [holdSeconds]}; prints {@code RESULT label=.. route=..
 * hold_ms=.. hub_b_worst_gap_ms=.. plain_worst_gap_ms=..}.
 */
final class JdkIoHogBench {
  private JdkIoHogBench() {}

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  public static void main(String[] args) throws Exception {
    String label = args[0];
    double hold = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
    ServerSocket server = new ServerSocket(0, 100, LOOPBACK);
    int port = server.getLocalPort();
    Thread.ofPlatform().daemon().name("echo").start(() -> platformEcho(server));
    CountDownLatch firstIoDone = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    Thread ownerA = Thread.ofPlatform().name("owner-a").start(() -> {
      Hub hub = Hub.current();
      hub.execute(() -> {
        try (Socket s = new Socket(LOOPBACK, port)) { // the JVM's first JDK I/O wait, in a greenlet of hub A
          s.getOutputStream().write(1);
          s.getInputStream().read();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        firstIoDone.countDown();
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        Hub.sleep(0.5); // the others get going
        long end = System.nanoTime() + (long) (hold * 1e9);
        while (System.nanoTime() < end) Thread.onSpinWait(); // holds hub A
      });
      Hub.sleep(hold + 2);
    });
    firstIoDone.await();
    long[] gapB = {0};
    long[] gapPlain = {0};
    double seconds = hold + 1;
    Thread ownerB = Thread.ofPlatform().name("owner-b").start(() -> {
      Hub hub = Hub.current();
      CompletableFuture<Void> done = new CompletableFuture<>();
      hub.execute(() -> {
        gapB[0] = worstGap(port, seconds);
        done.complete(null);
      });
      Hub.await(done);
    });
    Thread plain = Thread.ofVirtual().start(() -> gapPlain[0] = worstGap(port, seconds));
    go.countDown();
    ownerB.join();
    plain.join();
    ownerA.join();
    System.out.printf("RESULT label=%s route=%s hold_ms=%.0f hub_b_worst_gap_ms=%.1f plain_worst_gap_ms=%.1f%n",
        label, route(), hold * 1e3, gapB[0] / 1e6, gapPlain[0] / 1e6);
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }

  /** Round trips for {@code seconds}; the longest time between two. */
  private static long worstGap(int port, double seconds) {
    long worst = 0;
    try (Socket s = new Socket(LOOPBACK, port)) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      byte[] b = new byte[8];
      long end = System.nanoTime() + (long) (seconds * 1e9);
      long last = System.nanoTime();
      while (last < end) {
        out.write(b);
        in.readNBytes(b, 0, b.length);
        long now = System.nanoTime();
        worst = Math.max(worst, now - last);
        last = now;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return worst;
  }

  private static void platformEcho(ServerSocket server) {
    try {
      while (true) {
        Socket s = server.accept();
        Thread.ofPlatform().daemon().start(() -> {
          try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            byte[] b = new byte[64];
            for (int n; (n = in.read(b)) > 0; ) out.write(b, 0, n);
          } catch (IOException e) {
            // the client went away
          }
        });
      }
    } catch (IOException e) {
      // not closed in practice
    }
  }

  /** {@code Hub.jdkPollers()} on a gevent4j that has it, else "none". */
  private static String route() {
    try {
      return String.valueOf(Hub.class.getMethod("jdkPollers").invoke(null));
    } catch (ReflectiveOperationException e) {
      return "none";
    }
  }
}
