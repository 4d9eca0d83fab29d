package io.gevent4j.subprocess;

import io.gevent4j.hub.Linkable;
import io.gevent4j.hub.internal.Timeouts;
import io.gevent4j.loop.PosixProcesses;
import io.gevent4j.loop.Signals;
import io.gevent4j.sync.AsyncResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A child process (gevent's {@code gevent.subprocess.Popen}, Python's {@code subprocess.Popen}
 * made cooperative): started by {@link #builder(String...)}, its pipes are streams whose waits
 * park only the calling greenlet (or, on a plain thread, run that thread's hub), and its exit
 * is observed by gevent4j's loop core without blocking anybody.
 *
 * <pre>{@code
 * Popen p = Popen.builder("grep", "x").stdin(Popen.PIPE).stdout(Popen.PIPE).start();
 * Popen.Result r = p.communicate("a\nx\n".getBytes(), 5.0);   // TimeoutExpired after 5 s
 * int code = p.waitFor();                                     // 0; -9 if SIGKILL ended it
 * }</pre>
 *
 * <p><b>Exit.</b> {@link #returncode()} is null while the child runs, then its exit status, or
 * minus the signal that ended it (Python's convention). The child is reaped as soon as it exits,
 * whether or not anyone waits for it, by a child watcher that reaps exactly its pid: no zombie is
 * left, and {@link java.lang.Process}es started beside keep their own exit codes. A Popen is a
 * {@link Linkable}, ready once the child has exited, so {@code Gevent.waitAll} and
 * {@code iwait} take it.
 *
 * <p><b>Threads and hubs.</b> Any greenlet on any hub, and any plain thread, may wait for the
 * child, signal it or use its pipes (one reader and one writer per pipe at a time).
 * {@link #close()} releases the pipes; it neither kills the child nor waits for it (unlike
 * Python's {@code with}, which waits: call {@link #waitFor()} for that).
 */
public class Popen implements AutoCloseable, Linkable {
  /** The stream is a pipe to the parent ({@code subprocess.PIPE}). */
  public static final Redirect PIPE = Redirect.PIPE;
  /** The stream is {@code /dev/null} ({@code subprocess.DEVNULL}). */
  public static final Redirect DEVNULL = Redirect.DEVNULL;
  /** The child shares the JVM's stream (Python's default, {@code None}). */
  public static final Redirect INHERIT = Redirect.INHERIT;
  /** For stderr only: into the same place as stdout ({@code subprocess.STDOUT}). */
  public static final Redirect STDOUT = Redirect.STDOUT;

  private final List<String> args;
  private final int pid;
  /** The pipes' streams ({@code io.gevent4j.fileobject.FileObjectPosix}), null for a stream that is not a pipe. */
  private final OutputStream stdin;
  private final InputStream stdout;
  private final InputStream stderr;
  private final Redirect[] redirects;
  /** The returncode, set by the reaper; shared: it is set from the reaper's thread. */
  private final AsyncResult<Integer> exit = new AsyncResult<Integer>().markShared();
  private final Communication communication;
  private volatile boolean closed;

  Popen(List<String> args, int pid, OutputStream stdin, InputStream stdout, InputStream stderr,
      Redirect[] redirects) {
    this.args = args;
    this.pid = pid;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    this.redirects = redirects;
    this.communication = new Communication(this, stdin, stdout, stderr);
  }

  /**
   * A builder for a child running {@code args} (gevent's {@code Popen(args, ...)}):
   * {@code args[0]} is the program, looked up on {@code PATH} when it has no {@code '/'} (the
   * child's {@code PATH} when {@link Builder#env} replaces the environment, as Python does).
   *
   * @param args the program and its arguments
   * @return a builder; {@link Builder#start()} starts the child
   * @throws IllegalArgumentException when {@code args} is empty or holds a NUL character
   * @throws NullPointerException when an argument is null
   */
  public static Builder builder(String... args) {
    return new PopenBuilder(List.of(args));
  }

  /**
   * As {@link #builder(String...)}, from a list.
   *
   * @param args the program and its arguments
   * @return a builder; {@link Builder#start()} starts the child
   */
  public static Builder builder(List<String> args) {
    return new PopenBuilder(List.copyOf(args));
  }

  /** {@return the arguments it was started with (Python's {@code args})} */
  public List<String> args() {
    return args;
  }

  /** {@return the child's process id} */
  public int pid() {
    return pid;
  }

  /**
   * The exit code once the child has exited (Python's {@code returncode}): its exit status, or
   * minus the signal that ended it; null while it runs. Never blocks.
   *
   * @return the exit code, or null while the child runs
   */
  public Integer returncode() {
    return exit.ready() ? exit.get() : null;
  }

  /**
   * {@return the exit code, or null while the child runs} As {@link #returncode()} (Python's
   * {@code poll()}). Never blocks.
   */
  public Integer poll() {
    return returncode();
  }

  /**
   * Waits for the child to exit, as long as it takes (Python's {@code wait()}); cooperatively.
   *
   * @return the {@link #returncode()}
   */
  public int waitFor() {
    return waitFor(Double.POSITIVE_INFINITY);
  }

  /**
   * Waits for the child to exit, at most {@code timeout} seconds (Python's {@code wait(timeout)});
   * cooperatively. {@code 0} only looks.
   *
   * @param timeout the longest wait, in seconds
   * @return the {@link #returncode()}
   * @throws TimeoutExpired when it still runs at the timeout (it keeps running)
   * @throws IllegalArgumentException for a negative or NaN timeout
   */
  public int waitFor(double timeout) {
    Timeouts.check(timeout);
    if (!exit.await(timeout)) throw new TimeoutExpired(args, timeout, null, null);
    return exit.get();
  }

  /**
   * Sends {@code input} to the child's stdin (then closes it), reads its stdout and stderr to
   * their ends, and waits for it to exit (Python's {@code communicate(input, timeout)}). Reading
   * and writing happen at once, in greenlets of the caller's hub, so no amount of output on
   * either stream can deadlock it. After a {@link TimeoutExpired} (which carries what was read so
   * far) the greenlets go on, and a second call, without input, collects the rest.
   *
   * @param input what to write, or null for nothing; the stdin pipe is closed either way
   * @param timeout seconds; infinity for as long as it takes
   * @return the whole of stdout and stderr, each null when it was not a {@link #PIPE}
   * @throws TimeoutExpired when the child has not finished at the timeout
   * @throws IllegalArgumentException when {@code input} is given but stdin is not a PIPE, or
   *     given again after a timeout; for a negative or NaN timeout
   * @throws IllegalStateException after {@link #close()}
   * @throws IOException when a pipe fails (a child that closes its stdin early is not a failure:
   *     the rest of the input is dropped, as Python does)
   */
  public Result communicate(byte[] input, double timeout) throws IOException {
    Timeouts.check(timeout);
    checkOpen("communicate");
    if (input != null && stdin == null) {
      throw new IllegalArgumentException(this + ".communicate(input): stdin is " + redirects[0]
          + ", not PIPE: start it with .stdin(Popen.PIPE) to send input");
    }
    return communication.run(input, timeout);
  }

  /**
   * As {@link #communicate(byte[], double)} with no input and no timeout.
   *
   * @return the whole of stdout and stderr, each null when it was not a {@link #PIPE}
   * @throws IOException when a pipe fails
   */
  public Result communicate() throws IOException {
    return communicate(null, Double.POSITIVE_INFINITY);
  }

  /**
   * Sends {@code signum} to the child (Python's {@code send_signal}); nothing once it has exited
   * and been reaped (its pid may belong to another process by then).
   *
   * @param signum e.g. {@link Signals#SIGTERM}
   * @throws IllegalArgumentException for a signal number the kernel does not know
   */
  public void sendSignal(int signum) {
    if (signum < 0 || signum >= Signals.NSIG) {
      throw new IllegalArgumentException(this + ".sendSignal(" + signum + "): no such signal; signals are 1 to "
          + (Signals.NSIG - 1) + " (0 checks that the process exists)");
    }
    if (exit.ready()) return;
    try {
      PosixProcesses.kill(pid, signum);
    } catch (IOException e) {
      if (exit.ready() || "ESRCH".equals(Spawner.errnoName(e))) return; // it exited meanwhile
      throw new IllegalArgumentException(this + ".sendSignal(" + signum + "): " + e.getMessage(), e);
    }
  }

  /** Sends SIGTERM (Python's {@code terminate()}). */
  public void terminate() {
    sendSignal(Signals.SIGTERM);
  }

  /** Sends SIGKILL (Python's {@code kill()}). */
  public void kill() {
    sendSignal(Signals.SIGKILL);
  }

  /**
   * The child's stdin (Python's {@code stdin}): a cooperative stream into the pipe. Writes wait
   * while the pipe is full; {@code close()} gives the child its end of file.
   *
   * @return the stream into the child's stdin
   * @throws IllegalStateException when stdin was not redirected to {@link #PIPE}, or after
   *     {@link #close()}
   */
  public OutputStream stdin() {
    return pipe(stdin, 0, "stdin");
  }

  /**
   * The child's stdout (Python's {@code stdout}): a cooperative stream from the pipe; reads wait
   * until the child writes, and return -1 once it closed its end.
   *
   * @return the stream from the child's stdout
   * @throws IllegalStateException when stdout was not redirected to {@link #PIPE}, or after
   *     {@link #close()}
   */
  public InputStream stdout() {
    return pipe(stdout, 1, "stdout");
  }

  /**
   * The child's stderr (Python's {@code stderr}); see {@link #stdout()}.
   *
   * @return the stream from the child's stderr
   * @throws IllegalStateException when stderr was not redirected to {@link #PIPE}, or after
   *     {@link #close()}
   */
  public InputStream stderr() {
    return pipe(stderr, 2, "stderr");
  }

  private <S> S pipe(S stream, int which, String name) {
    checkOpen(name + "()");
    if (stream == null) {
      throw new IllegalStateException(this + "." + name + "(): " + name + " is " + redirects[which]
          + ", not a pipe: start it with ." + name + "(Popen.PIPE) to " + (which == 0 ? "write to" : "read from") + " it");
    }
    return stream;
  }

  private void checkOpen(String call) {
    if (closed) throw new IllegalStateException(this + " is closed: " + call + " needs its pipes");
  }

  /**
   * Closes the parent's ends of the pipes and stops a {@link #communicate} still under way
   * (Python's {@code __exit__} closes them too). The child is neither killed nor waited for; it
   * is reaped when it exits. {@link #returncode()}, {@link #waitFor()} and the signals keep
   * working. Idempotent; any thread.
   */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    communication.stop();
    for (AutoCloseable pipe : new AutoCloseable[] {stdin, stdout, stderr}) {
      if (pipe == null) continue;
      try {
        pipe.close();
      } catch (Exception e) {
        // a pipe that fails to close is closed anyway
      }
    }
  }

  /** True once the child has exited (gevent's {@code ready()}). */
  @Override
  public boolean ready() {
    return exit.ready();
  }

  /** Runs {@code callback} on the caller's hub once the child has exited; see {@code AsyncResult.rawlink}. */
  @Override
  public void rawlink(Runnable callback) {
    exit.rawlink(callback);
  }

  @Override
  public void unlink(Runnable callback) {
    exit.unlink(callback);
  }

  @Override
  public boolean isShared() {
    return true;
  }

  /** Called by the reaper, on its thread, with the child's returncode. */
  void exited(int returncode) {
    exit.set(returncode);
  }

  /** Waits for the exit until {@code deadline} ({@link System#nanoTime()}); false at the deadline. */
  boolean awaitExit(long deadline) {
    return exit.await(Timeouts.left(deadline));
  }

  @Override
  public String toString() {
    Integer rc = returncode();
    return "Popen(pid " + pid + ", " + args + (rc == null ? "" : ", returncode " + rc) + (closed ? ", closed" : "") + ")";
  }

  /**
   * How to start a child (Python's {@code Popen} keyword arguments). By default the child
   * inherits the JVM's working directory, environment and standard streams.
   */
  public interface Builder {
    /**
     * The child's working directory (Python's {@code cwd}); a relative program path is
     * resolved from there.
     *
     * @param dir the working directory
     * @return this builder
     */
    Builder cwd(Path dir);

    /**
     * The child's whole environment (Python's {@code env}): it replaces the JVM's; its
     * {@code PATH} is where the program is looked for.
     *
     * @param env the whole environment
     * @return this builder
     * @throws IllegalArgumentException for a name that is empty or holds {@code '='}, or a NUL
     *     character anywhere
     */
    Builder env(Map<String, String> env);

    /**
     * Adds or replaces one variable of the child's environment (the JVM's, or the one given to
     * {@link #env}).
     *
     * @param name the variable's name
     * @param value its value
     * @return this builder
     * @throws IllegalArgumentException as {@link #env}
     */
    Builder putEnv(String name, String value);

    /**
     * Where the child's stdin comes from: {@link #PIPE}, {@link #DEVNULL}, {@link #INHERIT} or a
     * {@link Redirect#file}.
     *
     * @param r the source
     * @return this builder
     */
    Builder stdin(Redirect r);

    /**
     * Where the child's stdout goes: {@link #PIPE}, {@link #DEVNULL}, {@link #INHERIT} or a file.
     *
     * @param r the target
     * @return this builder
     */
    Builder stdout(Redirect r);

    /**
     * Where the child's stderr goes: as {@link #stdout}, or {@link #STDOUT} to merge it into
     * stdout.
     *
     * @param r the target
     * @return this builder
     */
    Builder stderr(Redirect r);

    /**
     * The child starts a new session (Python's {@code start_new_session}).
     *
     * @return this builder
     */
    Builder startNewSession();

    /**
     * The child joins process group {@code pgid}, or leads a new one for 0 (Python's
     * {@code process_group}).
     *
     * @param pgid the group to join; 0 for a new group led by the child
     * @return this builder
     */
    Builder processGroup(int pgid);

    /**
     * Starts the child.
     *
     * @return the running child
     * @throws java.nio.file.NoSuchFileException naming the program when it is not found (on
     *     {@code PATH}, or at its path), or naming the working directory or an input file that
     *     does not exist
     * @throws java.nio.file.AccessDeniedException when the program is not executable
     * @throws IOException when the system refuses (no more processes or descriptors)
     */
    Popen start() throws IOException;
  }

  /**
   * What {@link #communicate} collected (Python's {@code (stdout, stderr)} pair).
   *
   * @param stdout all of stdout, or null when it was not a {@link #PIPE}
   * @param stderr all of stderr, or null when it was not a PIPE
   */
  public record Result(byte[] stdout, byte[] stderr) {}

  /**
   * Where one of the child's standard streams goes (the {@code stdin=}, {@code stdout=},
   * {@code stderr=} values of Python's {@code Popen}).
   */
  public static final class Redirect {
    /** A pipe to the parent ({@code subprocess.PIPE}). */
    public static final Redirect PIPE = new Redirect("PIPE", null, false);
    /** {@code /dev/null} ({@code subprocess.DEVNULL}). */
    public static final Redirect DEVNULL = new Redirect("DEVNULL", null, false);
    /** The JVM's own stream ({@code None}, the default). */
    public static final Redirect INHERIT = new Redirect("INHERIT", null, false);
    /** For stderr only: wherever stdout goes ({@code subprocess.STDOUT}). */
    public static final Redirect STDOUT = new Redirect("STDOUT", null, false);

    private final String kind;
    private final Path path;
    private final boolean append;

    private Redirect(String kind, Path path, boolean append) {
      this.kind = kind;
      this.path = path;
      this.append = append;
    }

    /**
     * A file: read by stdin; for stdout and stderr created (mode 0666 less the umask) or
     * truncated (Python's {@code open(path, 'wb')}).
     *
     * @param path the file
     * @return the redirect
     */
    public static Redirect file(Path path) {
      return new Redirect("file", Objects.requireNonNull(path, "path"), false);
    }

    /**
     * A file that stdout or stderr appends to, created when missing (Python's
     * {@code open(path, 'ab')}).
     *
     * @param path the file
     * @return the redirect
     */
    public static Redirect append(Path path) {
      return new Redirect("append", Objects.requireNonNull(path, "path"), true);
    }

    /** The file, or null for the other kinds. */
    Path path() {
      return path;
    }

    boolean appends() {
      return append;
    }

    @Override
    public String toString() {
      return path == null ? kind : kind + "(" + path + ")";
    }
  }
}
