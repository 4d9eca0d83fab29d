package io.gevent4j.hub;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Name resolution for greenlets (gevent's {@code gevent.resolver} interface): every method
 * waits cooperatively. The hub's resolver is chosen by {@code gevent.resolver}: {@code thread}
 * (the default: the JDK's resolver on the hub's thread pool) and {@code block} (the JDK's
 * resolver on the calling thread, blocking the hub) live here; {@code ares} and {@code dnsjava}
 * come from the {@code gevent4j-dns} module through {@link java.util.ServiceLoader} and
 * {@link Provider}.
 */
public interface Resolver {
  /** Every address of {@code host} (gevent's {@code getaddrinfo}, addresses only). */
  List<InetAddress> getaddrinfo(String host) throws UnknownHostException;

  /** One IPv4 address of {@code host}, as text (gevent's {@code gethostbyname}). */
  String gethostbyname(String host) throws UnknownHostException;

  /** The host name of {@code ip} (gevent's {@code gethostbyaddr}, the name only). */
  String gethostbyaddr(String ip) throws UnknownHostException;

  /** Makes resolvers other modules provide; registered in {@code META-INF/services}. */
  interface Provider {
    /** The {@code gevent.resolver} value this provider answers to, e.g. {@code "ares"}. */
    String name();

    /** A resolver for {@code hub}. */
    Resolver create(Hub hub);
  }
}
