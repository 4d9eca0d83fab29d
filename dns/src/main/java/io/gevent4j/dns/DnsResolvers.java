package io.gevent4j.dns;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Resolver;
import java.util.Objects;

/**
 * The dns module's resolvers (gevent's {@code gevent.resolver.ares} and
 * {@code gevent.resolver.dnspython}): the hub picks one with {@code gevent.resolver=ares} or
 * {@code dnsjava}, or code gives a hub one with {@link Hub#setResolver}. Both answer the same way
 * (the hosts file, the search list, CNAME chains, a TTL cache; docs/dns.md); they differ in how
 * queries travel. A resolver belongs to one hub and is closed with it.
 */
public final class DnsResolvers {
  private DnsResolvers() {}

  /**
   * c-ares driven by {@code hub}'s own watchers, configured from the system
   * ({@link DnsConfig#fromSystem()}).
   *
   * @param hub the hub whose watchers drive it
   * @return a new resolver
   */
  public static Resolver ares(Hub hub) {
    return ares(hub, DnsConfig.fromSystem());
  }

  /**
   * c-ares driven by {@code hub}'s own watchers: no thread of its own.
   *
   * @param hub the hub whose watchers drive it
   * @param config the nameservers, search list and tries
   * @return a new resolver
   * @throws IllegalStateException when the hub is closed
   */
  public static Resolver ares(Hub hub, DnsConfig config) {
    Objects.requireNonNull(hub, "hub");
    Objects.requireNonNull(config, "config");
    return new DnsResolver("ares", new AresTransport(hub, config), config);
  }

  /**
   * dnsjava's messages over gevent4j's cooperative sockets, configured from the system.
   *
   * @param hub the hub whose sockets it uses
   * @return a new resolver
   */
  public static Resolver dnsjava(Hub hub) {
    return dnsjava(hub, DnsConfig.fromSystem());
  }

  /**
   * dnsjava's messages over gevent4j's cooperative UDP socket, TCP when a reply is truncated.
   *
   * @param hub the hub whose sockets it uses
   * @param config the nameservers, search list and tries
   * @return a new resolver
   */
  public static Resolver dnsjava(Hub hub, DnsConfig config) {
    Objects.requireNonNull(hub, "hub");
    Objects.requireNonNull(config, "config");
    return new DnsResolver("dnsjava", new SocketTransport(config), config);
  }
}
