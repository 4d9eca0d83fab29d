package io.gevent4j.loop;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * POSIX calls on child processes (the {@code os} functions gevent's subprocesses are built
 * on): {@code posix_spawn}, {@code waitpid}, {@code kill}; peer of
 * {@code g4j_posix_processes.c}. Their constants ({@link Posix#WNOHANG}, {@link Posix#O_RDONLY},
 * ...) are {@link Posix}'s, signal numbers {@link Signals}'.
 *
 * <p>Failures throw a {@link NativeIoException} naming the call and
 * the errno. Every method may be called from any thread; none touches an event loop.
 */
public final class PosixProcesses {
  private PosixProcesses() {}

  /**
   * What a spawned child does before it runs the program: file actions
   * ({@code posix_spawn_file_actions_add*}), applied in the order they were added, and
   * session or process-group placement. Descriptors made by {@link Posix} and
   * {@link PosixSockets} are close-on-exec, so the child gets exactly what {@link #addDup2}
   * hands it (plus the JVM's inheritable descriptors, unless {@link #addCloseFrom} closes them).
   *
   * <p>Not thread-safe; may be reused for several spawns.
   */
  public static final class SpawnOptions {
    // Shared with g4j_posix_processes.c (g4j_posix.h): four ints {op, a, b, c} per action, and a
    // path per action.
    private static final int ACTION = 4;
    private static final int DUP2 = Constants.SPAWN_DUP2, OPEN = Constants.SPAWN_OPEN, CLOSE = Constants.SPAWN_CLOSE,
        CHDIR = Constants.SPAWN_CHDIR, CLOSEFROM = Constants.SPAWN_CLOSEFROM;
    private static final int SETSID = Constants.SPAWN_SETSID, SETPGROUP = Constants.SPAWN_SETPGROUP;

    private int[] actions = new int[4 * ACTION];
    private final List<byte[]> paths = new ArrayList<>();
    private int flags;
    private int processGroup;

    /** No actions: the child inherits the descriptors, directory and group of this process. */
    public SpawnOptions() {}

    private SpawnOptions add(int op, int a, int b, int c, byte[] path) {
      int at = paths.size() * ACTION;
      if (at + ACTION > actions.length) actions = Arrays.copyOf(actions, actions.length * 2);
      actions[at] = op;
      actions[at + 1] = a;
      actions[at + 2] = b;
      actions[at + 3] = c;
      paths.add(path);
      return this;
    }

    /**
     * The child's {@code newFd} becomes a copy of {@code fd}
     * ({@code posix_spawn_file_actions_adddup2}); with {@code fd == newFd}, {@code fd} just
     * loses close-on-exec. E.g. {@code addDup2(pipe[1], 1)} for the child's stdout.
     *
     * @param fd the descriptor to copy
     * @param newFd the child's descriptor that becomes the copy
     * @return these options
     * @throws IllegalArgumentException for a negative descriptor
     */
    public SpawnOptions addDup2(int fd, int newFd) {
      checkFd(fd);
      checkFd(newFd);
      return add(DUP2, fd, newFd, 0, null);
    }

    /**
     * The child opens {@code path} as {@code fd} ({@code posix_spawn_file_actions_addopen}).
     * A failure fails the spawn, naming the program.
     *
     * @param fd the child's descriptor for the file
     * @param path the file to open
     * @param flags e.g. {@link Posix#O_RDONLY}, {@link Posix#O_WRONLY} | {@link Posix#O_CREAT} | {@link Posix#O_TRUNC}
     * @param mode the permission bits when the file is created, e.g. {@code 0644}
     * @return these options
     * @throws IllegalArgumentException for a negative descriptor or a path with a NUL character
     */
    public SpawnOptions addOpen(int fd, String path, int flags, int mode) {
      checkFd(fd);
      return add(OPEN, fd, flags, mode, bytes(path, "path"));
    }

    /**
     * The child closes {@code fd} ({@code posix_spawn_file_actions_addclose}).
     *
     * @param fd the child's descriptor to close
     * @return these options
     * @throws IllegalArgumentException for a negative descriptor
     */
    public SpawnOptions addClose(int fd) {
      checkFd(fd);
      return add(CLOSE, fd, 0, 0, null);
    }

    /**
     * The child closes every descriptor from {@code lowFd} up
     * ({@code posix_spawn_file_actions_addclosefrom_np}): Python's {@code close_fds}.
     *
     * @param lowFd the lowest descriptor closed
     * @return these options
     * @throws IllegalArgumentException for a negative descriptor
     */
    public SpawnOptions addCloseFrom(int lowFd) {
      checkFd(lowFd);
      return add(CLOSEFROM, lowFd, 0, 0, null);
    }

    /**
     * The child changes to {@code directory} ({@code posix_spawn_file_actions_addchdir_np}),
     * in order with the other actions: relative paths of later actions, and a program path
     * with a {@code '/'}, are resolved from there.
     *
     * @param directory the child's working directory
     * @return these options
     * @throws IllegalArgumentException for a path with a NUL character
     */
    public SpawnOptions addChdir(String directory) {
      return add(CHDIR, 0, 0, 0, bytes(directory, "directory"));
    }

    /**
     * The child starts a new session ({@code POSIX_SPAWN_SETSID}): Python's {@code
     * start_new_session}.
     *
     * @return these options
     */
    public SpawnOptions setSid() {
      flags |= SETSID;
      return this;
    }

    /**
     * The child joins process group {@code pgid}, or leads a new one when 0
     * ({@code POSIX_SPAWN_SETPGROUP}): Python's {@code process_group}.
     *
     * @param pgid the group to join; 0 for a new group led by the child
     * @return these options
     * @throws IllegalArgumentException for a negative group
     */
    public SpawnOptions setProcessGroup(int pgid) {
      if (pgid < 0) throw new IllegalArgumentException("negative process group: " + pgid);
      flags |= SETPGROUP;
      processGroup = pgid;
      return this;
    }

    private static void checkFd(int fd) {
      if (fd < 0) throw new IllegalArgumentException("negative file descriptor: " + fd);
    }
  }

  /**
   * Starts a program: {@code posix_spawnp(3)} when {@code program} has no {@code '/'} (a
   * search of {@code PATH}), else {@code posix_spawn(3)}. The child starts with no signal
   * blocked and every signal at its default disposition, whatever the JVM blocks or handles.
   * Reap it with {@link #waitpid} or a {@link ChildWatcher}: the JDK does not know it.
   *
   * @param program the file to run, or a name to look for on {@code PATH}
   * @param argv the arguments, {@code argv[0]} first (conventionally the program's name); an
   *     empty array runs it with {@code argv = {program}}
   * @param envp the environment as {@code "NAME=value"} strings, or null to inherit this
   *     process's environment
   * @param options file actions and placement, or null for none
   * @return the child's pid
   * @throws IOException naming the program when it cannot be run (missing, not executable,
   *     a file action failed); its cause is the {@link NativeIoException} with the errno
   * @throws IllegalArgumentException when a string holds a NUL character
   */
  public static int spawn(String program, String[] argv, String[] envp, SpawnOptions options) throws IOException {
    byte[] prog = bytes(program, "program");
    Objects.requireNonNull(argv, "argv");
    byte[][] args = argv.length == 0 ? new byte[][] {prog} : strings(argv, "argv");
    byte[][] env = envp == null ? null : strings(envp, "envp");
    SpawnOptions o = options != null ? options : new SpawnOptions();
    int[] actions = Arrays.copyOf(o.actions, o.paths.size() * SpawnOptions.ACTION);
    byte[][] paths = o.paths.toArray(new byte[0][]);
    Native.ensureAvailable();
    int rc = Natives.spawn0(prog, args, env, actions, paths, o.flags, o.processGroup);
    if (rc >= 0) return rc;
    NativeIoException cause = new NativeIoException(-rc, program.indexOf('/') < 0 ? "posix_spawnp" : "posix_spawn");
    throw new IOException("cannot run program \"" + program + "\": " + cause.getMessage(), cause);
  }

  /**
   * How a child changed state, from {@link #waitpid}: its pid and raw wait status (the
   * {@code int} {@code waitpid(2)} fills in), decoded as {@code WIFEXITED} and friends do.
   *
   * @param pid the child's pid
   * @param status the raw wait status
   */
  public record WaitStatus(int pid, int status) {
    /** {@return true when the child exited ({@code WIFEXITED})} */
    public boolean exited() {
      return (status & 0x7f) == 0;
    }

    /** {@return its exit status ({@code WEXITSTATUS}); meaningful when {@link #exited()}} */
    public int exitStatus() {
      return (status >> 8) & 0xff;
    }

    /** {@return true when a signal ended it ({@code WIFSIGNALED})} */
    public boolean signaled() {
      int low = status & 0x7f;
      return low != 0 && low != 0x7f;
    }

    /**
     * {@return the signal that ended it ({@code WTERMSIG}); meaningful when {@link #signaled()}}
     */
    public int termSignal() {
      return status & 0x7f;
    }

    /** {@return true when it stopped ({@code WIFSTOPPED}; only with {@link Posix#WUNTRACED})} */
    public boolean stopped() {
      return (status & 0xff) == 0x7f;
    }

    /**
     * Python's {@code returncode}: the exit status, or minus the signal that ended the child.
     *
     * @return the exit status, or minus the signal
     * @throws IllegalStateException when the child only stopped
     */
    public int returncode() {
      if (exited()) return exitStatus();
      if (signaled()) return -termSignal();
      throw new IllegalStateException("pid " + pid + " has not ended (status " + status + ")");
    }
  }

  /**
   * Waits for the child {@code pid}: {@code waitpid(2)}, reaping it when it ended. Only
   * single pids: waiting for any child ({@code -1}) or a group would reap the JDK's own
   * children. Blocks the calling thread unless {@link Posix#WNOHANG} is given.
   *
   * @param pid the child's process id
   * @param options 0, {@link Posix#WNOHANG}, {@link Posix#WUNTRACED}, or both
   * @return the child's new state, or null with {@link Posix#WNOHANG} when it has not changed
   * @throws IllegalArgumentException when {@code pid} is not positive
   * @throws NativeIoException {@code ECHILD} when {@code pid} is not a child of this process
   *     waiting to be reaped
   */
  public static WaitStatus waitpid(int pid, int options) throws IOException {
    if (pid <= 0) throw new IllegalArgumentException("waitpid needs a child's pid, not " + pid);
    Native.ensureAvailable();
    int[] result = new int[2];
    Errors.check(Natives.waitpid0(pid, options, result), "waitpid");
    if (result[0] == 0) return null;
    return new WaitStatus(result[0], result[1]);
  }

  /**
   * Sends a signal to a process: {@code kill(2)}. Signal 0 only checks that the process
   * exists.
   *
   * @param pid the process id
   * @param signal e.g. {@link Signals#SIGTERM}, or 0
   * @throws IllegalArgumentException when {@code pid} is not positive (use {@link #killpg}
   *     for groups) or the signal is out of range
   * @throws NativeIoException {@code ESRCH} when there is no such process, {@code EPERM}
   *     when it is not ours to signal
   */
  public static void kill(int pid, int signal) throws IOException {
    if (pid <= 0) throw new IllegalArgumentException("kill needs a pid, not " + pid + " (killpg signals groups)");
    checkSignal(signal);
    Native.ensureAvailable();
    Errors.check(Natives.kill0(pid, signal), "kill");
  }

  /**
   * Sends a signal to a process group: {@code killpg(3)}, i.e. {@code kill(-pgid, signal)}.
   *
   * @param pgid the process group id
   * @param signal e.g. {@link Signals#SIGTERM}, or 0
   * @throws IllegalArgumentException when {@code pgid} is below 2 (0 and 1 would signal
   *     this process's group or every process) or the signal is out of range
   * @throws NativeIoException {@code ESRCH} when there is no such group
   */
  public static void killpg(int pgid, int signal) throws IOException {
    if (pgid <= 1) throw new IllegalArgumentException("killpg needs a process group id above 1, not " + pgid);
    checkSignal(signal);
    Native.ensureAvailable();
    Errors.check(Natives.kill0(-pgid, signal), "killpg");
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static void checkSignal(int signal) {
    Native.ensureAvailable();
    if (signal < 0 || signal >= Constants.NSIG) {
      throw new IllegalArgumentException("no signal " + signal + " (0 .. " + (Constants.NSIG - 1) + ")");
    }
  }

  private static byte[] bytes(String s, String name) {
    Objects.requireNonNull(s, name);
    if (s.indexOf('\0') >= 0) throw new IllegalArgumentException(name + " holds a NUL character: " + s.replace('\0', '?'));
    return s.getBytes(Posix.FS_CHARSET);
  }

  private static byte[][] strings(String[] values, String name) {
    byte[][] result = new byte[values.length][];
    for (int i = 0; i < values.length; i++) result[i] = bytes(values[i], name + "[" + i + "]");
    return result;
  }

  // ---- natives ------------------------------------------------------------------------

  /**
   * The natives of {@code g4j_posix_processes.c}, a holder without static state: pids >= 0,
   * else -errno.
   */
  static final class Natives {
    private Natives() {}

    static native int spawn0(byte[] program, byte[][] argv, byte[][] envp, int[] actions, byte[][] paths, int flags,
        int processGroup);

    /** 0 with {pid, raw status} in {@code result} ({0, 0} when WNOHANG found nothing), or -errno. */
    static native int waitpid0(int pid, int options, int[] result);

    static native int kill0(int pid, int signal);
  }
}
