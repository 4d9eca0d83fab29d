package io.gevent4j.dns.internal;

import io.gevent4j.dns.DnsResolvers;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Resolver;

/** The {@code gevent.resolver} names the dns module answers to, for the hub's ServiceLoader. */
public final class ResolverProviders {
  private ResolverProviders() {}

  /** {@code gevent.resolver=ares}. */
  public static final class Ares implements Resolver.Provider {
    /** For the ServiceLoader. */
    public Ares() {}

    @Override
    public String name() {
      return "ares";
    }

    @Override
    public Resolver create(Hub hub) {
      return DnsResolvers.ares(hub);
    }
  }

  /** {@code gevent.resolver=dnsjava}. */
  public static final class Dnsjava implements Resolver.Provider {
    /** For the ServiceLoader. */
    public Dnsjava() {}

    @Override
    public String name() {
      return "dnsjava";
    }

    @Override
    public Resolver create(Hub hub) {
      return DnsResolvers.dnsjava(hub);
    }
  }
}
