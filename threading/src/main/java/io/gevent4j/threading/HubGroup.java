package io.gevent4j.threading;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubFuture;
import io.gevent4j.hub.RawGreenlet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hubs on every core: N hubs, each owned by a platform thread of its own, to which work and
 * servers are handed out (no gevent counterpart: gevent uses one process per core).
 *
 * <p>One hub runs its greenlets one at a time on one thread, so it uses one core. A group of N
 * hubs uses N: {@link #submit(Callable)} runs a task in a greenlet of the least-loaded hub,
 * {@link #serve} runs one server per hub on one port ({@code SO_REUSEPORT}: the kernel spreads
 * the connections), and {@link #hub(int)} gives each hub for anything else. Within a hub,
 * greenlets keep gevent's semantics (one at a time, no data races between them); across hubs
 * they run in parallel, as threads do, and gevent4j's objects ({@code Event},
 * {@code AsyncResult}, {@code Queue}, {@code Semaphore}, {@code RLock}) work between them.
 *
 * <pre>{@code
 * try (HubGroup group = HubGroup.start(4)) {            // hubgroup-1-0 ... hubgroup-1-3
 *   HubGroup.Servers<HttpServer> http =
 *       group.serve(new InetSocketAddress(8080), address -> new HttpServer(address, handler));
 *   String s = group.submit(() -> fetch(url)).get();    // in a greenlet of the least-loaded hub
 *   ...
 * }                                                      // stops the servers, kills, joins
 * }</pre>
 *
 * <p><b>Threads.</b> Hub {@code i} belongs to the platform thread {@code hubgroup-<n>-<i>} (not a
 * daemon: a group keeps the JVM alive until it is closed, as an {@code ExecutorService} does);
 * the hub runs on its own thread, {@code hub-hubgroup-<n>-<i>}, as every hub does. The owner
 * threads run no user code: each only waits in gevent4j for the group to close, which gives its
 * hub the turn for as long as the group lives. User code runs in greenlets.
 *
 * <p><b>Load.</b> The load of a hub ({@link #load(int)}) is the number of greenlets alive on it
 * ({@link Hub#greenletCount()}: every greenlet, whoever spawned it — a server's connections
 * too) plus the tasks handed to it by this group that have not started yet. Both are counters
 * read without a lock, so choosing a hub costs N reads; a hub busy with many greenlets gets
 * fewer new tasks. Ties go round-robin. The figure is a snapshot, not a reservation: concurrent
 * submitters may pick the same hub, and a task whose greenlet is starting counts twice for an
 * instant (alive, and not yet taken off the queued count). A greenlet that burns CPU counts as
 * much as one that sleeps: the load counts greenlets, not CPU time.
 *
 * <p><b>Failures.</b> An exception escaping a greenlet is logged by its hub, which goes on, as
 * on any hub; a {@link VirtualMachineError} (other than {@link OutOfMemoryError}) that a hub
 * hands to its owner thread is logged too, and the hub goes on. A crash in one greenlet never
 * takes a hub or the group down. A task given to {@link #submit(Callable)} keeps its failure in
 * its future instead (as an {@code ExecutorService}'s does).
 *
 * <p>Every method may be called from any thread or greenlet, except {@link #close()} (not from
 * the group's own greenlets). Waits are cooperative: a greenlet parks, a thread that owns a hub
 * lets it run, a plain thread blocks.
 */
public final class HubGroup implements Executor, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HubGroup.class);
  private static final AtomicInteger GROUPS = new AtomicInteger();
  /** How long killed greenlets get to die when the group closes (as a server's stop: 1 s). */
  static final double KILL_WAIT = 1.0;

  private enum State { OPEN, CLOSING, CLOSED }

  private final String name;
  private final GroupHub[] hubs;
  /** Guards the state's changes and the servers' registration (a server starting while the group closes). */
  private final Object lock = new Object();
  private volatile State state = State.OPEN;
  private final AtomicInteger rotation = new AtomicInteger();
  private final Set<Servers<?>> serving = ConcurrentHashMap.newKeySet();
  private final HubFuture<Void> closed = new HubFuture<>();

  private HubGroup(String name, GroupHub[] hubs) {
    this.name = name;
    this.hubs = hubs;
  }

  /**
   * A group of one hub per core ({@code Runtime.availableProcessors()}); see {@link #start(int)}.
   *
   * @return the started group
   * @throws IllegalStateException without the JVM flags greenlets need (the message names them)
   */
  public static HubGroup start() {
    return start(Runtime.getRuntime().availableProcessors());
  }

  /**
   * Starts {@code hubs} platform threads, {@code hubgroup-<n>-<i>}, each the owner of a new hub,
   * and returns once every hub is made. The backend is {@code gevent.loop}'s, as for any hub.
   *
   * @param hubs the number of hubs
   * @return the started group
   * @throws IllegalArgumentException when {@code hubs < 1}
   * @throws IllegalStateException without the JVM flags greenlets need (the message names them),
   *     or when a hub cannot be made (the cause says why); the hubs made already are closed
   */
  public static HubGroup start(int hubs) {
    if (hubs < 1) {
      throw new IllegalArgumentException("HubGroup.start(" + hubs + "): a group needs at least 1 hub; "
          + "HubGroup.start() makes one per core (" + Runtime.getRuntime().availableProcessors() + " here)");
    }
    String name = "hubgroup-" + GROUPS.incrementAndGet();
    GroupHub[] slots = new GroupHub[hubs];
    HubGroup group = new HubGroup(name, slots);
    for (int i = 0; i < hubs; i++) slots[i] = new GroupHub(group, i, name + "-" + i);
    for (GroupHub slot : slots) slot.start();
    Throwable failure = null;
    for (int i = 0; i < hubs; i++) {
      try {
        slots[i].awaitStarted();
      } catch (Throwable t) {
        if (failure == null) failure = t;
        else failure.addSuppressed(t);
      }
    }
    if (failure != null) {
      group.state = State.CLOSED;
      for (GroupHub slot : slots) slot.signalStop(0);
      for (GroupHub slot : slots) {
        awaitQuietly(slot.ended);
        GroupHub.joinUninterruptibly(slot.owner);
      }
      if (failure instanceof RuntimeException | failure instanceof Error) throw sneaky(failure);
      throw new IllegalStateException(name + ": a hub could not be made", failure);
    }
    return group;
  }

  /** {@return the number of hubs} */
  public int size() {
    return hubs.length;
  }

  /**
   * Hub {@code i}, owned by the thread {@code hubgroup-<n>-<i>}. Use it as any hub: its
   * {@link Hub#execute(Runnable)} spawns there, its thread pool and resolver are its own. After
   * {@link #close()} it is closed.
   *
   * @param i the hub's index
   * @return the hub
   * @throws IndexOutOfBoundsException unless {@code 0 <= i < size()}
   */
  public Hub hub(int i) {
    return slot(i).hub;
  }

  /** {@return the hubs, by index; unmodifiable} */
  public List<Hub> hubs() {
    List<Hub> list = new ArrayList<>(hubs.length);
    for (GroupHub slot : hubs) list.add(slot.hub);
    return Collections.unmodifiableList(list);
  }

  /**
   * {@return the index of {@code hub} in this group, or -1 when it is not one of its hubs}
   *
   * @param hub a hub
   */
  public int indexOf(Hub hub) {
    for (GroupHub slot : hubs) {
      if (slot.hub == hub && hub != null) return slot.index;
    }
    return -1;
  }

  /**
   * Hub {@code i}'s load, the figure {@link #submit(Callable)} compares: the greenlets alive on
   * it plus the tasks handed to it that have not started yet. Any thread; a snapshot.
   *
   * @param i the hub's index
   * @return the greenlets alive plus the tasks waiting to start
   * @throws IndexOutOfBoundsException unless {@code 0 <= i < size()}
   */
  public int load(int i) {
    return slot(i).load();
  }

  private GroupHub slot(int i) {
    if (i < 0 || i >= hubs.length) {
      throw new IndexOutOfBoundsException("hub " + i + " of " + name + ", which has " + hubs.length
          + " hub" + (hubs.length == 1 ? "" : "s") + ": the index must be 0 to " + (hubs.length - 1));
    }
    return hubs[i];
  }

  // ---- handing out work ------------------------------------------------------------------

  /**
   * Runs {@code task} in a new greenlet of the least-loaded hub (see the class comment).
   * Returns at once; the task runs when that hub gets to it, after what is ready there.
   *
   * <p>The future completes with the task's value or its failure (which is not logged: it is
   * the future's). Its {@code get()} and {@code join()} wait cooperatively on a thread that owns
   * a hub and park a greenlet. {@code cancel(true)} kills the task's greenlet
   * ({@code GreenletExit} at its current or next wait point); a task cancelled before it started
   * never runs. Greenlets the task spawns ({@code Gevent.spawn}) run on the same hub.
   *
   * @param <T> the task's value type
   * @param task what to run
   * @return a future of the task's value
   * @throws NullPointerException when {@code task} is null
   * @throws RejectedExecutionException once the group is closing or closed
   */
  public <T> CompletableFuture<T> submit(Callable<T> task) {
    Objects.requireNonNull(task, "task");
    checkAccepting("submit");
    return dispatch(leastLoaded(), task, false, false);
  }

  /**
   * Runs {@code task} in a new greenlet of hub {@code i}; otherwise as {@link #submit(Callable)}.
   *
   * @param <T> the task's value type
   * @param i the hub's index
   * @param task what to run
   * @return a future of the task's value
   * @throws IndexOutOfBoundsException unless {@code 0 <= i < size()}
   * @throws NullPointerException when {@code task} is null
   * @throws RejectedExecutionException once the group is closing or closed
   */
  public <T> CompletableFuture<T> submit(int i, Callable<T> task) {
    GroupHub slot = slot(i);
    Objects.requireNonNull(task, "task");
    checkAccepting("submit");
    return dispatch(slot, task, false, false);
  }

  /**
   * Runs {@code task} in a new greenlet of the least-loaded hub, without a result (gevent's
   * {@code spawn_raw} on that hub): an exception escaping it is logged by the hub, which goes on.
   *
   * @throws NullPointerException when {@code task} is null
   * @throws RejectedExecutionException once the group is closing or closed
   */
  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    checkAccepting("execute");
    dispatch(leastLoaded(), callable(task), false, true);
  }

  /**
   * Runs {@code task} in a new greenlet of hub {@code i}, without a result; otherwise as
   * {@link #execute(Runnable)}.
   *
   * @param i the hub's index
   * @param task what to run
   * @throws IndexOutOfBoundsException unless {@code 0 <= i < size()}
   * @throws NullPointerException when {@code task} is null
   * @throws RejectedExecutionException once the group is closing or closed
   */
  public void execute(int i, Runnable task) {
    GroupHub slot = slot(i);
    Objects.requireNonNull(task, "task");
    checkAccepting("execute");
    dispatch(slot, callable(task), false, true);
  }

  private static Callable<Void> callable(Runnable task) {
    return () -> {
      task.run();
      return null;
    };
  }

  private void checkAccepting(String what) {
    if (state != State.OPEN) {
      throw new RejectedExecutionException(this + " is closed: " + what + "() after close(); start a new group with HubGroup.start(n)");
    }
  }

  /** The hub with the least load; ties go round-robin. */
  private GroupHub leastLoaded() {
    int n = hubs.length;
    if (n == 1) return hubs[0];
    int from = Math.floorMod(rotation.getAndIncrement(), n);
    GroupHub best = null;
    int bestLoad = Integer.MAX_VALUE;
    for (int k = 0; k < n; k++) {
      GroupHub slot = hubs[(from + k) % n];
      int load = slot.load();
      if (load < bestLoad) {
        best = slot;
        bestLoad = load;
        if (load == 0) break;
      }
    }
    return best;
  }

  /** Queues {@code task} on {@code slot}'s hub in a raw greenlet of its own. */
  <T> GroupTask<T> dispatch(GroupHub slot, Callable<T> task, boolean internal, boolean escapes) {
    GroupTask<T> t = new GroupTask<>(slot, task, internal, escapes);
    slot.queued.add(t);
    try {
      slot.hub.newGreenlet(t, null).start();
    } catch (IllegalStateException hubClosed) {
      slot.queued.remove(t);
      throw new RejectedExecutionException(this + " is closed: its hub " + slot.index + " no longer takes work", hubClosed);
    }
    return t;
  }

  /** True once {@link #close()} has begun. */
  boolean closing() {
    return state != State.OPEN;
  }

  /** {@return true once {@link #close()} has begun: the group takes no more work} */
  public boolean isClosed() {
    return state != State.OPEN;
  }

  // ---- servers ----------------------------------------------------------------------------

  /**
   * Runs one server on every hub, all on one address (no gevent counterpart: gevent runs a
   * server per process). {@code factory} is called once on each hub, in a greenlet of that hub,
   * with the address to use, and must return a new {@code StreamServer}, {@code DatagramServer}
   * or {@code HttpServer} made for it, not started; each is given
   * {@code reusePort(true)} ({@code SO_REUSEPORT}) and started there, so the kernel spreads
   * connections (datagrams: senders) between the hubs, by a hash of the addresses and ports of
   * both ends. With port 0 the first hub's server binds a port the kernel picks and the others
   * are given that port. Returns once every server is started.
   *
   * <pre>{@code
   * HubGroup.Servers<StreamServer> echo = group.serve(new InetSocketAddress("127.0.0.1", 0),
   *     address -> new StreamServer(address, (socket, peer) -> ...));
   * int port = echo.address().getPort();
   * }</pre>
   *
   * <p>The group's {@link #close()} stops them; {@link Servers#stop(double)} stops them sooner.
   *
   * @param <S> the server's class
   * @param address where to listen; port 0 for one the kernel picks
   * @param factory makes hub {@code i}'s server from the address it is given
   * @return the servers, with their common address and a common stop
   * @throws java.net.BindException when the address is in use without {@code SO_REUSEPORT}
   * @throws IOException when a server cannot be started (the others are stopped then)
   * @throws NullPointerException when an argument is null, or the factory returns null
   * @throws IllegalArgumentException when the factory returns something else than a new server
   *     of those three kinds, or the same one twice
   * @throws IllegalStateException once the group is closing or closed
   */
  public <S extends AutoCloseable> Servers<S> serve(InetSocketAddress address, Function<? super InetSocketAddress, ? extends S> factory)
      throws IOException {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(factory, "factory");
    Servers<S> handle = new Servers<>(this, hubs.length);
    synchronized (lock) {
      if (state != State.OPEN) throw new IllegalStateException(this + " is closed: serve() after close(); start a new group with HubGroup.start(n)");
      serving.add(handle);
    }
    try {
      S first = await(dispatch(hubs[0], () -> make(handle, 0, address, factory), false, false));
      InetSocketAddress common = ServerOps.address(first);
      InetSocketAddress others = address;
      if (address.getPort() == 0) {
        others = address.isUnresolved() ? InetSocketAddress.createUnresolved(address.getHostString(), common.getPort())
            : new InetSocketAddress(address.getAddress(), common.getPort());
      }
      List<CompletableFuture<S>> starts = new ArrayList<>();
      for (int i = 1; i < hubs.length; i++) {
        int index = i;
        InetSocketAddress where = others;
        starts.add(dispatch(hubs[i], () -> make(handle, index, where, factory), false, false));
      }
      Throwable failure = null;
      for (CompletableFuture<S> f : starts) {
        try {
          await(f);
        } catch (Throwable t) {
          if (failure == null) failure = t;
          else if (failure != t) failure.addSuppressed(t);
        }
      }
      if (failure != null) throw failure;
      handle.address = common;
      return handle;
    } catch (Throwable t) {
      try {
        handle.stop(0);
      } catch (Throwable again) {
        t.addSuppressed(again);
      }
      Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
      if (cause instanceof java.util.concurrent.CancellationException && closing()) {
        cause = new IllegalStateException(this + " was closed while serve() started its servers", cause);
      }
      if (cause instanceof IOException io) throw io;
      throw sneaky(cause);
    }
  }

  /** On hub {@code i}: makes, configures, starts and registers its server. */
  private <S> S make(Servers<S> handle, int i, InetSocketAddress where, Function<? super InetSocketAddress, ? extends S> factory)
      throws IOException {
    S server = factory.apply(where);
    ServerOps.check(server, i);
    for (int j = 0; j < handle.servers.length; j++) {
      if (handle.servers[j] == server) {
        throw new IllegalArgumentException("HubGroup.serve: the factory returned the same server on hubs " + j + " and " + i
            + "; it must make a new one on each call");
      }
    }
    try {
      ServerOps.reusePort(server);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("HubGroup.serve: hub " + i + "'s server cannot take reusePort(true): " + e.getMessage()
          + "; the factory must make a new server from the address it is given, not started", e);
    }
    ServerOps.start(server);
    boolean open;
    synchronized (lock) {
      open = state == State.OPEN;
      if (open) handle.servers[i] = server;
    }
    if (!open) {
      ServerOps.stop(server, 0);
      throw new IllegalStateException(this + " was closed while serve() started its servers");
    }
    return server;
  }

  // ---- closing ----------------------------------------------------------------------------

  /**
   * Stops the servers, kills every greenlet of the group's hubs, closes the hubs and returns
   * once their threads have ended: {@code close(0)}. Idempotent; a second or concurrent call
   * returns once the first is done.
   *
   * @throws IllegalStateException from a greenlet of one of the group's hubs (or a callback on
   *     one), which would wait for its own hub to end
   */
  @Override
  public void close() {
    close(0);
  }

  /**
   * Closes the group gracefully: stops every server ({@code stop(timeout)}: no new connections,
   * the running handlers get up to {@code timeout} seconds, then are killed), lets the other
   * greenlets run for what is left of {@code timeout}, kills those still alive
   * ({@code GreenletExit}; they get 1 s to die, and one that does not is logged and left behind
   * with its hub closed under it), closes each hub (its loop, thread pool and resolver) and
   * returns once every thread of the group has ended. Tasks that had not started are cancelled:
   * their futures end with a {@code CancellationException}. Idempotent; a second or concurrent
   * call returns once the first is done. From any thread or greenlet outside the group; not
   * from a task running on one of its hubs' thread pools either (the hub's close waits for it).
   * Not interruptible, as {@code ExecutorService.close()}: a greenlet that never yields (a CPU
   * loop) holds its hub, and this waits for it as long as it runs (the blocking monitor,
   * {@code gevent.monitorThread=true}, reports such a greenlet).
   *
   * @param timeout seconds; 0 kills at once; infinity waits as long as it takes
   * @throws IllegalArgumentException for a negative or NaN timeout
   * @throws IllegalStateException from a greenlet of one of the group's hubs (or a callback on one)
   */
  public void close(double timeout) {
    checkTimeout(timeout);
    checkOutsideGroup("close()");
    List<Servers<?>> toStop = null;
    synchronized (lock) {
      if (state == State.OPEN) {
        state = State.CLOSING;
        toStop = List.copyOf(serving);
      }
    }
    if (toStop == null) {
      awaitQuietly(closed);
      return;
    }
    long began = System.nanoTime();
    try {
      List<List<CompletableFuture<?>>> stops = new ArrayList<>();
      for (Servers<?> s : toStop) stops.add(s.beginStop(timeout));
      for (int k = 0; k < toStop.size(); k++) toStop.get(k).finishStop(stops.get(k));
    } finally {
      double left = Double.isInfinite(timeout) ? timeout : Math.max(0, timeout - (System.nanoTime() - began) / 1e9);
      for (GroupHub slot : hubs) slot.signalStop(left);
      for (GroupHub slot : hubs) {
        awaitQuietly(slot.ended);
        GroupHub.joinUninterruptibly(slot.owner);
      }
      state = State.CLOSED;
      closed.complete(null);
    }
  }

  private void checkOutsideGroup(String what) {
    Thread t = Thread.currentThread();
    RawGreenlet g = RawGreenlet.current();
    for (GroupHub slot : hubs) {
      Hub h = slot.hub;
      if (h == null) continue;
      boolean inside = g != null ? g.hub() == h : t == h.thread() || t == slot.owner;
      if (inside) {
        throw new IllegalStateException(what + " called from " + (g != null ? "greenlet " + g.name() : "thread " + t.getName())
            + " on hub " + slot.index + " of " + name + ": the group would wait for its own hub to end. Call it from outside the "
            + "group: a plain thread (Thread.ofPlatform().start(group::close)), main, or a greenlet of another hub");
      }
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  static void checkTimeout(double timeout) {
    if (Double.isNaN(timeout) || timeout < 0) {
      throw new IllegalArgumentException("timeout must be >= 0 seconds (or infinity to wait as long as it takes), not " + timeout);
    }
  }

  /** Waits for {@code f} (cooperatively where gevent4j can) and returns its value, or rethrows its failure as it is when unchecked. */
  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException | cause instanceof Error) throw sneaky(cause);
      throw e;
    }
  }

  /** Waits for {@code f}, logging its failure. */
  static void awaitQuietly(CompletableFuture<?> f) {
    try {
      f.join();
    } catch (RuntimeException e) {
      LOG.warn("{}", e.toString(), e);
    }
  }

  @SuppressWarnings("unchecked")
  static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }

  /** Its name, size and state, e.g. {@code HubGroup(hubgroup-1, 4 hubs, open)}. */
  @Override
  public String toString() {
    return "HubGroup(" + name + ", " + hubs.length + " hub" + (hubs.length == 1 ? "" : "s") + ", "
        + state.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }

  // ---- the servers' handle ----------------------------------------------------------------

  /**
   * The servers {@link HubGroup#serve} runs, one per hub on one address: their common
   * {@link #address()} and a common {@link #stop(double)}. Any thread or greenlet.
   *
   * @param <S> the servers' class
   */
  public static final class Servers<S> implements AutoCloseable {
    private final HubGroup group;
    /** By hub index; written under the group's lock as each starts. */
    final Object[] servers;
    private volatile InetSocketAddress address;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final HubFuture<Void> stopped = new HubFuture<>();

    Servers(HubGroup group, int hubs) {
      this.group = group;
      this.servers = new Object[hubs];
    }

    /**
     * {@return the address every server listens on (receives on): the actual port when 0 was asked for}
     */
    public InetSocketAddress address() {
      return address;
    }

    /**
     * {@return the servers, by hub index: {@code servers().get(i)} runs on {@code group.hub(i)}}
     */
    @SuppressWarnings("unchecked")
    public List<S> servers() {
      List<S> list = new ArrayList<>(servers.length);
      for (Object s : servers) list.add((S) s);
      return Collections.unmodifiableList(list);
    }

    /**
     * Hub {@code i}'s server.
     *
     * @param i the hub's index
     * @return the server on hub {@code i}
     * @throws IndexOutOfBoundsException unless {@code 0 <= i < } the group's size
     */
    @SuppressWarnings("unchecked")
    public S server(int i) {
      group.slot(i);
      return (S) servers[i];
    }

    /**
     * Stops every server at once, each on its hub (their {@code stop(timeout)}: no new
     * connections, the running handlers get up to {@code timeout} seconds, then are killed), and
     * returns when all are stopped. Called from a handler of one of them, that handler is
     * neither waited for nor killed. Idempotent; a concurrent second stop waits for the first.
     *
     * @param timeout the grace, in seconds, for the running handlers
     * @throws IllegalArgumentException for a negative or NaN timeout
     */
    public void stop(double timeout) {
      checkTimeout(timeout);
      List<CompletableFuture<?>> stops = beginStop(timeout);
      if (stops == null) awaitQuietly(stopped);
      else finishStop(stops);
    }

    /** Stops at once: {@code stop(0)}, the running handlers are killed. Idempotent. */
    @Override
    public void close() {
      stop(0);
    }

    /** {@return true once a stop has begun} */
    public boolean isStopped() {
      return stopping.get();
    }

    /** Hands each server's stop to its hub (the caller's own hub's server: stops it here); null when a stop began already. */
    List<CompletableFuture<?>> beginStop(double timeout) {
      if (!stopping.compareAndSet(false, true)) return null;
      RawGreenlet me = RawGreenlet.current();
      Hub mine = me != null ? me.hub() : null;
      List<CompletableFuture<?>> stops = new ArrayList<>();
      Object own = null;
      for (int i = 0; i < servers.length; i++) {
        Object s = servers[i];
        if (s == null) continue;
        GroupHub slot = group.hubs[i];
        if (mine != null && slot.hub == mine) {
          own = s;
          continue;
        }
        try {
          stops.add(group.dispatch(slot, () -> {
            ServerOps.stop(s, timeout);
            return null;
          }, true, false));
        } catch (RejectedExecutionException hubClosed) {
          stopHere(s, timeout);
        }
      }
      if (own != null) stopHere(own, timeout);
      return stops;
    }

    /** Waits for the stops {@link #beginStop} handed out. */
    void finishStop(List<CompletableFuture<?>> stops) {
      if (stops == null) {
        awaitQuietly(stopped);
        return;
      }
      try {
        for (CompletableFuture<?> f : stops) awaitQuietly(f);
      } finally {
        group.serving.remove(this);
        stopped.complete(null);
      }
    }

    private static void stopHere(Object server, double timeout) {
      try {
        ServerOps.stop(server, timeout);
      } catch (RuntimeException e) {
        LOG.warn("stopping {} failed", server, e);
      }
    }

    /** The address and the servers, e.g. {@code Servers(/127.0.0.1:8080, 4 StreamServer)}. */
    @Override
    public String toString() {
      Object first = servers[0];
      return "Servers(" + address + ", " + servers.length + " " + (first != null ? first.getClass().getSimpleName() : "servers") + ")";
    }
  }
}
