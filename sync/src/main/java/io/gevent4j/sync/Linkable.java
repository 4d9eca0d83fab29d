package io.gevent4j.sync;

/**
 * An object whose readiness can be waited for and linked to — gevent's
 * {@code AbstractLinkable}: {@link Event}, {@link AsyncResult}, {@link Semaphore}.
 * {@code Gevent.waitAll} and {@code Gevent.iwait} take these.
 */
public interface Linkable {

  /**
   * True when a wait on it would return at once (gevent's {@code ready()}): an event set, a
   * result set, a semaphore with a free permit. Never blocks; any thread may call.
   */
  boolean ready();

  /**
   * Runs {@code callback} once, soon after the object is (or becomes) {@linkplain #ready()
   * ready}, on the hub of the caller (gevent's {@code rawlink}): in that hub's thread, as a
   * {@code Hub.callSoon} callback. The link is one-shot: it is removed before the call. The
   * callback must not block (a blocking call there throws {@code BlockingSwitchOutError}); an
   * exception escaping it is logged by its hub. When that hub is closed by then, the callback
   * is dropped. Never blocks. Any greenlet or platform thread may call (a platform thread's hub
   * is created if needed, and runs the callback when the thread next runs its hub).
   *
   * @throws NullPointerException when {@code callback} is null
   * @throws IllegalStateException in a virtual thread that is not a greenlet (it has no hub)
   */
  void rawlink(Runnable callback);

  /**
   * Removes the first link to {@code callback} (compared with {@code equals}) that has not run
   * yet, even when it is already scheduled (gevent's {@code unlink}); nothing when there is
   * none. Never blocks; any thread may call.
   *
   * @throws NullPointerException when {@code callback} is null
   */
  void unlink(Runnable callback);
}
