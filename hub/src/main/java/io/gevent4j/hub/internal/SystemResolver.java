package io.gevent4j.hub.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolver.LookupPolicy;
import java.util.List;

/**
 * The system's resolver as the hub's {@code thread} and {@code block} resolvers call it: the JDK's
 * built-in resolver itself once the dns module's {@code InetAddress} hook has handed it over, so
 * that a lookup made for a greenlet never goes back through {@code InetAddress} (whose per-host
 * lock the greenlet may already hold: a pool thread asking for the same host would wait for it
 * for ever); {@code InetAddress} until then.
 */
public final class SystemResolver {
  private SystemResolver() {}

  private static volatile InetAddressResolver builtin;

  /** Called by the JDK hook with the JDK's built-in resolver. */
  public static void install(InetAddressResolver resolver) {
    builtin = resolver;
  }

  /** Every address of {@code host}, in the JDK's order (IPv4 first unless {@code java.net.preferIPv6Addresses}). */
  public static List<InetAddress> lookup(String host) throws UnknownHostException {
    InetAddressResolver r = builtin;
    if (r == null) return List.of(InetAddress.getAllByName(host));
    return r.lookupByName(host, LookupPolicy.of(policy())).toList();
  }

  /** The host name of {@code address}, as {@code getnameinfo} gives it. */
  public static String reverse(InetAddress address) throws UnknownHostException {
    InetAddressResolver r = builtin;
    if (r != null) return r.lookupByAddress(address.getAddress());
    String name = InetAddress.getByAddress(address.getAddress()).getCanonicalHostName();
    if (name.equals(address.getHostAddress())) throw new UnknownHostException(address.getHostAddress() + ": no host name");
    return name;
  }

  /** The JDK's platform lookup policy, from its two properties. */
  private static int policy() {
    if (Boolean.getBoolean("java.net.preferIPv4Stack")) return LookupPolicy.IPV4;
    String v6 = System.getProperty("java.net.preferIPv6Addresses", "false");
    if (v6.equalsIgnoreCase("true")) return LookupPolicy.IPV4 | LookupPolicy.IPV6 | LookupPolicy.IPV6_FIRST;
    if (v6.equalsIgnoreCase("system")) return LookupPolicy.IPV4 | LookupPolicy.IPV6;
    return LookupPolicy.IPV4 | LookupPolicy.IPV6 | LookupPolicy.IPV4_FIRST;
  }
}
