package io.gevent4j.dns;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Resolver;
import io.gevent4j.sync.Semaphore;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * gevent's resolver interface over DNS, whatever carries the queries ({@link Transport}): the
 * hosts file first, then the search list and {@code ndots} as the system resolver applies them,
 * A and AAAA asked at once (the addresses of one family are the answer when the other's exchange
 * fails), CNAME chains followed, answers cached for their TTL (negative ones too). The {@code ares} and {@code dnsjava} resolvers are this class over their transports.
 */
final class DnsResolver implements Resolver, AutoCloseable {
  /** Longest CNAME chain followed. */
  private static final int MAX_CNAMES = 16;
  /**
   * Queries a resolver has out at once; more wait their turn. A burst of a thousand small UDP
   * queries overflows a server's default socket buffer (about 270 of them fit in Linux's
   * 208 KiB) and every one dropped costs a whole timeout.
   */
  static final int MAX_IN_FLIGHT = 128;

  private final String kind;
  private final Transport transport;
  private final DnsConfig config;
  private final HostsFile hosts;
  private final DnsCache cache = new DnsCache();
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private final boolean preferIpv6 = "true".equalsIgnoreCase(System.getProperty("java.net.preferIPv6Addresses"));

  DnsResolver(String kind, Transport transport, DnsConfig config) {
    this.kind = kind;
    this.transport = transport;
    this.config = config;
    this.hosts = new HostsFile(config.hosts());
    inFlight.markShared(); // greenlets of any hub and plain threads share a resolver
  }

  @Override
  public List<InetAddress> getaddrinfo(String host) throws UnknownHostException {
    return addressesOf(host, AF_UNSPEC);
  }

  @Override
  public List<InetAddress> addressesOf(String host, int family) throws UnknownHostException {
    InetAddress numeric = numeric(host);
    if (numeric != null) return List.of(numeric);
    String name = checkName(host);
    List<InetAddress> listed = hosts.addresses(name);
    if (!listed.isEmpty()) {
      List<InetAddress> wanted = new ArrayList<>();
      for (InetAddress a : listed) if (matches(a, family)) wanted.add(a);
      if (!wanted.isEmpty()) return order(wanted);
    }
    DnsAnswer v4 = null;
    DnsAnswer v6 = null;
    UnknownHostException v4Failure = null;
    UnknownHostException v6Failure = null;
    if (family == AF_INET) {
      v4 = resolve(host, name, Type.A);
    } else if (family == AF_INET6) {
      v6 = resolve(host, name, Type.AAAA);
    } else if (Greenlet.getCurrent() == null) {
      // a plain thread asks one after the other: a greenlet for AAAA would give it a hub of its
      // own, and a thread waiting for a lock that its own greenlet is next in line for waits forever.
      // One family's exchange failing (no reply in time, refused) does not fail the lookup when
      // the other has addresses, as with glibc's getaddrinfo and Netty.
      try {
        v4 = resolve(host, name, Type.A);
      } catch (UnknownHostException e) {
        v4Failure = e;
      }
      try {
        v6 = resolve(host, name, Type.AAAA);
      } catch (UnknownHostException e) {
        v6Failure = e;
      }
    } else {
      // Both at once: AAAA in a greenlet while this one asks for A; one family's failure as above.
      // The AAAA greenlet returns its failure rather than dying of it: the hub would log a
      // greenlet's escaping exception as an error.
      Greenlet<Object> aaaa = Greenlet.spawn(() -> {
        try {
          return resolve(host, name, Type.AAAA);
        } catch (UnknownHostException e) {
          return e;
        }
      });
      Object six;
      try {
        try {
          v4 = resolve(host, name, Type.A);
        } catch (UnknownHostException e) {
          v4Failure = e;
        }
        six = aaaa.get();
      } catch (RuntimeException | Error e) { // a kill or a Timeout of this greenlet: the AAAA query goes too
        aaaa.kill();
        throw e;
      }
      if (six instanceof UnknownHostException u) v6Failure = u;
      else v6 = (DnsAnswer) six;
    }
    List<InetAddress> out = new ArrayList<>();
    if (v4 != null) for (String a : v4.data()) out.add(InetAddress.ofLiteral(a));
    if (v6 != null) for (String a : v6.data()) out.add(InetAddress.ofLiteral(a));
    if (out.isEmpty()) {
      if (v4Failure != null) {
        if (v6Failure != null) v4Failure.addSuppressed(v6Failure);
        throw v4Failure;
      }
      if (v6Failure != null) throw v6Failure;
      DnsAnswer why = v4 != null ? v4 : v6;
      throw new UnknownHostException(host + ": " + why.reason() + " (" + kind + " resolver)");
    }
    return order(out);
  }

  @Override
  public String gethostbyname(String host) throws UnknownHostException {
    return addressesOf(host, AF_INET).get(0).getHostAddress();
  }

  @Override
  public HostEntry gethostbynameEx(String host) throws UnknownHostException {
    InetAddress numeric = numeric(host);
    if (numeric != null) {
      if (!(numeric instanceof Inet4Address)) throw new UnknownHostException(host + ": not an IPv4 address");
      return new HostEntry(host, List.of(), List.of(numeric.getHostAddress()));
    }
    String name = checkName(host);
    List<String> listed = new ArrayList<>();
    for (InetAddress a : hosts.addresses(name)) if (a instanceof Inet4Address) listed.add(a.getHostAddress());
    if (!listed.isEmpty()) return new HostEntry(host, List.of(), listed);
    DnsAnswer a = resolve(host, name, Type.A);
    if (!a.found()) throw new UnknownHostException(host + ": " + a.reason() + " (" + kind + " resolver)");
    return new HostEntry(a.canonicalName(), a.aliases(), a.data());
  }

  @Override
  public String gethostbyaddr(String ip) throws UnknownHostException {
    return gethostbyaddrEx(ip).name();
  }

  @Override
  public HostEntry gethostbyaddrEx(String ip) throws UnknownHostException {
    InetAddress address = numeric(ip);
    if (address == null) address = getaddrinfo(ip).get(0); // gevent resolves a name first
    List<String> listed = hosts.names(address);
    if (!listed.isEmpty()) return new HostEntry(listed.get(0), listed.subList(1, listed.size()), List.of(address.getHostAddress()));
    String reverse = ReverseMap.fromAddress(address).toString(true);
    DnsAnswer ptr = lookup(reverse.toLowerCase(Locale.ROOT), Type.PTR, ip);
    if (!ptr.found()) throw new UnknownHostException(ip + ": no name (" + ptr.reason() + ", " + kind + " resolver)");
    return new HostEntry(ptr.data().get(0), ptr.data().subList(1, ptr.data().size()), List.of(address.getHostAddress()));
  }

  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return "DnsResolver(" + kind + ", " + config.nameservers() + ")";
  }

  // ---- resolving -------------------------------------------------------------------------

  /**
   * {@code type}'s records for {@code name}, through the search list: a name with a final dot
   * is asked as it is; one with at least {@code ndots} dots as it is first, then with each
   * search domain; a shorter one with each search domain first, then as it is.
   */
  private DnsAnswer resolve(String host, String name, int type) throws UnknownHostException {
    List<String> candidates = new ArrayList<>();
    if (name.endsWith(".")) {
      candidates.add(name.substring(0, name.length() - 1));
    } else {
      long dots = name.chars().filter(c -> c == '.').count();
      if (dots >= config.ndots()) candidates.add(name);
      for (String domain : config.search()) candidates.add(name + "." + domain);
      if (dots < config.ndots()) candidates.add(name);
    }
    DnsAnswer last = null;
    for (String candidate : candidates) {
      DnsAnswer a = lookup(candidate, type, host);
      if (a.found()) return a;
      if (last == null || a.rcode() != Rcode.NXDOMAIN) last = a; // NODATA or SERVFAIL says more than NXDOMAIN
    }
    return last;
  }

  /** One name and type, from the cache or the servers, CNAME chain followed. */
  private DnsAnswer lookup(String fqdn, int type, String host) throws UnknownHostException {
    DnsAnswer cached = cache.get(fqdn, type);
    if (cached != null) return cached;
    List<String> aliases = new ArrayList<>();
    String current = fqdn;
    long ttl = Long.MAX_VALUE;
    for (int hops = 0; hops <= MAX_CNAMES; hops++) {
      Message reply = ask(current, type, host);
      int rcode = reply.getRcode();
      if (rcode != Rcode.NOERROR) {
        DnsAnswer failed = new DnsAnswer(fqdn, current, aliases, List.of(), rcode);
        if (rcode == Rcode.NXDOMAIN) cache.put(fqdn, type, failed, Math.min(ttl, negativeTtl(reply)));
        return failed;
      }
      List<String> data = new ArrayList<>();
      String end = current;
      // follow the chain inside this answer
      for (int inAnswer = 0; inAnswer <= MAX_CNAMES; inAnswer++) {
        CNAMERecord cname = null;
        for (Record r : reply.getSection(Section.ANSWER)) {
          if (r instanceof CNAMERecord c && sameName(r.getName(), end)) cname = c;
        }
        if (cname == null || type == Type.CNAME) break;
        aliases.add(end);
        ttl = Math.min(ttl, cname.getTTL());
        end = text(cname.getTarget());
      }
      for (Record r : reply.getSection(Section.ANSWER)) {
        if (r.getType() != type || !sameName(r.getName(), end)) continue;
        ttl = Math.min(ttl, r.getTTL());
        if (r instanceof ARecord a) data.add(a.getAddress().getHostAddress());
        else if (r instanceof AAAARecord a) data.add(a.getAddress().getHostAddress());
        else if (r instanceof PTRRecord p) data.add(text(p.getTarget()));
      }
      if (!data.isEmpty() || end.equals(current)) {
        DnsAnswer answer = new DnsAnswer(fqdn, end, aliases, data, Rcode.NOERROR);
        cache.put(fqdn, type, answer, data.isEmpty() ? Math.min(ttl, negativeTtl(reply)) : ttl);
        return answer;
      }
      current = end; // the server gave the chain but not its end's records: ask for them
    }
    throw new UnknownHostException(host + ": a CNAME chain longer than " + MAX_CNAMES + " (" + kind + " resolver)");
  }

  private Message ask(String fqdn, int type, String host) throws UnknownHostException {
    Message query;
    try {
      query = Message.newQuery(Record.newRecord(Name.fromString(fqdn + "."), type, DClass.IN));
    } catch (TextParseException e) {
      throw unknown(host, "not a valid host name: " + e.getMessage(), e);
    }
    byte[] reply;
    inFlight.acquire();
    try {
      reply = transport.exchange(query.toWire());
    } catch (IOException e) {
      throw unknown(host, e.getMessage(), e);
    } finally {
      inFlight.release();
    }
    try {
      Message m = new Message(reply);
      Record question = m.getQuestion();
      if (m.getHeader().getID() != query.getHeader().getID() || question == null
          || !question.getName().equals(query.getQuestion().getName()) || question.getType() != type) {
        throw unknown(host, "the reply does not answer the query", null);
      }
      return m;
    } catch (IOException | RuntimeException e) {
      throw unknown(host, "a malformed reply from the nameserver: " + e.getMessage(), e);
    }
  }

  private UnknownHostException unknown(String host, String why, Throwable cause) {
    UnknownHostException e = new UnknownHostException(host + ": " + why + " (" + kind + " resolver, nameservers "
        + config.nameservers() + ")");
    if (cause != null) e.initCause(cause);
    return e;
  }

  /** The negative TTL of an NXDOMAIN or NODATA reply (RFC 2308): the SOA's TTL or MINIMUM, whichever is lower; 0 without one. */
  private static long negativeTtl(Message reply) {
    for (Record r : reply.getSection(Section.AUTHORITY)) {
      if (r instanceof SOARecord soa) return Math.min(soa.getTTL(), soa.getMinimum());
    }
    return 0;
  }

  private static boolean sameName(Name name, String text) {
    return text(name).equalsIgnoreCase(text);
  }

  /** A name as text without its final dot, lower case. */
  private static String text(Name name) {
    return name.toString(true).toLowerCase(Locale.ROOT);
  }

  private static String checkName(String host) throws UnknownHostException {
    if (host == null || host.isEmpty()) throw new UnknownHostException("an empty host name");
    if (host.length() > 254 || (host.length() == 254 && !host.endsWith("."))) {
      throw new UnknownHostException(host.substring(0, 40) + "...: a host name is at most 253 characters");
    }
    for (String label : host.split("\\.", -1)) {
      if (label.length() > 63) throw new UnknownHostException(host + ": a label is at most 63 characters");
    }
    if (host.startsWith(".") || host.contains("..")) throw new UnknownHostException(host + ": an empty label");
    return host.toLowerCase(Locale.ROOT);
  }

  /**
   * {@code host} as an address when it is a numeric literal ({@link InetAddress#ofLiteral}: IPv4 in
   * decimal, {@code d.d.d.d} down to {@code d}, or IPv6), else null. A name is told apart before
   * {@code ofLiteral}, whose exception costs about 1.5 µs (a tenth of a lookup's CPU) for every name
   * that starts like a number, {@code example.com} or {@code 1e100.net}: without a ':' a literal
   * has only ASCII digits and dots.
   */
  private static InetAddress numeric(String host) {
    if (host == null || host.isEmpty()) return null;
    if (host.indexOf(':') < 0) {
      for (int i = 0; i < host.length(); i++) {
        char c = host.charAt(i);
        if ((c < '0' || c > '9') && c != '.') return null;
      }
    } else if (!(Character.digit(host.charAt(0), 16) >= 0 || host.charAt(0) == ':')) {
      return null;
    }
    try {
      return InetAddress.ofLiteral(host);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean matches(InetAddress a, int family) {
    return family == AF_UNSPEC || (family == AF_INET) == (a instanceof Inet4Address);
  }

  /** IPv4 first, as the JDK orders them, unless {@code java.net.preferIPv6Addresses=true}. */
  private List<InetAddress> order(List<InetAddress> addresses) {
    List<InetAddress> first = new ArrayList<>();
    List<InetAddress> second = new ArrayList<>();
    for (InetAddress a : addresses) ((a instanceof Inet6Address) == preferIpv6 ? first : second).add(a);
    first.addAll(second);
    return first;
  }
}
