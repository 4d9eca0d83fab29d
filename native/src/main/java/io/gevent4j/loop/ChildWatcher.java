package io.gevent4j.loop;

/**
 * Fires once when a child process exits, having reaped exactly that pid (gevent's
 * {@code loop.child}); it stops itself then. Built on a pidfd, so it works on every loop of
 * both backends without a SIGCHLD handler and never reaps the JDK's own children.
 */
public final class ChildWatcher extends Watcher {
  private final int pid;
  private int status = -1;

  ChildWatcher(NativeLoop loop, int pid) {
    super(loop, Constants.KIND_CHILD);
    this.pid = pid;
    Errors.checkUnchecked(NativeLoop.Natives.childSet0(pointer, pid), "child set");
  }

  /** {@return the watched pid} */
  public int pid() {
    return pid;
  }

  /** {@return the raw wait status ({@code rstatus} in gevent), or -1 before the child exited} */
  public int status() {
    return status;
  }

  /**
   * The exit code as Python's {@code returncode}: the exit status, or minus the signal that
   * killed the child; null before it exited.
   *
   * @return the exit code, or null while the child runs
   */
  public Integer returncode() {
    if (status < 0) return null;
    int signal = status & 0x7f;
    return signal == 0 ? (status >> 8) & 0xff : -signal;
  }

  @Override
  void fired(int revents) {
    active = false;
    status = NativeLoop.Natives.childStatus0(pointer);
  }

  @Override
  String describe() {
    return "ChildWatcher(pid " + pid + ")";
  }
}
