package io.gevent4j.bench.load;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.internal.HubAccess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JDK's {@link HttpClient} called from greenlets, for the load harness: one hub (the main
 * thread), N greenlets each sending {@code GET url} again and again with {@code client.send}
 * (keep-alive, HTTP/1.1), for a warm-up and then a measured period. The client has its own
 * selector thread whatever the hub does; what changes is its executor, where it completes
 * exchanges and futures: {@code default} (the client's own cached pool of platform threads) or
 * {@code hub} ({@code HttpClient.Builder.executor(hub)}: each task a greenlet of the hub).
 *
 * <p>Prints {@code RESULT label=.. requests=.. rps=.. client_cpu=.. client_cpu_us_per_req=..
 * handed_in_per_req=.. loop_wakeups_per_req=.. ctx_switches_per_req=..}: the hub's hand-overs
 * from other threads per request (greenlets unparked or tasks submitted from another thread),
 * how many of those woke its loop from its poll, and this process's voluntary context switches
 * per request (every thread that slept and was woken: the OS's count of cross-thread wake-ups).
 *
 * <p>Usage: {@code HttpClientBench <label> <url> <default|hub> <greenlets> <warmupSeconds> <seconds>}
 */
final class HttpClientBench {
  private HttpClientBench() {}

  public static void main(String[] args) throws Exception {
    String label = args[0];
    URI uri = URI.create(args[1]);
    String executor = args[2];
    int greenlets = Integer.parseInt(args[3]);
    double warmup = Double.parseDouble(args[4]);
    double seconds = Double.parseDouble(args[5]);
    Hub hub = Hub.current();
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
    switch (executor) {
      case "default" -> { }
      case "hub" -> builder.executor(hub);
      default -> throw new IllegalArgumentException("executor: default or hub, not " + executor);
    }
    HttpClient client = builder.build();
    HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
    AtomicLong done = new AtomicLong();
    boolean[] stop = {false};
    String[] failure = {null};
    for (int i = 0; i < greenlets; i++) {
      hub.execute(() -> {
        try {
          while (!stop[0]) {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IOException("status " + r.statusCode());
            done.incrementAndGet();
          }
        } catch (IOException | InterruptedException | RuntimeException e) {
          if (failure[0] == null) failure[0] = e.toString();
          stop[0] = true;
        }
      });
    }
    Hub.sleep(warmup);
    CpuClock self = CpuClock.self();
    long n0 = done.get();
    long cpu0 = self.nanos();
    long[] h0 = HubAccess.get().handOffs(hub);
    long cs0 = voluntaryContextSwitches();
    long t0 = System.nanoTime();
    Hub.sleep(seconds);
    long t1 = System.nanoTime();
    long n1 = done.get();
    long cpu1 = self.nanos();
    long[] h1 = HubAccess.get().handOffs(hub);
    long cs1 = voluntaryContextSwitches();
    stop[0] = true;
    if (failure[0] != null) {
      System.err.println("HttpClientBench: " + failure[0]);
      System.exit(1);
    }
    double requests = n1 - n0;
    double elapsed = (t1 - t0) / 1e9;
    System.out.printf("RESULT label=%s executor=%s greenlets=%d requests=%d seconds=%.2f rps=%.0f client_cpu=%.2f "
            + "client_cpu_us_per_req=%.2f handed_in_per_req=%.2f loop_wakeups_per_req=%.2f ctx_switches_per_req=%.2f%n",
        label, executor, greenlets, n1 - n0, elapsed, requests / elapsed, (cpu1 - cpu0) / 1e9 / elapsed,
        (cpu1 - cpu0) / 1e3 / requests, (h1[0] - h0[0]) / requests, (h1[1] - h0[1]) / requests, (cs1 - cs0) / requests);
    System.out.flush();
    Runtime.getRuntime().halt(0); // the client's threads and the greenlets still in a send
  }

  /** Voluntary context switches of this process's live threads (/proc/self/task/N/status). */
  private static long voluntaryContextSwitches() throws IOException {
    long sum = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) sum += Long.parseLong(line.substring(24).strip());
          }
        } catch (IOException ended) {
          // the thread ended meanwhile
        }
      }
    }
    return sum;
  }
}
