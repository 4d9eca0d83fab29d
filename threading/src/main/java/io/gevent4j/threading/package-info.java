/**
 * gevent4j's threading (gevent's {@code gevent.threading}, {@code gevent.thread} and the thread
 * part of {@code gevent.monkey}): greenlets where Java code expects threads, and many hubs at once.
 *
 * <ul>
 *   <li>{@link io.gevent4j.threading.GreenletExecutors} makes thread factories and executor
 *       services whose threads are greenlets of a hub, so that code written for threads
 *       ({@code HttpClient.Builder.executor}, {@code CompletableFuture.supplyAsync},
 *       {@code Executors.newThreadPerTaskExecutor}, connection pools) runs cooperatively on it.
 *   <li>{@link io.gevent4j.threading.HubGroup} runs one hub per core and a server on each.
 *   <li>{@link io.gevent4j.threading.Threading} maps gevent's {@code get_ident},
 *       {@code main_thread}, {@code current_thread} and {@code allocate_lock} onto greenlets and
 *       the gevent4j primitives.
 * </ul>
 *
 * <pre>{@code
 * Hub hub = Hub.current();
 * try (ExecutorService executor = GreenletExecutors.executor(hub)) {
 *   CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> fetch("a"), executor);
 *   String a = Hub.await(f);               // cooperative on the hub's owner; f.get() would block it
 * }
 * }</pre>
 */
package io.gevent4j.threading;
