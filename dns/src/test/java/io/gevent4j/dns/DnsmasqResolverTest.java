package io.gevent4j.dns;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Resolver;
import io.gevent4j.testing.Leaks;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code ares} and {@code dnsjava} resolvers against a real DNS server (dnsmasq, see
 * {@link Dnsmasq} for its zone): addresses, families and their order, CNAME chains, NXDOMAIN,
 * a reply too big for UDP, PTR, the search list, a silent server, many lookups at once from
 * greenlets and from plain threads; on both backends (the surefire executions).
 */
class DnsmasqResolverTest {
  private static Dnsmasq dnsmasq;

  @BeforeAll
  static void startDnsmasq() throws Exception {
    dnsmasq = Dnsmasq.start();
  }

  @AfterAll
  static void stopDnsmasq() throws Exception {
    if (dnsmasq != null) dnsmasq.close();
  }

  private static Resolver resolver(String kind, Hub hub, DnsConfig config) {
    return switch (kind) {
      case "ares" -> DnsResolvers.ares(hub, config);
      case "dnsjava" -> DnsResolvers.dnsjava(hub, config);
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private static Resolver resolver(String kind, Hub hub) {
    return resolver(kind, hub, dnsmasq.config(2));
  }

  /** A test body given a resolver of {@code kind} on a fresh hub. */
  @FunctionalInterface
  private interface ResolverBody {
    void run(Resolver resolver) throws Exception;
  }

  /** Runs {@code body} with a resolver of {@code kind} on a fresh hub, closed afterwards. */
  private static void withResolver(String kind, DnsConfig config, ResolverBody body) {
    onFreshHub(hub -> {
      Resolver resolver = resolver(kind, hub, config);
      try (AutoCloseable closing = (AutoCloseable) resolver) {
        body.run(resolver);
      }
    });
  }

  private static InetAddress ip(String literal) {
    return InetAddress.ofLiteral(literal);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ares", "dnsjava"})
  void addressesAndFamilies(String kind) {
    withResolver(kind, dnsmasq.config(2), resolver -> {
      assertEquals(List.of(ip("192.0.2.10")), resolver.getaddrinfo("www.test"));
      assertEquals(List.of(ip("192.0.2.1"), ip("2001:db8::1")), resolver.getaddrinfo("dual.test"), "IPv4 first, as the JDK");
      assertEquals(List.of(ip("2001:db8::1")), resolver.addressesOf("dual.test", Resolver.AF_INET6));
      assertEquals(List.of(ip("192.0.2.1")), resolver.addressesOf("dual.test", Resolver.AF_INET));
      assertEquals(List.of(ip("2001:db8::6")), resolver.getaddrinfo("v6only.test"));
      assertEquals("192.0.2.1", resolver.gethostbyname("DUAL.test"));
      UnknownHostException noV4 = assertThrows(UnknownHostException.class, () -> resolver.gethostbyname("v6only.test"));
      assertTrue(noV4.getMessage().contains("v6only.test"), noV4.getMessage());

      List<Resolver.AddrInfo> infos = resolver.getaddrinfo("dual.test", 443, Resolver.AF_UNSPEC, Resolver.SOCK_STREAM, 0);
      assertEquals(2, infos.size(), infos.toString());
      assertEquals(new InetSocketAddress(ip("192.0.2.1"), 443), infos.get(0).address());
      assertEquals(Resolver.AF_INET6, infos.get(1).family());
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"ares", "dnsjava"})
  void cnameChainsAndNxdomain(String kind) {
    withResolver(kind, dnsmasq.config(2), resolver -> {
      Resolver.HostEntry entry = resolver.gethostbynameEx("chain.test");
      assertEquals("dual.test", entry.name());
      assertEquals(Set.of("chain.test", "alias.test"), Set.copyOf(entry.aliases()));
      assertEquals(List.of("192.0.2.1"), entry.addresses());
      assertEquals(List.of(ip("192.0.2.1"), ip("2001:db8::1")), resolver.getaddrinfo("alias.test"));

      UnknownHostException nx = assertThrows(UnknownHostException.class, () -> resolver.getaddrinfo("nowhere.test"));
      assertTrue(nx.getMessage().startsWith("nowhere.test: "), nx.getMessage());
      assertTrue(nx.getMessage().contains(kind), nx.getMessage());
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"ares", "dnsjava"})
  void aReplyTooBigForUdpIsAskedOverTcp(String kind) {
    withResolver(kind, dnsmasq.config(2), resolver -> {
      List<InetAddress> big = resolver.addressesOf("big.test", Resolver.AF_INET);
      assertEquals(60, big.size());
      assertEquals(60, Set.copyOf(big).size());
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"ares", "dnsjava"})
  void reverseLookups(String kind) {
    withResolver(kind, dnsmasq.config(2), resolver -> {
      assertEquals("www.test", resolver.gethostbyaddr("192.0.2.10"));
      Resolver.HostEntry entry = resolver.gethostbyaddrEx("10.1.0.5");
      assertEquals("n5.test", entry.name());
      assertEquals(List.of("10.1.0.5"), entry.addresses());
      assertEquals("www.test", resolver.getnameinfo(new InetSocketAddress(ip("192.0.2.10"), 80), 0).host());
      assertThrows(UnknownHostException.class, () -> resolver.gethostbyaddr("192.0.2.99"));
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"ares", "dnsjava"})
  void theSearchList(String kind) {
    DnsConfig base = dnsmasq.config(2);
    DnsConfig config = new DnsConfig(base.nameservers(), 2, 1, List.of("nothere.test", "search.test"), 1, base.hosts());
    withResolver(kind, config, resolver -> {
      assertEquals(List.of(ip("192.0.2.20")), resolver.getaddrinfo("sub"));
      // enough dots: asked as it is first
      assertEquals(List.of(ip("192.0.2.10")), resolver.getaddrinfo("www.test"));
      assertThrows(UnknownHostException.class, () -> resolver.getaddrinfo("nosuch"));
    });
  }

  /** A server that never answers: the lookup fails after timeout × attempts, saying so. */
  @ParameterizedTest
  @ValueSource(strings = {"ares", "dnsjava"})
  void aSilentServerTimesOut(String kind) throws Exception {
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      DnsConfig base = dnsmasq.config(2);
      DnsConfig config = new DnsConfig(List.of((InetSocketAddress) silent.getLocalSocketAddress()), 0.1, 2, List.of(), 1,
          base.hosts());
      withResolver(kind, config, resolver -> {
        long start = System.nanoTime();
        UnknownHostException e = assertThrows(UnknownHostException.class, () -> resolver.getaddrinfo("www.test"));
        double took = (System.nanoTime() - start) / 1e9;
        assertTrue(e.getMessage().startsWith("www.test: "), e.getMessage());
        assertInstanceOf(SocketTimeoutException.class, e.getCause(), e.toString());
        assertTrue(took >= 0.2, "gave up after " + took + " s, before its two tries of 0.1 s");
      });
    }
  }

  /**
   * 1,000 lookups of distinct names from 1,000 greenlets: many are in flight at once, a timer
   * greenlet keeps ticking meanwhile, every answer is right, and no descriptor stays open.
   */
  @ParameterizedTest
  @ValueSource(strings = {"ares", "dnsjava"})
  void aThousandConcurrentLookups(String kind) {
    onFreshHub(hub -> {
      long fdsBefore = Leaks.openFds();
      try (AutoCloseable r = (AutoCloseable) resolver(kind, hub)) {
        Resolver resolver = (Resolver) r;
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        AtomicInteger ticksInFlight = new AtomicInteger();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Greenlet<Void> ticker = Greenlet.spawn(() -> {
          while (!done.isDone()) {
            Gevent.sleep(0.001);
            if (inFlight.get() > 0) ticksInFlight.incrementAndGet();
          }
        });
        List<Greenlet<List<InetAddress>>> lookups = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
          String name = "n" + (i * 7 % Dnsmasq.MANY) + ".test";
          lookups.add(Greenlet.spawn(() -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
              return resolver.addressesOf(name, Resolver.AF_INET);
            } finally {
              inFlight.decrementAndGet();
            }
          }));
        }
        Gevent.joinAll(lookups, 60, true);
        done.complete(null);
        ticker.join();
        for (int i = 0; i < 1000; i++) {
          int n = i * 7 % Dnsmasq.MANY;
          assertEquals(List.of(ip("10.1." + (n >> 8) + "." + (n & 0xff))), lookups.get(i).get(), "n" + n + ".test");
        }
        assertTrue(maxInFlight.get() > 10, "at most " + maxInFlight + " lookups were in flight at once");
        assertTrue(ticksInFlight.get() > 0, "the timer greenlet never ticked while lookups were in flight");
      }
      assertTrue(Leaks.openFds() <= fdsBefore, "descriptors: " + fdsBefore + " before, " + Leaks.describeFds());
    });
  }

  /** The default resolver, {@code thread}, keeps the hub running too: 1,000 lookups at once from greenlets. */
  @org.junit.jupiter.api.Test
  void theThreadResolverUnderLoad() {
    onFreshHub(hub -> {
      Resolver resolver = hub.resolver();
      assertTrue(resolver.toString().contains("thread"), resolver.toString());
      AtomicInteger ticks = new AtomicInteger();
      CompletableFuture<Void> done = new CompletableFuture<>();
      Greenlet<Void> ticker = Greenlet.spawn(() -> {
        while (!done.isDone()) {
          Gevent.sleep(0.001);
          ticks.incrementAndGet();
        }
      });
      List<Greenlet<List<InetAddress>>> lookups = new ArrayList<>();
      for (int i = 0; i < 1000; i++) lookups.add(Greenlet.spawn(() -> resolver.getaddrinfo("localhost")));
      Gevent.joinAll(lookups, 60, true);
      int ticksMeanwhile = ticks.get();
      done.complete(null);
      ticker.join();
      for (Greenlet<List<InetAddress>> g : lookups) assertTrue(g.get().contains(InetAddress.ofLiteral("127.0.0.1")), g.get().toString());
      assertTrue(ticksMeanwhile > 0, "the timer greenlet never ticked during 1,000 lookups");
    });
  }

  /**
   * {@code gevent.resolver=ares} and {@code dnsjava} with {@code gevent.resolver.nameservers}: the
   * hub's resolver is the dns module's, and InetAddress inside a greenlet goes through it to the
   * server (a JVM of its own each: the settings are read once).
   */
  @ParameterizedTest
  @ValueSource(strings = {"ares", "dnsjava"})
  void chosenByProperty(String kind) throws Exception {
    List<String> command = io.gevent4j.testing.Jvm.command("-Dgevent.resolver=" + kind,
        "-Dgevent.resolver.nameservers=127.0.0.1:" + dnsmasq.port, "-Dslf4j.internal.verbosity=ERROR",
        "-Dgevent.loop=" + System.getProperty("gevent.loop", "libev"), "-cp", System.getProperty("java.class.path"),
        ConfiguredResolverProbe.class.getName(), "www.test");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("resolver DnsResolver(" + kind + ", "), out);
    assertTrue(out.contains("found 192.0.2.10"), out);
  }

  /**
   * Plain threads use a hub's resolver too: 8 threads × 50 lookups while the hub's owner waits
   * in {@code join}; each blocks only itself.
   */
  @ParameterizedTest
  @ValueSource(strings = {"ares", "dnsjava"})
  void plainThreads(String kind) throws Exception {
    Leaks leaks = Leaks.snapshot();
    CompletableFuture<Resolver> made = new CompletableFuture<>();
    CompletableFuture<Void> finished = new CompletableFuture<>();
    Thread owner = Thread.ofPlatform().name("resolver-hub").start(() -> {
      Hub hub = Hub.current();
      try (AutoCloseable r = (AutoCloseable) resolver(kind, hub)) {
        made.complete((Resolver) r);
        // the owner keeps its hub running (ares' watchers live on it) until the threads are done
        Gevent.await(finished);
      } catch (Throwable t) {
        made.completeExceptionally(t);
      } finally {
        hub.close();
      }
    });
    Resolver resolver = made.get(10, TimeUnit.SECONDS);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      for (int t = 0; t < 8; t++) {
        int first = 5000 + t * 50;
        threads.add(Thread.ofPlatform().name("lookup-" + t).start(() -> {
          try {
            for (int n = first; n < first + 50; n++) {
              assertEquals(List.of(ip("10.1." + (n >> 8) + "." + (n & 0xff))), resolver.addressesOf("n" + n + ".test", 0));
            }
            assertEquals(List.of(ip("192.0.2.1"), ip("2001:db8::1")), resolver.getaddrinfo("dual.test"));
          } catch (Throwable e) {
            failures.add(e);
          }
        }));
      }
      for (Thread t : threads) t.join(30_000);
    } finally {
      finished.complete(null);
      owner.join(30_000);
    }
    assertEquals(List.of(), failures);
    leaks.assertNoLeak();
  }
}
