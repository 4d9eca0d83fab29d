/**
 * The hub: one per platform thread, scheduling that thread's greenlets (virtual threads whose
 * scheduler is the hub) over its event loop — gevent's {@code gevent.hub}, {@code gevent.timeout},
 * {@code gevent.threadpool}, {@code gevent._config} and the blocking monitor.
 *
 * <p>Entry points: {@link io.gevent4j.hub.Hub#current()}, {@link io.gevent4j.hub.Hub#sleep(double)},
 * {@link io.gevent4j.hub.Hub#await(java.util.concurrent.CompletionStage)},
 * {@link io.gevent4j.hub.Timeout}, {@link io.gevent4j.hub.Waiter}, {@link io.gevent4j.hub.ThreadPool}.
 * Programs need the JVM flags {@code --add-opens java.base/java.lang=ALL-UNNAMED
 * --enable-native-access=ALL-UNNAMED}, and should add {@code --add-opens
 * java.base/sun.nio.ch=ALL-UNNAMED}, which lets each hub serve its greenlets' JDK I/O waits
 * itself ({@link io.gevent4j.hub.Hub#jdkPollers()}).
 */
package io.gevent4j.hub;
