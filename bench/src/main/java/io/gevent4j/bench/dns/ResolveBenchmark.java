package io.gevent4j.bench.dns;

import io.gevent4j.bench.HubThread;
import io.gevent4j.bench.Rusage;
import io.gevent4j.dns.DnsConfig;
import io.gevent4j.dns.DnsResolvers;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Resolver;
import io.gevent4j.loop.internal.Ares;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * DNS lookups side by side in one JVM: gevent4j's three resolvers ({@code thread}, {@code ares},
 * {@code dnsjava}) in greenlets, Netty's {@link DnsNameResolver}, and the JDK's
 * {@link InetAddress#getAllByName} on virtual threads, all asking the same local dnsmasq
 * (bench/dns.sh runs it, in a network and mount namespace of its own where dnsmasq is the
 * system's nameserver on 127.0.0.1:53; not JMH: a batch of 10,000 lookups is the unit, and the
 * variants must alternate within one run).
 *
 * <p>A batch: {@code lookups} distinct names, {@code n0.test} ... {@code n9999.test}, each asked
 * once, {@code concurrency} at a time; each lookup is an {@code AF_UNSPEC} one (an A and an AAAA
 * query, as {@code getaddrinfo} asks). Every answer is checked: {@code nI.test} must give exactly
 * {@code 10.1.(I >> 8).(I & 255)}; a variant with any failure or wrong answer in a round is
 * reported as FAILED and the run ends with status 1 (failures in the warm-up are printed, not
 * fatal). Each variant gets a fresh resolver each round (so no answer is cached from the round
 * before; the JDK's cache is off, {@code -Dsun.net.inetaddr.ttl=0}, and the hub's {@code thread}
 * resolver has none). Every variant reads the hosts file first (bench/dns.sh's holds localhost
 * only).
 *
 * <ul>
 *   <li><b>gevent4j thread / ares / dnsjava</b>: {@code concurrency} greenlets on a hub (libev;
 *       ares on libuv too), each taking the next name and calling {@link Resolver#getaddrinfo}.
 *       {@code thread} is the hub's own resolver ({@code gevent.resolver=thread}: glibc's
 *       {@code getaddrinfo} through the JDK's built-in resolver, on the hub's thread pool, whose
 *       size bench/dns.sh sets to the concurrency); {@code ares} and {@code dnsjava} are
 *       {@link DnsResolvers} with a {@link DnsConfig} naming the server (the timeout and attempts
 *       given, no search domains, /etc/hosts).
 *   <li><b>netty</b>: a {@link DnsNameResolver} on a one-thread epoll event loop, the server as
 *       its only nameserver, no search domains, its default cache (fresh each round),
 *       {@code IPV4_PREFERRED} (A and AAAA; its default is {@code IPV4_ONLY} on a machine whose
 *       only IPv6 address is {@code ::1}, as in bench/dns.sh's namespace), and its UDP socket's
 *       receive buffer set to {@code --netty-rcvbuf} bytes when that is not 0 (see bench/dns.sh).
 *       {@code semaphore}: the main thread calls {@code resolveAll} and keeps {@code concurrency}
 *       in flight with a semaphore released by each future's listener; {@code in-loop}: the
 *       lookups are started on the event loop itself, each listener starting the next (no
 *       hand-off between threads, as greenlets on their hub).
 *   <li><b>jdk-virtual</b>: {@code concurrency} virtual threads, each taking the next name and
 *       calling {@link InetAddress#getAllByName} (glibc's {@code getaddrinfo}; the JDK lets a
 *       virtual thread's carrier be replaced while it blocks there).
 * </ul>
 *
 * <p>{@code warmup} passes run every variant on the whole batch (one is not enough: after one,
 * Netty's lookups/s still rose by half from the first measured round to the third); then
 * {@code rounds} rounds run every variant once, the order rotated each round. A {@code RESULT} line per variant and round, then
 * one table: the best round's lookups/s, the median, and (medians over the rounds) the latency of
 * a lookup at the 50th and 99th percentile, the JVM's CPU per lookup ({@code getrusage}: every
 * thread), dnsmasq's CPU per lookup ({@code /proc/PID/stat}, 10 ms ticks) and the UDP datagrams
 * sent per lookup in the namespace ({@code /proc/net/snmp}: queries and replies, 4 for an A and an
 * AAAA query answered once each; retries show as more). Datagrams the kernel dropped (receive
 * buffer full) are reported when there are any.
 *
 * <p>Usage: {@code ResolveBenchmark [--rounds 5] [--warmup 3] [--lookups 10000] [--concurrency 100]
 * [--server 127.0.0.1:53] [--timeout 5] [--attempts 2] [--server-pid PID] [--netty-rcvbuf BYTES]
 * [--only REGEX]}
 */
public final class ResolveBenchmark {
  private final int concurrency;
  /** SO_RCVBUF of Netty's datagram channel; 0: the system's default. */
  private final int nettyReceiveBuffer;
  private final InetSocketAddress server;
  private final DnsConfig config;
  private final String[] names;
  private final HubThread libev = new HubThread("libev");
  private final HubThread libuv = new HubThread("libuv");
  private final MultiThreadIoEventLoopGroup nettyGroup;

  private ResolveBenchmark(int lookups, int concurrency, InetSocketAddress server, double timeout, int attempts,
      int nettyReceiveBuffer) {
    this.concurrency = concurrency;
    this.nettyReceiveBuffer = nettyReceiveBuffer;
    this.server = server;
    this.config = new DnsConfig(List.of(server), timeout, attempts, List.of(), 1, Path.of("/etc/hosts"));
    this.names = new String[lookups];
    for (int i = 0; i < lookups; i++) names[i] = "n" + i + ".test";
    Epoll.ensureAvailability();
    this.nettyGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  }

  /** A resolver made for a round, and what runs the round's lookups with it. */
  private interface Prepared {
    /** Runs every lookup, recording each in {@code record}; returns when all have ended. */
    void run(Record record) throws Exception;

    /** Closes the round's resolver. */
    void end() throws Exception;
  }

  private record Variant(String name, PrepareRound prepare) {}

  @FunctionalInterface
  private interface PrepareRound {
    Prepared prepare() throws Exception;
  }

  /** One measured round. */
  private record Sample(double perSecond, double p50Millis, double p99Millis, double jvmCpuNanos, double serverCpuNanos,
      double datagrams, long drops) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "3"));
    int lookups = Integer.parseInt(options.getOrDefault("lookups", "10000"));
    int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "100"));
    InetSocketAddress server = parseServer(options.getOrDefault("server", "127.0.0.1:53"));
    double timeout = Double.parseDouble(options.getOrDefault("timeout", "5"));
    int attempts = Integer.parseInt(options.getOrDefault("attempts", "2"));
    long serverPid = Long.parseLong(options.getOrDefault("server-pid", "-1"));
    Pattern only = Pattern.compile(options.getOrDefault("only", ".*"));
    if (lookups < 1 || lookups > 65536) throw new IllegalArgumentException("--lookups 1..65536 (n0.test ... in 10.1.0.0/16)");

    int nettyReceiveBuffer = Integer.parseInt(options.getOrDefault("netty-rcvbuf", "0"));
    ResolveBenchmark bench = new ResolveBenchmark(lookups, concurrency, server, timeout, attempts, nettyReceiveBuffer);
    Properties versions = versions();
    List<Variant> variants = new ArrayList<>();
    for (Variant v : bench.variants()) {
      if (only.matcher(v.name()).find()) variants.add(v);
    }
    System.out.printf(Locale.ROOT, "ResolveBenchmark: %s; %d cores; %s, %s; c-ares %s; netty %s; dnsjava %s;"
        + " server %s; %d lookups (A and AAAA), %d at a time; timeout %s s x %d; hub thread pool %s; Netty's SO_RCVBUF %s;"
        + " warm-up passes %d, rounds %d%n",
        Runtime.version(), Runtime.getRuntime().availableProcessors(), bench.libev.backend(), bench.libuv.backend(),
        Ares.version(), versions.getProperty("netty", "?"), versions.getProperty("dnsjava", "?"), server, lookups, concurrency, timeout,
        attempts, System.getProperty("gevent.threadpool.size", "10 (default)"),
        nettyReceiveBuffer > 0 ? nettyReceiveBuffer : "default", warmup, rounds);
    System.out.println("the hub's resolver (gevent4j thread): " + bench.libev.call(() -> Hub.current().resolver()));

    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    Map<String, String> failed = new LinkedHashMap<>();
    for (Variant v : variants) samples.put(v.name(), new ArrayList<>());
    for (int pass = 1; pass <= warmup; pass++) { // the JIT, the hubs' thread pools, Netty's buffers
      for (Variant v : variants) {
        try {
          measure(v, lookups, serverPid);
        } catch (VariantFailed e) {
          // reported, not fatal: a cold JIT is not what the rounds measure (a failure in a round is fatal)
          System.out.printf(Locale.ROOT, "WARM-UP FAILURES pass=%d variant=\"%s\": %s%n", pass, v.name(), e.getMessage());
        }
      }
    }
    List<Variant> running = new ArrayList<>(variants);
    for (int round = 1; round <= rounds && !running.isEmpty(); round++) {
      int shift = (round - 1) % running.size();
      List<Variant> order = new ArrayList<>(running.subList(shift, running.size()));
      order.addAll(running.subList(0, shift));
      for (Variant v : order) {
        Sample s;
        try {
          s = measure(v, lookups, serverPid);
        } catch (VariantFailed e) {
          failed.put(v.name(), e.getMessage());
          System.out.printf(Locale.ROOT, "FAILED round=%d variant=\"%s\": %s%n", round, v.name(), e.getMessage());
          continue;
        }
        samples.get(v.name()).add(s);
        System.out.printf(Locale.ROOT, "RESULT round=%d variant=\"%s\" lookups/s=%.0f p50=%.2fms p99=%.2fms jvm_cpu=%.1fus/lookup"
            + " server_cpu=%.1fus/lookup datagrams/lookup=%.2f drops=%d%n", round, v.name(), s.perSecond(), s.p50Millis(),
            s.p99Millis(), s.jvmCpuNanos() / 1e3, s.serverCpuNanos() / 1e3, s.datagrams(), s.drops());
      }
      running.removeIf(v -> failed.containsKey(v.name()));
    }
    printTable(variants, samples, failed, rounds);
    bench.nettyGroup.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
    if (!failed.isEmpty()) {
      System.out.println("FAILED: " + failed.keySet() + " (a lookup failed or gave a wrong address; see above)");
      System.exit(1);
    }
    System.exit(0);
  }

  /** The versions of Netty and dnsjava the bench was built with (versions.properties, filtered by Maven). */
  private static Properties versions() throws IOException {
    Properties p = new Properties();
    try (InputStream in = ResolveBenchmark.class.getResourceAsStream("versions.properties")) {
      if (in != null) p.load(in);
    }
    return p;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("usage: ResolveBenchmark [--rounds N] [--warmup N] [--lookups N] [--concurrency N]"
            + " [--server HOST:PORT] [--timeout SECONDS] [--attempts N] [--server-pid PID] [--netty-rcvbuf BYTES] [--only REGEX]");
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  private static InetSocketAddress parseServer(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) throw new IllegalArgumentException("--server HOST:PORT (a numeric IPv4 address), not " + text);
    return new InetSocketAddress(InetAddress.ofLiteral(text.substring(0, colon)), Integer.parseInt(text.substring(colon + 1)));
  }

  // ---- the variants -------------------------------------------------------------------------

  private List<Variant> variants() {
    return List.of(
        gevent("gevent4j-libev thread", libev, hub -> hub.resolver(), false),
        gevent("gevent4j-libev ares", libev, hub -> DnsResolvers.ares(hub, config), true),
        gevent("gevent4j-libuv ares", libuv, hub -> DnsResolvers.ares(hub, config), true),
        gevent("gevent4j-libev dnsjava", libev, hub -> DnsResolvers.dnsjava(hub, config), true),
        new Variant("netty-epoll semaphore", () -> netty(false)),
        new Variant("netty-epoll in-loop", () -> netty(true)),
        new Variant("jdk-virtual getAllByName", this::jdkVirtual));
  }

  // gevent4j

  /**
   * {@code concurrency} greenlets on {@code hub}'s hub resolving through the resolver
   * {@code make} gives (closed after the round when {@code own}: a fresh one each round).
   */
  private Variant gevent(String name, HubThread hub, Function<Hub, Resolver> make, boolean own) {
    return new Variant(name, () -> {
      Resolver resolver = hub.call(() -> make.apply(Hub.current()));
      return new Prepared() {
        @Override
        public void run(Record record) throws Exception {
          hub.call(() -> {
            AtomicInteger next = new AtomicInteger();
            List<Greenlet<Void>> workers = new ArrayList<>(concurrency);
            for (int w = 0; w < concurrency; w++) {
              workers.add(Greenlet.spawn(() -> {
                for (int i; (i = next.getAndIncrement()) < names.length; ) {
                  long t0 = System.nanoTime();
                  try {
                    record.done(i, t0, resolver.getaddrinfo(names[i]));
                  } catch (IOException | RuntimeException e) {
                    record.failed(i, t0, e);
                  }
                }
              }));
            }
            for (Greenlet<Void> g : workers) g.get();
            return null;
          });
        }

        @Override
        public void end() throws Exception {
          if (own && resolver instanceof AutoCloseable c) {
            hub.call(() -> {
              c.close();
              return null;
            });
          }
        }
      };
    });
  }

  // Netty

  private Prepared netty(boolean inLoop) {
    EventLoop loop = nettyGroup.next();
    DnsNameResolver resolver = new DnsNameResolverBuilder(loop)
        .datagramChannelFactory(() -> {
          EpollDatagramChannel channel = new EpollDatagramChannel();
          if (nettyReceiveBuffer > 0) channel.config().setReceiveBufferSize(nettyReceiveBuffer);
          return channel;
        })
        .socketChannelType(EpollSocketChannel.class) // TCP when a reply is truncated, as the others do
        .nameServerProvider(new SingletonDnsServerAddressStreamProvider(server))
        .queryTimeoutMillis(Math.round(config.timeout() * 1000))
        .searchDomains(List.of())
        .ndots(1)
        // A and AAAA, as getaddrinfo and the others ask (Netty's default is IPV4_ONLY when no
        // interface has an IPv6 address other than loopback or link-local, as in the namespace)
        .resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED)
        .build();
    return new Prepared() {
      @Override
      public void run(Record record) throws Exception {
        if (inLoop) nettyInLoop(resolver, loop, record);
        else nettySemaphore(resolver, record);
      }

      @Override
      public void end() {
        resolver.close();
      }
    };
  }

  /** The main thread starts each lookup; a semaphore keeps {@code concurrency} in flight. */
  private void nettySemaphore(DnsNameResolver resolver, Record record) throws InterruptedException {
    Semaphore slots = new Semaphore(concurrency);
    CountDownLatch all = new CountDownLatch(names.length);
    for (int i = 0; i < names.length; i++) {
      slots.acquire();
      int index = i;
      long t0 = System.nanoTime();
      resolver.resolveAll(names[i]).addListener((Future<List<InetAddress>> f) -> {
        if (f.isSuccess()) record.done(index, t0, f.getNow());
        else record.failed(index, t0, f.cause());
        slots.release();
        all.countDown();
      });
    }
    all.await();
  }

  /** The event loop starts {@code concurrency} lookups, and each one's listener the next. */
  private void nettyInLoop(DnsNameResolver resolver, EventLoop loop, Record record) {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger ended = new AtomicInteger();
    CompletableFuture<Void> all = new CompletableFuture<>();
    Runnable[] start = new Runnable[1];
    start[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= names.length) return;
      long t0 = System.nanoTime();
      resolver.resolveAll(names[i]).addListener((Future<List<InetAddress>> f) -> {
        if (f.isSuccess()) record.done(i, t0, f.getNow());
        else record.failed(i, t0, f.cause());
        if (ended.incrementAndGet() == names.length) all.complete(null);
        else start[0].run();
      });
    };
    loop.execute(() -> {
      for (int w = 0; w < concurrency; w++) start[0].run();
    });
    all.join();
  }

  // the JDK

  private Prepared jdkVirtual() {
    return new Prepared() {
      @Override
      public void run(Record record) {
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
          for (int w = 0; w < concurrency; w++) {
            threads.execute(() -> {
              for (int i; (i = next.getAndIncrement()) < names.length; ) {
                long t0 = System.nanoTime();
                try {
                  record.done(i, t0, Arrays.asList(InetAddress.getAllByName(names[i])));
                } catch (IOException | RuntimeException e) {
                  record.failed(i, t0, e);
                }
              }
            });
          }
        } // close() waits for every thread
      }

      @Override
      public void end() {}
    };
  }

  // ---- measuring ----------------------------------------------------------------------------

  /** One round's lookups: each one's time, and what went wrong. Written by many threads, each index once. */
  private static final class Record {
    final long[] nanos;
    final AtomicInteger failures = new AtomicInteger();
    final AtomicReference<String> first = new AtomicReference<>();

    Record(int n) {
      nanos = new long[n];
    }

    void done(int i, long t0, List<InetAddress> got) {
      nanos[i] = System.nanoTime() - t0;
      if (got.size() != 1 || !(got.getFirst() instanceof Inet4Address a) || !Arrays.equals(a.getAddress(), expected(i))) {
        fail("n" + i + ".test gave " + got + ", expected [" + InetAddress.ofLiteral("10.1." + (i >> 8) + "." + (i & 0xff)) + "]");
      }
    }

    void failed(int i, long t0, Throwable e) {
      nanos[i] = System.nanoTime() - t0;
      StringBuilder why = new StringBuilder("n" + i + ".test after " + (nanos[i] / 1_000_000) + " ms: " + e);
      for (Throwable c = e.getCause(); c != null && why.length() < 1000; c = c.getCause()) why.append("; caused by ").append(c);
      fail(why.toString());
    }

    private void fail(String what) {
      failures.incrementAndGet();
      first.compareAndSet(null, what);
    }

    private static byte[] expected(int i) {
      return new byte[] {10, 1, (byte) (i >> 8), (byte) i};
    }
  }

  /** A variant had a lookup fail or answer wrong. */
  private static final class VariantFailed extends Exception {
    private static final long serialVersionUID = 1L;

    VariantFailed(String message) {
      super(message);
    }
  }

  private static Sample measure(Variant v, int lookups, long serverPid) throws Exception {
    Record record = new Record(lookups);
    Prepared p = v.prepare().prepare();
    try {
      System.gc(); // the last variant's garbage is not this one's cost
      long[] udp0 = udpCounters();
      long server0 = serverCpuNanos(serverPid);
      long cpu0 = Rusage.selfNanos();
      long t0 = System.nanoTime();
      p.run(record);
      long elapsed = System.nanoTime() - t0;
      long cpu = Rusage.selfNanos() - cpu0;
      long server = serverCpuNanos(serverPid) - server0;
      long[] udp1 = udpCounters();
      if (record.failures.get() > 0) {
        throw new VariantFailed(record.failures.get() + " of " + lookups + " lookups failed or answered wrong"
            + (udp0 == null ? "" : " (UDP datagrams: " + (udp1[OUT] - udp0[OUT]) + " sent, " + (udp1[IN] - udp0[IN])
                + " received, " + (udp1[IN_ERRORS] - udp0[IN_ERRORS]) + " dropped, " + (udp1[NO_PORTS] - udp0[NO_PORTS])
                + " to a closed port)")
            + "; the first: " + record.first.get());
      }
      long[] sorted = record.nanos.clone();
      Arrays.sort(sorted);
      double datagrams = udp0 == null ? Double.NaN : (udp1[OUT] - udp0[OUT]) / (double) lookups;
      long drops = udp0 == null ? 0 : udp1[IN_ERRORS] - udp0[IN_ERRORS]; // RcvbufErrors are counted there too
      return new Sample(lookups / (elapsed / 1e9), percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6,
          cpu / (double) lookups, serverPid < 0 ? Double.NaN : server / (double) lookups, datagrams, drops);
    } finally {
      p.end();
    }
  }

  private static long percentile(long[] sorted, double p) {
    return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
  }

  /** dnsmasq's CPU time (utime + stime of /proc/PID/stat, 10 ms ticks); 0 without a PID. */
  private static long serverCpuNanos(long pid) throws IOException {
    if (pid < 0) return 0;
    String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" "); // after the command name, which may hold spaces
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // fields 14 and 15, USER_HZ = 100
  }

  private static final int IN = 0;
  private static final int NO_PORTS = 1;
  private static final int IN_ERRORS = 2;
  private static final int OUT = 3;

  /**
   * The network namespace's UDP counters ({@code /proc/net/snmp}: InDatagrams NoPorts InErrors
   * OutDatagrams RcvbufErrors ...), or null when they cannot be read.
   */
  private static long[] udpCounters() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
      for (int i = 0; i + 1 < lines.size(); i++) {
        if (lines.get(i).startsWith("Udp: InDatagrams")) {
          String[] f = lines.get(i + 1).split("\\s+");
          long[] out = new long[f.length - 1];
          for (int j = 1; j < f.length; j++) out[j - 1] = Long.parseLong(f[j]);
          return out;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable: no datagram figures
    }
    return null;
  }

  private static double median(List<Double> values) {
    List<Double> v = new ArrayList<>(values);
    Collections.sort(v);
    int m = v.size();
    return m % 2 == 1 ? v.get(m / 2) : (v.get(m / 2 - 1) + v.get(m / 2)) / 2;
  }

  private static void printTable(List<Variant> variants, Map<String, List<Sample>> samples, Map<String, String> failed,
      int rounds) {
    System.out.println();
    System.out.printf(Locale.ROOT, "| variant | best | median of %d | p50 | p99 | JVM CPU | dnsmasq CPU | datagrams |%n", rounds);
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (Variant v : variants) {
      List<Sample> all = samples.get(v.name());
      if (failed.containsKey(v.name())) {
        System.out.printf(Locale.ROOT, "| %s | FAILED: %s |||||||%n", v.name(), failed.get(v.name()));
        continue;
      }
      if (all.isEmpty()) continue;
      double best = all.stream().mapToDouble(Sample::perSecond).max().orElseThrow();
      long drops = all.stream().mapToLong(Sample::drops).sum();
      System.out.printf(Locale.ROOT, "| %s | %,.0f lookups/s | %,.0f | %.2f ms | %.2f ms | %.1f µs | %.1f µs | %.2f%s |%n",
          v.name(), best, median(all.stream().map(Sample::perSecond).toList()),
          median(all.stream().map(Sample::p50Millis).toList()), median(all.stream().map(Sample::p99Millis).toList()),
          median(all.stream().map(Sample::jvmCpuNanos).toList()) / 1e3,
          median(all.stream().map(Sample::serverCpuNanos).toList()) / 1e3,
          median(all.stream().map(Sample::datagrams).toList()), drops > 0 ? " (" + drops + " dropped)" : "");
    }
    System.out.println("(best and median: lookups/s; the other columns are medians over the rounds, CPU per lookup;"
        + " datagrams: UDP datagrams sent per lookup, queries and replies)");
  }
}
