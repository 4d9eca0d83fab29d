/**
 * Events, results, semaphores and locks for greenlets — gevent's {@code gevent.event} and
 * {@code gevent.lock}: {@link io.gevent4j.sync.Event}, {@link io.gevent4j.sync.AsyncResult},
 * {@link io.gevent4j.sync.Semaphore}, {@link io.gevent4j.sync.BoundedSemaphore},
 * {@link io.gevent4j.sync.DummySemaphore} and {@link io.gevent4j.sync.RLock} (a
 * {@link java.util.concurrent.locks.Lock}).
 *
 * <p>Waiting parks the calling greenlet cooperatively (other greenlets of its hub run
 * meanwhile), or, on a platform thread, runs that thread's hub until the wait is over. Waits in
 * a hub callback throw {@link io.gevent4j.hub.BlockingSwitchOutError}.
 *
 * <p>Unlike gevent's, these objects are safe across threads and hubs: a greenlet parked on hub
 * A is woken through A's thread-safe submission, whoever sets the event or releases the
 * permit. Waiters are served first come, first served; a release or an unlock wakes exactly
 * one waiter and hands it what it waits for. A wait that nothing can ever end throws
 * {@link io.gevent4j.hub.LoopExit} on an object only its own thread has used; once another thread
 * or hub has used it (or after {@code markShared()}), the wait keeps its hub alive instead.
 *
 * <p>Timeouts are {@code double} seconds: {@code 0} does not wait, infinity waits as long as it
 * takes, negative and NaN are an {@link IllegalArgumentException}. The
 * {@code java.util.concurrent} methods of {@link io.gevent4j.sync.RLock} keep the JDK's
 * contracts instead (zero or negative: don't wait).
 */
package io.gevent4j.sync;
