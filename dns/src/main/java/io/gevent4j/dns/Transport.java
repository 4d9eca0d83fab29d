package io.gevent4j.dns;

import java.io.IOException;

/**
 * How a resolver gets a DNS reply: what the {@code ares} and {@code dnsjava} resolvers do
 * differently (c-ares's channel driven by the hub's watchers, or gevent4j's own cooperative UDP
 * and TCP sockets). Everything else — the hosts file, the search list, CNAME chains, the cache,
 * the shape of the answers — is {@link DnsResolver}'s, the same for both.
 */
interface Transport extends AutoCloseable {
  /**
   * Sends {@code query} to the configured nameservers and returns the reply: each server in
   * turn, each tried up to the configured attempts, waiting the configured timeout per try;
   * over UDP, and again over TCP when the UDP reply is truncated. The reply's ID and question
   * match the query's (a reply that does not is dropped, as if lost). Waits cooperatively: the
   * calling greenlet parks, a plain thread runs its hub.
   *
   * @param query a whole query message (header with its ID, one question)
   * @return the whole reply message, whatever its RCODE
   * @throws java.net.SocketTimeoutException when no server answered within the attempts, naming
   *     the servers and the timeout
   * @throws IOException when no server could be reached at all
   */
  byte[] exchange(byte[] query) throws IOException;

  /** Stops using the nameservers; queries waiting get an {@link IOException}. Idempotent. */
  @Override
  void close();
}
