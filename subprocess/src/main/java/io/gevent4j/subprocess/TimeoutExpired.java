package io.gevent4j.subprocess;

import java.util.List;

/**
 * A child did not finish in time (Python's {@code subprocess.TimeoutExpired}), from
 * {@link Popen#waitFor(double)}, {@link Popen#communicate(byte[], double)} and
 * {@link Subprocess#run}. After {@code waitFor} and {@code communicate} the child still runs;
 * {@code run} has killed and reaped it.
 */
public class TimeoutExpired extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> cmd;
  private final double timeout;
  private final byte[] output;
  private final byte[] stderr;

  /**
   * @param cmd the child's arguments
   * @param timeout the seconds that passed
   * @param output what was read from stdout so far, or null
   * @param stderr what was read from stderr so far, or null
   */
  public TimeoutExpired(List<String> cmd, double timeout, byte[] output, byte[] stderr) {
    super("Command " + cmd + " timed out after " + timeout + " seconds");
    this.cmd = List.copyOf(cmd);
    this.timeout = timeout;
    this.output = output;
    this.stderr = stderr;
  }

  /** The child's arguments (Python's {@code cmd}). */
  public List<String> cmd() {
    return cmd;
  }

  /** The timeout, in seconds. */
  public double timeout() {
    return timeout;
  }

  /** What was read from stdout before the timeout (Python's {@code output}), or null when not captured. */
  public byte[] output() {
    return output;
  }

  /** What was read from stderr before the timeout, or null when not captured. */
  public byte[] stderr() {
    return stderr;
  }
}
