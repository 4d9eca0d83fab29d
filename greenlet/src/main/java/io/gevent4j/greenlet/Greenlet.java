package io.gevent4j.greenlet;

import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Linkable;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.hub.Timeout;
import io.gevent4j.hub.internal.HubAccess;
import io.gevent4j.hub.internal.WaitQueue;
import io.gevent4j.loop.TimerWatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A greenlet with a result (gevent's {@code gevent.Greenlet}): a body run in a virtual thread
 * scheduled by the hub that created it, whose value or failure is kept, and whose end can be
 * waited for ({@link #join}, {@link #get}) or linked to ({@link #link}, {@link #rawlink}).
 *
 * <p>{@link #spawn} only schedules: the greenlet runs after the spawner yields, in FIFO order.
 * {@link #get()} follows gevent, not {@code Future}: it returns the value or rethrows the
 * failure itself (unchecked as is, checked in a {@link CompletionException}); a greenlet ended
 * by a {@link GreenletExit} kill counts as a success with a null value. An exception escaping
 * a greenlet is kept on it and logged once. Every method may be called from any thread;
 * waits are cooperative.
 *
 * @param <T> the body's result
 */
public class Greenlet<T> implements Linkable {
  private static final ThreadLocal<Greenlet<?>> CURRENT = new ThreadLocal<>();
  private static final AtomicLong IDENTS = new AtomicLong();

  private enum LinkKind { RAW, ANY, VALUE, EXCEPTION }

  private record Link<T>(LinkKind kind, Consumer<Greenlet<T>> callback, Object key) {}

  /** Dropped when the greenlet ends: what it captured must not outlive it (gevent clears _run). */
  private Callable<T> body;
  private final Hub hub;
  private final RawGreenlet raw;
  /** Weak: a live greenlet must not keep its dead ancestors (and their values) reachable. */
  private final java.lang.ref.WeakReference<Greenlet<?>> spawning;
  /** The spawn tree's locals, shared by reference with every greenlet of the tree. */
  private final TreeLocals tree;
  private final WaitQueue joiners = new WaitQueue();
  private final List<Link<T>> links = new ArrayList<>(2);
  private volatile boolean started;
  private volatile boolean dead;
  private volatile boolean bodyReturned;
  private volatile boolean killRequested;
  private T value;
  private volatile Throwable exception;
  private volatile long minimalIdent;
  private CompletableFuture<T> future;

  /** The holder of a spawn tree's locals: made at the root, the map on first use. */
  private static final class TreeLocals {
    Map<String, Object> map;
  }

  /**
   * A greenlet of the current hub that will run {@code body}; not started (gevent's
   * {@code Greenlet(run)}).
   *
   * @param body what the greenlet runs; its value is the greenlet's
   */
  @SuppressWarnings("this-escape") // the raw greenlet runs runBody only after start(), once constructed
  public Greenlet(Callable<T> body) {
    this.body = Objects.requireNonNull(body, "body");
    this.hub = Hub.current();
    Greenlet<?> parent = getCurrent();
    this.spawning = parent != null ? new java.lang.ref.WeakReference<>(parent) : null;
    this.tree = parent != null ? parent.tree : new TreeLocals();
    this.raw = hub.newGreenlet(this::runBody, null);
    HubAccess.get().owner(raw, this);
    HubAccess.get().onExit(raw, r -> finish());
  }

  /**
   * {@return a new greenlet running {@code body}, started (gevent's {@code Greenlet.spawn})}
   *
   * @param <T> the body's value type
   * @param body what the greenlet runs
   */
  public static <T> Greenlet<T> spawn(Callable<T> body) {
    return new Greenlet<>(body).start();
  }

  /**
   * {@return a new greenlet with no result running {@code body}, started}
   *
   * @param body what the greenlet runs
   */
  public static Greenlet<Void> spawn(Runnable body) {
    Objects.requireNonNull(body, "body");
    return spawn(() -> {
      body.run();
      return null;
    });
  }

  /**
   * Creates a greenlet and starts it after {@code seconds} (gevent's {@code spawn_later});
   * {@code spawnLater(0, ...)} runs after plain spawns.
   *
   * @param <T> the body's value type
   * @param seconds the delay before it starts
   * @param body what the greenlet runs
   * @return the greenlet, which starts after the delay
   * @throws IllegalArgumentException for a negative or NaN delay
   */
  public static <T> Greenlet<T> spawnLater(double seconds, Callable<T> body) {
    return new Greenlet<>(body).startLater(seconds);
  }

  /**
   * The greenlet running this code; null on a plain thread and in raw greenlets
   * ({@code spawnRaw}, {@code Hub.execute}, links).
   *
   * @return the current greenlet, or null
   */
  public static Greenlet<?> getCurrent() {
    return CURRENT.get();
  }

  private void runBody() {
    CURRENT.set(this);
    try {
      value = body.call();
      bodyReturned = true;
    } catch (GreenletExit e) {
      throw e;
    } catch (Exception e) {
      throw sneaky(e);
    }
  }

  /** Runs on the hub when the raw greenlet ended (or was killed before it started). */
  private void finish() {
    Throwable failure = raw.failure();
    List<Link<T>> toRun;
    CompletableFuture<T> f;
    synchronized (this) {
      if (dead) return;
      exception = failure;
      if (failure != null) value = null;
      dead = true;
      body = null;
      toRun = new ArrayList<>(links);
      links.clear();
      f = future;
    }
    joiners.wakeAll(null);
    for (Link<T> link : toRun) fire(link);
    if (f != null) complete(f);
  }

  private void complete(CompletableFuture<T> f) {
    Throwable e = exception;
    if (e != null) f.completeExceptionally(e);
    else if (!bodyReturned && killRequested) f.completeExceptionally(new CancellationException(this + " was killed"));
    else f.complete(value);
  }

  private void fire(Link<T> link) {
    boolean ok = exception == null;
    switch (link.kind()) {
      case VALUE -> {
        if (!ok) return;
      }
      case EXCEPTION -> {
        if (ok) return;
      }
      default -> { }
    }
    // Links run on the greenlet's own hub, as gevent's do; rawlinks in the hub itself.
    if (link.kind() == LinkKind.RAW) {
      hub.callSoon(() -> link.callback().accept(this));
    } else {
      hub.execute(() -> link.callback().accept(this));
    }
  }

  // ---- starting ---------------------------------------------------------------------------

  /**
   * Schedules the greenlet (gevent's {@code start}); it runs after the current one yields.
   * Idempotent, as gevent's: the first call (or {@link #startLater}) wins, and starting a
   * greenlet that was started or has finished does nothing. The body runs at most once.
   *
   * @return this
   */
  public Greenlet<T> start() {
    synchronized (this) {
      if (dead && killRequested) return this; // killed before it started: it never runs
      if (started) return this;
      started = true;
    }
    raw.start();
    return this;
  }

  /**
   * Starts the greenlet after {@code seconds} (gevent's {@code start_later}); like
   * {@link #start}, a no-op when it was started already.
   *
   * @param seconds the delay before it starts
   * @return this
   * @throws IllegalArgumentException for a negative or NaN delay
   */
  public Greenlet<T> startLater(double seconds) {
    io.gevent4j.hub.internal.Timeouts.check(seconds);
    synchronized (this) {
      if (started) return this;
      started = true;
    }
    hub.callSoon(() -> {
      if (dead) return; // killed before the timer was even set
      TimerWatcher timer = hub.loop().timer(seconds, 0);
      timer.start(revents -> {
        timer.close();
        HubAccess.get().startIfNotStarted(raw); // a kill may have started it (to end it) already
      });
    });
    return this;
  }

  // ---- waiting ----------------------------------------------------------------------------

  /** Waits until the greenlet is dead (gevent's {@code join()}). */
  public void join() {
    join(Double.POSITIVE_INFINITY);
  }

  /**
   * Waits until the greenlet is dead or the timeout passes.
   *
   * @param timeout the longest wait, in seconds
   * @return false on timeout
   * @throws IllegalArgumentException for a negative or NaN timeout
   */
  public boolean join(double timeout) {
    io.gevent4j.hub.internal.Timeouts.check(timeout);
    checkNotSelf("join");
    while (!dead) {
      WaitQueue.Ticket ticket = joiners.enqueue(null, this, "the greenlet to end");
      if (dead) {
        ticket.cancel();
        return true;
      }
      if (!ticket.await(timeout)) return dead;
    }
    return true;
  }

  /**
   * Waits for the result (gevent's {@code get()}).
   *
   * @return the value
   * @throws RuntimeException the failure as it is when unchecked, a checked one in a
   *     {@link CompletionException}
   */
  public T get() {
    join();
    return result();
  }

  /**
   * Waits up to {@code timeout} seconds for the result.
   *
   * @param timeout the longest wait, in seconds
   * @return the greenlet's value
   * @throws Timeout when not dead in time
   */
  public T get(double timeout) {
    if (!join(timeout)) throw new Timeout(timeout);
    return result();
  }

  /** A greenlet that waits for itself would wait for ever: say so at once. */
  private void checkNotSelf(String what) {
    if (!dead && getCurrent() == this) {
      throw new IllegalStateException(this + " cannot " + what + " itself: it would wait for its own end for ever");
    }
  }

  private T result() {
    Throwable e = exception;
    if (e == null) return value;
    if (e instanceof RuntimeException r) throw r;
    if (e instanceof Error err) throw err;
    throw new CompletionException(e);
  }

  // ---- state ------------------------------------------------------------------------------

  /** True once dead (gevent's {@code ready()}). */
  @Override
  public boolean ready() {
    return dead;
  }

  /** Another hub's greenlet can end while this hub has nothing else to do. */
  @Override
  public boolean isShared() {
    RawGreenlet current = RawGreenlet.current();
    Hub waiter = current != null ? current.hub() : null;
    return waiter != hub;
  }

  /** {@return true when dead without a failure (gevent's {@code successful()})} */
  public boolean successful() {
    return dead && exception == null;
  }

  /**
   * {@return true once its body ended, or when killed before it started (gevent's {@code dead})}
   */
  public boolean dead() {
    return dead;
  }

  /** {@return true once started (gevent's {@code started})} */
  public boolean started() {
    return started;
  }

  /** {@return the value once successfully dead, else null (gevent's {@code value})} */
  public T value() {
    return dead && exception == null ? value : null;
  }

  /** {@return the failure once dead with one, else null (gevent's {@code exception})} */
  public Throwable exception() {
    return exception;
  }

  /**
   * True between its start and its death (gevent's {@code bool(greenlet)}): started and not
   * dead.
   *
   * @return true when started and not dead
   */
  public boolean alive() {
    return started && !dead;
  }

  // ---- killing ----------------------------------------------------------------------------

  /**
   * Kills the greenlet with {@link GreenletExit} and waits until it is dead (gevent's
   * {@code kill()}); never throws. A greenlet killed before it starts never runs.
   */
  public void kill() {
    kill(new GreenletExit(), true, Double.POSITIVE_INFINITY);
  }

  /**
   * Raises {@code error} in the greenlet at its current or next wait point (gevent's
   * {@code kill(exception, block, timeout)}); a greenlet parked in a JDK blocking call is
   * interrupted.
   *
   * @param error what the greenlet throws
   * @param block whether to wait until it is dead
   * @param timeout how long to wait when blocking
   */
  public void kill(Throwable error, boolean block, double timeout) {
    Objects.requireNonNull(error, "error");
    io.gevent4j.hub.internal.Timeouts.check(timeout);
    if (dead) return;
    if (getCurrent() == this) {
      if (block) throw sneaky(error);
      raw.throwInto(error); // as gevent: delivered at its next switch
      return;
    }
    synchronized (this) {
      killRequested = true;
      started = true;
    }
    raw.throwInto(error);
    // not running yet (never started, or waiting for its startLater timer): starting the raw
    // greenlet with the kill pending ends it at once, without running it
    HubAccess.get().startIfNotStarted(raw);
    if (block) join(timeout);
  }

  // ---- links ------------------------------------------------------------------------------

  /**
   * Runs {@code callback} in a greenlet of its own when this one dies; it may block (gevent's
   * {@code link}).
   *
   * @param callback what runs, given this greenlet
   */
  public void link(Consumer<Greenlet<T>> callback) {
    addLink(LinkKind.ANY, callback, callback);
  }

  /**
   * As {@link #link}, only when it dies successfully (gevent's {@code link_value}).
   *
   * @param callback what runs, given this greenlet
   */
  public void linkValue(Consumer<Greenlet<T>> callback) {
    addLink(LinkKind.VALUE, callback, callback);
  }

  /**
   * As {@link #link}, only when it dies with a failure (gevent's {@code link_exception}).
   *
   * @param callback what runs, given this greenlet
   */
  public void linkException(Consumer<Greenlet<T>> callback) {
    addLink(LinkKind.EXCEPTION, callback, callback);
  }

  /**
   * Runs {@code callback} in the hub when this greenlet dies; it must not block (gevent's
   * {@code rawlink}).
   *
   * @param callback what runs, given this greenlet; it must not block
   */
  public void rawlink(Consumer<Greenlet<T>> callback) {
    addLink(LinkKind.RAW, callback, callback);
  }

  /** {@link #rawlink(Consumer)} for a callback that needs no argument (the {@link Linkable} form). */
  @Override
  public void rawlink(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    addLink(LinkKind.RAW, g -> callback.run(), callback);
  }

  /**
   * Sets {@code result} with this greenlet's value or failure when it dies (gevent's
   * {@code link(async_result)}).
   *
   * @param result the result to set
   */
  public void link(io.gevent4j.sync.AsyncResult<? super T> result) {
    Objects.requireNonNull(result, "result");
    rawlink(g -> {
      if (g.exception() != null) result.setException(g.exception());
      else result.set(g.value());
    });
  }

  /** Removes every link and rawlink (gevent's {@code unlink_all}). */
  public synchronized void unlinkAll() {
    links.clear();
  }

  /**
   * {@return true when links or rawlinks are waiting for its death (gevent's {@code has_links})}
   */
  public synchronized boolean hasLinks() {
    return !links.isEmpty();
  }

  /**
   * Removes a link or rawlink; no-op when absent (gevent's {@code unlink}).
   *
   * @param callback the link or rawlink to remove
   */
  public void unlink(Consumer<Greenlet<T>> callback) {
    removeLink(callback);
  }

  @Override
  public void unlink(Runnable callback) {
    removeLink(callback);
  }

  private void addLink(LinkKind kind, Consumer<Greenlet<T>> callback, Object key) {
    Objects.requireNonNull(callback, "callback");
    Link<T> link = new Link<>(kind, callback, key);
    synchronized (this) {
      if (!dead) {
        links.add(link);
        return;
      }
    }
    fire(link); // linked after death: fires once all the same
  }

  private synchronized void removeLink(Object key) {
    links.removeIf(l -> l.key() == key);
  }

  // ---- names, tree ------------------------------------------------------------------------

  /** {@return its name (gevent's {@code name})} */
  public String name() {
    return raw.name();
  }

  /**
   * Renames it.
   *
   * @param name the new name
   * @return this greenlet
   */
  public Greenlet<T> name(String name) {
    raw.name(name);
    return this;
  }

  /**
   * {@return a small number identifying it in this JVM, given on first use (gevent's {@code minimal_ident})}
   */
  public long minimalIdent() {
    long id = minimalIdent;
    if (id == 0) {
      synchronized (this) {
        if (minimalIdent == 0) minimalIdent = IDENTS.incrementAndGet();
        id = minimalIdent;
      }
    }
    return id;
  }

  /**
   * The greenlet that created this one, or null (gevent's {@code spawning_greenlet}, a weak
   * reference there too): null also once that greenlet is garbage.
   *
   * @return the spawning greenlet, or null
   */
  public Greenlet<?> spawningGreenlet() {
    return spawning != null ? spawning.get() : null;
  }

  /**
   * The locals shared by this greenlet's spawn tree, made on first use (gevent's
   * {@code spawn_tree_locals}); nothing is allocated while unused.
   *
   * @return the spawn tree's locals, a synchronized mutable map
   */
  public Map<String, Object> spawnTreeLocals() {
    synchronized (tree) {
      if (tree.map == null) tree.map = java.util.Collections.synchronizedMap(new HashMap<>());
      return tree.map;
    }
  }

  /** The tree locals if some greenlet of the tree made them, else null (for run info). */
  Map<String, Object> spawnTreeLocalsIfAny() {
    synchronized (tree) {
      return tree.map;
    }
  }

  /** The raw greenlet under it. */
  RawGreenlet raw() {
    return raw;
  }

  /** {@return the hub it runs on} */
  public Hub hub() {
    return hub;
  }

  /**
   * A future completed when the greenlet dies: with its value, its failure, or a
   * {@link CancellationException} after a kill. Cancelling the future kills the greenlet.
   *
   * @return a future of the greenlet's outcome
   */
  public CompletableFuture<T> toCompletableFuture() {
    CompletableFuture<T> f;
    boolean completeNow;
    synchronized (this) {
      if (future == null) {
        future = new io.gevent4j.hub.HubFuture<>();
        future.whenComplete((v, e) -> {
          if (e instanceof CancellationException && !dead) kill(new GreenletExit(), false, 0);
        });
        completeNow = dead;
      } else {
        completeNow = false;
      }
      f = future;
    }
    if (completeNow) complete(f);
    return f;
  }

  @Override
  public String toString() {
    String state = dead ? (exception == null ? "dead" : "failed: " + exception) : started ? "started" : "new";
    return "Greenlet(" + name() + ", " + state + ")";
  }

  @SuppressWarnings("unchecked")
  static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }
}
