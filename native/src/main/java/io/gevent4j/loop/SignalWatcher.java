package io.gevent4j.loop;

/** Fires when the process receives a signal (gevent's {@code loop.signal}). */
public final class SignalWatcher extends Watcher {
  private final int signum;

  SignalWatcher(NativeLoop loop, int signum) {
    super(loop, Constants.KIND_SIGNAL);
    this.signum = signum;
    Errors.checkUnchecked(NativeLoop.Natives.signalSet0(pointer, signum), "signal set");
  }

  /** {@return the signal number} */
  public int signum() {
    return signum;
  }

  @Override
  String describe() {
    return "SignalWatcher(" + signum + ")";
  }
}
