package io.gevent4j.hub;

/**
 * Something a greenlet can wait on alongside others (what gevent's {@code gevent.wait} and
 * {@code iwait} accept): greenlets, events, async results, semaphores.
 */
public interface Linkable {
  /** {@return true when a wait on it would return at once (gevent's {@code ready()})} */
  boolean ready();

  /**
   * Runs {@code callback} on the hub of the caller once it is ready (at once, through the hub,
   * when it already is); the callback must not block (gevent's {@code rawlink}).
   *
   * @param callback what to run; it must not block
   */
  void rawlink(Runnable callback);

  /**
   * Removes a callback added with {@link #rawlink(Runnable)}; no-op when absent.
   *
   * @param callback the callback to remove
   */
  void unlink(Runnable callback);

  /**
   * Whether another thread or hub may make it ready: a wait on it then keeps the waiter's hub
   * alive instead of ending in {@link LoopExit}. The safe default is true.
   *
   * @return true when another thread or hub may make it ready
   */
  default boolean isShared() {
    return true;
  }
}
