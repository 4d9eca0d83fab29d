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
  /** The timeout, in seconds. */
  private final double timeout;
  /** What was read from stdout before the timeout, or null. */
  private final byte[] output;
  /** What was read from stderr before the timeout, or null. */
  private final byte[] stderr;

  /**
   * A child still running after {@code timeout} seconds.
   *
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

  /** {@return the child's arguments (Python's {@code cmd})} */
  public List<String> cmd() {
    return cmd;
  }

  /** {@return the timeout, in seconds} */
  public double timeout() {
    return timeout;
  }

  /**
   * {@return what was read from stdout before the timeout (Python's {@code output}), or null when not captured}
   */
  public byte[] output() {
    return output;
  }

  /** {@return what was read from stderr before the timeout, or null when not captured} */
  public byte[] stderr() {
    return stderr;
  }
}
