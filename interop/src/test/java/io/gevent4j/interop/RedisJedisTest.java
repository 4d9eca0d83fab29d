package io.gevent4j.interop;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static io.gevent4j.interop.Interop.awaitCondition;
import static io.gevent4j.interop.Interop.inGreenlet;
import static io.gevent4j.interop.Interop.inGreenlets;
import static io.gevent4j.interop.Interop.report;
import static io.gevent4j.interop.Interop.secondsSince;
import static io.gevent4j.interop.Interop.timedInGreenlets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Timeout;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Jedis (blocking {@code java.net.Socket}s behind a commons-pool2 pool) in greenlets, against a
 * real Redis ({@link Redis}): 100 greenlets of one hub block in BLPOP at once and finish in about
 * one BLPOP's timeout while a timer greenlet ticks; 100 greenlets × 100 SET/GET round trips with
 * the right values; a Timeout around a long BLPOP, or around the wait for a pooled connection,
 * surfaces as the Timeout, Redis drops the abandoned client, and the pool stays usable; a plain
 * thread beside the greenlets. Jedis 8's
 * {@link RedisClient} (the pooled client that replaces {@link JedisPool}) throughout, and
 * {@code JedisPool} itself once. Each test checks that closing the pool leaves no client on the
 * server and no descriptor or thread in the JVM. Both backends (the surefire executions).
 */
@org.junit.jupiter.api.Timeout(120)
class RedisJedisTest {
  private static final int GREENLETS = 100;
  private static Redis redis;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = Redis.start();
    // Load Jedis' classes here, on the test thread, rather than in the first measured greenlet
    // (class loading is CPU work that holds the hub; so is the platform MBean server that
    // commons-pool2 registers its pools with, started by the first pool).
    try (Jedis warm = monitor(); RedisClient pooled = client(1)) {
      assertEquals("PONG", warm.ping());
      assertEquals("PONG", pooled.ping());
    }
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) redis.close();
  }

  /** The clients' settings: a bounded connect, and a socket timeout as a last resort above the longest command. */
  private static JedisClientConfig clientConfig() {
    return DefaultJedisClientConfig.builder().connectionTimeoutMillis(2_000).socketTimeoutMillis(10_000).build();
  }

  /** The same for a plain {@link Jedis}, which speaks RESP2 only (and says so at every connect unless told). */
  private static JedisClientConfig jedisConfig() {
    return DefaultJedisClientConfig.builder().from(clientConfig()).autoNegotiateProtocol(false).build();
  }

  /** A pooled client of up to {@code maxTotal} connections, all kept when idle, a bounded wait for one. */
  private static RedisClient client(int maxTotal) {
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(maxTotal);
    pool.setMaxIdle(maxTotal);
    pool.setMaxWait(Duration.ofSeconds(10));
    return RedisClient.builder().hostAndPort("127.0.0.1", redis.port).clientConfig(clientConfig()).poolConfig(pool).build();
  }

  /** A connection outside any pool, to watch the server. */
  private static Jedis monitor() {
    return new Jedis(new HostAndPort("127.0.0.1", redis.port), jedisConfig());
  }

  /** A field of {@code INFO clients} ({@code connected_clients}, {@code blocked_clients}). */
  private static int clientsInfo(Jedis monitor, String field) {
    for (String line : monitor.info("clients").split("\r?\n")) {
      if (line.startsWith(field + ":")) return Integer.parseInt(line.substring(field.length() + 1).trim());
    }
    throw new AssertionError("no " + field + " in INFO clients");
  }

  /** Waits until Redis has no client but {@code monitor}: every connection a pool opened is closed. */
  private static double awaitOnlyTheMonitor(Jedis monitor) throws Exception {
    return awaitCondition(10, "other clients still connected", () -> clientsInfo(monitor, "connected_clients") == 1);
  }

  /**
   * 100 greenlets each block in {@code BLPOP} on an empty list for 0.2 s through a pool of 100:
   * together about one timeout, not 100 × 0.2 s, while a timer greenlet ticks every 10 ms. Twice:
   * with the pool empty (each greenlet opens its connection) and with it full.
   */
  @Test
  void aHundredConcurrentBlpopsTakeAboutOne() {
    inGreenlet(() -> {
      try (Jedis monitor = monitor()) {
        awaitOnlyTheMonitor(monitor); // an earlier test's connections may still be closing
        try (RedisClient client = client(GREENLETS); Ticker ticker = Ticker.start(0.01)) {
          for (String round : new String[] {"cold", "warm"}) {
            Interop.Run run = timedInGreenlets(GREENLETS, i -> assertNull(client.blpop(0.2, "empty:" + i)));
            double took = run.seconds();
            Ticker.Window inFlight = ticker.between(run.start(), run.firstDone());
            Ticker.Window ticks = ticker.between(run.start(), run.lastDone());
            report("Redis: %d × BLPOP (0.2 s timeout) from %d greenlets, pool %s, in %.3f s (serially: %.1f s); ticker: %s"
                + " (while all were in flight: %s)", GREENLETS, GREENLETS, round, took, GREENLETS * 0.2, ticks, inFlight);
            assertTrue(took >= 0.2, took + " s: shorter than one BLPOP's timeout");
            assertTrue(took < 5, took + " s for 100 concurrent 0.2 s BLPOPs");
            assertTrue(inFlight.ticks() >= inFlight.possible() / 4, "the timer greenlet stalled: " + inFlight);
            assertTrue(ticks.ticks() >= inFlight.ticks(), ticks.toString());
          }
          assertEquals(GREENLETS, client.getPool().getNumIdle());
          assertEquals(0, clientsInfo(monitor, "blocked_clients"));
        }
        awaitOnlyTheMonitor(monitor);
      }
    });
  }

  /** 100 greenlets × 100 SET/GET round trips, each value read back right, while the timer ticks. */
  @Test
  void aHundredGreenletsTimesAHundredRoundTrips() {
    inGreenlet(() -> {
      try (Jedis monitor = monitor()) {
        awaitOnlyTheMonitor(monitor); // an earlier test's connections may still be closing
        try (RedisClient client = client(GREENLETS); Ticker ticker = Ticker.start(0.01)) {
          long start = Ticker.mark();
          double took = inGreenlets(GREENLETS, i -> {
            for (int j = 0; j < 100; j++) {
              String key = "k:" + i + ":" + j;
              String value = "v" + (i * 1000 + j);
              assertEquals("OK", client.set(key, value));
              assertEquals(value, client.get(key));
            }
          });
          Ticker.Window ticks = ticker.since(start);
          report("Redis: %d greenlets × 100 SET+GET (%d commands) in %.3f s, %.0f commands/s; ticker: %s",
              GREENLETS, GREENLETS * 200, took, GREENLETS * 200 / took, ticks);
          assertTrue(ticks.ticks() >= ticks.possible() / 4, "the timer greenlet stalled: " + ticks);
          assertEquals("v99099", client.get("k:99:99"));
          assertEquals(GREENLETS * 100L, client.dbSize());
          assertEquals("OK", client.flushDB());
        }
        awaitOnlyTheMonitor(monitor);
      }
    });
  }

  /**
   * A Timeout around {@code BLPOP} of 5 s: the caller sees the Timeout (not Jedis' exception) after
   * about 0.3 s, and {@code withTimeout} returns its fallback; Redis drops the blocked clients at
   * once; the pool discards the broken connections and the next commands succeed.
   */
  @Test
  void aTimeoutAroundABlpopSurfacesAsTheTimeout() {
    inGreenlet(() -> {
      try (Jedis monitor = monitor()) {
        awaitOnlyTheMonitor(monitor); // an earlier test's connections may still be closing
        try (RedisClient client = client(10)) {
          assertEquals("PONG", client.ping()); // the pool is up

          long start = System.nanoTime();
          Timeout timeout = assertThrows(Timeout.class, () -> slowBlpop(client, 0.3));
          double surfaced = secondsSince(start);
          report("Redis: Timeout(0.3) around BLPOP of 5 s surfaced as %s after %.3f s", timeout, surfaced);
          assertEquals(0.3, timeout.seconds());
          assertTrue(surfaced >= 0.3 && surfaced < 1.5, "surfaced after " + surfaced + " s");
          assertFalse(Thread.currentThread().isInterrupted(), "the Timeout's interrupt outlived its block");
          double dropped = awaitCondition(3, "Redis still has a blocked client", () -> clientsInfo(monitor, "blocked_clients") == 0);
          report("Redis: the abandoned BLPOP's client was gone %.3f s after the Timeout", dropped);

          // gevent's with_timeout: the fallback, also when Jedis' exception ended the call
          assertEquals("fallback", Timeout.withTimeout(0.3, () -> "popped " + client.blpop(5.0, "never"), "fallback"));
          awaitCondition(3, "Redis still has a blocked client", () -> clientsInfo(monitor, "blocked_clients") == 0);

          inGreenlets(10, i -> {
            assertEquals("OK", client.set("after:" + i, "v" + i));
            assertEquals("v" + i, client.get("after:" + i));
          });
          assertEquals(0, client.getPool().getNumActive());
          assertTrue(client.getPool().getNumIdle() <= 10);
          assertEquals("OK", client.flushDB());
        }
        awaitOnlyTheMonitor(monitor);
      }
    });
  }

  /** A JDK-backed client under {@code Timeout.call}: see {@code PostgresJdbcTest.slowQuery}. */
  private static void slowBlpop(RedisClient client, double seconds) throws Exception {
    Timeout.call(seconds, () -> client.blpop(5.0, "never"));
  }

  /**
   * A Timeout while waiting for a pooled connection (the pool's only one is in a BLPOP): the
   * pool's wait is a JDK wait that the interrupt ends, the caller sees the Timeout, and nothing
   * is broken — the pool keeps its one connection.
   */
  @Test
  void aTimeoutWhileWaitingForAPooledConnection() {
    inGreenlet(() -> {
      try (Jedis monitor = monitor()) {
        awaitOnlyTheMonitor(monitor);
        try (RedisClient client = client(1)) {
          Greenlet<String> holder = Greenlet.spawn(() -> client.blpop(5.0, "hold").getValue());
          awaitCondition(3, "the holder never blocked", () -> clientsInfo(monitor, "blocked_clients") == 1);

          long start = System.nanoTime();
          Timeout timeout = assertThrows(Timeout.class, () -> {
            try (Timeout t = Timeout.start(0.2)) {
              try {
                client.get("anything");
              } catch (JedisException e) {
                if (t.fired()) throw t;
                throw e;
              }
            }
          });
          double surfaced = secondsSince(start);
          report("Redis: Timeout(0.2) around a wait for a pooled connection surfaced as %s after %.3f s", timeout, surfaced);
          assertTrue(surfaced >= 0.2 && surfaced < 1.5, "surfaced after " + surfaced + " s");
          assertFalse(Thread.currentThread().isInterrupted(), "the Timeout's interrupt outlived its block");

          assertEquals(1, monitor.rpush("hold", "released"));
          assertEquals("released", holder.get());
          assertEquals("PONG", client.ping());
          assertEquals(1, client.getPool().getCreatedCount());
          assertEquals(0, client.getPool().getDestroyedCount());
        }
        awaitOnlyTheMonitor(monitor);
      }
    });
  }

  /**
   * A plain thread (not a greenlet, not the hub's owner) uses the same client as the greenlets:
   * its five BLPOPs in a row block only itself, while nine greenlets' finish, the timer greenlet
   * ticks, and the owner waits cooperatively for the thread.
   */
  @Test
  void aPlainThreadBlocksOnlyItself() {
    onFreshHub(60, hub -> {
      Jedis monitor = Greenlet.spawn(() -> {
        Jedis m = monitor();
        awaitOnlyTheMonitor(m);
        return m;
      }).get();
      RedisClient client = Greenlet.spawn(() -> client(10)).get();
      try (Ticker ticker = Ticker.start(0.01)) {
        AtomicInteger threadCalls = new AtomicInteger();
        CompletableFuture<Double> threadDone = new CompletableFuture<>();
        long start = Ticker.mark();
        Thread plain = Thread.ofPlatform().name("plain-jedis").start(() -> {
          try {
            for (int q = 0; q < 5; q++) {
              assertNull(client.blpop(0.2, "plain:" + q));
              threadCalls.incrementAndGet();
            }
            threadDone.complete(secondsSince(start));
          } catch (Throwable e) {
            threadDone.completeExceptionally(e);
          }
        });
        double greenletsTook = Greenlet.spawn(() -> inGreenlets(9, i -> assertNull(client.blpop(0.2, "green:" + i)))).get();
        int threadCallsThen = threadCalls.get();
        double threadTook = Gevent.await(threadDone);
        Ticker.Window ticks = ticker.since(start);
        plain.join();
        report("Redis: a plain thread's 5 × BLPOP (0.2 s) in a row took %.3f s; 9 greenlets' at once %.3f s"
            + " (the thread had done %d); ticker: %s", threadTook, greenletsTook, threadCallsThen, ticks);
        assertTrue(threadTook >= 1.0, "the thread's BLPOPs took " + threadTook + " s");
        assertTrue(threadCallsThen < 5, "the greenlets finished only after the thread's five BLPOPs");
        assertTrue(ticks.ticks() >= ticks.possible() / 4, "the timer greenlet stalled: " + ticks);
      } finally {
        Greenlet.spawn(() -> {
          try (monitor) {
            client.close();
            awaitOnlyTheMonitor(monitor);
          }
          return null;
        }).get();
      }
    });
  }

  /**
   * The classic {@link JedisPool} (deprecated by Jedis 8 for {@link RedisClient}, still widely
   * used): a {@link Jedis} borrowed per greenlet, 100 BLPOPs at once, then a Timeout around a long
   * BLPOP on a borrowed one; the broken {@code Jedis} goes back to the pool as broken and the
   * pool stays usable.
   */
  @Test
  @SuppressWarnings("deprecation")
  void theClassicJedisPool() {
    inGreenlet(() -> {
      try (Jedis monitor = monitor()) {
        awaitOnlyTheMonitor(monitor); // an earlier test's connections may still be closing
        GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(GREENLETS);
        config.setMaxIdle(GREENLETS);
        config.setMaxWait(Duration.ofSeconds(10));
        try (JedisPool pool = new JedisPool(config, new HostAndPort("127.0.0.1", redis.port), jedisConfig())) {
          double took = inGreenlets(GREENLETS, i -> {
            try (Jedis jedis = pool.getResource()) {
              assertNull(jedis.blpop(0.2, "empty:" + i));
            }
          });
          report("Redis: JedisPool, %d × BLPOP (0.2 s timeout) from %d greenlets in %.3f s", GREENLETS, GREENLETS, took);
          assertTrue(took >= 0.2 && took < 5, took + " s for 100 concurrent 0.2 s BLPOPs");

          long start = System.nanoTime();
          assertThrows(Timeout.class, () -> {
            try (Timeout t = Timeout.start(0.3); Jedis jedis = pool.getResource()) {
              try {
                jedis.blpop(5.0, "never");
              } catch (JedisException e) {
                if (t.fired()) throw t;
                throw e;
              }
            }
          });
          double surfaced = secondsSince(start);
          assertTrue(surfaced >= 0.3 && surfaced < 1.5, "surfaced after " + surfaced + " s");
          awaitCondition(3, "Redis still has a blocked client", () -> clientsInfo(monitor, "blocked_clients") == 0);
          inGreenlets(10, i -> {
            try (Jedis jedis = pool.getResource()) {
              assertEquals("OK", jedis.set("after:" + i, "v" + i));
              assertEquals("v" + i, jedis.get("after:" + i));
            }
          });
          assertEquals(0, pool.getNumActive());
          try (Jedis jedis = pool.getResource()) {
            assertEquals("OK", jedis.flushDB());
          }
        }
        awaitOnlyTheMonitor(monitor);
      }
    });
  }
}
