/**
 * Cooperative sockets (gevent's {@code gevent.socket}): {@link io.gevent4j.socket.Socket} on
 * non-blocking descriptors and the hub's io watchers, and {@link io.gevent4j.socket.Sockets}
 * for waits on raw descriptors.
 */
package io.gevent4j.socket;
