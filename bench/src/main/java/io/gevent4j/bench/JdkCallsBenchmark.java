package io.gevent4j.bench;

import io.gevent4j.fileobject.FileObject;
import io.gevent4j.fileobject.FileObjectThread;
import io.gevent4j.http.HttpServer;
import io.gevent4j.hub.Hub;
import io.gevent4j.queue.Queue;
import io.gevent4j.sync.RLock;
import io.gevent4j.sync.Semaphore;
import io.gevent4j.threading.GreenletExecutors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What each route of a JDK blocking call costs a greenlet (docs/hub.md, "What blocks the hub";
 * docs/benchmarks.md, "JDK calls in greenlets"): per-call latency, the JDK's call side by side
 * with gevent4j's way of doing the same, on a hub per backend made on the benchmark thread (its
 * owner); the benchmark thread waits for the greenlets cooperatively. Scores are ns per call.
 *
 * <ul>
 *   <li>{@code queueHop}: two greenlets hand a token back and forth through two queues; per hop
 *       (one wake-up of a parked greenlet by another greenlet of the hub, one switch):
 *       {@code LinkedBlockingQueue.take} vs gevent4j {@link Queue#get}.
 *   <li>{@code waitNotifyHop} / {@code conditionHop}: the same hand-off with {@code Object.wait}
 *       and {@code notify} under one monitor, and with a {@code ReentrantLock}'s {@code Condition}.
 *   <li>{@code lockHandOff}: per round, greenlet A holds a lock and yields, B blocks on it, A
 *       unlocks, B takes it and releases it, then tells A through a gevent4j semaphore: the cost
 *       of waking a greenlet blocked on a contended lock. {@code synchronized},
 *       {@code ReentrantLock}, gevent4j {@link RLock}.
 *   <li>{@code sleep0}: one greenlet alone, {@code Thread.sleep(0)} vs {@code Hub.sleep(0)}.
 *   <li>{@code sleep1ms}: one greenlet, {@code Thread.sleep(1)} vs {@code Hub.sleep(0.001)}: how
 *       long a 1 ms sleep really takes.
 *   <li>{@code socketRoundTrip}: a 1-byte echo over loopback TCP between two greenlets of the hub:
 *       {@code java.net.Socket} (its waits served by the hub's own epoll sets, the default
 *       {@code gevent.jdkPollers=hub}) vs gevent4j's {@code Socket} (the hub's own io watchers);
 *       {@code _jdkPollersJdk}: the JDK's sockets with {@code -Dgevent.jdkPollers=jdk} (the JDK's
 *       poller threads wake the greenlet); {@code _jdkPollerMode1}: the same with
 *       {@code -Djdk.pollerMode=1} (platform poller threads instead of virtual ones).
 *   <li>{@code fileRead} ({@code size} bytes from the page cache, sequentially through a 16 MiB
 *       file): {@code FileChannel.read} in the greenlet (it holds the hub that long), through
 *       {@code hub.threadPool().apply}, and through a {@link FileObjectThread}.
 *   <li>{@code http}: one GET of a 2-byte body at a time, to a gevent4j {@link HttpServer} on the
 *       same hub: {@code HttpClient.send} with its default executor, with
 *       {@link GreenletExecutors#executor}, and {@code HttpURLConnection}; per request. The
 *       baseline {@code _httpClientPlatformThread}: the same client called from a plain thread.
 * </ul>
 */
public class JdkCallsBenchmark extends BenchmarkBase {
  static final int HOPS = 10_000;
  static final int ROUNDS = 2_000;
  static final int SLEEPS0 = 10_000;
  static final int SLEEPS1 = 100;
  static final int READS = 200;
  static final int REQUESTS = 100;

  /** A hub per backend made on the benchmark thread, and {@link #await} to run greenlets on it. */
  @State(Scope.Thread)
  public static class Hubbed {
    @Param({"libev", "libuv"})
    public String backend;

    Hub hub;

    @Setup(Level.Trial)
    public void setUpHub() throws Exception {
      System.setProperty("gevent.loop", backend);
      hub = Hub.current();
      if (!hub.backend().startsWith(backend + ":")) throw new IllegalStateException("asked for " + backend + ", got " + hub.backend());
      setUp();
    }

    /** More set-up, on the hub's owner, once the hub is made. */
    void setUp() throws Exception {}

    /** More tear-down, on the hub's owner, before the hub is closed. */
    void tearDown() throws Exception {}

    @TearDown(Level.Trial)
    public void tearDownHub() throws Exception {
      try {
        tearDown();
      } finally {
        hub.close();
      }
    }

    /** Runs {@code body} in a greenlet; its future says how it ended. */
    <T> CompletableFuture<T> spawn(Callable<T> body) {
      CompletableFuture<T> result = new CompletableFuture<>();
      hub.execute(() -> {
        try {
          result.complete(body.call());
        } catch (Throwable e) {
          result.completeExceptionally(e);
        }
      });
      return result;
    }

    /** Runs {@code body} in a greenlet and waits for it cooperatively. */
    <T> T await(Callable<T> body) {
      return Hub.await(spawn(body), 60);
    }

    /** Runs the two bodies in two greenlets and waits for both. */
    void both(Callable<?> a, Callable<?> b) {
      Hub.await(CompletableFuture.allOf(spawn(a), spawn(b)), 60);
    }
  }

  // ---- wake-ups between two greenlets of the hub ------------------------------------------------

  @Benchmark
  @OperationsPerInvocation(HOPS)
  public void queueHop_jdk(Hubbed s) {
    LinkedBlockingQueue<Integer> ping = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<Integer> pong = new LinkedBlockingQueue<>();
    s.both(() -> {
      for (int i = 0; i < HOPS / 2; i++) pong.put(ping.take());
      return null;
    }, () -> {
      for (int i = 0; i < HOPS / 2; i++) {
        ping.put(i);
        pong.take();
      }
      return null;
    });
  }

  @Benchmark
  @OperationsPerInvocation(HOPS)
  public void queueHop_gevent4j(Hubbed s) {
    Queue<Integer> ping = new Queue<>();
    Queue<Integer> pong = new Queue<>();
    s.both(() -> {
      for (int i = 0; i < HOPS / 2; i++) pong.put(ping.get());
      return null;
    }, () -> {
      for (int i = 0; i < HOPS / 2; i++) {
        ping.put(i);
        pong.get();
      }
      return null;
    });
  }

  @Benchmark
  @OperationsPerInvocation(HOPS)
  public void waitNotifyHop_jdk(Hubbed s) {
    Object monitor = new Object();
    int[] turn = new int[1];
    Callable<Void> player0 = () -> {
      synchronized (monitor) {
        for (int i = 0; i < HOPS / 2; i++) {
          while (turn[0] != 0) monitor.wait();
          turn[0] = 1;
          monitor.notify();
        }
      }
      return null;
    };
    Callable<Void> player1 = () -> {
      synchronized (monitor) {
        for (int i = 0; i < HOPS / 2; i++) {
          while (turn[0] != 1) monitor.wait();
          turn[0] = 0;
          monitor.notify();
        }
      }
      return null;
    };
    s.both(player0, player1);
  }

  @Benchmark
  @OperationsPerInvocation(HOPS)
  public void conditionHop_jdk(Hubbed s) {
    ReentrantLock lock = new ReentrantLock();
    Condition changed = lock.newCondition();
    int[] turn = new int[1];
    class Player implements Callable<Void> {
      final int me;

      Player(int me) {
        this.me = me;
      }

      @Override
      public Void call() throws InterruptedException {
        lock.lock();
        try {
          for (int i = 0; i < HOPS / 2; i++) {
            while (turn[0] != me) changed.await();
            turn[0] = 1 - me;
            changed.signal();
          }
        } finally {
          lock.unlock();
        }
        return null;
      }
    }
    s.both(new Player(0), new Player(1));
  }

  /** Greenlet A holds the lock and yields; B blocks on it; A unlocks; B gets it, lets go, tells A. */
  private static void handOff(Hubbed s, Lock lock) {
    Semaphore aHolds = new Semaphore(0);
    Semaphore bDone = new Semaphore(0);
    s.both(() -> {
      for (int i = 0; i < ROUNDS; i++) {
        lock.lock();
        try {
          aHolds.release();
          Hub.sleep(0); // B runs, and blocks on the lock
        } finally {
          lock.unlock(); // wakes B
        }
        bDone.acquire();
      }
      return null;
    }, () -> {
      for (int i = 0; i < ROUNDS; i++) {
        aHolds.acquire();
        lock.lock();
        lock.unlock();
        bDone.release();
      }
      return null;
    });
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void lockHandOff_synchronized(Hubbed s) {
    Object monitor = new Object();
    Semaphore aHolds = new Semaphore(0);
    Semaphore bDone = new Semaphore(0);
    s.both(() -> {
      for (int i = 0; i < ROUNDS; i++) {
        synchronized (monitor) {
          aHolds.release();
          Hub.sleep(0); // B runs, and blocks entering the monitor
        } // wakes B
        bDone.acquire();
      }
      return null;
    }, () -> {
      for (int i = 0; i < ROUNDS; i++) {
        aHolds.acquire();
        synchronized (monitor) {
          bDone.release();
        }
      }
      return null;
    });
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void lockHandOff_reentrantLock(Hubbed s) {
    handOff(s, new ReentrantLock());
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void lockHandOff_gevent4jRLock(Hubbed s) {
    handOff(s, new RLock());
  }

  // ---- sleeping ---------------------------------------------------------------------------------

  @Benchmark
  @OperationsPerInvocation(SLEEPS0)
  public void sleep0_threadSleep(Hubbed s) {
    s.await(() -> {
      for (int i = 0; i < SLEEPS0; i++) Thread.sleep(0);
      return null;
    });
  }

  @Benchmark
  @OperationsPerInvocation(SLEEPS0)
  public void sleep0_hubSleep(Hubbed s) {
    s.await(() -> {
      for (int i = 0; i < SLEEPS0; i++) Hub.sleep(0);
      return null;
    });
  }

  @Benchmark
  @OperationsPerInvocation(SLEEPS1)
  public void sleep1ms_threadSleep(Hubbed s) {
    s.await(() -> {
      for (int i = 0; i < SLEEPS1; i++) Thread.sleep(1);
      return null;
    });
  }

  @Benchmark
  @OperationsPerInvocation(SLEEPS1)
  public void sleep1ms_hubSleep(Hubbed s) {
    s.await(() -> {
      for (int i = 0; i < SLEEPS1; i++) Hub.sleep(0.001);
      return null;
    });
  }

  // ---- a socket round trip ----------------------------------------------------------------------

  /** A connected pair of JDK sockets over loopback, with TCP_NODELAY. */
  @State(Scope.Thread)
  public static class JdkSockets extends Hubbed {
    java.net.Socket client;
    java.net.Socket server;

    @Override
    void setUp() throws IOException {
      try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        client = new java.net.Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        server = listener.accept();
      }
      client.setTcpNoDelay(true);
      server.setTcpNoDelay(true);
    }

    @Override
    void tearDown() throws IOException {
      client.close();
      server.close();
    }
  }

  /** A connected pair of gevent4j sockets over loopback, with TCP_NODELAY. */
  @State(Scope.Thread)
  public static class GeventSockets extends Hubbed {
    io.gevent4j.socket.Socket client;
    io.gevent4j.socket.Socket server;

    @Override
    void setUp() throws IOException {
      try (io.gevent4j.socket.Socket listener = io.gevent4j.socket.Socket.tcp()) {
        listener.bind(new InetSocketAddress("127.0.0.1", 0));
        listener.listen(1);
        client = io.gevent4j.socket.Socket.tcp();
        client.connect(listener.localAddress());
        server = listener.accept();
      }
      client.setOption(StandardSocketOptions.TCP_NODELAY, true);
      server.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    @Override
    void tearDown() {
      client.close();
      server.close();
    }
  }

  private static void jdkRoundTrips(JdkSockets s) {
    s.both(() -> {
      InputStream in = s.server.getInputStream();
      OutputStream out = s.server.getOutputStream();
      for (int i = 0; i < ROUNDS; i++) out.write(in.read());
      return null;
    }, () -> {
      InputStream in = s.client.getInputStream();
      OutputStream out = s.client.getOutputStream();
      for (int i = 0; i < ROUNDS; i++) {
        out.write(i & 0x7f);
        if (in.read() != (i & 0x7f)) throw new IllegalStateException("echo lost a byte");
      }
      return null;
    });
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void socketRoundTrip_jdk(JdkSockets s) {
    jdkRoundTrips(s);
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  @Fork(value = 1, jvmArgsPrepend = "-Dgevent.jdkPollers=jdk")
  public void socketRoundTrip_jdkPollersJdk(JdkSockets s) {
    jdkRoundTrips(s);
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  @Fork(value = 1, jvmArgsPrepend = {"-Dgevent.jdkPollers=jdk", "-Djdk.pollerMode=1"})
  public void socketRoundTrip_jdkPollerMode1(JdkSockets s) {
    jdkRoundTrips(s);
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void socketRoundTrip_gevent4j(GeventSockets s) {
    byte[] one = new byte[1];
    byte[] back = new byte[1];
    s.both(() -> {
      byte[] b = new byte[1];
      for (int i = 0; i < ROUNDS; i++) {
        if (s.server.recv(b, 0, 1) != 1) throw new IllegalStateException("the peer closed");
        s.server.sendAll(b, 0, 1);
      }
      return null;
    }, () -> {
      for (int i = 0; i < ROUNDS; i++) {
        one[0] = (byte) (i & 0x7f);
        s.client.sendAll(one, 0, 1);
        if (s.client.recv(back, 0, 1) != 1 || back[0] != one[0]) throw new IllegalStateException("echo lost a byte");
      }
      return null;
    });
  }

  // ---- reading a file ---------------------------------------------------------------------------

  /** A 16 MiB file in the page cache, open as a FileChannel and as a FileObjectThread. */
  @State(Scope.Thread)
  public static class AFile extends Hubbed {
    static final int FILE = 16 << 20;

    @Param({"4096", "1048576"})
    public int size;

    Path path;
    FileChannel channel;
    FileObjectThread object;
    ByteBuffer buffer;
    long position;

    @Override
    void setUp() throws IOException {
      path = Files.createTempFile("jdkcalls", ".bin");
      byte[] mib = new byte[1 << 20];
      for (int i = 0; i < mib.length; i++) mib[i] = (byte) i;
      try (OutputStream out = Files.newOutputStream(path)) {
        for (int i = 0; i < FILE / mib.length; i++) out.write(mib);
      }
      channel = FileChannel.open(path);
      object = FileObject.open(path, "rb");
      buffer = ByteBuffer.allocateDirect(size);
      for (long p = 0; p < FILE; p += size) channel.read(buffer.clear(), p); // into the page cache
    }

    /** The next {@code size} bytes through the channel, from the start again at the end. */
    int readChannel() throws IOException {
      int n = channel.read(buffer.clear(), position);
      position = (position + size) % FILE;
      return n;
    }

    /** The next {@code size} bytes through the file object, from the start again at the end. */
    int readObject() throws IOException {
      int n = object.read(buffer.clear());
      if ((position = (position + size) % FILE) == 0) object.position(0);
      return n;
    }

    @Override
    void tearDown() throws IOException {
      channel.close();
      object.close();
      Files.delete(path);
    }
  }

  @Benchmark
  @OperationsPerInvocation(READS)
  public long fileRead_inTheGreenlet(AFile s) {
    return s.await(() -> {
      long total = 0;
      for (int i = 0; i < READS; i++) total += s.readChannel();
      return total;
    });
  }

  @Benchmark
  @OperationsPerInvocation(READS)
  public long fileRead_threadPool(AFile s) {
    return s.await(() -> {
      long total = 0;
      for (int i = 0; i < READS; i++) total += s.hub.threadPool().apply(s::readChannel);
      return total;
    });
  }

  @Benchmark
  @OperationsPerInvocation(READS)
  public long fileRead_fileObjectThread(AFile s) {
    return s.await(() -> {
      long total = 0;
      for (int i = 0; i < READS; i++) total += s.readObject();
      return total;
    });
  }

  // ---- HTTP -------------------------------------------------------------------------------------

  /** A gevent4j HttpServer on the hub answering "ok", and the clients. */
  @State(Scope.Thread)
  public static class Http extends Hubbed {
    HttpServer server;
    URI uri;
    HttpClient defaultClient;
    ExecutorService executor;
    HttpClient greenletClient;
    ExecutorService platformThread;

    @Override
    void setUp() throws IOException {
      byte[] ok = {'o', 'k'};
      server = new HttpServer(new InetSocketAddress("127.0.0.1", 0), exchange -> {
        exchange.sendResponseHeaders(200, ok.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(ok);
        }
      });
      server.start();
      uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/");
      defaultClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      executor = GreenletExecutors.executor(hub);
      greenletClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor).build();
      platformThread = java.util.concurrent.Executors.newSingleThreadExecutor();
    }

    @Override
    void tearDown() {
      await(() -> { // HttpClient.close waits for the client's tasks: in a greenlet
        defaultClient.close();
        greenletClient.close();
        executor.close();
        return null;
      });
      server.stop(1);
      platformThread.close();
    }

    int send(HttpClient client) throws Exception {
      HttpRequest request = HttpRequest.newBuilder(uri).build();
      int bytes = 0;
      for (int i = 0; i < REQUESTS; i++) bytes += client.send(request, HttpResponse.BodyHandlers.ofByteArray()).body().length;
      return bytes;
    }
  }

  @Benchmark
  @OperationsPerInvocation(REQUESTS)
  public int http_httpClientDefaultExecutor(Http s) {
    return s.await(() -> s.send(s.defaultClient));
  }

  @Benchmark
  @OperationsPerInvocation(REQUESTS)
  public int http_httpClientGreenletExecutor(Http s) {
    return s.await(() -> s.send(s.greenletClient));
  }

  /** The baseline: the same client used from a plain thread, as usual; the owner waits for it. */
  @Benchmark
  @OperationsPerInvocation(REQUESTS)
  public int http_httpClientPlatformThread(Http s) {
    return Hub.await(CompletableFuture.supplyAsync(() -> {
      try {
        return s.send(s.defaultClient);
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, s.platformThread), 60);
  }

  @Benchmark
  @OperationsPerInvocation(REQUESTS)
  public int http_httpUrlConnection(Http s) {
    return s.await(() -> {
      int bytes = 0;
      for (int i = 0; i < REQUESTS; i++) {
        HttpURLConnection c = (HttpURLConnection) s.uri.toURL().openConnection();
        try (InputStream in = c.getInputStream()) {
          bytes += in.readAllBytes().length; // read to the end: the connection goes back to the JDK's keep-alive cache
        }
      }
      return bytes;
    });
  }
}
