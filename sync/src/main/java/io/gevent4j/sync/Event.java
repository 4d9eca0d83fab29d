package io.gevent4j.sync;

import io.gevent4j.hub.BlockingSwitchOutError;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.internal.WaitQueue;
import java.util.List;

/**
 * A flag greenlets and threads wait on until it is set (gevent's {@code gevent.event.Event}).
 *
 * <pre>{@code
 * Event done = new Event();
 * spawn(() -> { work(); done.set(); });
 * if (!done.await(5.0)) log("not yet");
 * }</pre>
 *
 * <p><b>Order.</b> {@link #set()} wakes every waiter, first come first served; on the setter's
 * hub they run once the setter yields. A waiter woken by a {@code set} returns true even if the
 * event was cleared again before it ran. A caller that finds the event set while woken waiters
 * have not run yet yields once, so that it runs after them (gevent #1520).
 *
 * <p><b>Threads and hubs.</b> Every method may be called from any greenlet or platform thread,
 * on any hub: a waiter parked on hub A is woken through A's thread-safe submission whoever sets
 * the event. Waiting parks a greenlet cooperatively, or runs the hub of a platform thread;
 * waiting in a hub callback (a rawlink, {@code Hub.callSoon}) throws
 * {@link io.gevent4j.hub.BlockingSwitchOutError}. An event used only by one thread (and its
 * hub's greenlets) that nothing else can set makes an endless wait there a
 * {@link io.gevent4j.hub.LoopExit}; once another thread or hub has used it, or after
 * {@link #markShared()}, the wait keeps its hub alive instead.
 */
public final class Event extends AbstractLinkable {
  private volatile boolean flag;
  /** Waiters woken by a set that have not resumed yet; guarded by lock. */
  private int notifying;
  /** A woken waiter that gave up before it ran has resumed as far as turn-taking goes. */
  private final java.util.function.Consumer<Object> onAbandoned = handed -> resumed();

  /** A clear event. */
  public Event() {
    super(false);
  }

  /**
   * Sets the flag and wakes every waiter, in the order they came; schedules the rawlinks
   * (gevent's {@code set()}). Does nothing when already set. Never blocks; any thread may call,
   * hub callbacks included.
   */
  public void set() {
    List<WaitQueue.Ticket> woken;
    List<Links.Link> due;
    synchronized (lock) {
      waiters.touch();
      if (flag) return;
      flag = true;
      woken = waiters.claimAll(null);
      notifying += woken.size();
      due = links.due();
    }
    for (WaitQueue.Ticket t : woken) t.signal();
    links.schedule(due);
  }

  /**
   * Clears the flag (gevent's {@code clear()}): later waits wait for the next {@link #set()}.
   * Waiters already woken still return true. Never blocks; any thread may call.
   */
  public void clear() {
    synchronized (lock) {
      waiters.touch();
      flag = false;
    }
  }

  /** {@return true when set (gevent's {@code is_set()})} Never blocks; any thread may call. */
  public boolean isSet() {
    return flag;
  }

  /** Same as {@link #isSet()} (gevent's {@code ready()}). */
  @Override
  public boolean ready() {
    return flag;
  }

  /**
   * Waits until the event is set, as long as it takes (gevent's {@code wait()}). Returns at once
   * when already set. Blocks cooperatively.
   *
   * @throws io.gevent4j.hub.LoopExit when nothing can ever set it (see the class comment)
   * @throws io.gevent4j.hub.BlockingSwitchOutError inside a hub callback, when it would wait
   * @throws io.gevent4j.hub.GreenletExit or a {@link io.gevent4j.hub.Timeout} delivered to the
   *     waiting greenlet meanwhile: the wait then leaves no trace
   */
  public void await() {
    await(Seconds.FOREVER);
  }

  /**
   * Waits until the event is set or {@code timeout} seconds pass (gevent's
   * {@code wait(timeout)}). {@code 0} does not wait; infinity waits as long as it takes. Blocks
   * cooperatively.
   *
   * @param timeout the longest wait, in seconds; 0 does not wait
   * @return true when set (even if cleared again since the set that woke it), false on timeout
   * @throws IllegalArgumentException for a negative or NaN timeout
   * @throws io.gevent4j.hub.LoopExit when nothing can ever set it
   * @throws io.gevent4j.hub.BlockingSwitchOutError inside a hub callback, when it would wait
   */
  public boolean await(double timeout) {
    Seconds.check(timeout);
    WaitQueue.Ticket ticket;
    synchronized (lock) {
      if (flag) {
        if (notifying == 0 || timeout == 0) return true;
        ticket = null; // woken waiters have not run yet: wait for our turn behind them
      } else {
        if (timeout == 0) return false;
        ticket = waiters.enqueue(onAbandoned, this, "the event to be set");
      }
    }
    if (ticket == null) {
      try {
        Hub.sleep(0);
      } catch (BlockingSwitchOutError inHubCallback) {
        // a hub callback cannot take its turn behind them: it is set, and that is the answer
      }
      return true;
    }
    if (!ticket.await(timeout)) return false;
    resumed();
    return true;
  }

  private void resumed() {
    synchronized (lock) {
      notifying--;
    }
  }

  /**
   * Makes waits on this event keep their hub alive, as if another thread had used it already:
   * for an event that a thread or hub which has not touched it yet will set. Returns this.
   *
   * @return this event
   */
  public Event markShared() {
    waiters.markShared();
    return this;
  }

  @Override
  public String toString() {
    return "Event(" + (flag ? "set" : "clear") + ", " + waiters.size() + " waiting)";
  }
}
