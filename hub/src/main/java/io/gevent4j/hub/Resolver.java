package io.gevent4j.hub;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Name resolution for greenlets (gevent's {@code gevent.resolver} interface): every method
 * waits cooperatively. The hub's resolver is chosen by {@code gevent.resolver}: {@code thread}
 * (the default: the JDK's resolver on the hub's thread pool) and {@code block} (the JDK's
 * resolver on the calling thread, blocking the hub) live here; {@code ares} and {@code dnsjava}
 * come from the {@code gevent4j-dns} module through {@link java.util.ServiceLoader} and
 * {@link Provider}.
 *
 * <p>A resolver implements the three address primitives ({@link #getaddrinfo(String)},
 * {@link #gethostbyname}, {@link #gethostbyaddr}); the rest of gevent's interface
 * ({@link #getaddrinfo(String, int, int, int, int)}, {@link #gethostbynameEx},
 * {@link #gethostbyaddrEx}, {@link #getnameinfo}) has defaults built on them, which resolvers
 * that know more (canonical names, aliases) override. Failures are
 * {@link UnknownHostException}s naming the host; bad arguments are
 * {@link IllegalArgumentException}s.
 */
public interface Resolver {
  /** Any address family ({@code socket.AF_UNSPEC}). */
  int AF_UNSPEC = 0;
  /** IPv4 ({@code socket.AF_INET}). */
  int AF_INET = 2;
  /** IPv6 ({@code socket.AF_INET6}). */
  int AF_INET6 = 10;
  /** A stream socket ({@code socket.SOCK_STREAM}). */
  int SOCK_STREAM = 1;
  /** A datagram socket ({@code socket.SOCK_DGRAM}). */
  int SOCK_DGRAM = 2;
  /** A raw socket ({@code socket.SOCK_RAW}). */
  int SOCK_RAW = 3;
  /** TCP ({@code socket.IPPROTO_TCP}). */
  int IPPROTO_TCP = 6;
  /** UDP ({@code socket.IPPROTO_UDP}). */
  int IPPROTO_UDP = 17;
  /** With no host: the wildcard address, to bind ({@code socket.AI_PASSIVE}). */
  int AI_PASSIVE = 0x1;
  /** Put the canonical name in the first result ({@code socket.AI_CANONNAME}). */
  int AI_CANONNAME = 0x2;
  /** The host must be a numeric address: never a lookup ({@code socket.AI_NUMERICHOST}). */
  int AI_NUMERICHOST = 0x4;
  /** The host part as a numeric address ({@code socket.NI_NUMERICHOST}). */
  int NI_NUMERICHOST = 0x1;
  /** The service part as a port number ({@code socket.NI_NUMERICSERV}). */
  int NI_NUMERICSERV = 0x2;
  /** Only the host name's first label ({@code socket.NI_NOFQDN}). */
  int NI_NOFQDN = 0x4;
  /** Fail when the address has no name, rather than give the number ({@code socket.NI_NAMEREQD}). */
  int NI_NAMEREQD = 0x8;
  /** The service of a datagram port, for the ports whose TCP and UDP names differ ({@code socket.NI_DGRAM}). */
  int NI_DGRAM = 0x10;

  /**
   * Every address of {@code host}, in the order connections should try them (gevent's
   * {@code getaddrinfo}, addresses only). A numeric address is returned as it is.
   *
   * @param host a name or a numeric address
   * @return the addresses, at least one
   * @throws UnknownHostException naming the host when it has no address
   */
  List<InetAddress> getaddrinfo(String host) throws UnknownHostException;

  /**
   * Every address of {@code host} of one family: {@link #AF_INET}, {@link #AF_INET6}, or
   * {@link #AF_UNSPEC} for both, as {@link #getaddrinfo(String)}. This default filters
   * {@code getaddrinfo(host)}; the DNS resolvers ask only for that family's records.
   *
   * @param host a name or a numeric address
   * @param family {@link #AF_INET}, {@link #AF_INET6} or {@link #AF_UNSPEC}
   * @return the addresses of that family, at least one
   * @throws UnknownHostException naming the host when it has no address of that family
   * @throws IllegalArgumentException for another family
   */
  default List<InetAddress> addressesOf(String host, int family) throws UnknownHostException {
    return ResolverDefaults.addressesOf(this, host, family);
  }

  /**
   * {@return one IPv4 address of {@code host}, as text (gevent's {@code gethostbyname})}
   *
   * @param host a name or a numeric address
   * @throws UnknownHostException naming the host when it has no IPv4 address
   */
  String gethostbyname(String host) throws UnknownHostException;

  /**
   * {@return the host name of {@code ip} (gevent's {@code gethostbyaddr}, the name only)}
   *
   * @param ip an address; a name is resolved first
   * @throws UnknownHostException when the address has no name, or a name does not resolve
   */
  String gethostbyaddr(String ip) throws UnknownHostException;

  /**
   * The socket addresses to use for {@code host} and {@code port} (gevent's and Python's
   * {@code getaddrinfo(host, port, family, type, 0, flags)}): one entry per address and socket
   * type ({@code type} 0 gives stream, datagram and raw entries, as the C library does).
   *
   * @param host a name or a numeric address; null for the wildcard address with
   *     {@link #AI_PASSIVE}, else the loopback address
   * @param port 0 to 65535
   * @param family {@link #AF_UNSPEC}, {@link #AF_INET} or {@link #AF_INET6}
   * @param type 0, {@link #SOCK_STREAM}, {@link #SOCK_DGRAM} or {@link #SOCK_RAW}
   * @param flags {@link #AI_PASSIVE}, {@link #AI_CANONNAME}, {@link #AI_NUMERICHOST}, or'ed
   * @return the entries, at least one
   * @throws UnknownHostException naming the host when it has no address of that family, or is
   *     not numeric with {@link #AI_NUMERICHOST}
   * @throws IllegalArgumentException for a port, family, type or flag out of range
   */
  default List<AddrInfo> getaddrinfo(String host, int port, int family, int type, int flags) throws UnknownHostException {
    return ResolverDefaults.getaddrinfo(this, host, port, family, type, flags);
  }

  /**
   * The canonical name, aliases and IPv4 addresses of {@code host} (gevent's
   * {@code gethostbyname_ex}). This default knows no aliases and gives {@code host} itself as the
   * name; the DNS resolvers give the end of the CNAME chain and the names along it.
   *
   * @param host a name or a numeric address
   * @return the name, the aliases and the IPv4 addresses
   * @throws UnknownHostException naming the host when it has no IPv4 address
   */
  default HostEntry gethostbynameEx(String host) throws UnknownHostException {
    return ResolverDefaults.gethostbynameEx(this, host);
  }

  /**
   * {@return the name, aliases and addresses of {@code ip} (gevent's {@code gethostbyaddr})}
   *
   * @param ip an address; a name is resolved first
   * @throws UnknownHostException when the address has no name, or a name does not resolve
   */
  default HostEntry gethostbyaddrEx(String ip) throws UnknownHostException {
    return new HostEntry(gethostbyaddr(ip), List.of(), List.of(ip));
  }

  /**
   * The host and service of a socket address (gevent's and Python's {@code getnameinfo}): the
   * host's name (or number), the port's service name from {@code /etc/services} (or number).
   *
   * @param flags {@link #NI_NUMERICHOST}, {@link #NI_NUMERICSERV}, {@link #NI_NOFQDN},
   *     {@link #NI_NAMEREQD}, {@link #NI_DGRAM}, or'ed
   * @param address a resolved socket address
   * @return the host and the service
   * @throws UnknownHostException with {@link #NI_NAMEREQD} when the address has no name
   * @throws IllegalArgumentException for an unresolved address or an unknown flag
   */
  default NameInfo getnameinfo(InetSocketAddress address, int flags) throws UnknownHostException {
    return ResolverDefaults.getnameinfo(this, address, flags);
  }

  /**
   * One result of {@link #getaddrinfo(String, int, int, int, int)} (Python's
   * {@code (family, type, proto, canonname, sockaddr)}).
   *
   * @param family {@link #AF_INET} or {@link #AF_INET6}
   * @param type {@link #SOCK_STREAM}, {@link #SOCK_DGRAM} or {@link #SOCK_RAW}
   * @param protocol {@link #IPPROTO_TCP}, {@link #IPPROTO_UDP} or 0
   * @param canonicalName the canonical name, in the first result with {@link #AI_CANONNAME};
   *     else null
   * @param address the address and port
   */
  record AddrInfo(int family, int type, int protocol, String canonicalName, InetSocketAddress address) {}

  /**
   * A host's names and addresses (Python's {@code (hostname, aliaslist, ipaddrlist)}).
   *
   * @param name the canonical name
   * @param aliases the other names (a CNAME chain's names before its end)
   * @param addresses the addresses, as text
   */
  record HostEntry(String name, List<String> aliases, List<String> addresses) {
    /** Copies the lists. */
    public HostEntry {
      aliases = List.copyOf(aliases);
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * What {@link #getnameinfo} returns (Python's {@code (host, port)} pair).
   *
   * @param host the name, or the number
   * @param service the service name, or the port number as text
   */
  record NameInfo(String host, String service) {}

  /** Makes resolvers other modules provide; registered in {@code META-INF/services}. */
  interface Provider {
    /** {@return the {@code gevent.resolver} value this provider answers to, e.g. {@code "ares"}} */
    String name();

    /**
     * {@return a resolver for {@code hub}}
     *
     * @param hub the hub the resolver serves
     */
    Resolver create(Hub hub);
  }
}
