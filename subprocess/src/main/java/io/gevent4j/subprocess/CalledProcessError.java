package io.gevent4j.subprocess;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A child exited with a non-zero code where success was required (Python's
 * {@code subprocess.CalledProcessError}): from {@link Subprocess#checkOutput},
 * {@link Subprocess#checkCall} and {@link Subprocess#run} with {@code check}. The message says
 * the command, the code and the start of what it printed.
 */
public class CalledProcessError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /** How much of stdout and of stderr the message quotes. */
  private static final int QUOTED = 200;

  /** The exit code; negative: minus the signal that ended the child. */
  private final int returncode;
  private final transient List<String> cmd;
  /** The child's stdout, or null when not captured. */
  private final byte[] output;
  /** The child's stderr, or null when not captured. */
  private final byte[] stderr;

  /**
   * A child that ended with {@code returncode}.
   *
   * @param returncode the exit code (negative: the signal that ended it)
   * @param cmd the child's arguments
   * @param output its stdout, or null when not captured
   * @param stderr its stderr, or null when not captured
   */
  public CalledProcessError(int returncode, List<String> cmd, byte[] output, byte[] stderr) {
    super(message(returncode, cmd, output, stderr));
    this.returncode = returncode;
    this.cmd = List.copyOf(cmd);
    this.output = output;
    this.stderr = stderr;
  }

  private static String message(int returncode, List<String> cmd, byte[] output, byte[] stderr) {
    StringBuilder m = new StringBuilder("Command ").append(cmd);
    if (returncode < 0) m.append(" died with signal ").append(-returncode);
    else m.append(" returned non-zero exit status ").append(returncode);
    quote(m, "stdout", output);
    quote(m, "stderr", stderr);
    return m.toString();
  }

  private static void quote(StringBuilder m, String name, byte[] bytes) {
    if (bytes == null || bytes.length == 0) return;
    String text = new String(bytes, 0, Math.min(bytes.length, QUOTED), StandardCharsets.UTF_8).strip();
    m.append("; ").append(name).append(": \"").append(text).append(bytes.length > QUOTED ? "...\" (" + bytes.length + " bytes)" : "\"");
  }

  /**
   * {@return the exit code (Python's {@code returncode}); negative: minus the signal that ended it}
   */
  public int returncode() {
    return returncode;
  }

  /** {@return the child's arguments (Python's {@code cmd})} */
  public List<String> cmd() {
    return cmd;
  }

  /** {@return its stdout (Python's {@code output}), or null when not captured} */
  public byte[] output() {
    return output;
  }

  /** {@return its stderr, or null when not captured} */
  public byte[] stderr() {
    return stderr;
  }
}
