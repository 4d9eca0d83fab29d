package io.gevent4j.loop;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Wakes its loop from any thread (gevent's {@code loop.async_}). Sends coalesce: several
 * sends before the loop notices make one callback.
 */
public final class AsyncWatcher extends Watcher {
  // Senders share the read side; close takes the write side, so no send reaches freed memory.
  private final ReentrantReadWriteLock lifetime = new ReentrantReadWriteLock();

  AsyncWatcher(NativeLoop loop) {
    super(loop, Constants.KIND_ASYNC);
  }

  /**
   * Wakes the loop; callable from any thread.
   *
   * @throws IllegalStateException when the watcher is closed
   */
  public void send() {
    ReentrantReadWriteLock.ReadLock lock = lifetime.readLock();
    lock.lock();
    try {
      checkOpen();
      Errors.checkUnchecked(NativeLoop.Natives.asyncSend0(pointer), "async send");
    } finally {
      lock.unlock();
    }
  }

  void lockForFree() {
    lifetime.writeLock().lock();
  }

  void unlockAfterFree() {
    lifetime.writeLock().unlock();
  }
}
