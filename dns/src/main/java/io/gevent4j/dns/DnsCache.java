package io.gevent4j.dns;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers kept for as long as their TTL says (positive answers: the smallest TTL of the records
 * used; NXDOMAIN and NODATA: the SOA's negative TTL, RFC 2308), at most {@link #MAX_ENTRIES},
 * least recently used first out. Shared by the greenlets and threads of one resolver.
 */
final class DnsCache {
  /** How many answers are kept at most. */
  static final int MAX_ENTRIES = 10_000;
  /** No answer is kept longer than a day, whatever its TTL says (as nscd and most caches cap it). */
  static final long MAX_TTL_SECONDS = 86_400;

  private record Cached(DnsAnswer answer, long expiresAt) {}

  private final LinkedHashMap<String, Cached> entries = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  /** The answer for {@code name} and {@code type} while it is fresh, else null. */
  synchronized DnsAnswer get(String name, int type) {
    String key = key(name, type);
    Cached e = entries.get(key);
    if (e == null) return null;
    if (System.nanoTime() - e.expiresAt() >= 0) {
      entries.remove(key);
      return null;
    }
    return e.answer();
  }

  /** Keeps {@code answer} for {@code ttlSeconds} (capped at a day); nothing for a TTL of 0. */
  synchronized void put(String name, int type, DnsAnswer answer, long ttlSeconds) {
    if (ttlSeconds <= 0) return;
    long ttl = Math.min(ttlSeconds, MAX_TTL_SECONDS);
    entries.put(key(name, type), new Cached(answer, System.nanoTime() + ttl * 1_000_000_000L));
  }

  synchronized int size() {
    return entries.size();
  }

  private static String key(String name, int type) {
    return type + "/" + name;
  }
}
