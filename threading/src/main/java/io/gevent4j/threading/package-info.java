/**
 * gevent4j's threading (gevent's {@code gevent.threading}, {@code gevent.thread} and the thread
 * part of {@code gevent.monkey}): {@link io.gevent4j.threading.GreenletExecutors} makes thread
 * factories and executor services whose threads are greenlets of a hub, so that code written
 * for threads ({@code HttpClient.Builder.executor}, {@code CompletableFuture.supplyAsync},
 * {@code Executors.newThreadPerTaskExecutor}, connection pools) runs cooperatively on it.
 *
 * <pre>{@code
 * Hub hub = Hub.current();
 * try (ExecutorService executor = GreenletExecutors.executor(hub)) {
 *   CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> fetch("a"), executor);
 *   String a = f.get();                                     // cooperative on the hub's owner
 * }
 * }</pre>
 */
package io.gevent4j.threading;
