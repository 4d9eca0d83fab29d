/**
 * Servers (gevent's {@code gevent.server}): {@link io.gevent4j.server.StreamServer} accepts TCP
 * (or Unix stream) connections and runs a handler for each in a greenlet of its own;
 * {@link io.gevent4j.server.DatagramServer} does the same for each UDP datagram. Both extend
 * {@link io.gevent4j.server.BaseServer} (gevent's {@code gevent.baseserver.BaseServer}), which
 * holds what they share: the spawn policy, the read loop and the life cycle.
 *
 * <p>A server runs on the hub of the greenlet or thread that starts it: its read loop and its
 * handlers are greenlets of that hub. The spawn policy is one greenlet per connection or
 * datagram, or a bounded {@link io.gevent4j.greenlet.Pool} (its own through
 * {@code maxConcurrency(n)}, or a shared one through {@code spawn(pool)}), in which case the
 * server stops reading while the pool is full. {@code stop(timeout)} is graceful: it stops
 * reading, waits for the handlers up to the timeout, kills the rest, and returns once they are
 * gone; {@code close()} is {@code stop(0)}. To use several cores, run one server per hub on one
 * port with {@code reusePort(true)}. See {@code docs/server.md}.
 */
package io.gevent4j.server;
