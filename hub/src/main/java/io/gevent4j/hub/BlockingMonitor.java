package io.gevent4j.hub;

import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a hub held longer than {@code gevent.maxBlockingTime} and reports it: a log line on
 * {@code io.gevent4j.hub.monitor} with the stack of whatever holds it, and a JFR event
 * {@code io.gevent4j.HubBlocked} (gevent's monitor thread, {@code _monitor.py}). A hub is held
 * by a greenlet (or callback) that does not yield, or by its owner thread while it runs its own
 * code with greenlets waiting for it: not waiting, or blocked in a JDK call that is not
 * cooperative on a plain thread (a JDBC query, an {@code HttpURLConnection} to a server on this
 * very hub). One daemon thread watches every hub that asked for it.
 */
final class BlockingMonitor {
  private BlockingMonitor() {}

  static final Logger LOG = LoggerFactory.getLogger("io.gevent4j.hub.monitor");
  private static final Set<Hub> WATCHED = ConcurrentHashMap.newKeySet();
  private static Thread thread;

  /** Reported in a JFR recording for each blocked hub. */
  @Name("io.gevent4j.HubBlocked")
  @Label("Hub Blocked")
  @Category("gevent4j")
  @Description("A greenlet or callback held its hub longer than gevent.maxBlockingTime")
  static final class HubBlockedEvent extends Event {
    @Label("Hub thread")
    String hub;

    @Label("Greenlet")
    String greenlet;

    @Label("Blocked for")
    @Timespan(Timespan.NANOSECONDS)
    long blockedNanos;

    @Label("Stack")
    String stack;
  }

  static synchronized void watch(Hub hub) {
    hub.monitored = true; // the hub times its tasks from now on
    if (hub.ownerHasTurn()) hub.ownerTurnStartedNanos = System.nanoTime();
    WATCHED.add(hub);
    if (thread == null) {
      thread = Thread.ofPlatform().daemon(true).name("gevent4j-monitor").start(BlockingMonitor::run);
    }
  }

  private static void run() {
    // The task each hub was running when last reported, so one blocking is reported once;
    // likewise the owner's turn.
    Map<Hub, Long> reported = new WeakHashMap<>();
    Map<Hub, Long> reportedTurn = new WeakHashMap<>();
    while (true) {
      synchronized (BlockingMonitor.class) {
        if (WATCHED.isEmpty()) {
          thread = null; // started again by the next watch(): no thread outlives the hubs it watched
          return;
        }
      }
      long limitNanos = (long) (Config.maxBlockingTime() * 1e9);
      try {
        Thread.sleep(Math.max(1, limitNanos / 2_000_000));
      } catch (InterruptedException e) {
        return;
      }
      for (Hub hub : WATCHED) {
        if (hub.isClosed()) {
          WATCHED.remove(hub);
          continue;
        }
        long turn = hub.ownerTurnStartedNanos;
        if (turn != 0) {
          long held = System.nanoTime() - turn;
          if (held >= limitNanos && hub.hasWaitingWork() && !Long.valueOf(turn).equals(reportedTurn.get(hub))) {
            reportedTurn.put(hub, turn);
            reportOwner(hub, held);
          }
          continue;
        }
        long started = hub.taskStartedNanos;
        long task = hub.tasksRun;
        if (started == 0) continue;
        long blocked = System.nanoTime() - started;
        if (blocked < limitNanos || Long.valueOf(task).equals(reported.get(hub))) continue;
        reported.put(hub, task);
        report(hub, blocked);
      }
    }
  }

  /** The owner has held its hub: running its own code, or blocked in a JDK call, while greenlets wait. */
  private static void reportOwner(Hub hub, long heldNanos) {
    StringBuilder text = new StringBuilder();
    for (StackTraceElement e : hub.owner.getStackTrace()) text.append("\n\tat ").append(e);
    String who = "the owner thread " + hub.owner.getName();
    LOG.warn("{} has held hub {} for {} ms without waiting, while {} greenlet(s) wait for it (they run only while it "
        + "waits in gevent4j; a JDK blocking call on this thread blocks them, see docs/hub.md) (gevent.maxBlockingTime {} s):{}",
        who, hub.owner.getName(), heldNanos / 1_000_000, hub.liveGreenlets().size(), Config.maxBlockingTime(), text);
    commit(hub, who, heldNanos, text);
  }

  private static void commit(Hub hub, String who, long nanos, StringBuilder text) {
    HubBlockedEvent event = new HubBlockedEvent();
    if (event.isEnabled()) {
      event.hub = hub.owner.getName();
      event.greenlet = who;
      event.blockedNanos = nanos;
      event.stack = text.toString();
      event.commit();
    }
  }

  private static void report(Hub hub, long blockedNanos) {
    RawGreenlet running = null;
    for (RawGreenlet g : hub.liveGreenlets()) {
      Thread t = g.thread();
      if (t != null && VirtualThreads.carrierOf(t) == hub.thread) running = g;
    }
    StackTraceElement[] stack = running != null ? running.thread().getStackTrace() : hub.thread.getStackTrace();
    StringBuilder text = new StringBuilder();
    for (StackTraceElement e : stack) text.append("\n\tat ").append(e);
    String who = running != null ? running.name() : "a hub callback";
    LOG.warn("{} has held hub {} for {} ms (gevent.maxBlockingTime {} s):{}", who, hub.owner.getName(),
        blockedNanos / 1_000_000, Config.maxBlockingTime(), text);
    commit(hub, who, blockedNanos, text);
  }
}
