/**
 * gevent4j's threading module (gevent's {@code gevent.threading} and {@code gevent.thread}):
 * greenlets where Java code expects threads. {@link io.gevent4j.threading.Threading} maps
 * gevent's {@code get_ident}, {@code main_thread}, {@code current_thread} and
 * {@code allocate_lock} onto greenlets and the gevent4j primitives.
 */
package io.gevent4j.threading;
