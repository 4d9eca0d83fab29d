package io.gevent4j.loop;

/** Signal numbers of this platform, read from C (Python's {@code signal.SIG*}). */
public final class Signals {
  private Signals() {}

  /** Hangup. */
  public static final int SIGHUP = Constants.SIGHUP;
  /** Interrupt (Ctrl-C). */
  public static final int SIGINT = Constants.SIGINT;
  /** Kill: cannot be caught. */
  public static final int SIGKILL = Constants.SIGKILL;
  /** Termination request. */
  public static final int SIGTERM = Constants.SIGTERM;
  /** User-defined signal 1: free for applications (the JVM does not use it). */
  public static final int SIGUSR1 = Constants.SIGUSR1;
  /** User-defined signal 2: the JVM's own on Linux. */
  public static final int SIGUSR2 = Constants.SIGUSR2;
  /** Child stopped or exited. */
  public static final int SIGCHLD = Constants.SIGCHLD;
  /** Continue a stopped process. */
  public static final int SIGCONT = Constants.SIGCONT;
  /** Stop: cannot be caught. */
  public static final int SIGSTOP = Constants.SIGSTOP;
  /** Window size change. */
  public static final int SIGWINCH = Constants.SIGWINCH;
  /** Alarm clock. */
  public static final int SIGALRM = Constants.SIGALRM;
  /** Broken pipe: the JVM's own. */
  public static final int SIGPIPE = Constants.SIGPIPE;
  /** Quit: the JVM prints a thread dump. */
  public static final int SIGQUIT = Constants.SIGQUIT;

  /** One more than the largest signal number ({@code NSIG}): signals are 1 to {@code NSIG - 1}. */
  public static final int NSIG = Constants.NSIG;

  /**
   * {@return the signal's name, e.g. {@code "SIGUSR1"}, or {@code "signal N"} for one without a
   * name here}
   *
   * @param signum the signal's number
   */
  public static String name(int signum) {
    int[] numbers = {Constants.SIGHUP, Constants.SIGINT, Constants.SIGQUIT, Constants.SIGILL, Constants.SIGABRT, Constants.SIGFPE,
      Constants.SIGKILL, Constants.SIGSEGV, Constants.SIGPIPE, Constants.SIGALRM, Constants.SIGTERM, Constants.SIGUSR1, Constants.SIGUSR2,
      Constants.SIGCHLD, Constants.SIGCONT, Constants.SIGSTOP, Constants.SIGTSTP, Constants.SIGBUS, Constants.SIGWINCH, Constants.SIGXFSZ};
    String[] names = {"SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGABRT", "SIGFPE", "SIGKILL", "SIGSEGV", "SIGPIPE",
      "SIGALRM", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGBUS", "SIGWINCH",
      "SIGXFSZ"};
    for (int i = 0; i < numbers.length; i++) {
      if (numbers[i] == signum) return names[i];
    }
    return "signal " + signum;
  }
}
