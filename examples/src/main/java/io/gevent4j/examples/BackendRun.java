package io.gevent4j.examples;

import io.gevent4j.http.HttpServer;
import io.gevent4j.hub.Hub;
import io.gevent4j.loop.Backend;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * One backend's part of the demo. Two platform threads, each with a hub of the backend: one
 * serves the demo's {@link HttpServer} on 127.0.0.1 (an ephemeral port), the other runs the
 * {@link LoadClient}'s greenlets against it, so that the server's hub does only the server's
 * work. The calling thread waits for the client, prints a progress line meanwhile and samples the
 * process's open descriptors, then stops the server and counts the descriptors again once both
 * hubs are closed. The greenlets alive are counted on each hub itself, by the server's handler
 * and by the client's greenlets.
 */
final class BackendRun {
  /** How long a start or a stop may take before the demo gives up, in seconds. */
  private static final long GRACE = 30;

  /**
   * What one backend's run measured.
   *
   * @param backend the hubs' {@link Hub#backend()}, e.g. {@code libev:epoll}
   * @param seconds the measured window's length
   * @param requests the answers within the measured window
   * @param p50Nanos the median latency
   * @param p99Nanos the 99th percentile latency
   * @param errors failed requests and connections, warm-up included
   * @param firstError what the first error was, or null
   * @param serverGreenlets the most greenlets alive on the server's hub at a request
   * @param clientGreenlets the most greenlets alive on the client's hub at an answer in the window
   * @param fdsBefore open descriptors before the hubs were made
   * @param fdsDuring the most open descriptors seen during the window (at its first answer and
   *     every quarter of a second)
   * @param fdsAfter open descriptors once both hubs were closed
   */
  record Result(String backend, double seconds, long requests, long p50Nanos, long p99Nanos, long errors, String firstError,
      int serverGreenlets, int clientGreenlets, int fdsBefore, int fdsDuring, int fdsAfter) {
    /** {@return the requests answered per second of the measured window} */
    double requestsPerSecond() {
      return requests / seconds;
    }
  }

  private BackendRun() {}

  /**
   * Runs the server and the client on {@code backend} for {@code warmup + seconds} seconds.
   *
   * @param backend the loop backend of both hubs
   * @param connections the client's connections, a greenlet each
   * @param warmup the seconds before the measured window
   * @param seconds the measured window's length
   * @param out where the progress line goes; null for none
   * @param live true to redraw the progress line in place (a terminal), false for a line per phase
   * @return what the run measured
   * @throws InterruptedException when interrupted while waiting for the threads
   * @throws IllegalStateException when the server or the client failed, or did not end in time
   */
  static Result run(Backend backend, int connections, double warmup, double seconds, PrintStream out, boolean live)
      throws InterruptedException {
    String name = backend.name().toLowerCase(Locale.ROOT);
    int fdsBefore = openFds();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CompletableFuture<ServerSide> serverSide = new CompletableFuture<>();
    CompletableFuture<Hub> clientHub = new CompletableFuture<>();
    CompletableFuture<LoadClient> clientReady = new CompletableFuture<>();
    Thread serverThread = null;
    Thread clientThread = null;
    ServerSide server = null;
    int fdsSampled;
    String backendName;
    LoadClient load;
    Demo.Handler handler = new Demo.Handler();
    try {
      // The backend is read when a hub is made: set it for the two hubs made here, then put
      // back what was there (a test's surefire run sets gevent.loop too).
      String previous = System.getProperty("gevent.loop");
      System.setProperty("gevent.loop", name);
      try {
        serverThread = Thread.ofPlatform().name("demo-server-" + name).start(() -> serve(handler, serverSide, failure));
        server = await(serverSide, "the server on " + name + " to start");
        backendName = server.hub.backend();
        int port = server.server.address().getPort();
        clientThread = Thread.ofPlatform().name("demo-client-" + name).start(() -> {
          try (Hub hub = Hub.current()) {
            clientHub.complete(hub);
            long measureFrom = System.nanoTime() + (long) (warmup * 1e9);
            LoadClient client = new LoadClient(port, connections, measureFrom, measureFrom + (long) (seconds * 1e9));
            clientReady.complete(client);
            client.run();
            hub.join(GRACE); // nothing should be left; whatever is ends before the hub closes
          } catch (Throwable t) {
            clientHub.completeExceptionally(t);
            clientReady.completeExceptionally(t);
            failure.compareAndSet(null, t);
          }
        });
        await(clientHub, "the client's hub on " + name);
      } finally {
        if (previous == null) System.clearProperty("gevent.loop");
        else System.setProperty("gevent.loop", previous);
      }
      load = await(clientReady, "the load client on " + name);
      fdsSampled = watch(clientThread, backendName, load, warmup, seconds, out, live);
    } finally {
      // The client has ended and closed its sockets (or failed): stop the server, let both hubs close.
      if (clientThread != null) joinOrFail(clientThread, "the load client on " + name);
      if (server != null && serverThread.isAlive()) {
        // stopped by a greenlet of its own hub: stop() called from this thread would make this
        // thread a hub of its own to wait in, which would outlive the run
        ServerSide s = server;
        s.hub.execute(() -> s.server.stop(2));
      }
      if (serverThread != null) joinOrFail(serverThread, "the server on " + name);
      // each hub's own thread ends once its owner has closed it
      if (server != null) joinOrFail(server.hub.thread(), "the server's hub thread on " + name);
      if (clientHub.state() == Future.State.SUCCESS) joinOrFail(clientHub.resultNow().thread(), "the client's hub thread on " + name);
    }
    Throwable failed = failure.get();
    if (failed != null) throw new IllegalStateException("the demo on " + name + " failed: " + failed, failed);
    int fdsAfter = openFds();
    Histogram latencies = load.latencies();
    return new Result(backendName, seconds, load.measured(), latencies.getValueAtPercentile(50), latencies.getValueAtPercentile(99),
        load.errors(), load.firstError(), handler.mostGreenlets(), load.mostGreenlets(), fdsBefore,
        Math.max(fdsSampled, load.fdsAtWindowStart()), fdsAfter);
  }

  /**
   * Waits for the client thread to end, a quarter of a second at a time, showing the progress
   * meanwhile.
   *
   * @return the most open descriptors seen during the measured window; 0 if none was seen
   */
  private static int watch(Thread clientThread, String backend, LoadClient load, double warmup, double seconds, PrintStream out,
      boolean live) throws InterruptedException {
    long start = System.nanoTime();
    double total = warmup + seconds;
    int fds = 0;
    boolean measuring = false;
    while (!clientThread.join(Duration.ofMillis(250))) {
      double elapsed = (System.nanoTime() - start) / 1e9;
      if (elapsed > total + GRACE) {
        throw new IllegalStateException("the load client on " + backend + " has not finished " + GRACE + " s after its end time");
      }
      if (elapsed >= warmup && elapsed <= total) {
        if (!measuring && out != null && !live) out.printf("  %-12s measuring for %s s%n", backend, Demo.number(seconds));
        measuring = true;
        fds = Math.max(fds, openFds());
      }
      if (out != null && live) {
        String phase = elapsed < warmup
            ? String.format("warming up %4.1f s of %s", elapsed, Demo.number(warmup))
            : String.format("measuring  %4.1f s of %s", Math.min(elapsed, total) - warmup, Demo.number(seconds));
        double rate = elapsed < warmup ? load.answered() / elapsed : load.measured() / Math.max(1e-3, elapsed - warmup);
        out.printf("\r  %-12s %s   %,9.0f req/s   errors %d   ", backend, phase, rate, load.errors());
        out.flush();
      }
    }
    return fds;
  }

  private static void joinOrFail(Thread thread, String what) throws InterruptedException {
    if (!thread.join(Duration.ofSeconds(GRACE))) throw new IllegalStateException(what + " has not ended within " + GRACE + " s");
  }

  private record ServerSide(Hub hub, HttpServer server) {}

  /** The server thread: a hub, the server on it until stopped, then the hub's last greenlets. */
  private static void serve(Demo.Handler handler, CompletableFuture<ServerSide> started, AtomicReference<Throwable> failure) {
    try (Hub hub = Hub.current()) {
      HttpServer server = new HttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), handler).backlog(1024);
      server.start();
      started.complete(new ServerSide(hub, server));
      server.serveForever(); // runs this thread's hub until stop()
      hub.join(GRACE); // connections that were closing: done before the hub closes
    } catch (Throwable t) {
      started.completeExceptionally(t);
      failure.compareAndSet(null, t);
    }
  }

  private static <T> T await(CompletableFuture<T> future, String what) throws InterruptedException {
    try {
      return future.get(GRACE, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for " + what + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("waited " + GRACE + " s for " + what + " in vain");
    }
  }

  /** {@return the open file descriptors of this process: the entries of {@code /proc/self/fd}} */
  static int openFds() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return (int) fds.count() - 1; // not the one the listing itself holds open
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc/self/fd", e);
    }
  }
}
