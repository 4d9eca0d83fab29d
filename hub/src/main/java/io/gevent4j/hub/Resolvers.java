package io.gevent4j.hub;

import io.gevent4j.hub.internal.SystemResolver;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/** The resolvers the hub module has, and the lookup of those other modules provide. */
final class Resolvers {
  private Resolvers() {}

  static Resolver create(String name, Hub hub) {
    switch (name) {
      case "thread":
        return new JdkResolver(hub, true);
      case "block":
        return new JdkResolver(hub, false);
      default:
        return provider(name).create(hub);
    }
  }

  /**
   * Fails a hub's start, rather than its first lookup, when {@code gevent.resolver} names a
   * resolver that no module on the class path provides.
   */
  static void checkAvailable(String name) {
    if (!name.equals("thread") && !name.equals("block")) provider(name);
  }

  private static final Map<String, Resolver.Provider> PROVIDERS = new ConcurrentHashMap<>();

  private static Resolver.Provider provider(String name) {
    Resolver.Provider found = PROVIDERS.get(name);
    if (found != null) return found;
    for (Resolver.Provider p : ServiceLoader.load(Resolver.Provider.class)) {
      if (p.name().equals(name)) {
        PROVIDERS.putIfAbsent(name, p);
        return p;
      }
    }
    throw new IllegalArgumentException("gevent.resolver=" + name + " is provided by the gevent4j-dns module, which is"
        + " not on the class path: add the dependency io.gevent4j:gevent4j-dns (module io.gevent4j.dns), or choose"
        + " the resolver thread or block");
  }

  /** The JDK's resolver, run on the hub's thread pool ({@code thread}) or in place ({@code block}). */
  private record JdkResolver(Hub hub, boolean onThreadPool) implements Resolver {
    private <T> T call(Callable<T> lookup) throws UnknownHostException {
      try {
        return onThreadPool ? hub.threadPool().apply(lookup) : lookup.call();
      } catch (CompletionException e) {
        if (e.getCause() instanceof UnknownHostException u) throw u;
        throw e;
      } catch (UnknownHostException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }

    @Override
    public List<InetAddress> getaddrinfo(String host) throws UnknownHostException {
      InetAddress numeric = ResolverDefaults.numeric(host);
      if (numeric != null) return List.of(numeric);
      return call(() -> SystemResolver.lookup(host));
    }

    @Override
    public String gethostbyname(String host) throws UnknownHostException {
      for (InetAddress a : getaddrinfo(host)) {
        if (a instanceof Inet4Address) return a.getHostAddress();
      }
      throw new UnknownHostException(host + ": no IPv4 address");
    }

    @Override
    public String toString() {
      return "JdkResolver(" + (onThreadPool ? "thread" : "block") + ")";
    }

    @Override
    public String gethostbyaddr(String ip) throws UnknownHostException {
      InetAddress a = ResolverDefaults.numeric(ip);
      InetAddress address = a != null ? a : getaddrinfo(ip).get(0);
      return call(() -> SystemResolver.reverse(address));
    }
  }
}
