package io.gevent4j.loop;

/** Signal numbers of this platform, read from C (Python's {@code signal.SIG*}). */
public final class Signals {
  private Signals() {}

  /** Hangup. */
  public static final int SIGHUP = Native.SIGHUP;
  /** Interrupt (Ctrl-C). */
  public static final int SIGINT = Native.SIGINT;
  /** Kill: cannot be caught. */
  public static final int SIGKILL = Native.SIGKILL;
  /** Termination request. */
  public static final int SIGTERM = Native.SIGTERM;
  /** User-defined signal 1: free for applications (the JVM does not use it). */
  public static final int SIGUSR1 = Native.SIGUSR1;
  /** User-defined signal 2: the JVM's own on Linux. */
  public static final int SIGUSR2 = Native.SIGUSR2;
  /** Child stopped or exited. */
  public static final int SIGCHLD = Native.SIGCHLD;
  /** Continue a stopped process. */
  public static final int SIGCONT = Native.SIGCONT;
  /** Stop: cannot be caught. */
  public static final int SIGSTOP = Native.SIGSTOP;
  /** Window size change. */
  public static final int SIGWINCH = Native.SIGWINCH;
  /** Alarm clock. */
  public static final int SIGALRM = Native.SIGALRM;
  /** Broken pipe: the JVM's own. */
  public static final int SIGPIPE = Native.SIGPIPE;
  /** Quit: the JVM prints a thread dump. */
  public static final int SIGQUIT = Native.SIGQUIT;

  /** {@code "SIGUSR1"}, or {@code "signal N"}. */
  public static String name(int signum) {
    int[] numbers = {Native.SIGHUP, Native.SIGINT, Native.SIGQUIT, Native.SIGILL, Native.SIGABRT, Native.SIGFPE,
      Native.SIGKILL, Native.SIGSEGV, Native.SIGPIPE, Native.SIGALRM, Native.SIGTERM, Native.SIGUSR1, Native.SIGUSR2,
      Native.SIGCHLD, Native.SIGCONT, Native.SIGSTOP, Native.SIGTSTP, Native.SIGBUS, Native.SIGWINCH, Native.SIGXFSZ};
    String[] names = {"SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGABRT", "SIGFPE", "SIGKILL", "SIGSEGV", "SIGPIPE",
      "SIGALRM", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGBUS", "SIGWINCH",
      "SIGXFSZ"};
    for (int i = 0; i < numbers.length; i++) {
      if (numbers[i] == signum) return names[i];
    }
    return "signal " + signum;
  }
}
