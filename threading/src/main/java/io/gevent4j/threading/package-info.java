/**
 * gevent's {@code gevent.threading} for Java: threads that are greenlets, and hubs on every core.
 *
 * <ul>
 *   <li>{@code GreenletExecutors}: {@code ThreadFactory} and
 *       {@code ExecutorService} whose threads are greenlets of a hub, for code written against
 *       {@code java.util.concurrent}.
 *   <li>{@link io.gevent4j.threading.HubGroup}: N hubs on N platform threads (one per core by
 *       default); tasks go to the least-loaded hub, and {@code serve} runs one server per hub on
 *       one port ({@code SO_REUSEPORT}). gevent has no counterpart: it uses a process per core.
 * </ul>
 */
package io.gevent4j.threading;
