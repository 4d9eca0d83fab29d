package io.gevent4j.hub;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

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
        for (Resolver.Provider p : ServiceLoader.load(Resolver.Provider.class)) {
          if (p.name().equals(name)) return p.create(hub);
        }
        throw new IllegalStateException("gevent.resolver=" + name + " needs the gevent4j-dns module on the class path");
    }
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
      return call(() -> List.of(InetAddress.getAllByName(host)));
    }

    @Override
    public String gethostbyname(String host) throws UnknownHostException {
      return call(() -> {
        for (InetAddress a : InetAddress.getAllByName(host)) {
          if (a instanceof Inet4Address) return a.getHostAddress();
        }
        throw new UnknownHostException(host + ": no IPv4 address");
      });
    }

    @Override
    public String gethostbyaddr(String ip) throws UnknownHostException {
      return call(() -> {
        InetAddress a = InetAddress.getByName(ip);
        String name = a.getCanonicalHostName();
        if (name.equals(a.getHostAddress())) throw new UnknownHostException(ip + ": no host name");
        return name;
      });
    }
  }
}
