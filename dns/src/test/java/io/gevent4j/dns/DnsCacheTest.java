package io.gevent4j.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The cache on a clock of the test's: TTLs, the day's cap, the size bound and what goes first. */
class DnsCacheTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong(123 * SECOND);
  private final DnsCache cache = new DnsCache(now::get);

  private static DnsAnswer answer(String name) {
    return new DnsAnswer(name, name, List.of(), List.of("192.0.2.1"), Rcode.NOERROR);
  }

  @Test
  void anAnswerLivesForItsTtl() {
    cache.put("a.test", Type.A, answer("a.test"), 30);
    assertNotNull(cache.get("a.test", Type.A));
    assertNull(cache.get("a.test", Type.AAAA), "another type is another entry");
    now.addAndGet(29 * SECOND);
    assertNotNull(cache.get("a.test", Type.A));
    now.addAndGet(SECOND);
    assertNull(cache.get("a.test", Type.A));
    assertEquals(0, cache.size(), "an expired answer is dropped when met");
  }

  @Test
  void aZeroTtlIsNotKeptAndADayIsTheMost() {
    cache.put("zero.test", Type.A, answer("zero.test"), 0);
    assertNull(cache.get("zero.test", Type.A));
    cache.put("long.test", Type.A, answer("long.test"), 7 * 86_400);
    now.addAndGet(86_400 * SECOND);
    assertNull(cache.get("long.test", Type.A));
  }

  @Test
  void whenFullTheExpiredGoFirstThenTheSoonestToExpire() {
    cache.put("expiring.test", Type.A, answer("expiring.test"), 1);
    for (int i = 0; i < DnsCache.MAX_ENTRIES - 1; i++) cache.put("n" + i + ".test", Type.A, answer("n" + i), 100 + i);
    assertEquals(DnsCache.MAX_ENTRIES, cache.size());
    now.addAndGet(2 * SECOND);
    cache.put("one-more.test", Type.A, answer("one-more.test"), 3600);
    assertTrue(cache.size() <= DnsCache.MAX_ENTRIES * 9 / 10, "size " + cache.size());
    assertNotNull(cache.get("one-more.test", Type.A));
    assertNotNull(cache.get("n" + (DnsCache.MAX_ENTRIES - 2) + ".test", Type.A), "the longest-lived stays");
    assertNull(cache.get("n0.test", Type.A), "the soonest to expire went");
  }
}
