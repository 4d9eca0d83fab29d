package io.gevent4j.dns;

import static io.gevent4j.dns.FakeDns.reply;
import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Resolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The resolver's own logic — search list, CNAME chains, the cache, the hosts file, answer
 * shapes — over a transport that answers from a table in the test; on both backends. The
 * transports themselves and a real server: AresTransportTest, the dnsjava transport's test and
 * DnsmasqResolverTest.
 */
class DnsResolverTest {
  private static final InetSocketAddress NOWHERE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);

  /** Answers each query with what {@code answer} makes of it; counts queries per name and type. */
  private static final class TableTransport implements Transport {
    final Map<String, Integer> asked = new ConcurrentHashMap<>();
    private final Function<Message, Message> answer;

    TableTransport(Function<Message, Message> answer) {
      this.answer = answer;
    }

    /** {@code answer} may throw an UncheckedIOException: its cause is the exchange's failure. */
    @Override
    public byte[] exchange(byte[] query) throws IOException {
      Message q = new Message(query);
      asked.merge(q.getQuestion().getName().toString(true) + "/" + Type.string(q.getQuestion().getType()), 1, Integer::sum);
      try {
        return answer.apply(q).toWire();
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }

    int asked(String name, int type) {
      return asked.getOrDefault(name + "/" + Type.string(type), 0);
    }

    @Override
    public void close() {}
  }

  private static Name name(String text) {
    try {
      return Name.fromString(text.endsWith(".") ? text : text + ".");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Record a(String owner, String ip, long ttl) {
    return new ARecord(name(owner), DClass.IN, ttl, InetAddress.ofLiteral(ip));
  }

  private static Record soa(long minimum) {
    return new SOARecord(name("test"), DClass.IN, 3600, name("ns.test"), name("admin.test"), 1, 3600, 600, 86400, minimum);
  }

  private static DnsConfig config(List<String> search, int ndots, Path hosts) {
    return new DnsConfig(List.of(NOWHERE), 1, 1, search, ndots, hosts);
  }

  @Test
  void theSearchListAndNdotsDecideWhichNamesAreAskedAndInWhichOrder(@TempDir Path dir) {
    onFreshHub(hub -> {
      TableTransport t = new TableTransport(q -> {
        String asked = q.getQuestion().getName().toString(true);
        if (asked.equals("sub.search.test") && q.getQuestion().getType() == Type.A) {
          return reply(q, Rcode.NOERROR, a("sub.search.test", "192.0.2.20", 30));
        }
        return reply(q, Rcode.NXDOMAIN);
      });
      DnsResolver r = new DnsResolver("test", t, config(List.of("search.test", "test"), 1, dir.resolve("hosts")));
      // no dot: the search domains first
      assertEquals(List.of(InetAddress.ofLiteral("192.0.2.20")), r.addressesOf("sub", Resolver.AF_INET));
      assertEquals(0, t.asked("sub", Type.A));
      // one dot >= ndots: as it is first, then with the search domain
      assertEquals(List.of(InetAddress.ofLiteral("192.0.2.20")), r.addressesOf("sub.search", Resolver.AF_INET));
      assertEquals(1, t.asked("sub.search", Type.A));
      assertEquals(1, t.asked("sub.search.search.test", Type.A));
      // a final dot: only as it is
      UnknownHostException e = assertThrows(UnknownHostException.class, () -> r.addressesOf("sub.", Resolver.AF_INET));
      assertTrue(e.getMessage().contains("NXDOMAIN"), e.getMessage());
    });
  }

  @Test
  void aCnameChainIsFollowedEvenWhenTheServerStopsAtTheFirstLink(@TempDir Path dir) {
    onFreshHub(hub -> {
      TableTransport t = new TableTransport(q -> switch (q.getQuestion().getName().toString(true)) {
        case "www.test" -> reply(q, Rcode.NOERROR, new CNAMERecord(name("www.test"), DClass.IN, 30, name("edge.test")));
        case "edge.test" -> reply(q, Rcode.NOERROR,
            new CNAMERecord(name("edge.test"), DClass.IN, 30, name("host.test")), a("host.test", "192.0.2.7", 30));
        default -> reply(q, Rcode.NXDOMAIN);
      });
      DnsResolver r = new DnsResolver("test", t, config(List.of(), 1, dir.resolve("hosts")));
      Resolver.HostEntry e = r.gethostbynameEx("www.test");
      assertEquals("host.test", e.name());
      assertEquals(List.of("www.test", "edge.test"), e.aliases());
      assertEquals(List.of("192.0.2.7"), e.addresses());
      List<Resolver.AddrInfo> info = r.getaddrinfo("www.test", 80, Resolver.AF_INET, Resolver.SOCK_STREAM, Resolver.AI_CANONNAME);
      assertEquals("host.test", info.get(0).canonicalName());
    });
  }

  @Test
  void aCnameLoopEndsInAnErrorNotAHang(@TempDir Path dir) {
    onFreshHub(hub -> {
      TableTransport t = new TableTransport(q -> {
        String n = q.getQuestion().getName().toString(true);
        return reply(q, Rcode.NOERROR, new CNAMERecord(name(n), DClass.IN, 30, name(n.equals("a.test") ? "b.test" : "a.test")));
      });
      DnsResolver r = new DnsResolver("test", t, config(List.of(), 1, dir.resolve("hosts")));
      UnknownHostException e = assertThrows(UnknownHostException.class, () -> r.addressesOf("a.test", Resolver.AF_INET));
      assertTrue(e.getMessage().contains("CNAME chain"), e.getMessage());
    });
  }

  @Test
  void answersAreCachedForTheirTtlAndNegativeOnesForTheSoaMinimum(@TempDir Path dir) {
    onFreshHub(hub -> {
      TableTransport t = new TableTransport(q -> switch (q.getQuestion().getName().toString(true)) {
        case "kept.test" -> reply(q, Rcode.NOERROR, a("kept.test", "192.0.2.1", 30));
        case "fleeting.test" -> reply(q, Rcode.NOERROR, a("fleeting.test", "192.0.2.2", 0));
        case "gone.test" -> {
          Message m = reply(q, Rcode.NXDOMAIN);
          m.addRecord(soa(60), Section.AUTHORITY);
          yield m;
        }
        default -> reply(q, Rcode.NXDOMAIN); // no SOA: not cached
      });
      DnsResolver r = new DnsResolver("test", t, config(List.of(), 1, dir.resolve("hosts")));
      for (int i = 0; i < 3; i++) {
        r.addressesOf("kept.test", Resolver.AF_INET);
        r.addressesOf("fleeting.test", Resolver.AF_INET);
        assertThrows(UnknownHostException.class, () -> r.addressesOf("gone.test", Resolver.AF_INET));
        assertThrows(UnknownHostException.class, () -> r.addressesOf("unknown.test", Resolver.AF_INET));
      }
      assertEquals(1, t.asked("kept.test", Type.A));
      assertEquals(3, t.asked("fleeting.test", Type.A));
      assertEquals(1, t.asked("gone.test", Type.A));
      assertEquals(3, t.asked("unknown.test", Type.A));
    });
  }

  @Test
  void theHostsFileComesFirstAndBothFamiliesAreAskedAtOnce(@TempDir Path dir) throws Exception {
    Path hosts = Files.writeString(dir.resolve("hosts"), "# comment\n192.0.2.99 listed.test alias-listed\n::1 listed.test\n");
    onFreshHub(hub -> {
      TableTransport t = new TableTransport(q -> {
        String n = q.getQuestion().getName().toString(true);
        if (!n.equals("both.test")) return reply(q, Rcode.NXDOMAIN);
        return q.getQuestion().getType() == Type.A ? reply(q, Rcode.NOERROR, a("both.test", "192.0.2.3", 30))
            : reply(q, Rcode.NOERROR, new AAAARecord(name("both.test"), DClass.IN, 30, InetAddress.ofLiteral("2001:db8::3")));
      });
      DnsResolver r = new DnsResolver("test", t, config(List.of(), 1, hosts));
      assertEquals(List.of(InetAddress.ofLiteral("192.0.2.99"), InetAddress.ofLiteral("::1")), r.getaddrinfo("LISTED.test"));
      assertEquals("192.0.2.99", r.gethostbyname("alias-listed"));
      assertEquals(0, t.asked.size(), "the hosts file answered: " + t.asked);
      assertEquals("listed.test", r.gethostbyaddr("192.0.2.99"));
      assertEquals(List.of(InetAddress.ofLiteral("192.0.2.3"), InetAddress.ofLiteral("2001:db8::3")), r.getaddrinfo("both.test"));
      assertEquals(List.of(InetAddress.ofLiteral("2001:db8::3")), r.addressesOf("both.test", Resolver.AF_INET6));
      assertEquals("192.0.2.3", r.gethostbyname("both.test"));
    });
  }

  @Test
  void aReverseLookupAsksForThePtrRecord(@TempDir Path dir) {
    onFreshHub(hub -> {
      TableTransport t = new TableTransport(q -> q.getQuestion().getName().toString(true).equals("10.2.0.192.in-addr.arpa")
          ? reply(q, Rcode.NOERROR, new PTRRecord(q.getQuestion().getName(), DClass.IN, 30, name("www.test")))
          : reply(q, Rcode.NXDOMAIN));
      DnsResolver r = new DnsResolver("test", t, config(List.of(), 1, dir.resolve("hosts")));
      assertEquals("www.test", r.gethostbyaddr("192.0.2.10"));
      assertEquals(new Resolver.NameInfo("www.test", "http"),
          r.getnameinfo(new InetSocketAddress(InetAddress.ofLiteral("192.0.2.10"), 80), 0));
      UnknownHostException e = assertThrows(UnknownHostException.class, () -> r.gethostbyaddr("192.0.2.11"));
      assertTrue(e.getMessage().contains("192.0.2.11"), e.getMessage());
      assertEquals("192.0.2.11", r.getnameinfo(new InetSocketAddress(InetAddress.ofLiteral("192.0.2.11"), 80), 0).host());
      assertThrows(UnknownHostException.class,
          () -> r.getnameinfo(new InetSocketAddress(InetAddress.ofLiteral("192.0.2.11"), 80), Resolver.NI_NAMEREQD));
    });
  }

  @Test
  void aReplyThatDoesNotAnswerTheQueryOrIsGarbageIsAnError(@TempDir Path dir) {
    onFreshHub(hub -> {
      List<Transport> bad = new ArrayList<>();
      bad.add(new TableTransport(q -> reply(new Message(q.getHeader().getID() ^ 1) {
        {
          addRecord(q.getQuestion(), Section.QUESTION);
        }
      }, Rcode.NOERROR)));
      bad.add(new Transport() {
        @Override
        public byte[] exchange(byte[] query) {
          return new byte[] {1, 2, 3};
        }

        @Override
        public void close() {}
      });
      bad.add(new Transport() {
        @Override
        public byte[] exchange(byte[] query) throws IOException {
          throw new java.net.SocketTimeoutException("no reply from [127.0.0.1:9] in 1 x 1 s");
        }

        @Override
        public void close() {}
      });
      for (Transport t : bad) {
        DnsResolver r = new DnsResolver("test", t, config(List.of(), 1, dir.resolve("hosts")));
        UnknownHostException e = assertThrows(UnknownHostException.class, () -> r.getaddrinfo("x.test"));
        assertTrue(e.getMessage().startsWith("x.test: "), e.getMessage());
      }
    });
  }

  @Test
  void oneFamilysFailedExchangeLeavesTheOthersAddressesAndNothingIsLogged(@TempDir Path dir) {
    // a server (or a middlebox) that never answers AAAA, or never A: glibc's getaddrinfo and Netty
    // return the other family's addresses
    Function<Integer, TableTransport> failing = type -> new TableTransport(q -> {
      int asked = q.getQuestion().getType();
      if (asked == type) throw new UncheckedIOException(new SocketTimeoutException("no reply for " + Type.string(asked)));
      return asked == Type.A ? reply(q, Rcode.NOERROR, a("x.test", "192.0.2.5", 30))
          : reply(q, Rcode.NOERROR, new AAAARecord(name("x.test"), DClass.IN, 30, InetAddress.ofLiteral("2001:db8::5")));
    });
    Callable<Void> lookups = () -> {
      DnsResolver noAaaa = new DnsResolver("test", failing.apply(Type.AAAA), config(List.of(), 1, dir.resolve("hosts")));
      assertEquals(List.of(InetAddress.ofLiteral("192.0.2.5")), noAaaa.getaddrinfo("x.test"));
      DnsResolver noA = new DnsResolver("test", failing.apply(Type.A), config(List.of(), 1, dir.resolve("hosts")));
      assertEquals(List.of(InetAddress.ofLiteral("2001:db8::5")), noA.getaddrinfo("x.test"));
      // asked for one family, its failure is the answer
      UnknownHostException e = assertThrows(UnknownHostException.class, () -> noAaaa.addressesOf("x.test", Resolver.AF_INET6));
      assertTrue(e.getMessage().contains("no reply for AAAA"), e.getMessage());
      // both fail: A's failure, with AAAA's suppressed
      DnsResolver neither = new DnsResolver("test", new TableTransport(q -> {
        throw new UncheckedIOException(new SocketTimeoutException("no reply for " + Type.string(q.getQuestion().getType())));
      }), config(List.of(), 1, dir.resolve("hosts")));
      e = assertThrows(UnknownHostException.class, () -> neither.getaddrinfo("x.test"));
      assertTrue(e.getMessage().startsWith("x.test: no reply for A"), e.getMessage());
      assertEquals(1, e.getSuppressed().length);
      assertTrue(e.getSuppressed()[0].getMessage().startsWith("x.test: no reply for AAAA"), e.getSuppressed()[0].getMessage());
      return null;
    };
    List<ILoggingEvent> logged = new ArrayList<>();
    Runnable stopCapture = captureHubLog(logged);
    try {
      onFreshHub(hub -> {
        lookups.call(); // the hub's owner, a plain thread: A, then AAAA
        Greenlet.spawn(lookups).get(); // a greenlet: AAAA in a greenlet of its own meanwhile
      });
    } finally {
      stopCapture.run();
    }
    synchronized (logged) {
      assertEquals(List.of(), logged.stream().map(ILoggingEvent::getFormattedMessage).toList(),
          "a failed exchange is the lookup's result, not an error escaping a greenlet");
    }
  }

  /** What the hub logs (errors escaping greenlets) goes to {@code into} until the returned stop runs. */
  private static Runnable captureHubLog(List<ILoggingEvent> into) {
    Logger logger = (Logger) LoggerFactory.getLogger("io.gevent4j.hub.Hub");
    AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        synchronized (into) {
          into.add(event);
        }
      }
    };
    appender.start();
    logger.addAppender(appender);
    return () -> {
      logger.detachAppender(appender);
      appender.stop();
    };
  }

  @Test
  void numericAddressesAreAnsweredWithoutAQueryAndNamesThatStartLikeNumbersAreAsked(@TempDir Path dir) {
    onFreshHub(hub -> {
      TableTransport t = new TableTransport(q -> reply(q, Rcode.NOERROR, a(q.getQuestion().getName().toString(true), "192.0.2.9", 30)));
      DnsResolver r = new DnsResolver("test", t, config(List.of(), 1, dir.resolve("hosts")));
      Map<String, String> literals = Map.of("192.0.2.1", "192.0.2.1", "127.1", "127.0.0.1", "2130706433", "127.0.0.1",
          "::1", "::1", "2001:db8::1", "2001:db8::1", "::ffff:192.0.2.2", "192.0.2.2");
      for (var e : literals.entrySet()) assertEquals(List.of(InetAddress.ofLiteral(e.getValue())), r.getaddrinfo(e.getKey()), e.getKey());
      assertEquals(0, t.asked.size(), "numeric addresses were asked: " + t.asked);
      for (String name : new String[] {"example.test", "1e100.test", "cafe.test", "0x7f.1", "1.2.3.4.5.test"}) {
        assertEquals(List.of(InetAddress.ofLiteral("192.0.2.9")), r.addressesOf(name, Resolver.AF_INET), name);
        assertEquals(1, t.asked(name, Type.A), name);
      }
    });
  }

  @Test
  void badNamesAreUnknownHostsWithoutAQuery(@TempDir Path dir) {
    onFreshHub(hub -> {
      TableTransport t = new TableTransport(q -> reply(q, Rcode.NXDOMAIN));
      DnsResolver r = new DnsResolver("test", t, config(List.of(), 1, dir.resolve("hosts")));
      for (String bad : new String[] {"", "a..b", ".a", "x".repeat(64) + ".test", "a.".repeat(130)}) {
        assertThrows(UnknownHostException.class, () -> r.getaddrinfo(bad), bad);
      }
      assertEquals(0, t.asked.size());
      assertEquals(List.of(InetAddress.ofLiteral("2001:db8::1")), r.getaddrinfo("2001:db8::1"));
    });
  }
}
