package io.gevent4j.subprocess;

import java.util.List;

/**
 * A child that ran to the end, from {@link Subprocess#run} (Python's
 * {@code subprocess.CompletedProcess}).
 *
 * @param args its arguments
 * @param returncode its exit code; negative: minus the signal that ended it
 * @param stdout all it wrote to stdout, or null when not captured
 * @param stderr all it wrote to stderr, or null when not captured
 */
public record CompletedProcess(List<String> args, int returncode, byte[] stdout, byte[] stderr) {
  /**
   * Throws when the exit code is not zero (Python's {@code check_returncode()}).
   *
   * @return this, when the exit code is zero
   * @throws CalledProcessError carrying the code, stdout and stderr
   */
  public CompletedProcess checkReturncode() {
    if (returncode != 0) throw new CalledProcessError(returncode, args, stdout, stderr);
    return this;
  }
}
