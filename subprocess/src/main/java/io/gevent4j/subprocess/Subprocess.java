package io.gevent4j.subprocess;

import io.gevent4j.hub.internal.Timeouts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Python's {@code subprocess} convenience functions, cooperative (gevent's
 * {@code gevent.subprocess.run}, {@code call}, {@code check_call}, {@code check_output},
 * {@code getoutput}, {@code getstatusoutput}): each starts a {@link Popen}, waits for it without
 * blocking the other greenlets of the hub, and leaves no child behind.
 *
 * <pre>{@code
 * byte[] head = Subprocess.checkOutput("git", "rev-parse", "HEAD");
 * CompletedProcess p = Subprocess.run(List.of("make", "-j2"), null, 600, false);
 * if (p.returncode() != 0) log(new String(p.stderr()));
 * }</pre>
 */
public final class Subprocess {
  private Subprocess() {}

  /**
   * Runs a child to its end and captures its stdout and stderr (Python's
   * {@code run(args, input=..., capture_output=True, timeout=..., check=...)}). Its stdin gets
   * {@code input}, or {@code /dev/null} when that is null.
   *
   * @param args the program and its arguments
   * @param input what the child's stdin gets; null for {@code /dev/null}
   * @param timeout seconds; infinity for as long as it takes
   * @param check throw {@link CalledProcessError} when the exit code is not zero
   * @return the exit code, stdout and stderr
   * @throws TimeoutExpired at the timeout, once the child has been killed and reaped (it carries
   *     the output read so far)
   * @throws CalledProcessError with {@code check}, for a non-zero exit code
   * @throws java.nio.file.NoSuchFileException when the program is not found
   * @throws IllegalArgumentException for a negative or NaN timeout
   */
  public static CompletedProcess run(List<String> args, byte[] input, double timeout, boolean check) throws IOException {
    Timeouts.check(timeout);
    Popen.Builder b = Popen.builder(args).stdin(input != null ? Popen.PIPE : Popen.DEVNULL).stdout(Popen.PIPE)
        .stderr(Popen.PIPE);
    CompletedProcess done = complete(b, input, timeout);
    return check ? done.checkReturncode() : done;
  }

  /**
   * As {@link #run(List, byte[], double, boolean)} with no input, no timeout and no check.
   *
   * @param args the program and its arguments
   * @return the exit code, stdout and stderr
   * @throws IOException as {@link #run(List, byte[], double, boolean)}: the program not found, the
   *     system refusing, a pipe failing
   */
  public static CompletedProcess run(String... args) throws IOException {
    return run(List.of(args), null, Timeouts.FOREVER, false);
  }

  /**
   * Runs a child to its end with the JVM's standard streams and returns its exit code (Python's
   * {@code call}).
   *
   * @param args the program and its arguments
   * @return the exit code
   * @throws IOException when the program is not found or the system refuses to start it
   */
  public static int call(String... args) throws IOException {
    return call(List.of(args), Timeouts.FOREVER);
  }

  /**
   * As {@link #call(String...)}, at most {@code timeout} seconds.
   *
   * @param args the program and its arguments
   * @param timeout the longest wait, in seconds; infinity for as long as it takes
   * @return the exit code
   * @throws TimeoutExpired at the timeout, once the child has been killed and reaped
   * @throws IOException when the program is not found or the system refuses to start it
   */
  public static int call(List<String> args, double timeout) throws IOException {
    Timeouts.check(timeout);
    return complete(Popen.builder(args), null, timeout).returncode();
  }

  /**
   * As {@link #call(String...)}, but a non-zero exit code throws (Python's {@code check_call}).
   *
   * @param args the program and its arguments
   * @throws CalledProcessError for a non-zero exit code
   * @throws IOException when the program is not found or the system refuses to start it
   */
  public static void checkCall(String... args) throws IOException {
    complete(Popen.builder(args), null, Timeouts.FOREVER).checkReturncode();
  }

  /**
   * Runs a child to its end and returns its stdout; its stderr goes to the JVM's (Python's
   * {@code check_output}).
   *
   * @param args the program and its arguments
   * @return its stdout
   * @throws CalledProcessError for a non-zero exit code, carrying the output
   * @throws IOException as {@link #run(List, byte[], double, boolean)}
   */
  public static byte[] checkOutput(String... args) throws IOException {
    return complete(Popen.builder(args).stdout(Popen.PIPE), null, Timeouts.FOREVER).checkReturncode().stdout();
  }

  /**
   * Runs {@code command} through {@code /bin/sh -c}, stderr merged into stdout, and returns the
   * exit code and the output without its last newline (Python's {@code getstatusoutput}).
   *
   * @param command the shell command
   * @return the exit code and the output
   * @throws IOException when the shell cannot be started or its pipe fails
   */
  public static StatusOutput getstatusoutput(String command) throws IOException {
    CompletedProcess done = complete(Popen.builder("/bin/sh", "-c", command).stdin(Popen.DEVNULL).stdout(Popen.PIPE)
        .stderr(Popen.STDOUT), null, Timeouts.FOREVER);
    String output = new String(done.stdout(), StandardCharsets.UTF_8);
    if (output.endsWith("\n")) output = output.substring(0, output.length() - 1);
    return new StatusOutput(done.returncode(), output);
  }

  /**
   * The output of {@link #getstatusoutput} alone (Python's {@code getoutput}).
   *
   * @param command the shell command
   * @return the output without its last newline
   * @throws IOException as {@link #getstatusoutput}
   */
  public static String getoutput(String command) throws IOException {
    return getstatusoutput(command).output();
  }

  /**
   * What {@link #getstatusoutput} returns (Python's {@code (exitcode, output)} pair).
   *
   * @param status the exit code; negative: minus the signal that ended it
   * @param output stdout and stderr, decoded as UTF-8, without the last newline
   */
  public record StatusOutput(int status, String output) {}

  /** Starts, communicates, and leaves nothing behind: on a timeout (or any failure) kills and reaps. */
  private static CompletedProcess complete(Popen.Builder builder, byte[] input, double timeout) throws IOException {
    try (Popen p = builder.start()) {
      try {
        Popen.Result r = p.communicate(input, timeout);
        return new CompletedProcess(p.args(), p.waitFor(), r.stdout(), r.stderr());
      } catch (RuntimeException | Error | IOException e) {
        p.kill();
        p.waitFor();
        throw e;
      }
    }
  }
}
