package io.gevent4j.dns;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.hub.Resolver;
import io.gevent4j.testing.Jvm;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The JDK's resolver hook: InetAddress inside a greenlet asks the greenlet's hub's resolver;
 * outside greenlets it asks the JDK's own; the property turns it off; on both backends.
 */
class JdkHookTest {
  /** A resolver that knows one name the system does not, and counts its lookups. */
  private static final class OneName implements Resolver {
    final AtomicInteger lookups = new AtomicInteger();

    @Override
    public List<InetAddress> getaddrinfo(String host) throws UnknownHostException {
      lookups.incrementAndGet();
      if (host.equals("only-gevent4j-knows.test")) return List.of(InetAddress.ofLiteral("192.0.2.77"), InetAddress.ofLiteral("2001:db8::77"));
      throw new UnknownHostException(host + ": not in the test's table");
    }

    @Override
    public String gethostbyname(String host) throws UnknownHostException {
      return getaddrinfo(host).get(0).getHostAddress();
    }

    @Override
    public String gethostbyaddr(String ip) throws UnknownHostException {
      lookups.incrementAndGet();
      if (ip.equals("192.0.2.77")) return "only-gevent4j-knows.test";
      throw new UnknownHostException(ip);
    }
  }

  @Test
  void insideAGreenletInetAddressAsksTheHubsResolver() {
    onFreshHub(hub -> {
      OneName resolver = new OneName();
      hub.setResolver(resolver);
      InetAddress[] found = Gevent.spawn(() -> InetAddress.getAllByName("only-gevent4j-knows.test")).get();
      assertEquals(List.of(InetAddress.ofLiteral("192.0.2.77"), InetAddress.ofLiteral("2001:db8::77")), List.of(found));
      assertEquals("only-gevent4j-knows.test",
          Gevent.spawn(() -> InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 77}).getHostName()).get());
      assertTrue(resolver.lookups.get() >= 2);
      // a plain thread (this one) resolves as before: the system does not know the name
      int before = resolver.lookups.get();
      assertThrows(UnknownHostException.class, () -> InetAddress.getByName("only-gevent4j-knows-too.test"));
      assertEquals(before, resolver.lookups.get());
    });
  }

  @Test
  void theBlockResolverInsideAGreenletDoesNotLoopThroughTheHook() {
    onFreshHub(hub -> {
      // the default resolvers call InetAddress themselves: from a greenlet (block) or a pool thread (thread)
      assertEquals(InetAddress.getLoopbackAddress(), Gevent.spawn(() -> InetAddress.getByName("localhost")).get());
      assertEquals("127.0.0.1", Gevent.spawn(() -> hub.resolver().gethostbyname("localhost")).get());
    });
  }

  @Test
  void thePropertyTurnsTheHookOff() throws IOException, InterruptedException {
    for (String value : new String[] {"true", "false"}) {
      List<String> command = Jvm.command("-Dgevent.resolver.jdk=" + value, "-Dslf4j.internal.verbosity=ERROR",
          "-Dgevent.loop=" + System.getProperty("gevent.loop", "libev"), "-cp", System.getProperty("java.class.path"),
          JdkHookProbe.class.getName());
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains(value.equals("true") ? "hooked 192.0.2.78" : "not hooked"), value + ": " + out);
    }
  }
}
