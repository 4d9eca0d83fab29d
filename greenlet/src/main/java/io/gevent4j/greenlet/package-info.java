/**
 * Greenlets and what manages them — gevent's {@code gevent.Greenlet}, {@code gevent.pool} and
 * {@code gevent.local}, and gevent's top-level functions as the static methods of
 * {@link io.gevent4j.greenlet.Gevent} ({@code spawn}, {@code spawnLater}, {@code joinAll},
 * {@code killAll}, {@code waitAll}, {@code iwait}, {@code withTimeout}, ...).
 *
 * <pre>{@code
 * import static io.gevent4j.greenlet.Gevent.*;
 *
 * Greenlet<String> a = spawn(() -> fetch("a"));   // runs once the spawner yields, FIFO
 * Greenlet<String> b = spawn(() -> fetch("b"));
 * joinAll(List.of(a, b));
 * String body = a.get();                          // the value, or the failure rethrown
 * }</pre>
 *
 * <p>A {@link io.gevent4j.greenlet.Greenlet} runs a {@code Callable} ({@code spawn} takes a {@code Runnable} too) in
 * a virtual thread scheduled by its hub: it runs until it waits, then the hub runs the next
 * ready greenlet. Its outcome is kept ({@code get}, {@code value}, {@code exception}), its
 * links run when it dies, and {@code kill} raises {@link io.gevent4j.hub.GreenletExit} (or an
 * error of the caller's choosing) at its next wait point. A
 * {@link io.gevent4j.greenlet.Group} tracks greenlets and joins or kills them together; a
 * {@link io.gevent4j.greenlet.Pool} is a group with a size that makes {@code spawn} wait while
 * full ({@code map}, {@code imap} and {@code apply} run functions in it);
 * {@link io.gevent4j.greenlet.Local} is a value per greenlet (gevent's {@code local}).
 *
 * <p>Any platform thread may spawn: its greenlets run on that thread's hub, which the thread
 * runs whenever it waits ({@code join}, {@code get}, a sync or queue wait, {@code sleep}).
 * Greenlets, groups and pools may be joined, killed and waited on from any thread or hub.
 */
package io.gevent4j.greenlet;
