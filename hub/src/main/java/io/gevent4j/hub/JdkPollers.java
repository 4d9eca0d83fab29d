package io.gevent4j.hub;

import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;

import io.gevent4j.loop.IoWatcher;
import io.gevent4j.loop.Posix;
import io.gevent4j.loop.Watcher;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntBinaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the JDK's blocking I/O in greenlets waits ({@code gevent.jdkPollers}).
 *
 * <p>A virtual thread that must wait in {@code java.net.Socket}, a blocking NIO channel or a
 * pipe parks in {@code sun.nio.ch.Poller}: it registers its descriptor with one of the JDK's
 * read or write pollers (an epoll set each; the slot is chosen by descriptor number), and the
 * poller unparks it when the descriptor is ready. On Linux those pollers are "sub-pollers",
 * virtual threads that a platform "MasterPoller" thread wakes, created once per JVM when the
 * class is initialized and scheduled by whatever scheduler the virtual thread that triggered
 * the initialization had (a virtual thread made without a scheduler inherits its parent's). So
 * a greenlet's wake-up used to cross threads twice (master, then a sub-poller on the JDK's
 * ForkJoinPool, then the hub's submission queue), and the first greenlet to do JDK I/O in the
 * JVM could place every sub-poller on its hub, stranding all virtual threads' I/O when that hub
 * closed.
 *
 * <p>With {@code gevent.jdkPollers=hub} (the default), the first hub's creation initializes the
 * JDK's pollers itself, in a virtual thread of the JDK's default scheduler (so they run there,
 * as if gevent4j were not there, and the initialization is provably this one: see
 * {@link #initializeFromMarker}), and replaces each slot with a {@code sun.nio.ch.GeventPoller}, a
 * class defined here into {@code java.base} (it needs
 * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}). It is the JDK's own epoll poller, with
 * its registration passed to a hook: a greenlet's descriptor goes into an epoll set of its own
 * hub ({@link HubIo}), which the hub's loop watches, so the greenlet is woken on its hub
 * thread, with no other thread involved; any other virtual thread's goes to the poller's own
 * epoll set, served as the JDK serves it (a sub-poller on the default scheduler, or a platform
 * poller thread with {@code jdk.pollerMode=1}). With {@code gevent.jdkPollers=jdk}, or when the
 * JDK does not allow the replacement, only the initialization is done (from the first hub's
 * owner, a platform thread: the sub-pollers get the default scheduler), and, in the second
 * case, one line is logged saying why.
 */
final class JdkPollers {
  private JdkPollers() {}

  private static final Logger LOG = LoggerFactory.getLogger("io.gevent4j.hub.jdkPollers");

  static final String HUB = "hub";
  static final String JDK = "jdk";
  private static final String POLLER = "sun.nio.ch.Poller";

  /** The route taken, once decided (the first hub's creation); null before. */
  private static volatile String route;
  /** Why the route is what it is; for the log line and tests. */
  private static volatile String reason;
  /** The slots' pollers and their fallback threads, when the route is {@link #HUB}; for checks. */
  private static volatile List<Object> installedPollers = List.of();
  private static volatile List<Thread> fallbackThreads = List.of();

  /** The route JDK I/O waits in greenlets take: {@link #HUB}, {@link #JDK}, or null before the first hub. */
  static String route() {
    return route;
  }

  /** Why the route is what it is, in one sentence. */
  static String reason() {
    return reason;
  }

  static List<Thread> fallbackThreads() {
    return fallbackThreads;
  }

  static List<Object> installedPollers() {
    return installedPollers;
  }

  /**
   * Decides the route, once per JVM; called by the first hub's creation, on its owner (a
   * platform thread), before any greenlet runs.
   *
   * @throws IllegalArgumentException for a bad {@code gevent.jdkPollers} (nothing is done then)
   */
  static void install() {
    if (route != null) return;
    synchronized (JdkPollers.class) {
      if (route != null) return;
      String wanted = Config.jdkPollers();
      boolean explicit = Config.isSet("gevent.jdkPollers");
      String why;
      String decided = JDK;
      if (wanted.equals(JDK)) {
        String before = initializeJdkRoute();
        why = "gevent.jdkPollers=jdk" + (before == null ? "" : "; " + before);
      } else {
        why = installHubRoute();
        if (why == null) {
          decided = HUB;
          why = "greenlets' JDK I/O waits are served by their hub's loop";
        }
      }
      reason = why;
      route = decided;
      if (decided.equals(JDK) && wanted.equals(HUB)) {
        String line = "gevent4j: JDK I/O in greenlets waits in the JDK's pollers, whose threads wake each greenlet "
            + "through its hub's queue: " + why;
        if (explicit) LOG.warn(line);
        else LOG.info(line);
      } else {
        LOG.debug("gevent4j: {}", why);
      }
    }
  }

  // ---- the jdk route ------------------------------------------------------------------------

  /**
   * The JDK's pollers, initialized now from this platform thread if nobody did before, so that
   * their sub-pollers run on the JDK's default scheduler and never on a hub; null when that is
   * what happened, else what was found.
   */
  private static String initializeJdkRoute() {
    boolean before = jdkPollerThreadsRunning();
    try {
      Class.forName(POLLER, true, null);
    } catch (ClassNotFoundException | LinkageError e) {
      return "this JDK has no " + POLLER + " (" + e + ")";
    }
    return before ? POLLER + " was started before gevent4j's first hub (a virtual thread did I/O first): its "
        + "sub-pollers run wherever that thread's scheduler runs them" : null;
  }

  /**
   * True when a poller thread of the JDK runs ({@code sun.nio.ch.Poller} has been initialized),
   * told by the names JDK 21 to 25 give them; only for what the log line says.
   */
  private static boolean jdkPollerThreadsRunning() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) root = root.getParent();
    Thread[] threads = new Thread[root.activeCount() + 16];
    int n = root.enumerate(threads, true);
    for (int i = 0; i < n; i++) {
      String name = threads[i].getName();
      if (name.equals("MasterPoller") || name.equals("Read-Poller") || name.equals("Write-Poller")) return true;
    }
    return false;
  }

  // ---- the hub route ------------------------------------------------------------------------

  /** Replaces the JDK's pollers; null when done, else why not (nothing changed then). */
  private static String installHubRoute() {
    Internals jdk = Internals.INSTANCE;
    if (jdk == null || VirtualThreads.defaultScheduler() == null) {
      // Still make the placement deterministic.
      String before = initializeJdkRoute();
      String why = jdk == null ? Internals.unavailable : "this JDK does not say what its default scheduler of virtual threads is";
      return why + (before == null ? "" : "; " + before);
    }
    Executor defaultScheduler = VirtualThreads.defaultScheduler();
    boolean initializedHere;
    try {
      initializedHere = initializeFromMarker(defaultScheduler);
    } catch (Throwable t) {
      return "initializing " + POLLER + " failed: " + t;
    }
    try {
      Object master = jdk.masterPoller.invoke();
      List<?> readPollers = (List<?>) jdk.readPollers.invoke();
      List<?> writePollers = (List<?>) jdk.writePollers.invoke();
      if (!initializedHere) {
        // Mode 2: the JDK's sub-pollers were not started through the initializing thread, so
        // somebody initialized it before. Mode 1 (platform poller threads): no thread to tell by.
        if (master != null) return describeEarlierPlacement(jdk, readPollers, writePollers);
      }
      for (Object p : readPollers) {
        if ((int) jdk.registered.invoke(p) != 0) return "a virtual thread was already waiting in them";
      }
      for (Object p : writePollers) {
        if ((int) jdk.registered.invoke(p) != 0) return "a virtual thread was already waiting in them";
      }
      Object pollers = jdk.pollers.get();
      Object[] readSlots = (Object[]) jdk.readSlots.get(pollers);
      Object[] writeSlots = (Object[]) jdk.writeSlots.get(pollers);
      boolean subPollers = master != null;
      List<Object> installed = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      Object[][] replacement = {new Object[readSlots.length], new Object[writeSlots.length]};
      for (int k = 0; k < 2; k++) {
        boolean read = k == 0;
        for (int i = 0; i < replacement[k].length; i++) {
          Object p = jdk.newPoller.invoke(subPollers, read, (IntBinaryOperator) new Hook(read));
          Thread t = fallbackThread(jdk, p, subPollers, (read ? "Read" : "Write") + "-" + i);
          jdk.owner.set(p, t); // what jcmd Thread.vthread_pollers shows as the poller's thread
          replacement[k][i] = p;
          installed.add(p);
          threads.add(t);
        }
      }
      for (Thread t : threads) t.start();
      // From here on every new wait goes to a GeventPoller (nothing below can fail). A wait
      // begun on the JDK's own pollers between the check above and this (a virtual thread
      // racing the first hub's creation) still ends when its descriptor is ready: their
      // sub-pollers keep running.
      System.arraycopy(replacement[0], 0, readSlots, 0, readSlots.length);
      System.arraycopy(replacement[1], 0, writeSlots, 0, writeSlots.length);
      installedPollers = List.copyOf(installed);
      fallbackThreads = List.copyOf(threads);
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError e && !(t instanceof OutOfMemoryError)) throw e;
      return "replacing the JDK's pollers failed: " + t;
    }
    String check;
    try {
      check = verify(jdk, subPollersOf(jdk), defaultScheduler);
    } catch (Throwable t) {
      check = "cannot read the JDK's pollers back: " + t;
    }
    if (check != null) LOG.warn("gevent4j: {}", check);
    return null;
  }

  private static boolean subPollersOf(Internals jdk) throws Throwable {
    return jdk.masterPoller.invoke() != null;
  }

  /**
   * Initializes {@code sun.nio.ch.Poller} in a virtual thread whose scheduler passes everything
   * to the JDK's default one, counting what the initializing thread itself submits: the
   * sub-pollers the initialization starts inherit that scheduler, so a count above zero proves
   * that this call ran the initialization (and placed them on the default scheduler).
   */
  private static boolean initializeFromMarker(Executor defaultScheduler) throws Throwable {
    AtomicInteger startedByInit = new AtomicInteger();
    Thread[] init = new Thread[1];
    Throwable[] failure = new Throwable[1];
    Executor marker = task -> {
      if (Thread.currentThread() == init[0]) startedByInit.incrementAndGet();
      defaultScheduler.execute(task);
    };
    Thread t = VirtualThreads.builder(marker).name("gevent4j-jdk-pollers-init").unstarted(() -> {
      try {
        Class.forName(POLLER, true, null);
      } catch (Throwable e) {
        failure[0] = e;
      }
    });
    init[0] = t;
    t.start();
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
    if (failure[0] != null) throw failure[0];
    return startedByInit.get() > 0;
  }

  /** Why the route is the JDK's when somebody else initialized its pollers; warns about a hub. */
  private static String describeEarlierPlacement(Internals jdk, List<?> readPollers, List<?> writePollers) throws Throwable {
    String where = "the JDK's default scheduler";
    List<Object> all = new ArrayList<>(readPollers);
    all.addAll(writePollers);
    for (Object p : all) {
      Thread owner = (Thread) jdk.owner.get(p);
      Executor s = owner == null ? null : VirtualThreads.schedulerOf(owner);
      if (s == null || s == VirtualThreads.defaultScheduler()) continue;
      Thread carrier = VirtualThreads.carrierOf(owner);
      where = "another scheduler (" + s + (carrier != null ? ", now on " + carrier.getName() : "")
          + "): if that is a hub, every virtual thread's JDK I/O stops when it closes or while it is busy";
      break;
    }
    return POLLER + " was started before gevent4j's first hub (a virtual thread did I/O first; make a hub before "
        + "that, e.g. Hub.current() first thing in main): its sub-pollers run on " + where;
  }

  /** A slot poller's own epoll set is served as the JDK serves its own: this thread does it. */
  private static Thread fallbackThread(Internals jdk, Object poller, boolean subPoller, String name) {
    Runnable loop = () -> {
      try {
        int fd = (int) jdk.fdVal.invokeExact(poller);
        if (subPoller) {
          // The JDK's subPollerLoop: park on the master poller until the set has events, then
          // poll without waiting, yielding between polls, until a poll finds none.
          int polled = 0;
          for (;;) {
            if (polled == 0) jdk.pollSelector.invokeExact(fd, 0L);
            else Thread.yield();
            polled = (int) jdk.poll.invokeExact(poller, 0);
          }
        } else {
          for (;;) {
            int unused = (int) jdk.poll.invokeExact(poller, -1);
          }
        }
      } catch (Throwable t) {
        LOG.error("gevent4j: the poller thread {} of virtual threads' JDK I/O failed", Thread.currentThread().getName(), t);
      }
    };
    // Made on this platform thread: a virtual one gets the JDK's default scheduler, as its own
    // sub-pollers have.
    return subPoller
        ? Thread.ofVirtual().inheritInheritableThreadLocals(false).name("gevent4j-SubPoller-" + name).unstarted(loop)
        : Thread.ofPlatform().daemon(true).inheritInheritableThreadLocals(false).name("gevent4j-" + name + "-Poller").unstarted(loop);
  }

  /** The replacement as it was meant: every slot is ours, the fallback threads where the JDK's were. */
  private static String verify(Internals jdk, boolean subPollers, Executor defaultScheduler) throws Throwable {
    List<Object> now = new ArrayList<>((List<?>) jdk.readPollers.invoke());
    now.addAll((List<?>) jdk.writePollers.invoke());
    for (Object p : now) {
      if (!installedPollers.contains(p)) return "a slot of the JDK's pollers is not gevent4j's after the replacement: " + p;
    }
    if (subPollers) {
      for (Thread t : fallbackThreads) {
        Executor s = VirtualThreads.schedulerOf(t);
        if (s != defaultScheduler) return t.getName() + " runs on " + s + ", not on the JDK's default scheduler";
      }
    }
    return null;
  }

  // ---- the hook the GeventPollers call ------------------------------------------------------

  /** {@code applyAsInt(op, fd)}: < 0 when the JDK's poller does it itself. */
  static final int REGISTER = 0;
  static final int DEREGISTER = 1;
  static final int DEREGISTER_POLLED = 2;

  /**
   * Called by a GeventPoller on the thread that waits: a greenlet's registration goes to its
   * hub's epoll set; any other thread's stays with the poller (-1).
   */
  private static final class Hook implements IntBinaryOperator {
    private final boolean read;

    Hook(boolean read) {
      this.read = read;
    }

    @Override
    public int applyAsInt(int op, int fd) {
      RawGreenlet g = RawGreenlet.current();
      if (g == null) return -1;
      // On the hub thread: a greenlet runs there, and only while its hub is open.
      HubIo io = g.hub.jdkIo;
      if (io == null) io = HubIo.open(g.hub);
      if (io == HubIo.UNAVAILABLE) return -1;
      if (op == REGISTER) io.register(read, fd);
      else io.deregister(read, fd, op == DEREGISTER_POLLED);
      return 0;
    }
  }

  // ---- a hub's epoll sets ------------------------------------------------------------------

  /** epoll's ABI (linux/eventpoll.h), as the JDK's EPoll uses it. */
  private static final int EPOLL_CTL_ADD = 1;
  private static final int EPOLL_CTL_DEL = 2;
  private static final int EPOLL_CTL_MOD = 3;
  private static final int EPOLLIN = 0x1;
  private static final int EPOLLOUT = 0x4;
  private static final int EPOLLONESHOT = 1 << 30;
  private static final int ENOENT = 2;
  /** Events taken per epoll_wait, as a JDK sub-poller takes them. */
  private static final int MAX_EVENTS = 64;

  /**
   * A hub's two epoll sets for its greenlets' JDK I/O waits (read and write apart, as the
   * JDK's pollers are: a one-shot registration holds one kind of event), each watched by an io
   * watcher of the hub's loop. Registrations are the JDK's own (one-shot, re-armed at each
   * wait). Made at the hub's first such wait; hub thread only; closed with the hub.
   */
  static final class HubIo {
    /** A hub whose sets could not be made: its greenlets' waits stay with the JDK's pollers. */
    static final HubIo UNAVAILABLE = new HubIo();

    private final int readSet;
    private final int writeSet;
    private final long readEvents;
    private final long writeEvents;
    private final IoWatcher readWatcher;
    private final IoWatcher writeWatcher;
    /** Descriptors with a greenlet registered (woken at close, so that nothing stays in the JDK's maps). */
    private final BitSet readWaits = new BitSet();
    private final BitSet writeWaits = new BitSet();
    /** Greenlets woken through these sets; for tests and benchmarks. */
    long wakeups;
    /** Closed with its hub (tests). */
    boolean closed;

    private HubIo() {
      readSet = writeSet = -1;
      readEvents = writeEvents = 0;
      readWatcher = writeWatcher = null;
    }

    private HubIo(Hub hub, int readSet, int writeSet, long readEvents, long writeEvents) {
      this.readSet = readSet;
      this.writeSet = writeSet;
      this.readEvents = readEvents;
      this.writeEvents = writeEvents;
      IoWatcher r = null;
      IoWatcher w = null;
      try {
        r = hub.loop.io(readSet, Watcher.READ);
        r.start(revents -> drain(true));
        r.setRef(false); // a greenlet parked in a JDK call keeps the hub alive by itself
        w = hub.loop.io(writeSet, Watcher.READ);
        w.start(revents -> drain(false));
        w.setRef(false);
      } catch (RuntimeException e) {
        if (r != null) r.close();
        throw e;
      }
      this.readWatcher = r;
      this.writeWatcher = w;
    }

    /** The hub's sets, made now (on its hub thread), or UNAVAILABLE. */
    static HubIo open(Hub hub) {
      Internals jdk = Internals.INSTANCE;
      int readSet = -1;
      int writeSet = -1;
      long readEvents = 0;
      long writeEvents = 0;
      HubIo io;
      try {
        readSet = (int) jdk.create.invokeExact();
        writeSet = (int) jdk.create.invokeExact();
        readEvents = (long) jdk.allocate.invokeExact(MAX_EVENTS);
        writeEvents = (long) jdk.allocate.invokeExact(MAX_EVENTS);
        io = new HubIo(hub, readSet, writeSet, readEvents, writeEvents);
      } catch (Throwable t) {
        if (t instanceof VirtualMachineError e && !(t instanceof OutOfMemoryError)) throw e;
        LOG.warn("gevent4j: hub {} cannot make its epoll sets for JDK I/O; its greenlets' JDK I/O waits take the JDK's route",
            hub.thread.getName(), t);
        closeQuietly(readSet, writeSet, readEvents, writeEvents);
        io = UNAVAILABLE;
      }
      hub.jdkIo = io;
      return io;
    }

    void register(boolean read, int fd) {
      int set = read ? readSet : writeSet;
      int events = (read ? EPOLLIN : EPOLLOUT) | EPOLLONESHOT;
      int err;
      try {
        err = ctl(set, EPOLL_CTL_MOD, fd, events);
        if (err == ENOENT) err = ctl(set, EPOLL_CTL_ADD, fd, events);
      } catch (Throwable t) {
        throw Hub.sneaky(t);
      }
      // The JDK's poller fails the wait the same way
      if (err != 0) throw Hub.sneaky(new IOException("epoll_ctl failed: " + err));
      (read ? readWaits : writeWaits).set(fd);
    }

    void deregister(boolean read, int fd, boolean polled) {
      (read ? readWaits : writeWaits).clear(fd);
      if (polled) return; // one-shot: disabled once it fired
      try {
        ctl(read ? readSet : writeSet, EPOLL_CTL_DEL, fd, 0);
      } catch (Throwable t) {
        throw Hub.sneaky(t);
      }
    }

    private static int ctl(int set, int op, int fd, int events) throws Throwable {
      return (int) Internals.INSTANCE.ctl.invokeExact(set, op, fd, events);
    }

    /** The hub's loop saw a set readable: wake the greenlets whose descriptors are ready, here. */
    private void drain(boolean read) {
      Internals jdk = Internals.INSTANCE;
      int set = read ? readSet : writeSet;
      long events = read ? readEvents : writeEvents;
      int event = read ? jdk.pollIn : jdk.pollOut;
      try {
        int n;
        do {
          n = (int) jdk.epollWait.invokeExact(set, events, MAX_EVENTS, 0);
          for (int i = 0; i < n; i++) {
            int fd = (int) jdk.descriptor.invokeExact((long) jdk.event.invokeExact(events, i));
            jdk.stopPoll.invokeExact(fd, event); // unparks the greenlet: it joins this hub's ready queue
          }
          if (n > 0) wakeups += n;
        } while (n == MAX_EVENTS);
      } catch (Throwable t) {
        throw Hub.sneaky(t);
      }
    }

    /** The hub closes: greenlets still registered are let go, the sets closed. */
    void close() {
      if (this == UNAVAILABLE) return;
      Internals jdk = Internals.INSTANCE;
      try {
        for (int fd = readWaits.nextSetBit(0); fd >= 0; fd = readWaits.nextSetBit(fd + 1)) {
          jdk.stopPoll.invokeExact(fd, jdk.pollIn);
        }
        for (int fd = writeWaits.nextSetBit(0); fd >= 0; fd = writeWaits.nextSetBit(fd + 1)) {
          jdk.stopPoll.invokeExact(fd, jdk.pollOut);
        }
      } catch (Throwable t) {
        if (t instanceof VirtualMachineError e && !(t instanceof OutOfMemoryError)) throw e;
        LOG.warn("gevent4j: letting go of the JDK I/O waits of a closing hub failed", t);
      } finally {
        closed = true;
        readWaits.clear();
        writeWaits.clear();
        readWatcher.close();
        writeWatcher.close();
        closeQuietly(readSet, writeSet, readEvents, writeEvents);
      }
    }

    private static void closeQuietly(int readSet, int writeSet, long readEvents, long writeEvents) {
      Internals jdk = Internals.INSTANCE;
      for (int set : new int[] {readSet, writeSet}) {
        if (set < 0) continue;
        try {
          Posix.close(set);
        } catch (IOException e) {
          LOG.warn("gevent4j: closing an epoll set of JDK I/O waits failed", e);
        }
      }
      try {
        if (readEvents != 0) jdk.free.invokeExact(readEvents);
        if (writeEvents != 0) jdk.free.invokeExact(writeEvents);
      } catch (Throwable t) {
        throw Hub.sneaky(t);
      }
    }
  }

  /** Greenlets of {@code hub} woken by its own epoll sets so far; hub thread (tests, benchmarks). */
  static long wakeups(Hub hub) {
    HubIo io = hub.jdkIo;
    return io == null ? 0 : io.wakeups;
  }

  // ---- the JDK's private names -----------------------------------------------------------------

  /**
   * What the hub route uses of {@code java.base}'s private {@code sun.nio.ch} (JDK 25's names),
   * reached through a private lookup, which needs {@code --add-opens java.base/sun.nio.ch}. A
   * record: its fields are trusted as constants, so the handles inline.
   */
  private record Internals(
      MethodHandle create, MethodHandle ctl, MethodHandle epollWait, MethodHandle event, MethodHandle descriptor,
      MethodHandle allocate, MethodHandle free, MethodHandle stopPoll, int pollIn, int pollOut,
      MethodHandle masterPoller, MethodHandle readPollers, MethodHandle writePollers, MethodHandle registered,
      VarHandle owner, VarHandle pollers, VarHandle readSlots, VarHandle writeSlots,
      MethodHandle newPoller, MethodHandle fdVal, MethodHandle poll, MethodHandle pollSelector) {

    /** Null when this JVM does not allow or have them; {@link #unavailable} says why. */
    static final Internals INSTANCE;
    static final String unavailable;

    static {
      Internals found = null;
      String why = null;
      try {
        found = resolve();
      } catch (IllegalAccessException e) {
        why = "add " + OPENS + " to have each hub's loop serve its own greenlets' waits (or set "
            + "gevent.jdkPollers=jdk to keep this route without this line)";
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        why = "this JDK's " + POLLER + " is not the one gevent4j knows, JDK 25's (" + e + ")";
      }
      INSTANCE = found;
      unavailable = why;
    }

    private static Internals resolve() throws ReflectiveOperationException {
      Class<?> poller = Class.forName(POLLER, false, null);
      Class<?> epollPoller = Class.forName("sun.nio.ch.EPollPoller", false, null);
      Class<?> epoll = Class.forName("sun.nio.ch.EPoll", false, null);
      Class<?> net = Class.forName("sun.nio.ch.Net", false, null);
      Class<?> pollersClass = Class.forName("sun.nio.ch.Poller$Pollers", false, null);
      MethodHandles.Lookup l = MethodHandles.privateLookupIn(poller, MethodHandles.lookup());
      MethodHandles.Lookup pl = MethodHandles.privateLookupIn(pollersClass, MethodHandles.lookup());
      MethodType intInt = MethodType.methodType(int.class, int.class);
      // Every abstract method of Poller must be one the generated class (through EPollPoller)
      // implements: a missing one would be an AbstractMethodError in some socket read later.
      checkAbstracts(poller, epollPoller);
      Class<?> gevent = l.defineClass(geventPollerClass());
      return new Internals(
          l.findStatic(epoll, "create", MethodType.methodType(int.class)),
          l.findStatic(epoll, "ctl", MethodType.methodType(int.class, int.class, int.class, int.class, int.class)),
          l.findStatic(epoll, "wait", MethodType.methodType(int.class, int.class, long.class, int.class, int.class)),
          l.findStatic(epoll, "getEvent", MethodType.methodType(long.class, long.class, int.class)),
          l.findStatic(epoll, "getDescriptor", MethodType.methodType(int.class, long.class)),
          l.findStatic(epoll, "allocatePollArray", MethodType.methodType(long.class, int.class)),
          l.findStatic(epoll, "freePollArray", MethodType.methodType(void.class, long.class)),
          l.findStatic(poller, "stopPoll", MethodType.methodType(void.class, int.class, int.class)),
          (short) l.findStaticVarHandle(net, "POLLIN", short.class).get(),
          (short) l.findStaticVarHandle(net, "POLLOUT", short.class).get(),
          l.findStatic(poller, "masterPoller", MethodType.methodType(poller)).asType(MethodType.methodType(Object.class)),
          l.findStatic(poller, "readPollers", MethodType.methodType(List.class)),
          l.findStatic(poller, "writePollers", MethodType.methodType(List.class)),
          l.findVirtual(poller, "registered", MethodType.methodType(int.class)).asType(MethodType.methodType(int.class, Object.class)),
          l.findVarHandle(poller, "owner", Thread.class),
          l.findStaticVarHandle(poller, "POLLERS", pollersClass),
          pl.findVarHandle(pollersClass, "readPollers", poller.arrayType()),
          pl.findVarHandle(pollersClass, "writePollers", poller.arrayType()),
          l.findConstructor(gevent, MethodType.methodType(void.class, boolean.class, boolean.class, IntBinaryOperator.class))
              .asType(MethodType.methodType(Object.class, boolean.class, boolean.class, IntBinaryOperator.class)),
          l.findVirtual(poller, "fdVal", MethodType.methodType(int.class)).asType(MethodType.methodType(int.class, Object.class)),
          l.findVirtual(poller, "poll", intInt).asType(MethodType.methodType(int.class, Object.class, int.class)),
          l.findStatic(poller, "pollSelector", MethodType.methodType(void.class, int.class, long.class)));
    }

    /**
     * Poller's abstract methods are exactly the three JDK 25 has (the two the generated class
     * overrides, and {@code poll(int)}), each concrete in {@code EPollPoller}: any other shape
     * could leave an abstract method to fail in some socket read later.
     */
    private static void checkAbstracts(Class<?> poller, Class<?> epollPoller) throws NoSuchMethodException {
      List<String> expected = List.of("implDeregister(int,boolean)", "implRegister(int)", "poll(int)");
      List<String> found = new ArrayList<>();
      for (Method m : poller.getDeclaredMethods()) {
        if (!Modifier.isAbstract(m.getModifiers())) continue;
        StringBuilder b = new StringBuilder(m.getName()).append('(');
        for (Class<?> p : m.getParameterTypes()) b.append(b.charAt(b.length() - 1) == '(' ? "" : ",").append(p.getName());
        found.add(b.append(')').toString());
        if (Modifier.isAbstract(epollPoller.getDeclaredMethod(m.getName(), m.getParameterTypes()).getModifiers())) {
          throw new NoSuchMethodException("EPollPoller leaves " + m + " abstract");
        }
      }
      found.sort(null);
      if (!found.equals(expected)) throw new NoSuchMethodException("Poller's abstract methods are " + found + ", not " + expected);
    }
  }

  /** The flag the hub route needs, for the class path or the module path. */
  static final String OPENS = JdkPollers.class.getModule().isNamed()
      ? "--add-opens java.base/sun.nio.ch=io.gevent4j.hub"
      : "--add-opens java.base/sun.nio.ch=ALL-UNNAMED";

  /**
   * The bytes of {@code sun.nio.ch.GeventPoller}: the JDK's {@code EPollPoller}, whose
   * registrations first ask a hook ({@code IntBinaryOperator}: op, fd; < 0 means "yours"):
   *
   * <pre>{@code
   * final class GeventPoller extends EPollPoller {
   *   private final IntBinaryOperator hook;
   *   GeventPoller(boolean subPoller, boolean read, IntBinaryOperator hook) { super(subPoller, read); this.hook = hook; }
   *   void implRegister(int fd) { if (hook.applyAsInt(0, fd) < 0) super.implRegister(fd); }
   *   void implDeregister(int fd, boolean polled) { if (hook.applyAsInt(1 + (polled ? 1 : 0), fd) < 0) super.implDeregister(fd, polled); }
   * }
   * }</pre>
   *
   * Generated here (the ClassFile API) rather than compiled: a class in {@code sun.nio.ch} can
   * neither be compiled against nor shipped in a module of its own.
   */
  private static byte[] geventPollerClass() {
    ClassDesc self = ClassDesc.of("sun.nio.ch.GeventPoller");
    ClassDesc base = ClassDesc.of("sun.nio.ch.EPollPoller");
    ClassDesc hook = ClassDesc.of(IntBinaryOperator.class.getName());
    MethodTypeDesc applyAsInt = MethodTypeDesc.of(CD_int, CD_int, CD_int);
    MethodTypeDesc register = MethodTypeDesc.of(CD_void, CD_int);
    MethodTypeDesc deregister = MethodTypeDesc.of(CD_void, CD_int, CD_boolean);
    return ClassFile.of().build(self, cb -> cb
        .withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER | ClassFile.ACC_SYNTHETIC)
        .withSuperclass(base)
        .withField("hook", hook, ClassFile.ACC_PRIVATE | ClassFile.ACC_FINAL)
        .withMethodBody(INIT_NAME, MethodTypeDesc.of(CD_void, CD_boolean, CD_boolean, hook), 0, code -> code
            .aload(0).iload(1).iload(2)
            .invokespecial(base, INIT_NAME, MethodTypeDesc.of(CD_void, CD_boolean, CD_boolean))
            .aload(0).aload(3).putfield(self, "hook", hook)
            .return_())
        .withMethodBody("implRegister", register, 0, code -> {
          Label done = code.newLabel();
          code.aload(0).getfield(self, "hook", hook).iconst_0().iload(1).invokeinterface(hook, "applyAsInt", applyAsInt)
              .ifge(done)
              .aload(0).iload(1).invokespecial(base, "implRegister", register)
              .labelBinding(done)
              .return_();
        })
        .withMethodBody("implDeregister", deregister, 0, code -> {
          Label done = code.newLabel();
          code.aload(0).getfield(self, "hook", hook).iconst_1().iload(2).iadd().iload(1)
              .invokeinterface(hook, "applyAsInt", applyAsInt)
              .ifge(done)
              .aload(0).iload(1).iload(2).invokespecial(base, "implDeregister", deregister)
              .labelBinding(done)
              .return_();
        }));
  }
}
