package io.gevent4j.threading;

import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.HubFuture;
import io.gevent4j.hub.RawGreenlet;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;

/**
 * A task handed to one hub of a {@link HubGroup}: the body of a raw greenlet of that hub, and
 * the future of its result. Queued on its {@link GroupHub} (part of that hub's load) from the
 * submission until its greenlet starts running.
 *
 * <p>{@code cancel(true)} kills the greenlet when it runs ({@link GreenletExit} at its current or
 * next wait point); a task cancelled before it started never runs.
 *
 * @param <T> the task's result
 */
final class GroupTask<T> extends HubFuture<T> implements Runnable {
  private final GroupHub slot;
  /** Dropped once run: what it captured must not live as long as the future (gevent clears _run). */
  private Callable<T> task;
  /** The group's own work (stopping servers): runs even while the group closes. */
  private final boolean internal;
  /** execute(): a failure escapes the greenlet, for its hub to log; submit(): it goes to the future. */
  private final boolean escapes;
  /** The greenlet running the body, once it runs. */
  private volatile RawGreenlet running;

  GroupTask(GroupHub slot, Callable<T> task, boolean internal, boolean escapes) {
    this.slot = slot;
    this.task = task;
    this.internal = internal;
    this.escapes = escapes;
  }

  /** The greenlet's body, on the slot's hub. */
  @Override
  public void run() {
    Callable<T> body = task;
    task = null;
    if (!slot.queued.remove(this)) return; // cancelled, or dropped by the closing group, before it ran
    running = RawGreenlet.current();
    if (isDone()) return; // cancelled meanwhile
    if (!internal && slot.group.closing()) {
      completeExceptionally(new CancellationException(slot.group + " was closed before this task started"));
      return;
    }
    try {
      complete(body.call());
    } catch (GreenletExit killed) {
      completeExceptionally(killed("was killed", killed));
      throw killed; // the greenlet ends as killed: a success for its hub
    } catch (Throwable t) {
      // A kill that interrupted a JDK call surfaces as that call's exception (an
      // InterruptedException, a SocketException): while the closing group kills, it is the kill.
      completeExceptionally(slot.killing ? killed("was killed as " + slot.group + " closed", t) : t);
      if (escapes) throw sneaky(t);
    }
  }

  private static CancellationException killed(String what, Throwable cause) {
    CancellationException e = new CancellationException("the task " + what);
    e.initCause(cause);
    return e;
  }

  /** The group closed before the task ran: it never will. */
  void dropped() {
    task = null;
    completeExceptionally(new CancellationException(slot.group + " was closed before this task started"));
  }

  /**
   * Cancels the task: one that has not started never runs; with {@code mayInterruptIfRunning},
   * one that runs is killed ({@link GreenletExit} at its current or next wait point).
   */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled && !slot.queued.remove(this) && mayInterruptIfRunning) {
      RawGreenlet g = running;
      if (g != null) g.throwInto(new GreenletExit());
    }
    return cancelled;
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }
}
