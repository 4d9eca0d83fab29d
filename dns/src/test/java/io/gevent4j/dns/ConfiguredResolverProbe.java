package io.gevent4j.dns;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.hub.Hub;
import java.net.InetAddress;

/**
 * Run by {@link DnsmasqResolverTest} in a JVM of its own with {@code gevent.resolver} set: prints
 * the hub's resolver and what {@code InetAddress} finds for {@code args[0]} inside a greenlet.
 */
public final class ConfiguredResolverProbe {
  private ConfiguredResolverProbe() {}

  public static void main(String[] args) {
    Hub hub = Hub.current();
    try {
      System.out.println("resolver " + hub.resolver());
      System.out.println("found " + Gevent.spawn(() -> InetAddress.getByName(args[0]).getHostAddress()).get());
    } finally {
      hub.close();
    }
  }
}
