package io.gevent4j.hub;

import ch.qos.logback.classic.Level;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.LoggerFactory;

/**
 * Run in a JVM of its own by {@link JdkPollersRouteTest}, with the flags and settings of a
 * case: prints the route taken and whether JDK I/O in greenlets, and in plain virtual threads
 * once the hub has closed, works. The first argument says what happens before the first hub:
 * {@code none}, {@code plainFirst} (a plain virtual thread waits in a JDK read first) or
 * {@code customFirst} (a virtual thread with a scheduler of its own does).
 */
public final class JdkPollersProbe {
  private JdkPollersProbe() {}

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  public static void main(String[] args) throws Exception {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.gevent4j.hub.jdkPollers")).setLevel(Level.INFO);
    try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
      Thread echo = plainEchoServer(server);
      ExecutorService custom = null;
      switch (args[0]) {
        case "none" -> { }
        case "plainFirst" -> waitInARead(Thread.ofVirtual(), server);
        case "customFirst" -> {
          custom = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("custom-carrier").daemon().unstarted(r));
          waitInARead(VirtualThreads.builder(custom), server);
        }
        default -> throw new IllegalArgumentException(args[0]);
      }
      Thread owner = Thread.ofPlatform().name("probe-owner").start(() -> {
        Hub hub;
        try {
          hub = Hub.current();
        } catch (IllegalArgumentException e) {
          System.out.println("hub: " + e.getMessage());
          return;
        }
        System.out.println("route=" + Hub.jdkPollers());
        System.out.println("reason=" + JdkPollers.reason());
        CompletableFuture<Integer> done = JdkPollersTest.runClients(hub, server.getLocalPort(), 10, 50);
        System.out.println("greenlets: " + Hub.await(done, 30) + " round trips, " + JdkPollers.wakeups(hub) + " woken by the hub");
        for (Thread t : JdkPollers.fallbackThreads()) System.out.println("fallback: " + t.getName() + (t.isVirtual() ? " virtual" : " platform"));
      }); // the hub closes with its owner
      owner.join();
      System.out.println("plain after the hub closed: " + plainClient(server.getLocalPort(), 50) + " round trips");
      server.close();
      echo.join();
      if (custom != null) custom.shutdownNow();
    }
    System.exit(0);
  }

  /** A virtual thread from {@code builder} waits in a JDK read (20 ms timeout): the JDK's pollers start. */
  private static void waitInARead(Thread.Builder builder, ServerSocket server) throws Exception {
    Thread t = builder.start(() -> {
      try (Socket s = new Socket(LOOPBACK, server.getLocalPort())) {
        s.setSoTimeout(20);
        s.getInputStream().read();
      } catch (SocketTimeoutException expected) {
        // it waited in the poller
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    t.join();
  }

  private static Thread plainEchoServer(ServerSocket server) {
    return Thread.ofPlatform().daemon().start(() -> {
      try {
        while (true) {
          Socket s = server.accept();
          Thread.ofPlatform().daemon().start(() -> {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
              byte[] buf = new byte[256];
              for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
            } catch (IOException e) {
              // the client went away
            }
          });
        }
      } catch (IOException closed) {
        // the probe is over
      }
    });
  }

  private static int plainClient(int port, int rounds) throws InterruptedException {
    int[] trips = {0};
    Thread t = Thread.ofVirtual().start(() -> {
      try (Socket s = new Socket(LOOPBACK, port)) {
        s.setSoTimeout(10_000);
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] b = new byte[16];
        for (int r = 0; r < rounds; r++) {
          s.getOutputStream().write(b);
          in.readFully(b);
          trips[0]++;
        }
      } catch (IOException e) {
        System.out.println("plain client: " + e);
      }
    });
    if (!t.join(Duration.ofSeconds(20))) System.out.println("plain client: stuck");
    return trips[0];
  }
}
