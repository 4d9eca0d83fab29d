/**
 * The DNS benchmark ({@code bench/dns.sh}): lookups through gevent4j's {@code thread},
 * {@code ares} and {@code dnsjava} resolvers side by side with Netty's {@code DnsNameResolver}
 * and the JDK's {@link java.net.InetAddress}, against a local dnsmasq.
 */
package io.gevent4j.bench.dns;
