package io.gevent4j.server;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.greenlet.Group;
import io.gevent4j.greenlet.Pool;
import io.gevent4j.hub.BlockingSwitchOutError;
import io.gevent4j.loop.NativeIoException;
import io.gevent4j.sync.Event;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.slf4j.Logger;

/**
 * What {@link StreamServer} and {@link DatagramServer} share (gevent's {@code BaseServer}): the
 * life cycle (new, started, stopping, stopped), the spawn policy, the handler greenlets and
 * the stop sequence. Each server owns one and runs its own read loop.
 *
 * <p>State changes happen under this object's lock and never wait there; waits (killing the
 * read loop, joining handlers) happen outside it, so any thread may stop a server.
 */
final class ServerCore {
  /** Connections or datagrams taken per readiness before the loop yields (gevent's {@code max_accept}). */
  static final int MAX_BATCH = 100;
  /** The first pause after a failed accept or receive (gevent's {@code min_delay}). */
  static final double MIN_DELAY = 0.01;
  /** The longest pause, reached by doubling (gevent's {@code max_delay}). */
  static final double MAX_DELAY = 1.0;
  /** How long killed handlers get to die (gevent's {@code pool.kill(timeout=1)}). */
  static final double KILL_WAIT = 1.0;
  /** serveForever's stop timeout when it is interrupted (gevent's {@code stop_timeout}). */
  static final double DEFAULT_STOP_TIMEOUT = 1.0;

  enum State { NEW, STARTED, STOPPING, STOPPED }

  /** An action that may fail with an IOException. */
  @FunctionalInterface
  interface IoAction {
    void run() throws IOException;
  }

  private final Object server;
  private final Logger log;
  private final Runnable closeEarly;
  private final Runnable closeLate;
  private volatile State state = State.NEW;
  private Pool userPool;
  private int maxConcurrency;
  /** What the read loop waits on when full: the user's pool or our own bounded one; null when unbounded. */
  private volatile Pool pool;
  /** Our handler greenlets: the owned pool, or a group. */
  private volatile Group handlers;
  private volatile Greenlet<?> reader;
  private final Event stopped = new Event().markShared();

  /**
   * @param closeEarly closes what must go as soon as the read loop is dead (a listener: new
   *     connections are refused from then on); idempotent
   * @param closeLate closes what the handlers may still use (a datagram socket they reply
   *     through), once they are done or killed; idempotent
   */
  ServerCore(Object server, Logger log, Runnable closeEarly, Runnable closeLate) {
    this.server = server;
    this.log = log;
    this.closeEarly = closeEarly;
    this.closeLate = closeLate;
  }

  State state() {
    return state;
  }

  boolean started() {
    return state == State.STARTED;
  }

  // ---- configuration ----------------------------------------------------------------------

  synchronized void checkNew(String what) {
    if (state != State.NEW) throw new IllegalStateException("configure " + server + " before start(): " + what);
  }

  synchronized void spawnIn(Pool pool) {
    Objects.requireNonNull(pool, "pool");
    checkNew("spawn(pool)");
    userPool = pool;
    maxConcurrency = 0;
  }

  synchronized void maxConcurrency(int n) {
    if (n <= 0) throw new IllegalArgumentException("maxConcurrency must be > 0, not " + n);
    checkNew("maxConcurrency");
    maxConcurrency = n;
    userPool = null;
  }

  static double checkTimeout(double timeout) {
    if (Double.isNaN(timeout) || timeout < 0) {
      throw new IllegalArgumentException("a timeout must be >= 0 seconds (or infinite), not " + timeout);
    }
    return timeout;
  }

  // ---- starting -----------------------------------------------------------------------------

  /** Throws unless the server can still start: a fast check before resolving an address. */
  synchronized void checkStartable() {
    if (state == State.STARTED) throw new IllegalStateException(server + " is already started");
    if (state != State.NEW) throw new IllegalStateException(server + " is stopped; a server cannot be restarted");
  }

  /**
   * Starts the server on the caller's hub: {@code open} binds (and listens), then the read
   * loop is spawned. When {@code open} fails the server stays new and {@code undo} runs.
   * Nothing here waits, so it all happens under the lock: a concurrent start or stop sees
   * either a new server or a started one.
   */
  synchronized void start(IoAction open, Runnable undo, Runnable readLoop) throws IOException {
    checkStartable();
    try {
      open.run();
      if (userPool != null) {
        pool = userPool;
        handlers = new Group();
      } else if (maxConcurrency > 0) {
        Pool own = new Pool(maxConcurrency);
        pool = own;
        handlers = own;
      } else {
        handlers = new Group();
      }
      Greenlet<Void> loop = new Greenlet<>(() -> {
        runReader(readLoop);
        return null;
      });
      loop.name(server + " loop");
      reader = loop;
      loop.start();
    } catch (IOException | RuntimeException | Error e) {
      undo.run();
      throw e;
    }
    state = State.STARTED;
  }

  private void runReader(Runnable readLoop) {
    try {
      readLoop.run();
    } finally {
      if (state == State.STARTED) {
        // the loop ended on its own (a fatal error on the socket): stop the rest in a greenlet
        // of its own, which kills nothing we are still running in
        try {
          Greenlet.spawn(() -> stop(DEFAULT_STOP_TIMEOUT));
        } catch (RuntimeException e) {
          log.error("{}: cannot stop after its loop ended", server, e);
        }
      }
    }
  }

  // ---- serving ------------------------------------------------------------------------------

  /** Waits, cooperatively, while the pool is full: the read loop pauses rather than take more. */
  void awaitCapacity() {
    Pool p = pool;
    if (p == null) return;
    while (p.full()) p.waitAvailable(Double.POSITIVE_INFINITY);
  }

  /** True when a spawn would wait for a slot. */
  boolean full() {
    Pool p = pool;
    return p != null && p.full();
  }

  /**
   * Spawns a handler greenlet by the policy (may wait for a slot of a shared pool). It runs
   * once the read loop yields; a stop may kill it before that, and then its body never runs.
   */
  Greenlet<Void> spawn(Callable<Void> body) {
    Pool shared = pool != handlers ? pool : null;
    if (shared != null) {
      Greenlet<Void> g = shared.spawn(body);
      handlers.add(g);
      return g;
    }
    return handlers.spawn(body);
  }

  /** Sleeps after a failed accept or receive, doubling from MIN_DELAY to MAX_DELAY. */
  static final class Backoff {
    private double delay;

    double next() {
      delay = delay == 0 ? MIN_DELAY : Math.min(MAX_DELAY, delay * 2);
      return delay;
    }

    void reset() {
      delay = 0;
    }
  }

  /**
   * True for errors that mean the socket itself is gone (gevent's {@code fatal_errors}: EBADF,
   * EINVAL, ENOTSOCK): the read loop ends and the server stops.
   */
  static boolean isFatal(IOException e) {
    if (e instanceof ClosedChannelException) return true;
    NativeIoException n = e instanceof NativeIoException x ? x : e.getCause() instanceof NativeIoException y ? y : null;
    if (n == null) return false;
    String name = n.errnoName();
    return name.equals("EBADF") || name.equals("EINVAL") || name.equals("ENOTSOCK");
  }

  // ---- stopping -----------------------------------------------------------------------------

  /**
   * The stop sequence, for every caller (a second stop repeats the idempotent steps and waits
   * like the first): end the read loop and wait until it is dead; run {@code closeEarly};
   * wait up to {@code timeout} for the handlers (except the caller, when it is one); kill the
   * rest and give them {@link #KILL_WAIT} to die; run {@code closeLate}; mark stopped. A
   * server never started just closes what it holds (a socket it was given).
   */
  void stop(double timeout) {
    checkTimeout(timeout);
    Greenlet<?> loop;
    Group group;
    synchronized (this) {
      if (state == State.NEW) {
        state = State.STOPPED;
        try {
          closeEarly.run();
        } finally {
          closeLate.run();
        }
        stopped.set();
        return;
      }
      if (state == State.STARTED) state = State.STOPPING;
      loop = reader;
      group = handlers;
    }
    // A stopper killed or timed out half-way leaves the rest to the next stop (serveForever's own,
    // or the user's): every step below is idempotent.
    Greenlet<?> self = Greenlet.getCurrent();
    if (loop != self) loop.kill(); // ends its wait with GreenletExit; returns once it is dead
    closeEarly.run();
    List<Greenlet<?>> running = others(group, self);
    if (!running.isEmpty()) {
      Gevent.joinAll(running, timeout, false);
      running = others(group, self);
      if (!running.isEmpty()) {
        Gevent.killAll(running, true, KILL_WAIT);
        List<Greenlet<?>> stuck = others(group, self);
        if (!stuck.isEmpty()) {
          log.warn("{}: {} handler(s) still running {} s after being killed: {}", server, stuck.size(), KILL_WAIT, stuck);
        }
      }
    }
    closeLate.run();
    synchronized (this) {
      state = State.STOPPED;
    }
    stopped.set();
  }

  private static List<Greenlet<?>> others(Group group, Greenlet<?> self) {
    List<Greenlet<?>> list = new ArrayList<>(group.size());
    for (Greenlet<?> g : group) {
      if (g != self && !g.dead()) list.add(g);
    }
    return list;
  }

  /**
   * Starts the server if it is new, then waits until it is stopped; if the wait itself is
   * ended (a kill, a Timeout), stops the server in a greenlet of its own, waiting for that.
   */
  void serveForever(IoAction start, double stopTimeout) throws IOException {
    checkTimeout(stopTimeout);
    if (state == State.NEW) start.run();
    else if (state == State.STOPPED) checkStartable();
    try {
      stopped.await();
    } catch (BlockingSwitchOutError inHubCallback) {
      throw inHubCallback; // a misuse, not a reason to stop the server
    } catch (Throwable interrupted) {
      try {
        Greenlet.spawn(() -> stop(stopTimeout)).join();
      } catch (Throwable again) {
        interrupted.addSuppressed(again);
      }
      throw interrupted;
    }
  }
}
