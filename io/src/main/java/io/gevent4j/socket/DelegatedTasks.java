package io.gevent4j.socket;

import io.gevent4j.hub.Hub;
import io.gevent4j.sync.RLock;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * An {@link SSLEngine}'s delegated tasks (certificate checks, key agreement, signatures): run
 * inline in the calling greenlet (the default, as gevent runs OpenSSL's work inline), or on the
 * hub's {@link io.gevent4j.hub.ThreadPool} while the greenlet waits cooperatively. One at a time:
 * nobody spins on {@code NEED_TASK} while they run, and tasks a greenlet left running on the
 * pool (it was killed or timed out while waiting) are waited for before the next.
 */
final class DelegatedTasks {
  private final SSLEngine engine;
  private final RLock lock = new RLock();
  private volatile boolean inThreadPool;
  /** The tasks last sent to the thread pool; guarded by {@link #lock}. */
  private CompletableFuture<Object> poolTasks;

  DelegatedTasks(SSLEngine engine) {
    this.engine = engine;
  }

  /** Where the tasks run from now on: the hub's thread pool (true) or inline (false). Any thread. */
  void inThreadPool(boolean on) {
    inThreadPool = on;
  }

  /** Runs the tasks the engine has now; waits cooperatively for those on the pool. */
  void run() throws SSLException {
    lock.lock();
    try {
      CompletableFuture<Object> running = poolTasks;
      if (running != null && !running.isDone()) Hub.await(running);
      Runnable task = engine.getDelegatedTask();
      if (task == null) {
        if (engine.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
          throw new SSLException("the TLS engine needs a delegated task but has none to give");
        }
        return;
      }
      if (inThreadPool) {
        poolTasks = Hub.current().threadPool().spawn(() -> {
          for (Runnable t = task; t != null; t = engine.getDelegatedTask()) t.run();
          return null;
        });
        Hub.await(poolTasks);
      } else {
        for (Runnable t = task; t != null; t = engine.getDelegatedTask()) t.run();
      }
    } finally {
      lock.unlock();
    }
  }
}
