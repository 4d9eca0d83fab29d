package io.gevent4j.hub;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.Resolver.AddrInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gevent's resolver interface on the hub's own resolvers (thread, the default): shapes, numbers, flags, errors. */
class ResolverTest {
  @Test
  void getaddrinfoGivesOneEntryPerAddressAndSocketType() {
    onFreshHub(hub -> {
      Resolver r = hub.resolver();
      List<AddrInfo> all = r.getaddrinfo("127.0.0.1", 80, Resolver.AF_UNSPEC, 0, 0);
      assertEquals(List.of(Resolver.SOCK_STREAM, Resolver.SOCK_DGRAM, Resolver.SOCK_RAW), all.stream().map(AddrInfo::type).toList());
      assertEquals(List.of(Resolver.IPPROTO_TCP, Resolver.IPPROTO_UDP, 0), all.stream().map(AddrInfo::protocol).toList());
      assertEquals(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 80), all.get(0).address());
      assertNull(all.get(0).canonicalName());
      List<AddrInfo> tcp = r.getaddrinfo("localhost", 443, Resolver.AF_INET, Resolver.SOCK_STREAM, Resolver.AI_CANONNAME);
      assertEquals(1, tcp.size());
      assertEquals(Resolver.AF_INET, tcp.get(0).family());
      assertEquals("localhost", tcp.get(0).canonicalName());
      assertEquals(443, tcp.get(0).address().getPort());
      List<AddrInfo> v6 = r.getaddrinfo("::1", 0, Resolver.AF_INET6, Resolver.SOCK_DGRAM, 0);
      assertEquals(Resolver.AF_INET6, v6.get(0).family());
    });
  }

  @Test
  void noHostIsTheWildcardWhenPassiveElseLoopback() {
    onFreshHub(hub -> {
      Resolver r = hub.resolver();
      List<AddrInfo> passive = r.getaddrinfo(null, 8080, Resolver.AF_UNSPEC, Resolver.SOCK_STREAM, Resolver.AI_PASSIVE);
      assertEquals(List.of("0.0.0.0", "0:0:0:0:0:0:0:0"), passive.stream().map(a -> a.address().getAddress().getHostAddress()).toList());
      List<AddrInfo> loop = r.getaddrinfo(null, 8080, Resolver.AF_INET, Resolver.SOCK_STREAM, 0);
      assertEquals("127.0.0.1", loop.get(0).address().getAddress().getHostAddress());
    });
  }

  @Test
  void badArgumentsAndNumericHostRules() {
    onFreshHub(hub -> {
      Resolver r = hub.resolver();
      assertThrows(IllegalArgumentException.class, () -> r.getaddrinfo("localhost", 70000, 0, 0, 0));
      assertThrows(IllegalArgumentException.class, () -> r.getaddrinfo("localhost", 80, 99, 0, 0));
      assertThrows(IllegalArgumentException.class, () -> r.getaddrinfo("localhost", 80, 0, 9, 0));
      assertThrows(IllegalArgumentException.class, () -> r.getaddrinfo("localhost", 80, 0, 0, 0x1000));
      UnknownHostException notNumeric = assertThrows(UnknownHostException.class,
          () -> r.getaddrinfo("localhost", 80, 0, 0, Resolver.AI_NUMERICHOST));
      assertTrue(notNumeric.getMessage().contains("localhost"), notNumeric.getMessage());
      UnknownHostException wrongFamily = assertThrows(UnknownHostException.class,
          () -> r.getaddrinfo("127.0.0.1", 80, Resolver.AF_INET6, 0, 0));
      assertTrue(wrongFamily.getMessage().contains("IPv6"), wrongFamily.getMessage());
    });
  }

  @Test
  void getnameinfoNamesTheHostAndTheService() {
    onFreshHub(hub -> {
      Resolver r = hub.resolver();
      InetSocketAddress http = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 80);
      assertEquals(new Resolver.NameInfo("127.0.0.1", "80"),
          r.getnameinfo(http, Resolver.NI_NUMERICHOST | Resolver.NI_NUMERICSERV));
      Resolver.NameInfo named = r.getnameinfo(http, 0);
      assertEquals("http", named.service());
      assertTrue(named.host().startsWith("localhost"), named.host());
      assertEquals("domain", r.getnameinfo(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 53),
          Resolver.NI_DGRAM | Resolver.NI_NUMERICHOST).service());
      assertEquals("54321", r.getnameinfo(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 54321),
          Resolver.NI_NUMERICHOST).service());
      assertThrows(IllegalArgumentException.class, () -> r.getnameinfo(InetSocketAddress.createUnresolved("x", 1), 0));
    });
  }

  @Test
  void gethostbynameExGivesTheIpv4Addresses() {
    onFreshHub(hub -> {
      Resolver.HostEntry e = hub.resolver().gethostbynameEx("localhost");
      assertEquals("localhost", e.name());
      assertTrue(e.addresses().contains("127.0.0.1"), e.toString());
      assertEquals("127.0.0.1", hub.resolver().gethostbyaddrEx("127.0.0.1").addresses().get(0));
    });
  }
}
