package io.gevent4j.dns;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Answers kept for as long as their TTL says (positive answers: the smallest TTL of the records
 * used; NXDOMAIN and NODATA: the SOA's negative TTL, RFC 2308), at most {@link #MAX_ENTRIES}:
 * when full, the expired answers go first, then those closest to expiring. Shared by the
 * greenlets and threads of one resolver.
 *
 * <p>No monitor: a thread that owns a hub must never wait for one that a greenlet of its own
 * hub is next in line for (the greenlet cannot run while its hub's owner holds the turn), so
 * reads take no lock and only one caller at a time sweeps, the others going on without waiting.
 */
final class DnsCache {
  /** How many answers are kept at most. */
  static final int MAX_ENTRIES = 10_000;
  /** No answer is kept longer than a day, whatever its TTL says (as nscd and most caches cap it). */
  static final long MAX_TTL_SECONDS = 86_400;

  private record Cached(DnsAnswer answer, long expiresAt) {}

  private final ConcurrentHashMap<String, Cached> entries = new ConcurrentHashMap<>();
  private final AtomicBoolean sweeping = new AtomicBoolean();
  private final LongSupplier nanoTime;

  DnsCache() {
    this(System::nanoTime);
  }

  /** With its own clock, for tests. */
  DnsCache(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** The answer for {@code name} and {@code type} while it is fresh, else null. */
  DnsAnswer get(String name, int type) {
    String key = key(name, type);
    Cached e = entries.get(key);
    if (e == null) return null;
    if (nanoTime.getAsLong() - e.expiresAt() >= 0) {
      entries.remove(key, e);
      return null;
    }
    return e.answer();
  }

  /** Keeps {@code answer} for {@code ttlSeconds} (capped at a day); nothing for a TTL of 0. */
  void put(String name, int type, DnsAnswer answer, long ttlSeconds) {
    if (ttlSeconds <= 0) return;
    long ttl = Math.min(ttlSeconds, MAX_TTL_SECONDS);
    entries.put(key(name, type), new Cached(answer, nanoTime.getAsLong() + ttl * 1_000_000_000L));
    if (entries.size() > MAX_ENTRIES && sweeping.compareAndSet(false, true)) {
      try {
        sweep();
      } finally {
        sweeping.set(false);
      }
    }
  }

  /** Down to 90 % of the maximum: the expired first, then the soonest to expire. */
  private void sweep() {
    long now = nanoTime.getAsLong();
    entries.values().removeIf(e -> now - e.expiresAt() >= 0);
    int excess = entries.size() - MAX_ENTRIES * 9 / 10;
    if (excess <= 0) return;
    List<Map.Entry<String, Cached>> all = new ArrayList<>(entries.entrySet());
    all.sort(Comparator.comparingLong(e -> e.getValue().expiresAt() - now));
    for (int i = 0; i < excess && i < all.size(); i++) entries.remove(all.get(i).getKey(), all.get(i).getValue());
  }

  int size() {
    return entries.size();
  }

  private static String key(String name, int type) {
    return type + "/" + name;
  }
}
