package io.gevent4j.dns.internal;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.hub.Resolver;
import io.gevent4j.hub.internal.SystemResolver;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The JDK's resolver hook ({@code java.net.spi}, registered in {@code META-INF/services} and in
 * the module): inside a greenlet, {@code InetAddress.getByName}, {@code new Socket(host, port)},
 * {@code HttpClient} and every JDK library resolve through the greenlet's hub's resolver, so the
 * lookup parks the greenlet rather than its hub; everywhere else (plain threads, the thread
 * pool's threads, a hub's own thread) they resolve as before, with the JDK's built-in resolver.
 * {@code -Dgevent.resolver.jdk=false} turns the hook off.
 */
public final class GeventInetAddressResolverProvider extends InetAddressResolverProvider {
  /** The property that turns the hook off. */
  static final String PROPERTY = "gevent.resolver.jdk";

  /** For the ServiceLoader. */
  public GeventInetAddressResolverProvider() {}

  @Override
  public InetAddressResolver get(Configuration configuration) {
    InetAddressResolver builtin = configuration.builtinResolver();
    // the hub's thread and block resolvers ask the built-in resolver directly from now on
    SystemResolver.install(builtin);
    if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").strip())) return builtin;
    return new Hooked(builtin);
  }

  @Override
  public String name() {
    return "gevent4j";
  }

  /** The hub's resolver inside greenlets, the built-in one elsewhere and when re-entered. */
  private static final class Hooked implements InetAddressResolver {
    /** Set while a lookup runs through a hub's resolver: a resolver that calls InetAddress gets the built-in one. */
    private static final ThreadLocal<Boolean> INSIDE = new ThreadLocal<>();

    private final InetAddressResolver builtin;

    Hooked(InetAddressResolver builtin) {
      this.builtin = builtin;
    }

    @Override
    public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
      Hub hub = greenletHub();
      if (hub == null) return builtin.lookupByName(host, policy);
      int c = policy.characteristics();
      boolean v4 = (c & LookupPolicy.IPV4) != 0;
      boolean v6 = (c & LookupPolicy.IPV6) != 0;
      int family = v4 && !v6 ? Resolver.AF_INET : v6 && !v4 ? Resolver.AF_INET6 : Resolver.AF_UNSPEC;
      List<InetAddress> found;
      INSIDE.set(Boolean.TRUE);
      try {
        found = hub.resolver().addressesOf(host, family);
      } finally {
        INSIDE.remove();
      }
      if ((c & (LookupPolicy.IPV4_FIRST | LookupPolicy.IPV6_FIRST)) == 0) return found.stream();
      boolean v4First = (c & LookupPolicy.IPV4_FIRST) != 0;
      List<InetAddress> ordered = new ArrayList<>(found.size());
      for (InetAddress a : found) if ((a instanceof Inet4Address) == v4First) ordered.add(a);
      for (InetAddress a : found) if ((a instanceof Inet4Address) != v4First) ordered.add(a);
      return ordered.stream();
    }

    @Override
    public String lookupByAddress(byte[] addr) throws UnknownHostException {
      Hub hub = greenletHub();
      if (hub == null) return builtin.lookupByAddress(addr);
      INSIDE.set(Boolean.TRUE);
      try {
        return hub.resolver().gethostbyaddr(InetAddress.getByAddress(addr).getHostAddress());
      } finally {
        INSIDE.remove();
      }
    }

    /** The hub of the greenlet running this, or null outside greenlets and inside a hub's resolver. */
    private static Hub greenletHub() {
      if (INSIDE.get() != null) return null;
      RawGreenlet g = RawGreenlet.current();
      if (g == null) return null;
      Hub hub = g.hub();
      return hub.isClosed() ? null : hub;
    }
  }
}
