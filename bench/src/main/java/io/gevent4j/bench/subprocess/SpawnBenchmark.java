package io.gevent4j.bench.subprocess;

import com.zaxxer.nuprocess.NuAbstractProcessHandler;
import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessBuilder;
import io.gevent4j.bench.HubThread;
import io.gevent4j.bench.Rusage;
import io.gevent4j.greenlet.Pool;
import io.gevent4j.subprocess.Popen;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Process spawning and pipe throughput, gevent4j's {@link Popen} side by side with
 * {@link ProcessBuilder} and NuProcess in one JVM (bench/subprocess.sh runs it; not JMH: a
 * batch of 1,000 spawns is the unit, and the variants must alternate within one run).
 *
 * <ul>
 *   <li><b>spawn</b>: start {@code /bin/true} and wait for its exit, {@code spawns} times, one
 *       after the other ({@code seq}) or {@code concurrency} at a time ({@code ×50}). Figure:
 *       spawns per second. gevent4j: in a greenlet; at a time through a {@link Pool}. JDK:
 *       {@code ProcessBuilder.start().waitFor()} on the main thread, on a fixed pool of 50
 *       platform threads, or on virtual threads (one per spawn, 50 at a time by a semaphore).
 *       NuProcess: {@code start()} then {@code waitFor}, or 50 at a time by a semaphore released
 *       in {@code onExit}; its sequential variant runs a tenth of the spawns (NuProcess sees an
 *       exit when the child's pipes close, and when {@code waitpid(WNOHANG)} finds the child not
 *       yet reaped at that moment, polls again only every 250 ms: about a quarter of the
 *       spawns wait that long here). gevent4j and the JDK run the child with the JVM's stdin, stdout and
 *       stderr ({@code --stdio inherit}, the default) or with three pipes ({@code --stdio pipe});
 *       NuProcess always makes three pipes (it sees the exit through them).
 *   <li><b>pipe</b>: the child ({@code head -c BYTES /dev/zero}) writes {@code mib} MiB to its
 *       stdout and the parent reads all of it; {@code transfers} times, a child each, in one
 *       batch (one transfer swings too much on 2 cores). Figure: MB/s (10^6 bytes per second,
 *       the children's start and exit included). gevent4j: a greenlet reads {@link Popen#stdout()} into a
 *       64 KiB array, or {@link Popen#communicate()} collects it; JDK: a platform thread reads
 *       {@code getInputStream()} into a 64 KiB array, or {@code readAllBytes()} (what
 *       communicate does); NuProcess: its {@code onStdout} callback on its epoll thread.
 * </ul>
 *
 * <p>One warm-up pass runs every variant on a tenth of the work; then {@code rounds} rounds run
 * every variant once, the order rotated each round so that none always runs first or last. A
 * {@code RESULT} line per variant and round, then one table: the best round of each variant
 * (other processes on the machine can only slow a run down), the median, and the CPU per
 * spawn or per MB of the JVM (every thread: hubs, reapers, NuProcess's epoll thread) and of the
 * children it reaped ({@code getrusage}; for the JDK this includes {@code jspawnhelper}, which
 * runs in the child before the program).
 *
 * <p>Usage: {@code SpawnBenchmark [--rounds 5] [--spawns 1000] [--concurrency 50] [--mib 100]
 * [--transfers 5] [--stdio inherit|pipe] [--only REGEX]}
 */
public final class SpawnBenchmark {
  private static final String TRUE = "/bin/true";
  private static final int BUFFER = 64 * 1024;

  private final int concurrency;
  private final boolean pipes;
  private final HubThread libev = new HubThread("libev");
  private final HubThread libuv = new HubThread("libuv");

  private SpawnBenchmark(int concurrency, boolean pipes) {
    this.concurrency = concurrency;
    this.pipes = pipes;
  }

  /** What a variant measures: per spawn or per byte. */
  private enum Figure {
    SPAWN("spawns/s"), PIPE("MB/s");

    final String unit;

    Figure(String unit) {
      this.unit = unit;
    }
  }

  /** One batch of work; returns the units done (spawns, bytes) after checking every exit. */
  @FunctionalInterface
  private interface Batch {
    long run(Scale scale) throws Exception;
  }

  /** One transfer of {@code bytes} through a pipe; returns the bytes read. */
  @FunctionalInterface
  private interface Transfer {
    long run(long bytes) throws Exception;
  }

  /**
   * Time the running batch asks not to be counted ({@link System#nanoTime()} units): NuProcess's
   * "to EOF" variant puts here the time between the end of stdout and the exit it reports. Only
   * touched by the thread that runs the batches.
   */
  private static long excludedNanos;

  /** A batch's size: the whole, or the warm-up's tenth. */
  private record Scale(int spawns, long bytes, int transfers) {}

  private record Variant(String name, Figure figure, Batch batch) {}

  /** One measured batch. */
  private record Sample(double perSecond, double jvmCpuNanos, double childCpuNanos) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
    int spawns = Integer.parseInt(options.getOrDefault("spawns", "1000"));
    int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "50"));
    long mib = Long.parseLong(options.getOrDefault("mib", "100"));
    int transfers = Integer.parseInt(options.getOrDefault("transfers", "5"));
    String stdio = options.getOrDefault("stdio", "inherit");
    if (!stdio.equals("inherit") && !stdio.equals("pipe")) throw new IllegalArgumentException("--stdio inherit|pipe, not " + stdio);
    Pattern only = Pattern.compile(options.getOrDefault("only", ".*"));

    SpawnBenchmark bench = new SpawnBenchmark(concurrency, stdio.equals("pipe"));
    List<Variant> variants = new ArrayList<>();
    for (Variant v : bench.variants()) {
      if (only.matcher(v.name()).find()) variants.add(v);
    }
    System.out.printf(Locale.ROOT, "SpawnBenchmark: %s; %d cores; %s, %s; spawns %d (%d at a time), child stdio %s; pipe %d × %d MiB; rounds %d%n",
        Runtime.version(), Runtime.getRuntime().availableProcessors(), bench.libev.backend(), bench.libuv.backend(),
        spawns, concurrency, stdio, transfers, mib, rounds);

    Scale warm = new Scale(Math.max(1, spawns / 10), Math.max(1, (mib << 20) / 10), 1);
    for (Variant v : variants) measure(v, warm);
    Scale full = new Scale(spawns, mib << 20, transfers);
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    for (Variant v : variants) samples.put(v.name(), new ArrayList<>());
    for (int round = 1; round <= rounds; round++) {
      int shift = (round - 1) % variants.size();
      List<Variant> order = new ArrayList<>(variants.subList(shift, variants.size()));
      order.addAll(variants.subList(0, shift));
      for (Variant v : order) {
        Sample s = measure(v, full);
        samples.get(v.name()).add(s);
        String per = v.figure() == Figure.SPAWN ? "us/spawn" : "us/MB";
        System.out.printf(Locale.ROOT, "RESULT round=%d variant=\"%s\" %s=%.1f jvm_cpu=%.1f%s child_cpu=%.1f%s%n", round, v.name(),
            v.figure().unit, s.perSecond(), s.jvmCpuNanos() / 1e3, per, s.childCpuNanos() / 1e3, per);
      }
    }
    printTable(variants, samples);
    System.exit(0); // NuProcess's epoll threads linger for 2.5 s otherwise
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("usage: SpawnBenchmark [--rounds N] [--spawns N] [--concurrency N] [--mib N]"
            + " [--transfers N] [--stdio inherit|pipe] [--only REGEX]");
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  // ---- the variants -------------------------------------------------------------------------

  private List<Variant> variants() {
    int c = concurrency;
    return List.of(
        new Variant("gevent4j-libev seq", Figure.SPAWN, s -> libev.call(() -> popenSequential(s.spawns()))),
        new Variant("gevent4j-libuv seq", Figure.SPAWN, s -> libuv.call(() -> popenSequential(s.spawns()))),
        new Variant("jdk-platform seq", Figure.SPAWN, s -> jdkSequential(s.spawns())),
        // a tenth of the spawns: a quarter of them wait 250 ms for NuProcess to see the exit
        new Variant("nuprocess seq", Figure.SPAWN, s -> nuSequential(Math.max(1, s.spawns() / 10))),
        new Variant("gevent4j-libev ×" + c, Figure.SPAWN, s -> libev.call(() -> popenPool(s.spawns()))),
        new Variant("gevent4j-libuv ×" + c, Figure.SPAWN, s -> libuv.call(() -> popenPool(s.spawns()))),
        new Variant("jdk-platform ×" + c, Figure.SPAWN, s -> jdkPool(s.spawns(), Executors.newFixedThreadPool(c))),
        new Variant("jdk-virtual ×" + c, Figure.SPAWN, s -> jdkVirtual(s.spawns())),
        new Variant("nuprocess ×" + c, Figure.SPAWN, s -> nuConcurrent(s.spawns())),
        pipe("gevent4j-libev stdout()", n -> libev.call(() -> popenRead(n))),
        pipe("gevent4j-libuv stdout()", n -> libuv.call(() -> popenRead(n))),
        pipe("gevent4j-libev communicate", n -> libev.call(() -> popenCommunicate(n))),
        pipe("gevent4j-libuv communicate", n -> libuv.call(() -> popenCommunicate(n))),
        pipe("jdk-platform getInputStream", n -> jdkRead(n, false)),
        pipe("jdk-platform readAllBytes", n -> jdkRead(n, true)),
        pipe("nuprocess onStdout", n -> nuRead(n, false)),
        pipe("nuprocess onStdout to EOF", n -> nuRead(n, true)));
  }

  /** A pipe variant: {@code transfers} transfers one after the other, each with a child of its own. */
  private static Variant pipe(String name, Transfer transfer) {
    return new Variant(name, Figure.PIPE, s -> {
      long total = 0;
      for (int i = 0; i < s.transfers(); i++) total += transfer.run(s.bytes());
      return total;
    });
  }

  // gevent4j

  private Popen.Builder popenTrue() {
    Popen.Builder b = Popen.builder(TRUE);
    return pipes ? b.stdin(Popen.PIPE).stdout(Popen.PIPE).stderr(Popen.PIPE) : b;
  }

  private long popenSequential(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      try (Popen p = popenTrue().start()) {
        check(p.waitFor(), p);
      }
    }
    return n;
  }

  private long popenPool(int n) {
    Pool pool = new Pool(concurrency);
    AtomicInteger done = new AtomicInteger();
    for (int i = 0; i < n; i++) {
      pool.spawn(() -> {
        try (Popen p = popenTrue().start()) {
          check(p.waitFor(), p);
        }
        return done.incrementAndGet();
      });
    }
    pool.join(Double.POSITIVE_INFINITY, true);
    return checkCount(done.get(), n);
  }

  private static long popenRead(long n) throws IOException {
    try (Popen p = Popen.builder(head(n)).stdout(Popen.PIPE).start()) {
      InputStream in = p.stdout();
      byte[] buffer = new byte[BUFFER];
      long total = 0;
      for (int r; (r = in.read(buffer)) >= 0; ) total += r;
      check(p.waitFor(), p);
      return checkCount(total, n);
    }
  }

  private static long popenCommunicate(long n) throws IOException {
    try (Popen p = Popen.builder(head(n)).stdout(Popen.PIPE).start()) {
      byte[] out = p.communicate().stdout();
      check(p.waitFor(), p);
      return checkCount(out.length, n);
    }
  }

  // java.lang.ProcessBuilder

  private ProcessBuilder jdkTrue() {
    ProcessBuilder b = new ProcessBuilder(TRUE);
    return pipes ? b : b.inheritIO();
  }

  private long jdkSpawn() throws IOException, InterruptedException {
    Process p = jdkTrue().start();
    int rc = p.waitFor();
    if (pipes) {
      p.getOutputStream().close();
      p.getInputStream().close();
      p.getErrorStream().close();
    }
    return check(rc, p);
  }

  private long jdkSequential(int n) throws IOException, InterruptedException {
    for (int i = 0; i < n; i++) jdkSpawn();
    return n;
  }

  private long jdkPool(int n, ExecutorService executor) throws Exception {
    try (executor) {
      List<Future<Long>> futures = new ArrayList<>(n);
      for (int i = 0; i < n; i++) futures.add(executor.submit(this::jdkSpawn));
      for (Future<Long> f : futures) f.get();
    }
    return n;
  }

  private long jdkVirtual(int n) throws Exception {
    Semaphore slots = new Semaphore(concurrency);
    List<Future<Long>> futures = new ArrayList<>(n);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        slots.acquire();
        futures.add(executor.submit(() -> {
          try {
            return jdkSpawn();
          } finally {
            slots.release();
          }
        }));
      }
    }
    for (Future<Long> f : futures) f.get();
    return n;
  }

  private static long jdkRead(long n, boolean all) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(head(n)).redirectInput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    long total = 0;
    try (InputStream in = p.getInputStream()) {
      if (all) {
        total = in.readAllBytes().length;
      } else {
        byte[] buffer = new byte[BUFFER];
        for (int r; (r = in.read(buffer)) >= 0; ) total += r;
      }
    }
    check(p.waitFor(), p);
    return checkCount(total, n);
  }

  // NuProcess

  /** Counts stdout's bytes and reports the exit. */
  private static final class NuHandler extends NuAbstractProcessHandler {
    long received;
    long eofAt;
    private final Runnable exited;
    volatile int exitCode = Integer.MIN_VALUE;

    NuHandler(Runnable exited) {
      this.exited = exited;
    }

    @Override
    public void onStdout(ByteBuffer buffer, boolean closed) {
      received += buffer.remaining();
      buffer.position(buffer.limit());
      if (closed) eofAt = System.nanoTime();
    }

    @Override
    public void onExit(int statusCode) {
      exitCode = statusCode;
      exited.run();
    }
  }

  private static NuProcess nuStart(NuProcessBuilder b, NuHandler h) {
    b.setProcessListener(h);
    NuProcess p = b.start();
    if (p == null) throw new IllegalStateException("NuProcess could not start " + b.command());
    return p;
  }

  private static long nuSequential(int n) throws InterruptedException {
    NuProcessBuilder b = new NuProcessBuilder(TRUE);
    for (int i = 0; i < n; i++) {
      NuHandler h = new NuHandler(() -> {});
      nuStart(b, h).waitFor(0, TimeUnit.SECONDS);
      check(h.exitCode, TRUE);
    }
    return n;
  }

  private long nuConcurrent(int n) throws InterruptedException {
    NuProcessBuilder b = new NuProcessBuilder(TRUE);
    Semaphore slots = new Semaphore(concurrency);
    CountDownLatch all = new CountDownLatch(n);
    AtomicReference<String> failure = new AtomicReference<>();
    for (int i = 0; i < n; i++) {
      slots.acquire();
      NuHandler[] h = new NuHandler[1];
      h[0] = new NuHandler(() -> {
        if (h[0].exitCode != 0) failure.compareAndSet(null, TRUE + " exited with " + h[0].exitCode);
        slots.release();
        all.countDown();
      });
      nuStart(b, h[0]);
    }
    all.await();
    if (failure.get() != null) throw new IllegalStateException(failure.get());
    return n;
  }

  /** @param toEof measure up to the end of stdout, not up to the exit NuProcess reports */
  private static long nuRead(long n, boolean toEof) throws InterruptedException {
    NuHandler h = new NuHandler(() -> {});
    nuStart(new NuProcessBuilder(head(n)), h).waitFor(0, TimeUnit.SECONDS);
    check(h.exitCode, "head");
    if (toEof) excludedNanos += System.nanoTime() - h.eofAt;
    return checkCount(h.received, n);
  }

  // ---- measuring ----------------------------------------------------------------------------

  private static List<String> head(long n) {
    return List.of("head", "-c", Long.toString(n), "/dev/zero");
  }

  private static long check(int exitCode, Object what) {
    if (exitCode != 0) throw new IllegalStateException(what + " exited with " + exitCode);
    return 1;
  }

  private static long checkCount(long got, long expected) {
    if (got != expected) throw new IllegalStateException("expected " + expected + ", got " + got);
    return got;
  }

  private static Sample measure(Variant v, Scale scale) throws Exception {
    System.gc(); // the last variant's garbage is not this one's cost
    long cpu0 = Rusage.selfNanos();
    long child0 = Rusage.childrenNanos();
    excludedNanos = 0;
    long t0 = System.nanoTime();
    long units = v.batch().run(scale);
    long elapsed = System.nanoTime() - t0 - excludedNanos;
    long cpu = Rusage.selfNanos() - cpu0;
    long child = Rusage.childrenNanos() - child0;
    // per spawn, or per MB
    double per = v.figure() == Figure.SPAWN ? units : units / 1e6;
    return new Sample(per / (elapsed / 1e9), cpu / per, child / per);
  }

  private static void printTable(List<Variant> variants, Map<String, List<Sample>> samples) {
    System.out.println();
    System.out.println("| variant | best | median | JVM CPU | children's CPU |");
    System.out.println("|---|---:|---:|---:|---:|");
    for (Variant v : variants) {
      List<Sample> all = new ArrayList<>(samples.get(v.name()));
      if (all.isEmpty()) continue;
      all.sort((a, b) -> Double.compare(b.perSecond(), a.perSecond()));
      Sample best = all.getFirst();
      List<Double> rates = new ArrayList<>();
      for (Sample s : all) rates.add(s.perSecond());
      Collections.sort(rates);
      int m = rates.size();
      double median = m % 2 == 1 ? rates.get(m / 2) : (rates.get(m / 2 - 1) + rates.get(m / 2)) / 2;
      String per = v.figure() == Figure.SPAWN ? "µs/spawn" : "µs/MB";
      System.out.printf(Locale.ROOT, "| %s | %,.0f %s | %,.0f | %.1f %s | %.1f %s |%n", v.name(), best.perSecond(), v.figure().unit,
          median, best.jvmCpuNanos() / 1e3, per, best.childCpuNanos() / 1e3, per);
    }
  }
}
