package io.gevent4j.server;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.greenlet.Group;
import io.gevent4j.greenlet.Pool;
import io.gevent4j.hub.BlockingSwitchOutError;
import io.gevent4j.hub.Hub;
import io.gevent4j.loop.IoWatcher;
import io.gevent4j.loop.NativeIoException;
import io.gevent4j.loop.Posix;
import io.gevent4j.loop.PosixSockets;
import io.gevent4j.loop.Watcher;
import io.gevent4j.socket.Socket;
import io.gevent4j.sync.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.slf4j.Logger;

/**
 * What {@link StreamServer} and {@link DatagramServer} have in common (gevent's
 * {@code gevent.baseserver.BaseServer}): the socket they make or are given, the spawn policy,
 * the read loop (accepting connections or receiving datagrams) and the life cycle. Only the
 * servers of this package extend it (its constructors are package-private); {@code S} is the
 * server's own class, which the fluent setters return.
 *
 * <p><b>Hub and threads.</b> {@link #start()} binds the server to the caller's hub (the hub of
 * the calling greenlet, or of the calling platform thread): the read loop and every handler
 * run there, one at a time, as greenlets of that hub. They run when that hub runs: in a plain
 * {@code main}, call {@link #serveForever()} (or any cooperative wait) after {@code start()}.
 * {@link #stop(double)}, {@link #close()}, {@link #address()} and {@link #started()} may be
 * called from any greenlet or thread, on any hub; a stop waits cooperatively there. No method
 * may be called from a hub callback ({@code Hub.callSoon}, a rawlink) when it would wait.
 * To use several cores, run one server per hub on one port with {@link #reusePort(boolean)}.
 *
 * <p><b>Reading.</b> When the socket is readable the loop takes connections or datagrams until
 * the kernel has no more, at most 100 at a time (gevent's {@code max_accept}) before letting
 * the handlers it spawned run. While the spawn {@link Pool} is full it stops reading: what
 * arrives waits in the kernel. A failed read ({@code EMFILE}, {@code ENFILE},
 * {@code ENOBUFS}...) is logged and reading pauses, 10 ms at first, doubling up to 1 s, until
 * a read succeeds again (gevent's {@code min_delay}/{@code max_delay}); errors that mean the
 * socket itself is gone ({@code EBADF}, {@code EINVAL}, {@code ENOTSOCK}) stop the server.
 *
 * <p><b>Life cycle.</b> new → {@link #start()} → started → {@link #stop(double)} → stopped. A
 * stopped server cannot be started again. Configure it ({@link #spawn(Pool)},
 * {@link #maxConcurrency(int)}, {@link #reusePort(boolean)} and the subclass's own settings)
 * before {@code start()}; afterwards those throw {@link IllegalStateException}.
 *
 * <p>State changes happen under a private lock and never wait there; waits (killing the read
 * loop, joining handlers) happen outside it, so any thread may stop a server.
 *
 * @param <S> the server's own class
 */
public abstract class BaseServer<S extends BaseServer<S>> implements AutoCloseable {
  /** Connections or datagrams taken per readiness before the loop yields (gevent's {@code max_accept}). */
  private static final int MAX_BATCH = 100;
  /** The first pause after a failed accept or receive (gevent's {@code min_delay}). */
  private static final double MIN_DELAY = 0.01;
  /** The longest pause, reached by doubling (gevent's {@code max_delay}). */
  private static final double MAX_DELAY = 1.0;
  /** How long killed handlers get to die (gevent's {@code pool.kill(timeout=1)}). */
  private static final double KILL_WAIT = 1.0;
  /** serveForever's stop timeout when it is interrupted (gevent's {@code stop_timeout}). */
  private static final double DEFAULT_STOP_TIMEOUT = 1.0;

  enum State { NEW, STARTED, STOPPING, STOPPED }

  private final Logger log;
  /** What the read loop does, for its log: "accept" or "receive". */
  private final String read;
  private final InetSocketAddress requested;
  /** True for a server made from a socket: it neither makes nor binds one. */
  final boolean given;
  /** The listening or receiving socket: the given one, or the one start() makes. */
  volatile Socket socket;
  private volatile InetSocketAddress bound;
  private volatile boolean reusePort;

  private final Object lock = new Object();
  private volatile State state = State.NEW;
  private Pool userPool;
  private int maxConcurrency;
  /** What the read loop waits on when full: the user's pool or our own bounded one; null when unbounded. */
  private volatile Pool pool;
  /** Our handler greenlets: the owned pool, or a group. */
  private volatile Group handlers;
  private volatile Greenlet<?> reader;
  private final Event stopped = new Event().markShared();

  /** A server that will make its socket and bind it to {@code listen} at start. */
  BaseServer(InetSocketAddress listen, Logger log, String read) {
    this.requested = Objects.requireNonNull(listen, "listen");
    this.log = log;
    this.read = read;
    this.given = false;
  }

  /** A server on a given socket, which must be open and of {@code type} ({@code SOCK_STREAM}...). */
  BaseServer(Socket socket, int type, Logger log, String read) {
    if (!socket.isOpen()) throw new IllegalArgumentException("the socket is closed");
    if (socket instanceof io.gevent4j.socket.SslSocket) {
      // as gevent: TLS is the server's to set up per connection (ssl(SSLContext)); a listening
      // SslSocket would be served as plain TCP
      throw new IllegalArgumentException("a server listens on a plain socket; give it an SSLContext with ssl(...) instead of "
          + socket);
    }
    int actual;
    try {
      actual = PosixSockets.getsockopt(socket.fd(), Posix.SOL_SOCKET, Posix.SO_TYPE);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a usable socket: " + socket, e);
    }
    if (actual != type) {
      throw new IllegalArgumentException("not a " + (type == Posix.SOCK_STREAM ? "stream" : "datagram") + " socket: " + socket);
    }
    this.requested = null;
    this.log = log;
    this.read = read;
    this.given = true;
    this.socket = socket;
  }

  // ---- what each server does its own way ----------------------------------------------------

  /** Makes the socket to bind (may throw UncheckedIOException, as {@link Socket#tcp()} does). */
  abstract Socket newSocket(boolean ipv6);

  /** Sets options on a socket just made, before it is bound (SO_REUSEPORT is set already). */
  void beforeBind(Socket s) throws IOException {}

  /** Readies the socket, made and bound or given, before the read loop starts (listen...). */
  void opened(Socket s) throws IOException {}

  /**
   * Takes one connection or datagram from {@code fd} without waiting (an accept, a receive):
   * what {@link #dispatch(int)} gets, or {@link Posix#WOULD_BLOCK} when none is waiting.
   */
  abstract int take(int fd) throws IOException;

  /** Hands what {@link #take(int)} returned to a handler, with {@link #spawnHandler}. */
  abstract void dispatch(int taken);

  /**
   * True when the handlers use the socket (a datagram server's reply through it): a stop then
   * closes it once the handlers are done, not as soon as the read loop is dead.
   */
  boolean handlersUseSocket() {
    return false;
  }

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }

  // ---- configuration ----------------------------------------------------------------------

  /**
   * Spawns handlers in {@code pool} (gevent's {@code spawn=pool}): at most its size run at
   * once, and reading (accepting, receiving) pauses while it is full. The pool may be shared
   * with other work; stop waits for and kills only this server's handlers. Replaces
   * {@link #maxConcurrency(int)}.
   *
   * @param pool the pool whose greenlets run the handlers
   * @return this
   * @throws NullPointerException when {@code pool} is null
   * @throws IllegalStateException once started
   */
  public S spawn(Pool pool) {
    Objects.requireNonNull(pool, "pool");
    synchronized (lock) {
      checkNew("spawn(pool)");
      userPool = pool;
      maxConcurrency = 0;
    }
    return self();
  }

  /**
   * At most {@code n} handlers at once, in a {@link Pool} of {@code n} of the server's own
   * (gevent's {@code spawn=n}); reading pauses while all are busy. Without this nor
   * {@link #spawn(Pool)}, each connection or datagram gets a greenlet, with no limit. Replaces
   * {@link #spawn(Pool)}.
   *
   * @param n the most handlers at once
   * @return this
   * @throws IllegalArgumentException when {@code n <= 0}
   * @throws IllegalStateException once started
   */
  public S spawn(int n) {
    return maxConcurrency(n);
  }

  /**
   * At most {@code n} handlers at once: same as {@link #spawn(int)}.
   *
   * @param n the most handlers at once
   * @return this
   * @throws IllegalArgumentException when {@code n <= 0}
   */
  public S maxConcurrency(int n) {
    if (n <= 0) throw new IllegalArgumentException("maxConcurrency must be > 0, not " + n);
    synchronized (lock) {
      checkNew("maxConcurrency");
      maxConcurrency = n;
      userPool = null;
    }
    return self();
  }

  /**
   * Sets {@code SO_REUSEPORT} on the socket before binding, so that servers on several hubs
   * (threads) or processes can use the same port, the kernel spreading connections or senders
   * between them; every one of them must set it. No gevent counterpart: gevent has only
   * {@code reuse_addr}. A {@link StreamServer} always sets {@code SO_REUSEADDR} too (as gevent
   * on POSIX); a {@link DatagramServer} does not (on UDP it would let a second server bind a
   * port in use without an error).
   *
   * @param on true to set {@code SO_REUSEPORT}
   * @return this
   * @throws IllegalStateException once started, or for a server made from a socket (set the
   *     option on that socket yourself)
   */
  public S reusePort(boolean on) {
    checkNew("reusePort");
    if (given) throw new IllegalStateException("reusePort is for a server that makes its socket: set SO_REUSEPORT on yours");
    reusePort = on;
    return self();
  }

  /** Throws unless the server is new: configuration must come before start(). */
  final void checkNew(String what) {
    synchronized (lock) {
      if (state != State.NEW) throw new IllegalStateException("configure " + this + " before start(): " + what);
    }
  }

  final State state() {
    return state;
  }

  private static double checkTimeout(double timeout) {
    return io.gevent4j.hub.internal.Timeouts.check(timeout);
  }

  // ---- starting -----------------------------------------------------------------------------

  /**
   * Makes and binds the socket (unless it was given), and for a {@link StreamServer} listens,
   * then starts reading, on the caller's hub (gevent's {@code BaseServer.start()}); returns at
   * once. The read loop and the handlers run when that hub runs. Any thread or greenlet; it
   * waits only to resolve an unresolved address (with the hub's resolver). Nothing else here
   * waits, so it happens under the lock: a concurrent start or stop sees either a new server
   * or a started one.
   *
   * @throws java.net.BindException when the address is in use (the message names it); for a
   *     {@link DatagramServer}, unless every server on it set {@link #reusePort(boolean)}
   * @throws IOException when the socket cannot be made, bound or put into listening mode; the
   *     server then stays new
   * @throws IllegalStateException when already started, or stopped
   */
  public void start() throws IOException {
    checkStartable();
    InetSocketAddress where = requested != null ? resolve(requested) : null;
    synchronized (lock) {
      checkStartable();
      try {
        open(where);
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
          runReader();
          return null;
        });
        loop.name(this + " loop");
        reader = loop;
        loop.start();
      } catch (IOException | RuntimeException | Error e) {
        undoOpen();
        throw e;
      }
      state = State.STARTED;
    }
  }

  /** Throws unless the server can still start: a fast check before resolving an address. */
  private void checkStartable() {
    synchronized (lock) {
      if (state == State.STARTED) throw new IllegalStateException(this + " is already started");
      if (state != State.NEW) throw new IllegalStateException(this + " is stopped; a server cannot be restarted");
    }
  }

  private static InetSocketAddress resolve(InetSocketAddress address) throws IOException {
    if (!address.isUnresolved()) return address;
    List<InetAddress> found = Hub.current().resolver().getaddrinfo(address.getHostString());
    if (found.isEmpty()) throw new UnknownHostException(address.getHostString());
    return new InetSocketAddress(found.get(0), address.getPort());
  }

  private void open(InetSocketAddress where) throws IOException {
    Socket s = socket;
    if (s == null) {
      if (where.getAddress() != null && where.getAddress().isAnyLocalAddress() && !(where.getAddress() instanceof Inet6Address)) {
        // The IPv4 wildcard (new InetSocketAddress(port)) listens on IPv6 too, as a JDK
        // ServerSocket and gevent's ('', port) do: an IPv6 socket bound to :: takes both.
        s = dualStack(where);
        if (s != null) where = new InetSocketAddress(java.net.Inet6Address.getByName("::"), where.getPort());
      }
    }
    if (s == null) {
      try {
        s = newSocket(where.getAddress() instanceof Inet6Address);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    if (socket == null) {
      socket = s;
      beforeBind(s);
      if (reusePort) s.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      try {
        s.bind(where);
      } catch (BindException e) {
        BindException named = new BindException(e.getMessage() + ": " + where);
        named.initCause(e);
        throw named;
      }
    } else if (!s.isOpen()) {
      throw new IllegalStateException("the socket was closed");
    }
    opened(s);
    bound = s.localAddress();
  }

  /** An IPv6 socket that also takes IPv4 (IPV6_V6ONLY off), or null where IPv6 is not there. */
  private Socket dualStack(InetSocketAddress where) {
    Socket s;
    try {
      s = newSocket(true);
    } catch (UncheckedIOException e) {
      return null; // no IPv6 here: IPv4 alone
    }
    try {
      PosixSockets.setsockopt(s.fd(), Posix.IPPROTO_IPV6, Posix.IPV6_V6ONLY, 0);
      return s;
    } catch (IOException e) {
      s.close();
      return null;
    }
  }

  private void undoOpen() {
    if (given) return;
    Socket s = socket;
    socket = null;
    if (s != null) s.close();
  }

  // ---- reading ------------------------------------------------------------------------------

  private void runReader() {
    try {
      readLoop();
    } finally {
      if (state == State.STARTED) {
        // the loop ended on its own (a fatal error on the socket): stop the rest in a greenlet
        // of its own, which kills nothing we are still running in
        try {
          Greenlet.spawn(() -> stop(DEFAULT_STOP_TIMEOUT));
        } catch (RuntimeException e) {
          log.error("{}: cannot stop after its loop ended", this, e);
        }
      }
    }
  }

  private void readLoop() {
    Hub hub = Hub.current();
    int fd = socket.fd();
    IoWatcher readable = hub.loop().io(fd, Watcher.READ);
    double delay = 0; // the pause after a failed read: MIN_DELAY, doubling up to MAX_DELAY
    try {
      while (true) {
        awaitCapacity();
        int taken = 0;
        boolean drained = false;
        while (taken < MAX_BATCH && !full()) {
          int got;
          try {
            got = take(fd);
          } catch (IOException e) {
            if (isFatal(e)) {
              log.error("{}: {} failed, the server stops", this, read, e);
              return;
            }
            delay = delay == 0 ? MIN_DELAY : Math.min(MAX_DELAY, delay * 2);
            log.warn("{}: {} failed, trying again in {} s", this, read, delay, e);
            Hub.sleep(delay);
            continue;
          }
          if (got == Posix.WOULD_BLOCK) {
            drained = true;
            break;
          }
          delay = 0;
          taken++;
          try {
            dispatch(got);
          } catch (RuntimeException e) {
            // as gevent: a handler that cannot be spawned pauses the server, which tries again
            delay = delay == 0 ? MIN_DELAY : Math.min(MAX_DELAY, delay * 2);
            log.warn("{}: spawning a handler failed, trying again in {} s", this, delay, e);
            Hub.sleep(delay);
          }
        }
        if (drained) {
          hub.waitArmed(readable, Double.POSITIVE_INFINITY);
        } else if (taken >= MAX_BATCH) {
          Hub.sleep(0); // more may be waiting: let the handlers just spawned run first
        }
      }
    } finally {
      readable.close();
    }
  }

  /** Waits, cooperatively, while the pool is full: the read loop pauses rather than take more. */
  private void awaitCapacity() {
    Pool p = pool;
    if (p == null) return;
    while (p.full()) p.waitAvailable(Double.POSITIVE_INFINITY);
  }

  /** True when a spawn would wait for a slot. */
  private boolean full() {
    Pool p = pool;
    return p != null && p.full();
  }

  /**
   * Spawns a handler greenlet by the policy (may wait for a slot of a shared pool). It runs
   * once the read loop yields; a stop may kill it before that, and then its body never runs.
   */
  final Greenlet<Void> spawnHandler(Callable<Void> body) {
    Pool shared = pool != handlers ? pool : null;
    if (shared != null) {
      Greenlet<Void> g = shared.spawn(body);
      handlers.add(g);
      return g;
    }
    return handlers.spawn(body);
  }

  /**
   * True for errors that mean the socket itself is gone (gevent's {@code fatal_errors}: EBADF,
   * EINVAL, ENOTSOCK): the read loop ends and the server stops.
   */
  private static boolean isFatal(IOException e) {
    if (e instanceof ClosedChannelException) return true;
    NativeIoException n = e instanceof NativeIoException x ? x : e.getCause() instanceof NativeIoException y ? y : null;
    if (n == null) return false;
    String name = n.errnoName();
    return name.equals("EBADF") || name.equals("EINVAL") || name.equals("ENOTSOCK");
  }

  // ---- running and stopping -----------------------------------------------------------------

  /**
   * Starts the server unless it is started already, then waits until it is stopped (gevent's
   * {@code BaseServer.serve_forever()}): returns once a {@link #stop(double)} or
   * {@link #close()} called elsewhere has finished. If the wait is ended otherwise (the
   * greenlet is killed, a {@link io.gevent4j.hub.Timeout} fires), the server is stopped with a
   * 1 s grace (gevent's {@code stop_timeout}) before that is rethrown. Blocks cooperatively:
   * from a plain thread it runs that thread's hub, which serves when the server was started
   * there.
   *
   * @throws IOException from {@link #start()}
   * @throws IllegalStateException when the server was stopped before
   */
  public void serveForever() throws IOException {
    serveForever(DEFAULT_STOP_TIMEOUT);
  }

  /**
   * {@link #serveForever()}, stopping with {@code stopTimeout} seconds of grace when its wait is
   * ended by a kill or a Timeout (gevent's {@code BaseServer.serve_forever(stop_timeout)}).
   *
   * @param stopTimeout the grace, in seconds, for the stop
   * @throws IOException from {@link #start()}
   * @throws IllegalArgumentException for a negative or NaN timeout
   * @throws IllegalStateException when the server was stopped before
   */
  public void serveForever(double stopTimeout) throws IOException {
    checkTimeout(stopTimeout);
    if (state == State.NEW) start();
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

  /**
   * Stops gracefully (gevent's {@code BaseServer.stop(timeout)}): stops reading, waits up to
   * {@code timeout} seconds for the running handlers to return, then kills the rest with
   * {@link io.gevent4j.hub.GreenletExit} and gives them 1 s to die (a handler that ignores the
   * kill is logged and left running). A {@link StreamServer} closes its listener as soon as
   * it stops reading (new connections are refused from then on), and its connections are
   * closed by the time this returns; a {@link DatagramServer} closes its socket only once its
   * handlers are done, so that they can still reply. Blocks, cooperatively, until that is
   * done. A handler may stop its own server: it is neither waited for nor killed. Idempotent;
   * a concurrent second stop waits in the same way, with its own timeout. A server never
   * started only closes the socket it was given. Any greenlet or thread, on any hub (not a
   * hub callback).
   *
   * @param timeout seconds; 0 kills at once, infinity waits as long as the handlers take
   * @throws IllegalArgumentException for a negative or NaN timeout
   */
  public void stop(double timeout) {
    checkTimeout(timeout);
    Greenlet<?> loop;
    Group group;
    synchronized (lock) {
      if (state == State.NEW) {
        state = State.STOPPED;
        closeSocket();
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
    if (!handlersUseSocket()) closeSocket();
    List<Greenlet<?>> running = others(group, self);
    if (!running.isEmpty()) {
      Gevent.joinAll(running, timeout, false);
      running = others(group, self);
      if (!running.isEmpty()) {
        try {
          Gevent.killAll(running, true, KILL_WAIT);
        } catch (io.gevent4j.hub.Timeout stillRunning) {
          // reported below
        }
        List<Greenlet<?>> stuck = others(group, self);
        if (!stuck.isEmpty()) {
          log.warn("{}: {} handler(s) still running {} s after being killed: {}", this, stuck.size(), KILL_WAIT, stuck);
        }
      }
    }
    closeSocket();
    synchronized (lock) {
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

  private void closeSocket() {
    Socket s = socket;
    if (s != null) s.close();
  }

  /**
   * Stops at once: {@code stop(0)}, the running handlers are killed. Use {@link #stop(double)}
   * for a graceful stop. (gevent's {@code BaseServer.close()} only stops accepting; its context
   * manager stops; this is the AutoCloseable end of a try-with-resources, which must not leave
   * connections behind.) Idempotent; any greenlet or thread.
   */
  @Override
  public void close() {
    stop(0);
  }

  /**
   * True from a successful {@link #start()} until a stop begins (gevent's
   * {@code BaseServer.started}). Any thread.
   *
   * @return true while started and not stopping
   */
  public boolean started() {
    return state == State.STARTED;
  }

  /**
   * True when {@code e} says only that the peer went away (a reset, a broken pipe): the
   * client's doing, not a failure of the server or its handler, so logged at DEBUG.
   */
  static boolean peerGone(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.gevent4j.loop.NativeIoException n) {
        String name = n.errnoName();
        if (name.equals("ECONNRESET") || name.equals("EPIPE") || name.equals("ECONNABORTED")) return true;
      }
      if (t instanceof java.net.SocketException && t.getMessage() != null
          && (t.getMessage().contains("reset") || t.getMessage().contains("Broken pipe"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@return true once a stop has begun (gevent's {@code BaseServer.closed}): it cannot start again}
   * Any thread.
   */
  public boolean closed() {
    State s = state;
    return s == State.STOPPING || s == State.STOPPED;
  }

  /**
   * The address the server listens or receives on (gevent's {@code BaseServer.address}): once
   * started, the actual one (the port the kernel picked for port 0); before, the one asked for
   * (or the given socket's). Stays valid after a stop. Any thread.
   *
   * @return the address it listens or receives on, or was asked to
   */
  public InetSocketAddress address() {
    InetSocketAddress b = bound;
    if (b != null) return b;
    if (requested != null) return requested;
    Socket s = socket;
    return s != null ? s.localAddress() : null;
  }
}
