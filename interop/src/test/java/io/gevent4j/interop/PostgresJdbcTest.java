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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Timeout;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL JDBC driver behind a HikariCP pool, in greenlets, against a real PostgreSQL
 * ({@link Postgres}): 100 greenlets of one hub query at once and finish in about the time of one
 * query while a timer greenlet ticks (and 500 share 100 connections); a Timeout around a slow
 * query, or around the wait for a pooled connection, surfaces as the Timeout, the server ends
 * the abandoned query, and the pool stays usable; the driver's socketTimeout and the server's
 * statement_timeout for comparison; a transaction per greenlet; a plain thread beside the
 * greenlets. Each test checks that closing the pool leaves no backend on the server and no
 * descriptor or thread in the JVM. Both backends (the surefire executions).
 */
@org.junit.jupiter.api.Timeout(120)
class PostgresJdbcTest {
  private static final int GREENLETS = 100;
  private static Postgres postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    // the pool's 100, a monitoring connection, room for a test that failed to clean up
    postgres = Postgres.start(GREENLETS + 20);
    // Load the driver's and Hikari's classes here, on the test thread, rather than in the first
    // measured greenlet (class loading is CPU work that holds the hub).
    try (HikariDataSource warm = pool("warm-up", 1); Connection c = warm.getConnection()) {
      assertEquals(1, queryInt(c, "select 1"));
    }
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) postgres.close();
  }

  /**
   * A pool as the docs advise: a connection per concurrent greenlet (maximumPoolSize), a bounded
   * wait for one (connectionTimeout), and the driver's socketTimeout (seconds) as a last resort
   * above the longest query.
   */
  private static HikariDataSource pool(String name, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(postgres.jdbcUrl("socketTimeout=30"));
    config.setPoolName(name);
    config.setMaximumPoolSize(size);
    config.setConnectionTimeout(10_000);
    return new HikariDataSource(config);
  }

  /** A connection outside any pool, to watch the server. */
  private static Connection monitor() throws SQLException {
    return DriverManager.getConnection(postgres.jdbcUrl(""));
  }

  private static int queryInt(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      assertTrue(rs.next(), sql);
      return rs.getInt(1);
    }
  }

  /** The server's client backends other than {@code monitor}'s own. */
  private static int otherBackends(Connection monitor) throws SQLException {
    return queryInt(monitor, "select count(*) from pg_stat_activity where backend_type = 'client backend'"
        + " and pid <> pg_backend_pid()");
  }

  /**
   * Waits until the server has no client backend but {@code monitor}'s: every connection a pool
   * opened is closed, and its backend has ended.
   */
  private static double awaitNoOtherBackends(Connection monitor) throws Exception {
    return awaitCondition(10, "client backends still there", () -> otherBackends(monitor) == 0);
  }

  /** One query on a connection of its own from {@code pool}: the usual borrow, run, give back. */
  private static void sleepQuery(DataSource pool, double seconds) throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select pg_sleep(" + seconds + ")")) {
      assertTrue(rs.next());
    }
  }

  /**
   * 100 greenlets each run {@code select pg_sleep(0.2)} through a pool of 100: together they take
   * about one query's time, not 100 × 0.2 s, and a timer greenlet ticking every 10 ms keeps
   * ticking throughout. The pool is filled first (Hikari opens its connections one at a time on
   * its own thread: that cold start is measured apart). Then 500 greenlets share the 100
   * connections: the others wait their turn in the pool, and it takes about five queries' time.
   */
  @Test
  void aHundredConcurrentQueriesTakeAboutOne() {
    inGreenlet(() -> {
      try (Connection monitor = monitor()) {
        awaitNoOtherBackends(monitor); // those of an earlier test's pool may still be ending
        try (HikariDataSource pool = pool("sleeps", GREENLETS); Ticker ticker = Ticker.start(0.01)) {
          // Cold: each greenlet holds its connection until all 100 have one, so the pool opens 100.
          CountDownLatch allConnected = new CountDownLatch(GREENLETS);
          double cold = inGreenlets(GREENLETS, i -> {
            try (Connection c = pool.getConnection()) {
              assertEquals(i, queryInt(c, "select " + i));
              allConnected.countDown();
              assertTrue(allConnected.await(30, TimeUnit.SECONDS), "the pool never held 100 connections at once");
            }
          });
          assertEquals(GREENLETS, pool.getHikariPoolMXBean().getTotalConnections());
          report("PostgreSQL: a cold Hikari pool opened %d connections for %d greenlets in %.3f s", GREENLETS, GREENLETS, cold);

          Interop.Run run = timedInGreenlets(GREENLETS, _ -> sleepQuery(pool, 0.2));
          double took = run.seconds();
          Ticker.Window inFlight = ticker.between(run.start(), run.firstDone());
          Ticker.Window ticks = ticker.between(run.start(), run.lastDone());
          report("PostgreSQL: %d × select pg_sleep(0.2) from %d greenlets in %.3f s (serially: %.1f s); ticker: %s"
              + " (while all were in flight: %s)", GREENLETS, GREENLETS, took, GREENLETS * 0.2, ticks, inFlight);
          assertTrue(took >= 0.2, took + " s: shorter than one query");
          assertTrue(took < 5, took + " s for 100 concurrent 0.2 s queries");
          assertTrue(inFlight.ticks() >= inFlight.possible() / 4, "the timer greenlet stalled: " + inFlight);
          assertTrue(ticks.ticks() >= inFlight.ticks(), ticks.toString());

          // Five times more greenlets than connections: the others queue (cooperatively) for one.
          long start = Ticker.mark();
          double queued = inGreenlets(5 * GREENLETS, _ -> sleepQuery(pool, 0.1));
          Ticker.Window queuedTicks = ticker.since(start);
          report("PostgreSQL: %d × select pg_sleep(0.1) from %d greenlets through %d connections in %.3f s"
              + " (at best %.1f s); ticker: %s", 5 * GREENLETS, 5 * GREENLETS, GREENLETS, queued, 0.5, queuedTicks);
          assertTrue(queued >= 0.5, queued + " s: faster than 5 rounds of 0.1 s on 100 connections");
          assertTrue(queued < 5, queued + " s for 5 rounds of 0.1 s");
          assertTrue(queuedTicks.ticks() >= queuedTicks.possible() / 4, "the timer greenlet stalled: " + queuedTicks);
          assertEquals(GREENLETS, pool.getHikariPoolMXBean().getTotalConnections());
        }
        double gone = awaitNoOtherBackends(monitor);
        report("PostgreSQL: the pool closed, its backends gone from pg_stat_activity in %.3f s", gone);
      }
    });
  }

  /**
   * A Timeout around {@code select pg_sleep(5)}: the caller sees the Timeout (not the driver's
   * exception) after about 0.3 s, and {@code withTimeout} returns its fallback; the server ends
   * the queries at once rather than after 5 s (their client went away); Hikari evicts the broken
   * connections and the next queries succeed.
   */
  @Test
  void aTimeoutAroundASlowQuerySurfacesAsTheTimeout() {
    inGreenlet(() -> {
      try (Connection monitor = monitor()) {
        awaitNoOtherBackends(monitor); // those of an earlier test's pool may still be ending
        try (HikariDataSource pool = pool("timeout", 10)) {
          sleepQuery(pool, 0); // the pool is up

          long start = System.nanoTime();
          Timeout timeout = assertThrows(Timeout.class, () -> slowQuery(pool, 0.3));
          double surfaced = secondsSince(start);
          report("PostgreSQL: Timeout(0.3) around select pg_sleep(5) surfaced as %s after %.3f s", timeout, surfaced);
          assertEquals(0.3, timeout.seconds());
          assertTrue(surfaced >= 0.3 && surfaced < 1.5, "surfaced after " + surfaced + " s");
          assertFalse(Thread.currentThread().isInterrupted(), "the Timeout's interrupt outlived its block");

          double ended = awaitCondition(3, "the server still runs pg_sleep(5)", () -> abandonedSleeps(monitor) == 0);
          report("PostgreSQL: the server ended the abandoned query %.3f s after the Timeout (pg_sleep(5) had %.1f s left)",
              ended, 5 - surfaced);

          // gevent's with_timeout: the fallback, also when the driver's exception ended the call
          start = System.nanoTime();
          assertEquals("fallback", Timeout.withTimeout(0.3, () -> {
            sleepQuery(pool, 5.0);
            return "finished";
          }, "fallback"));
          double fellBack = secondsSince(start);
          assertTrue(fellBack >= 0.3 && fellBack < 1.5, "fell back after " + fellBack + " s");
          awaitCondition(3, "the server still runs pg_sleep(5)", () -> abandonedSleeps(monitor) == 0);

          // The broken connections are evicted: ten queries at once succeed on the others and new ones.
          inGreenlets(10, i -> {
            try (Connection c = pool.getConnection()) {
              assertEquals(i * 7, queryInt(c, "select " + i + " * 7"));
            }
          });
          assertEquals(0, pool.getHikariPoolMXBean().getActiveConnections());
          assertTrue(pool.getHikariPoolMXBean().getTotalConnections() <= 10);
        }
        awaitNoOtherBackends(monitor);
      }
    });
  }

  private static int abandonedSleeps(Connection monitor) throws SQLException {
    return queryInt(monitor, "select count(*) from pg_stat_activity where query = 'select pg_sleep(5.0)'");
  }

  /**
   * A JDK-backed client under {@code Timeout.call}: a Timeout interrupts the driver's socket
   * read, the JDK closes the socket and the driver throws its own exception, which
   * {@code Timeout.call} replaces with the Timeout.
   */
  private static void slowQuery(DataSource pool, double seconds) throws Exception {
    Timeout.call(seconds, () -> {
      try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
        return s.execute("select pg_sleep(5.0)");
      }
    });
  }

  /**
   * A Timeout while waiting for a pooled connection (the pool's only one is taken): Hikari's wait
   * is a JDK wait that the interrupt ends, the caller sees the Timeout, and nothing is broken —
   * the pool still has its one connection, which the next borrower gets.
   */
  @Test
  void aTimeoutWhileWaitingForAPooledConnection() {
    inGreenlet(() -> {
      try (Connection monitor = monitor()) {
        awaitNoOtherBackends(monitor); // those of an earlier test's pool may still be ending
        try (HikariDataSource pool = pool("wait", 1)) {
          CountDownLatch held = new CountDownLatch(1);
          CountDownLatch release = new CountDownLatch(1);
          Greenlet<Integer> holder = Greenlet.spawn(() -> {
            try (Connection c = pool.getConnection()) {
              held.countDown();
              release.await();
              return queryInt(c, "select pg_backend_pid()");
            }
          });
          held.await();

          long start = System.nanoTime();
          Timeout timeout = assertThrows(Timeout.class, () -> {
            try (Timeout t = Timeout.start(0.2)) {
              try (Connection c = pool.getConnection()) {
                throw new AssertionError("got a connection the holder holds: " + c);
              } catch (SQLException e) {
                if (t.fired()) throw t;
                throw e;
              }
            }
          });
          double surfaced = secondsSince(start);
          report("PostgreSQL: Timeout(0.2) around a wait for a pooled connection surfaced as %s after %.3f s", timeout, surfaced);
          assertTrue(surfaced >= 0.2 && surfaced < 1.5, "surfaced after " + surfaced + " s");
          assertFalse(Thread.currentThread().isInterrupted(), "the Timeout's interrupt outlived its block");

          release.countDown();
          int backend = holder.get();
          try (Connection c = pool.getConnection()) {
            assertEquals(backend, queryInt(c, "select pg_backend_pid()"), "the same connection, not a new one");
          }
          assertEquals(1, pool.getHikariPoolMXBean().getTotalConnections());
        }
        awaitNoOtherBackends(monitor);
      }
    });
  }

  /**
   * The driver's own {@code socketTimeout} (whole seconds) in a greenlet: the read's timeout is
   * a timed park, so the hub keeps running meanwhile; the driver reports a broken connection
   * (SQLSTATE 08006 around a {@code SocketTimeoutException}), Hikari evicts it, and the server
   * ends the abandoned query.
   */
  @Test
  void theDriversSocketTimeoutInAGreenlet() {
    inGreenlet(() -> {
      try (Connection monitor = monitor()) {
        awaitNoOtherBackends(monitor); // those of an earlier test's pool may still be ending
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl("socketTimeout=1"));
        config.setPoolName("socket-timeout");
        config.setMaximumPoolSize(2);
        try (HikariDataSource pool = new HikariDataSource(config); Ticker ticker = Ticker.start(0.01)) {
          long start = Ticker.mark();
          SQLException e = assertThrows(SQLException.class, () -> sleepQuery(pool, 3.5));
          double took = secondsSince(start);
          Ticker.Window ticks = ticker.since(start);
          report("PostgreSQL: socketTimeout=1 ended select pg_sleep(3.5) after %.3f s (%s, cause %s); ticker: %s",
              took, e.getSQLState(), e.getCause(), ticks);
          assertEquals("08006", e.getSQLState(), e.toString());
          assertTrue(e.getCause() instanceof java.net.SocketTimeoutException, String.valueOf(e.getCause()));
          assertTrue(took >= 1 && took < 2.5, "after " + took + " s");
          assertTrue(ticks.ticks() >= ticks.possible() / 4, "the timer greenlet stalled: " + ticks);
          awaitCondition(3, "the server still runs pg_sleep(3.5)",
              () -> queryInt(monitor, "select count(*) from pg_stat_activity where query = 'select pg_sleep(3.5)'") == 0);
          sleepQuery(pool, 0); // usable
        }
        awaitNoOtherBackends(monitor);
      }
    });
  }

  /**
   * The server's own limit, for comparison: {@code statement_timeout} cancels the query on the
   * server, the driver reports SQLSTATE 57014, and the connection stays open and usable (a
   * Timeout costs the connection; this costs nothing but the query).
   */
  @Test
  void aServerSideStatementTimeoutKeepsTheConnection() {
    inGreenlet(() -> {
      try (Connection monitor = monitor()) {
        awaitNoOtherBackends(monitor); // those of an earlier test's pool may still be ending
        try (HikariDataSource pool = pool("statement-timeout", 2); Connection c = pool.getConnection();
            Statement s = c.createStatement()) {
          int backend = queryInt(c, "select pg_backend_pid()");
          s.execute("set statement_timeout = 300");
          long start = System.nanoTime();
          SQLException e = assertThrows(SQLException.class, () -> s.execute("select pg_sleep(5)"));
          double took = secondsSince(start);
          report("PostgreSQL: statement_timeout 300 ms cancelled pg_sleep(5) after %.3f s (%s)", took, e.getSQLState());
          assertEquals("57014", e.getSQLState(), e.toString());
          assertEquals(backend, queryInt(c, "select pg_backend_pid()"), "the same connection, still usable");
          s.execute("reset statement_timeout");
        }
        awaitNoOtherBackends(monitor);
      }
    });
  }

  /**
   * A transaction per greenlet, 100 at once: each inserts its row, increments a shared counter
   * (a row lock the server makes them take in turn), reads its row back and commits, and every
   * tenth rolls back. The results are exact.
   */
  @Test
  void aTransactionPerGreenlet() {
    inGreenlet(() -> {
      try (Connection monitor = monitor()) {
        awaitNoOtherBackends(monitor); // those of an earlier test's pool may still be ending
        try (Statement s = monitor.createStatement()) {
          s.execute("drop table if exists entries; drop table if exists counter");
          s.execute("create table entries (greenlet int primary key, square int not null)");
          s.execute("create table counter (id int primary key, n int not null)");
          s.execute("insert into counter values (1, 0)");
        }
        try (HikariDataSource pool = pool("transactions", GREENLETS)) {
          double took = inGreenlets(GREENLETS, i -> {
            try (Connection c = pool.getConnection()) {
              c.setAutoCommit(false);
              try (PreparedStatement insert = c.prepareStatement("insert into entries values (?, ?)")) {
                insert.setInt(1, i);
                insert.setInt(2, i * i);
                assertEquals(1, insert.executeUpdate());
              }
              assertTrue(queryInt(c, "update counter set n = n + 1 where id = 1 returning n") >= 1);
              assertEquals(i * i, queryInt(c, "select square from entries where greenlet = " + i));
              if (i % 10 == 9) c.rollback();
              else c.commit();
            }
          });
          report("PostgreSQL: %d transactions from %d greenlets (a shared row updated by each) in %.3f s", GREENLETS, GREENLETS, took);
          assertEquals(90, queryInt(monitor, "select n from counter"));
          assertEquals(90, queryInt(monitor, "select count(*) from entries"));
          assertEquals(0, queryInt(monitor, "select count(*) from entries where greenlet % 10 = 9"));
          assertEquals(0, queryInt(monitor, "select count(*) from entries where square <> greenlet * greenlet"));
        } finally {
          try (Statement s = monitor.createStatement()) {
            s.execute("drop table entries; drop table counter");
          }
        }
        awaitNoOtherBackends(monitor);
      }
    });
  }

  /**
   * A plain thread (not a greenlet, not the hub's owner) uses the same pool as the greenlets:
   * its five queries in a row block only itself. Meanwhile nine greenlets query through the pool
   * and finish, the timer greenlet ticks, and the owner waits cooperatively for the thread.
   */
  @Test
  void aPlainThreadBlocksOnlyItself() {
    onFreshHub(60, hub -> {
      // The owner thread only waits: the pool is made, used and closed by greenlets and the plain
      // thread, so the owner never queues on one of its locks.
      Connection monitor = Greenlet.spawn(() -> {
        Connection c = monitor();
        awaitNoOtherBackends(c);
        return c;
      }).get();
      HikariDataSource pool = Greenlet.spawn(() -> pool("mixed", 10)).get();
      try (Ticker ticker = Ticker.start(0.01)) {
        // All ten connections open first (Hikari opens them one at a time, 30 ms apart).
        CountDownLatch allConnected = new CountDownLatch(10);
        Greenlet.spawn(() -> inGreenlets(10, _ -> {
          try (Connection c = pool.getConnection()) {
            allConnected.countDown();
            assertTrue(allConnected.await(30, TimeUnit.SECONDS), "the pool never held 10 connections at once");
          }
        })).get();

        AtomicInteger threadQueries = new AtomicInteger();
        CompletableFuture<Double> threadDone = new CompletableFuture<>();
        long start = Ticker.mark();
        Thread plain = Thread.ofPlatform().name("plain-jdbc").start(() -> {
          try {
            for (int q = 0; q < 5; q++) {
              sleepQuery(pool, 0.2);
              threadQueries.incrementAndGet();
            }
            threadDone.complete(secondsSince(start));
          } catch (Throwable e) {
            threadDone.completeExceptionally(e);
          }
        });
        double greenletsTook = Greenlet.spawn(() -> inGreenlets(9, _ -> sleepQuery(pool, 0.2))).get();
        int threadQueriesThen = threadQueries.get();
        double threadTook = Gevent.await(threadDone);
        Ticker.Window ticks = ticker.since(start);
        plain.join();
        report("PostgreSQL: a plain thread's 5 × pg_sleep(0.2) in a row took %.3f s; 9 greenlets' at once %.3f s"
            + " (the thread had done %d); ticker: %s", threadTook, greenletsTook, threadQueriesThen, ticks);
        assertTrue(threadTook >= 1.0, "the thread's queries took " + threadTook + " s");
        assertTrue(threadQueriesThen < 5, "the greenlets finished only after the thread's five queries");
        assertTrue(ticks.ticks() >= ticks.possible() / 4, "the timer greenlet stalled: " + ticks);
        assertEquals(0, pool.getHikariPoolMXBean().getActiveConnections());
      } finally {
        Greenlet.spawn(() -> {
          try (monitor) {
            pool.close();
            awaitNoOtherBackends(monitor);
          }
          return null;
        }).get();
      }
    });
  }
}
