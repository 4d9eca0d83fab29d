package io.gevent4j.threading;

import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.HubFuture;
import io.gevent4j.hub.RawGreenlet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hub of a {@link HubGroup} and the platform thread that owns it ({@code hubgroup-<n>-<i>}).
 *
 * <p>The owner thread makes the hub, then only ever waits in gevent4j: on the group's stop
 * signal ({@link Hub#await}), which hands the hub its turn for as long as the group lives, so
 * the hub thread runs the greenlets. The owner runs no user code: a platform thread that owns a
 * hub and blocks in a JDK lock whose next in line is one of its own greenlets never gets it
 * (docs/hub.md), and user code may take any lock. A {@link VirtualMachineError} that escapes one
 * of the hub's greenlets is rethrown in the owner's wait (the hub's rule): it is logged here
 * and the owner waits again, so the hub goes on.
 *
 * <p>At the stop signal the owner lets the greenlets finish for the grace it is given, kills the
 * rest ({@link GreenletExit}, {@link HubGroup#KILL_WAIT} s to die), closes the hub, waits for the
 * hub thread to end, and cancels the tasks that never started.
 */
final class GroupHub {
  private static final Logger LOG = LoggerFactory.getLogger(HubGroup.class);
  /** Kill rounds at most: a greenlet that catches GreenletExit and waits again is killed again. */
  private static final int KILL_ROUNDS = 10;

  final HubGroup group;
  final int index;
  final Thread owner;
  /** Set by the owner before {@link #started} completes. */
  volatile Hub hub;
  /** Tasks handed to this hub whose greenlet has not started yet: part of the load. */
  final Set<GroupTask<?>> queued = ConcurrentHashMap.newKeySet();
  private final HubFuture<Hub> started = new HubFuture<>();
  /** Completed by the group's close with the grace (seconds) the greenlets get before the kill. */
  private final CompletableFuture<Double> stop = new CompletableFuture<>();
  /** Completed when the hub is closed and its thread has ended. */
  final HubFuture<Void> ended = new HubFuture<>();
  /** Set when the owner begins killing the hub's greenlets: a task that fails then was killed. */
  volatile boolean killing;

  GroupHub(HubGroup group, int index, String name) {
    this.group = group;
    this.index = index;
    this.owner = Thread.ofPlatform().name(name).unstarted(this::run);
  }

  /** The load {@code submit} compares: greenlets alive on the hub plus tasks queued for it. Any thread. */
  int load() {
    Hub h = hub;
    return (h != null ? h.greenletCount() : 0) + queued.size();
  }

  void start() {
    owner.start();
  }

  /** Waits until the hub is made; rethrows what kept it from being made. */
  Hub awaitStarted() {
    return HubGroup.await(started);
  }

  /** Tells the owner to close its hub, after {@code grace} seconds for the greenlets. Any thread, once. */
  void signalStop(double grace) {
    stop.complete(grace);
  }

  private void run() {
    Hub h;
    try {
      h = Hub.current();
    } catch (Throwable t) {
      started.completeExceptionally(t);
      ended.complete(null);
      return;
    }
    hub = h;
    started.complete(h);
    try {
      shutDown(h, waitForStop(h));
    } catch (Throwable t) {
      LOG.error("{}: closing the hub failed", owner.getName(), t);
    } finally {
      try {
        h.close();
      } catch (Throwable t) {
        LOG.error("{}: closing the hub failed", owner.getName(), t);
      }
      joinUninterruptibly(h.thread());
      for (GroupTask<?> t : queued) {
        if (queued.remove(t)) t.dropped();
      }
      ended.complete(null);
    }
  }

  /** The owner's one wait while the group lives: returns the grace given at the stop signal. */
  private double waitForStop(Hub h) {
    while (true) {
      try {
        return Hub.await(stop);
      } catch (Throwable t) {
        if (h.isClosed()) {
          LOG.error("{}: the hub closed by itself; the hub thread failed", owner.getName(), t);
          return 0;
        }
        // a VirtualMachineError that escaped a greenlet comes out of the owner's wait
        LOG.error("{}: {} escaped a greenlet of this hub; the hub goes on", owner.getName(), t, t);
      }
    }
  }

  /** Lets the greenlets finish for {@code grace} seconds, then kills what is left. Owner only. */
  private void shutDown(Hub h, double grace) {
    if (grace > 0 && (h.greenletCount() > 0 || !queued.isEmpty())) join(h, grace);
    killing = true;
    long deadline = System.nanoTime() + (long) (HubGroup.KILL_WAIT * 1e9);
    for (int round = 0; round < KILL_ROUNDS; round++) {
      List<RawGreenlet> live = h.liveGreenlets();
      if (live.isEmpty() && queued.isEmpty()) return;
      double left = (deadline - System.nanoTime()) / 1e9;
      if (left <= 0) break;
      for (RawGreenlet g : live) g.throwInto(new GreenletExit());
      join(h, left);
    }
    List<RawGreenlet> stuck = h.liveGreenlets();
    if (!stuck.isEmpty()) {
      LOG.warn("{}: {} greenlet(s) still alive {} s after being killed (in a wait a kill cannot end, such as a JDK lock, "
          + "or ignoring GreenletExit); the hub closes under them: {}", owner.getName(), stuck.size(), HubGroup.KILL_WAIT, stuck);
    }
  }

  /** The hub runs until nothing keeps it alive or {@code seconds} passed. Owner only. */
  private void join(Hub h, double seconds) {
    try {
      h.join(seconds);
    } catch (Throwable t) {
      LOG.error("{}: {} escaped a greenlet of this hub while it closed", owner.getName(), t, t);
    }
  }

  static void joinUninterruptibly(Thread t) {
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
  }

  @Override
  public String toString() {
    return owner.getName();
  }
}
