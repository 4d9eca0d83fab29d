/**
 * Ordinary blocking Java clients in greenlets, proven against real servers: the PostgreSQL JDBC
 * driver behind a HikariCP pool and Jedis, each on a blocking {@code java.net.Socket}, talking
 * to a PostgreSQL and a Redis that the tests start themselves on 127.0.0.1 (Debian's
 * {@code postgresql} and {@code redis-server}, which {@code ./dev} installs).
 *
 * <p>What the tests hold on both backends: 100 greenlets of one hub wait on the server at once
 * and finish in about the time of one wait while a timer greenlet keeps ticking; a
 * {@link io.gevent4j.hub.Timeout} around a slow call surfaces as the Timeout and the pool stays
 * usable; a plain thread uses the same clients and blocks only itself; no connection, descriptor
 * or thread is left behind once the pool is closed.
 *
 * <p>This module is tests only: it has no main classes, is not in the BOM and is not deployed.
 */
package io.gevent4j.interop;
