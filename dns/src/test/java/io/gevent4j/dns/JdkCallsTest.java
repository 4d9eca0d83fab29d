package io.gevent4j.dns;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Timeout;
import io.gevent4j.testing.Jvm;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The DNS row of "Which JDK calls cooperate" (docs/hub.md): {@code InetAddress.getByName} in a
 * greenlet, on both backends.
 *
 * <ul>
 *   <li>Through the JDK hook to the dns module's resolvers ({@code ares}, {@code dnsjava}):
 *       {@value #N} greenlets resolve at once against a server that holds its answers until a
 *       greenlet of the same hub lets it go, once all {@value #N} are waiting and a timer greenlet
 *       has ticked 3 more times: the lookups overlap and the hub runs meanwhile.
 *   <li>The JDK's own resolver (glibc's {@code getaddrinfo}) needs a nameserver that takes its
 *       time, and glibc asks only the one in {@code /etc/resolv.conf}, on port 53: those rows run
 *       a JVM of their own ({@link JdkResolverProbe}) in a network and mount namespace of its
 *       own (root only, else skipped), with a server there that answers each query
 *       {@value JdkResolverProbe#DELAY} s after it came. Without the hook
 *       ({@code -Dgevent.resolver.jdk=false}), and through the hook with
 *       {@code gevent.resolver=block}, the lookup holds the hub thread: one at a time, no tick.
 *       Through the hook with the default {@code thread} resolver it runs on the hub's thread
 *       pool: the greenlets park, as many lookups at once as the pool has threads.
 * </ul>
 */
@org.junit.jupiter.api.Timeout(120)
class JdkCallsTest {
  static final int N = 50;
  static final double TICK = 0.002;
  static final double PATIENCE = 20;

  // ---------------------------------------------------------------------------------------------
  // The harness: hub's JdkCallsTest's, for the calls of this module

  /** A JDK call that waits. */
  @FunctionalInterface
  interface Call {
    void run() throws Exception;
  }

  /** What greenlet {@code i} of a row does: gets ready, then returns its call. */
  @FunctionalInterface
  interface Row {
    Call prepare(int i) throws Exception;
  }

  /** A greenlet of the hub that counts the ticks of a {@link #TICK} timer until closed. */
  static final class Ticker implements AutoCloseable {
    private final AtomicInteger ticks = new AtomicInteger();
    private volatile boolean stop;

    Ticker(Hub hub) {
      hub.execute(() -> {
        while (!stop) {
          Hub.sleep(TICK);
          ticks.incrementAndGet();
        }
      });
    }

    int ticks() {
      return ticks.get();
    }

    void awaitTicks(int more) {
      int target = ticks.get() + more;
      waitUntil(() -> ticks.get() >= target, "the timer to tick " + more + " times");
    }

    @Override
    public void close() {
      stop = true;
    }
  }

  /** Polls {@code condition} at each tick, cooperatively; fails after {@link #PATIENCE}. */
  static void waitUntil(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + (long) (PATIENCE * 1e9);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("waited " + PATIENCE + " s for " + what);
      Hub.sleep(TICK);
    }
  }

  /** What a row's greenlets saw: when each entered and left its call, and the ticks meanwhile. */
  record Outcome(String what, long[] entered, long[] returned, int[] ticksDuring, long released) {
    int n() {
      return entered.length;
    }

    boolean allAtOnce() {
      return Arrays.stream(entered).max().orElseThrow() < Arrays.stream(returned).min().orElseThrow();
    }

    boolean oneAtATime() {
      Integer[] order = new Integer[n()];
      for (int i = 0; i < order.length; i++) order[i] = i;
      Arrays.sort(order, Comparator.comparingLong(i -> entered[i]));
      for (int k = 1; k < order.length; k++) {
        if (entered[order[k]] < returned[order[k - 1]]) return false;
      }
      return true;
    }

    int minTicks() {
      return Arrays.stream(ticksDuring).min().orElseThrow();
    }

    int maxTicks() {
      return Arrays.stream(ticksDuring).max().orElseThrow();
    }

    double shortest() {
      double s = Double.MAX_VALUE;
      for (int i = 0; i < n(); i++) s = Math.min(s, (returned[i] - entered[i]) / 1e9);
      return s;
    }

    double span() {
      return (Arrays.stream(returned).max().orElseThrow() - Arrays.stream(entered).min().orElseThrow()) / 1e9;
    }

    double wakeAll() {
      return released == 0 ? 0 : (Arrays.stream(returned).max().orElseThrow() - released) / 1e9;
    }

    @Override
    public String toString() {
      return String.format("%s: %d calls, %s, ticks during each call %d..%d, span %.1f ms%s", what, n(),
          allAtOnce() ? "all at once" : oneAtATime() ? "one at a time" : "partly overlapping", minTicks(), maxTicks(),
          span() * 1e3, released == 0 ? "" : String.format(", all %d woken %.2f ms after the release", n(), wakeAll() * 1e3));
    }
  }

  /**
   * Runs {@code n} greenlets that each make {@code row}'s call, and a greenlet that runs
   * {@code release} (null: the calls end by themselves) once all of them are in their call and
   * the timer has ticked 3 more times. Called on the hub's owner.
   */
  static Outcome run(Hub hub, String what, int n, Row row, Call release) {
    long[] entered = new long[n];
    long[] returned = new long[n];
    int[] ticksDuring = new int[n];
    long[] released = new long[1];
    AtomicInteger inCall = new AtomicInteger();
    AtomicInteger over = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CompletableFuture<Void> allReturned = new CompletableFuture<>();
    CompletableFuture<Void> releaseDone = new CompletableFuture<>(); // the releaser may still be at work when the calls return
    try (Ticker ticker = new Ticker(hub)) {
      for (int i = 0; i < n; i++) {
        int id = i;
        hub.execute(() -> {
          try {
            Call call = row.prepare(id);
            int before = ticker.ticks();
            entered[id] = System.nanoTime();
            inCall.incrementAndGet();
            call.run();
            returned[id] = System.nanoTime();
            ticksDuring[id] = ticker.ticks() - before;
          } catch (Throwable e) {
            failures.add(e);
          } finally {
            if (over.incrementAndGet() == n) allReturned.complete(null);
          }
        });
      }
      if (release != null) {
        hub.execute(() -> {
          try {
            waitUntil(() -> inCall.get() == n || !failures.isEmpty(), "all " + n + " greenlets in their call");
            ticker.awaitTicks(3);
            released[0] = System.nanoTime();
            release.run();
          } catch (Throwable e) {
            failures.add(e);
          } finally {
            releaseDone.complete(null);
          }
        });
      } else {
        releaseDone.complete(null);
      }
      try {
        Hub.await(allReturned.thenCombine(releaseDone, (a, b) -> null), PATIENCE);
      } catch (Timeout t) {
        AssertionError e = new AssertionError(what + ": " + over.get() + " of " + n + " calls returned in " + PATIENCE + " s"
            + (releaseDone.isDone() ? "" : ", the release not done"));
        failures.forEach(e::addSuppressed);
        throw e;
      }
    }
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError(what + ": a greenlet failed");
      failures.forEach(e::addSuppressed);
      throw e;
    }
    return new Outcome(what, entered, returned, ticksDuring, released[0]);
  }

  /** {@link #run} for a row that cooperates, with its checks. */
  static Outcome cooperates(Hub hub, String what, int n, Row row, Call release) {
    Outcome o = run(hub, what, n, row, release);
    System.out.println("[jdkcalls] cooperates: " + o);
    assertTrue(o.allAtOnce(), o::toString);
    assertTrue(o.minTicks() >= (release == null ? 1 : 3), () -> "the timer ticked during each call: " + o);
    return o;
  }

  /**
   * {@link #run} for a row whose calls each take at least {@code seconds} by themselves and
   * hold the hub thread meanwhile: no tick during any of them, one at a time.
   */
  static Outcome blocksTheHub(Hub hub, String what, int n, double seconds, Row row) {
    Outcome o = run(hub, what, n, row, null);
    System.out.println("[jdkcalls] blocks the hub: " + o);
    assertEquals(0, o.maxTicks(), () -> "the timer must not tick while the hub thread is held: " + o);
    assertTrue(o.oneAtATime(), o::toString);
    assertTrue(o.shortest() >= seconds, o::toString);
    return o;
  }

  // ---------------------------------------------------------------------------------------------
  // Through the hook to the dns module's resolvers: cooperate

  /** A server that holds every answer until {@code released}: A 192.0.2.1 for every name, no AAAA. */
  static FakeDns heldUntil(CountDownLatch released) throws IOException {
    return FakeDns.answering((q, tcp) -> {
      if (!released.await(30, TimeUnit.SECONDS)) throw new AssertionError("never released");
      return List.of(answerFor(q));
    });
  }

  private static void hookedLookupsCooperate(String resolver) throws Exception {
    CountDownLatch released = new CountDownLatch(1);
    try (FakeDns server = heldUntil(released)) {
      onFreshHub(hub -> {
        DnsConfig config = server.config(10, 1);
        hub.setResolver(resolver.equals("ares") ? DnsResolvers.ares(hub, config) : DnsResolvers.dnsjava(hub, config));
        String tag = Long.toString(System.nanoTime(), 36); // names nobody asked before: not in the JDK's cache
        cooperates(hub, "InetAddress.getByName through the hook, " + resolver, N,
            i -> () -> assertEquals(FakeDns.ADDRESS, InetAddress.getByName("h" + i + "-" + tag + ".test")), released::countDown);
      });
      assertTrue(server.udpQueries() >= N, "the lookups went to the server: " + server.udpQueries());
    } finally {
      released.countDown();
    }
  }

  @Test
  void inetAddressThroughTheHookToAresCooperates() throws Exception {
    hookedLookupsCooperate("ares");
  }

  @Test
  void inetAddressThroughTheHookToDnsjavaCooperates() throws Exception {
    hookedLookupsCooperate("dnsjava");
  }

  // ---------------------------------------------------------------------------------------------
  // glibc's getaddrinfo, in a namespace of its own

  /**
   * Runs {@link JdkResolverProbe} {@code mode} in a JVM of its own, in a network and mount
   * namespace of its own whose {@code /etc/resolv.conf} names the probe's server on
   * 127.0.0.1:53; skipped unless this is root on a machine with {@code unshare} and {@code ip}.
   */
  private static void probe(String mode, String... jvmOptions) throws IOException, InterruptedException {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root: a namespace of its own");
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")) && onPath("ip"), "needs unshare and ip");
    Path dir = Files.createTempDirectory("jdkresolver");
    try {
      Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.1\noptions timeout:5 attempts:1\n");
      Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n::1 localhost\n");
      Files.writeString(dir.resolve("nsswitch.conf"), "hosts: files dns\n");
      List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--net", "--propagation", "private", "sh", "-c",
          "ip link set lo up && for f in resolv.conf hosts nsswitch.conf; do mount --bind \"$0/$f\" \"/etc/$f\" || exit 97; done"
              + " && exec \"$@\"", dir.toString()));
      List<String> java = new ArrayList<>(List.of(jvmOptions));
      java.addAll(List.of("-Dslf4j.internal.verbosity=ERROR", "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener", "-Dgevent.loop=" + System.getProperty("gevent.loop", "libev"),
          "-cp", System.getProperty("java.class.path"), JdkResolverProbe.class.getName(), mode));
      command.addAll(Jvm.command(java.toArray(String[]::new)));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      String out;
      try (var in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
      Assumptions.assumeFalse(out.startsWith("unshare:"), () -> "no namespace here: " + out);
      System.out.print(out);
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains(JdkResolverProbe.OK), out);
    } finally {
      for (String f : new String[] {"resolv.conf", "hosts", "nsswitch.conf"}) Files.deleteIfExists(dir.resolve(f));
      Files.delete(dir);
    }
  }

  private static boolean onPath(String command) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(d, command))) return true;
    }
    return false;
  }

  @Test
  void withoutTheHookTheJdkResolverBlocksTheHub() throws Exception {
    probe("pins", "-Dgevent.resolver.jdk=false");
  }

  @Test
  void throughTheHookTheBlockResolverBlocksTheHub() throws Exception {
    probe("pins", "-Dgevent.resolver=block");
  }

  @Test
  void throughTheHookTheThreadResolverCooperatesUpToThePoolSize() throws Exception {
    probe("pool");
  }

  /** The answer to {@code query}: A {@link FakeDns#ADDRESS} for a question of type A, else none (NODATA). */
  static Message answerFor(Message query) {
    return query.getQuestion().getType() == Type.A ? FakeDns.answer(query) : FakeDns.reply(query, Rcode.NOERROR);
  }
}
