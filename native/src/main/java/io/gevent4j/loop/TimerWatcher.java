package io.gevent4j.loop;

/** Fires after a delay, then every {@code repeat} seconds when positive (gevent's {@code loop.timer}). */
public final class TimerWatcher extends Watcher {
  private double after;
  private double repeat;

  TimerWatcher(NativeLoop loop, double after, double repeat) {
    super(loop, Constants.KIND_TIMER);
    set(after, repeat);
  }

  /**
   * Changes the delays; an active timer restarts with them.
   *
   * @param after seconds before the first firing
   * @param repeat seconds between later firings; 0 for one firing
   * @throws IllegalArgumentException for negative, NaN or infinite values
   */
  public void set(double after, double repeat) {
    loop.checkUsable();
    checkOpen();
    if (!(after >= 0) || Double.isInfinite(after)) throw new IllegalArgumentException("timer after must be >= 0 and finite: " + after);
    if (!(repeat >= 0) || Double.isInfinite(repeat)) throw new IllegalArgumentException("timer repeat must be >= 0 and finite: " + repeat);
    Errors.checkUnchecked(NativeLoop.Natives.timerSet0(pointer, after, repeat), "timer set");
    this.after = after;
    this.repeat = repeat;
  }

  /** {@return the seconds before the first firing} */
  public double after() {
    return after;
  }

  /** {@return the seconds between firings; 0 for a one-shot timer} */
  public double repeat() {
    return repeat;
  }

  /**
   * libev's {@code ev_timer_again} on both backends: a repeating timer (re)starts to fire
   * {@code repeat} seconds from now; a one-shot timer stops. Needs a callback from an earlier
   * {@link #start}.
   */
  public void again() {
    loop.checkUsable();
    checkOpen();
    if (callback == null) throw new IllegalStateException("again() before start(callback)");
    Errors.checkUnchecked(NativeLoop.Natives.timerAgain0(pointer), "timer again");
    boolean wasActive = active;
    active = repeat > 0;
    if (wasActive && !active) stoppedInBatch = loop.batch;
  }

  @Override
  void fired(int revents) {
    if (repeat <= 0) active = false;
  }

  @Override
  String describe() {
    return "TimerWatcher(" + after + ", " + repeat + ")";
  }
}
