package io.gevent4j.dns;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static io.gevent4j.hub.testing.JdkCallHarness.cooperates;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.testing.Jvm;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>The checks are {@link io.gevent4j.hub.testing.JdkCallHarness}'s, as for hub's rows.
 */
@org.junit.jupiter.api.Timeout(120)
class JdkCallsTest {
  /** Greenlets per row through the hook. */
  static final int N = 50;

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
