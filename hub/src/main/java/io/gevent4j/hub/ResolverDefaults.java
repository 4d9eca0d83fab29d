package io.gevent4j.hub;

import io.gevent4j.hub.Resolver.AddrInfo;
import io.gevent4j.hub.Resolver.HostEntry;
import io.gevent4j.hub.Resolver.NameInfo;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of gevent's resolver interface that every resolver shares, built on its address
 * lookups: the shaping of {@code getaddrinfo}'s results, numeric hosts, {@code getnameinfo} and
 * the services file.
 */
final class ResolverDefaults {
  private ResolverDefaults() {}

  private static final int KNOWN_AI_FLAGS = Resolver.AI_PASSIVE | Resolver.AI_CANONNAME | Resolver.AI_NUMERICHOST;
  private static final int KNOWN_NI_FLAGS = Resolver.NI_NUMERICHOST | Resolver.NI_NUMERICSERV | Resolver.NI_NOFQDN
      | Resolver.NI_NAMEREQD | Resolver.NI_DGRAM;

  static List<AddrInfo> getaddrinfo(Resolver r, String host, int port, int family, int type, int flags)
      throws UnknownHostException {
    if (port < 0 || port > 65535) throw new IllegalArgumentException("getaddrinfo: port " + port + " is not 0 to 65535");
    if (family != Resolver.AF_UNSPEC && family != Resolver.AF_INET && family != Resolver.AF_INET6) {
      throw new IllegalArgumentException("getaddrinfo: family " + family + " is not AF_UNSPEC, AF_INET or AF_INET6");
    }
    if (type < 0 || type > Resolver.SOCK_RAW) {
      throw new IllegalArgumentException("getaddrinfo: type " + type + " is not 0, SOCK_STREAM, SOCK_DGRAM or SOCK_RAW");
    }
    if ((flags & ~KNOWN_AI_FLAGS) != 0) {
      throw new IllegalArgumentException("getaddrinfo: unknown flags 0x" + Integer.toHexString(flags & ~KNOWN_AI_FLAGS)
          + "; known: AI_PASSIVE, AI_CANONNAME, AI_NUMERICHOST");
    }
    List<InetAddress> addresses;
    String canonical = null;
    if (host == null) {
      boolean passive = (flags & Resolver.AI_PASSIVE) != 0;
      addresses = new ArrayList<>(2);
      if (family != Resolver.AF_INET6) addresses.add(literal(passive ? "0.0.0.0" : "127.0.0.1"));
      if (family != Resolver.AF_INET) addresses.add(literal(passive ? "::" : "::1"));
    } else {
      InetAddress numeric = numeric(host);
      if (numeric != null) {
        addresses = List.of(numeric);
        canonical = host;
      } else if ((flags & Resolver.AI_NUMERICHOST) != 0) {
        throw new UnknownHostException(host + ": not a numeric address (AI_NUMERICHOST)");
      } else {
        addresses = r.addressesOf(host, family);
      }
      if ((flags & Resolver.AI_CANONNAME) != 0 && canonical == null) canonical = r.gethostbynameEx(host).name();
    }
    List<AddrInfo> out = new ArrayList<>();
    for (InetAddress a : addresses) {
      int f = a instanceof Inet6Address ? Resolver.AF_INET6 : Resolver.AF_INET;
      if (family != Resolver.AF_UNSPEC && family != f) continue;
      InetSocketAddress sa = new InetSocketAddress(a, port);
      for (int t : type == 0 ? new int[] {Resolver.SOCK_STREAM, Resolver.SOCK_DGRAM, Resolver.SOCK_RAW} : new int[] {type}) {
        int proto = t == Resolver.SOCK_STREAM ? Resolver.IPPROTO_TCP : t == Resolver.SOCK_DGRAM ? Resolver.IPPROTO_UDP : 0;
        out.add(new AddrInfo(f, t, proto, out.isEmpty() && (flags & Resolver.AI_CANONNAME) != 0 ? canonical : null, sa));
      }
    }
    if (out.isEmpty()) {
      throw new UnknownHostException(host + ": no " + (family == Resolver.AF_INET ? "IPv4" : "IPv6") + " address");
    }
    return out;
  }

  static HostEntry gethostbynameEx(Resolver r, String host) throws UnknownHostException {
    List<String> v4 = new ArrayList<>();
    for (InetAddress a : r.addressesOf(host, Resolver.AF_INET)) v4.add(a.getHostAddress());
    return new HostEntry(host, List.of(), v4);
  }

  static List<InetAddress> addressesOf(Resolver r, String host, int family) throws UnknownHostException {
    if (family != Resolver.AF_UNSPEC && family != Resolver.AF_INET && family != Resolver.AF_INET6) {
      throw new IllegalArgumentException("family " + family + " is not AF_UNSPEC, AF_INET or AF_INET6");
    }
    List<InetAddress> all = r.getaddrinfo(host);
    if (family == Resolver.AF_UNSPEC) return all;
    List<InetAddress> wanted = new ArrayList<>();
    for (InetAddress a : all) {
      if ((a instanceof Inet4Address) == (family == Resolver.AF_INET)) wanted.add(a);
    }
    if (wanted.isEmpty()) throw new UnknownHostException(host + ": no " + (family == Resolver.AF_INET ? "IPv4" : "IPv6") + " address");
    return wanted;
  }

  static NameInfo getnameinfo(Resolver r, InetSocketAddress address, int flags) throws UnknownHostException {
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("getnameinfo(" + address + "): give a numeric address, not an unresolved name");
    }
    if ((flags & ~KNOWN_NI_FLAGS) != 0) {
      throw new IllegalArgumentException("getnameinfo: unknown flags 0x" + Integer.toHexString(flags & ~KNOWN_NI_FLAGS));
    }
    String ip = address.getAddress().getHostAddress();
    String host = ip;
    if ((flags & Resolver.NI_NUMERICHOST) == 0) {
      try {
        host = r.gethostbyaddr(ip);
        if ((flags & Resolver.NI_NOFQDN) != 0 && host.indexOf('.') > 0) host = host.substring(0, host.indexOf('.'));
      } catch (UnknownHostException e) {
        if ((flags & Resolver.NI_NAMEREQD) != 0) throw e;
      }
    }
    int port = address.getPort();
    String service = (flags & Resolver.NI_NUMERICSERV) != 0 ? null
        : Services.name(port, (flags & Resolver.NI_DGRAM) != 0 ? "udp" : "tcp");
    return new NameInfo(host, service != null ? service : Integer.toString(port));
  }

  /** {@code host} as an address when it is a numeric one (IPv4 dotted quad or IPv6), else null; never a lookup. */
  static InetAddress numeric(String host) {
    if (host.isEmpty() || !(Character.digit(host.charAt(0), 16) >= 0 || host.charAt(0) == ':')) return null;
    try {
      return InetAddress.ofLiteral(host);
    } catch (IllegalArgumentException notLiteral) {
      return null;
    }
  }

  private static InetAddress literal(String text) {
    return InetAddress.ofLiteral(text);
  }

  /** The services file ({@code /etc/services}): port and protocol to name, read once. */
  static final class Services {
    private Services() {}

    private static final Map<String, String> NAMES = read(Path.of("/etc/services"));

    static String name(int port, String protocol) {
      return NAMES.get(port + "/" + protocol);
    }

    private static Map<String, String> read(Path file) {
      Map<String, String> names = new HashMap<>();
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
      } catch (IOException e) {
        return names; // no services file: every service is its number
      }
      for (String line : lines) {
        int hash = line.indexOf('#');
        if (hash >= 0) line = line.substring(0, hash);
        String[] words = line.strip().split("\\s+");
        if (words.length < 2) continue;
        names.putIfAbsent(words[1], words[0]); // "80/tcp" -> "http": the first entry wins, as getservbyport
      }
      return names;
    }
  }
}
