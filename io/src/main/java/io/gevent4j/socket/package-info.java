/**
 * Cooperative sockets (gevent's {@code gevent.socket}): {@link io.gevent4j.socket.Socket} on
 * non-blocking descriptors and the hub's io watchers, {@link io.gevent4j.socket.SslSocket} for
 * TLS over them (gevent's {@code gevent.ssl}), and {@link io.gevent4j.socket.Sockets} for waits
 * on raw descriptors.
 */
package io.gevent4j.socket;
