/**
 * gevent4j's DNS resolvers (gevent's {@code gevent.resolver}): {@code ares} (c-ares driven by
 * the hub's watchers) and {@code dnsjava} (gevent4j's own cooperative sockets), both with the
 * hosts file, the search list and a TTL cache; and the JDK's resolver hook, so that
 * {@code InetAddress} resolves cooperatively inside greenlets.
 */
module io.gevent4j.dns {
  requires transitive io.gevent4j.io;
  requires org.dnsjava;

  exports io.gevent4j.dns;

  provides io.gevent4j.hub.Resolver.Provider with
      io.gevent4j.dns.internal.ResolverProviders.Ares,
      io.gevent4j.dns.internal.ResolverProviders.Dnsjava;
  provides java.net.spi.InetAddressResolverProvider with io.gevent4j.dns.internal.GeventInetAddressResolverProvider;
}
