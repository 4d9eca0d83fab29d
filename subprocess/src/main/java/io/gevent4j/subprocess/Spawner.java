package io.gevent4j.subprocess;

import io.gevent4j.fileobject.FileObjectPosix;
import io.gevent4j.loop.NativeIoException;
import io.gevent4j.loop.Posix;
import io.gevent4j.loop.PosixProcesses;
import io.gevent4j.loop.PosixProcesses.SpawnOptions;
import io.gevent4j.subprocess.Popen.Redirect;
import java.io.File;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a child for a {@link PopenBuilder}: finds the program as Python does, turns the
 * redirects into pipes and {@code posix_spawn} file actions, spawns, and hands the pid to the
 * {@link Reaper}. Every check that can name what is wrong (the program, the directory, a file)
 * happens here, before the spawn.
 */
final class Spawner {
  private Spawner() {}

  /** Where Python looks when there is no {@code PATH} ({@code os.defpath}). */
  private static final String DEFAULT_PATH = "/bin:/usr/bin";

  static Popen spawn(PopenBuilder b) throws IOException {
    Reaper reaper = Reaper.get(); // before the spawn: a child must never go unwatched
    String[] envp = environment(b);
    Path cwd = b.cwd == null ? null : checkDirectory(b.cwd);
    String program = find(b.args.get(0), childPath(b, envp), cwd);
    SpawnOptions options = new SpawnOptions();
    if (cwd != null) options.addChdir(cwd.toString());
    if (b.newSession) options.setSid();
    if (b.processGroup >= 0) options.setProcessGroup(b.processGroup);
    List<Integer> parentEnds = new ArrayList<>(3);
    List<Integer> childEnds = new ArrayList<>(3);
    Redirect[] redirects = {b.stdin, b.stdout, b.stderr};
    int[] pipes = {-1, -1, -1}; // the parent's end of each stream that is a PIPE
    try {
      for (int stream = 0; stream < 3; stream++) {
        Redirect r = redirects[stream];
        if (r == Redirect.PIPE) {
          int[] pipe = Posix.pipe2(0); // blocking both ends: the child's end must be
          int parent = stream == 0 ? pipe[1] : pipe[0];
          int child = stream == 0 ? pipe[0] : pipe[1];
          parentEnds.add(parent);
          childEnds.add(child);
          Posix.setNonBlocking(parent, true);
          pipes[stream] = parent;
          options.addDup2(child, stream);
        } else if (r == Redirect.DEVNULL) {
          options.addOpen(stream, "/dev/null", stream == 0 ? Posix.O_RDONLY : Posix.O_WRONLY, 0);
        } else if (r == Redirect.STDOUT) {
          options.addDup2(1, 2);
        } else if (r.path() != null) {
          Path file = checkFile(r.path(), stream);
          int flags = stream == 0 ? Posix.O_RDONLY
              : Posix.O_WRONLY | Posix.O_CREAT | (r.appends() ? Posix.O_APPEND : Posix.O_TRUNC);
          options.addOpen(stream, file.toString(), flags, 0666);
        }
      }
      // Nothing of the JVM's reaches the child beyond the three streams (Python's close_fds).
      options.addCloseFrom(3);
      int pid;
      try {
        pid = PosixProcesses.spawn(program, b.args.toArray(new String[0]), envp, options);
      } catch (IOException e) {
        throw explain(e, b.args.get(0), program);
      }
      closeAll(childEnds);
      childEnds.clear();
      String label = "of Popen(pid " + pid + ", " + b.args + ")";
      Popen popen = new Popen(b.args, pid,
          pipes[0] < 0 ? null : FileObjectPosix.open(pipes[0], "wb", true, "the stdin " + label).outputStream(),
          pipes[1] < 0 ? null : FileObjectPosix.open(pipes[1], "rb", true, "the stdout " + label).inputStream(),
          pipes[2] < 0 ? null : FileObjectPosix.open(pipes[2], "rb", true, "the stderr " + label).inputStream(), redirects);
      reaper.watch(popen);
      return popen;
    } catch (IOException | RuntimeException | Error e) {
      closeAll(childEnds);
      closeAll(parentEnds);
      throw e;
    }
  }

  /** The child's environment as {@code NAME=value} strings, or null to inherit the JVM's. */
  private static String[] environment(PopenBuilder b) {
    if (b.env == null && b.extraEnv.isEmpty()) return null;
    Map<String, String> env = new LinkedHashMap<>(b.env != null ? b.env : System.getenv());
    env.putAll(b.extraEnv);
    List<String> out = new ArrayList<>(env.size());
    env.forEach((name, value) -> out.add(name + "=" + value));
    return out.toArray(new String[0]);
  }

  /** The PATH the program is looked up on: the child's, as Python's {@code os.get_exec_path(env)}. */
  private static String childPath(PopenBuilder b, String[] envp) {
    if (envp == null) {
      String path = System.getenv("PATH");
      return path != null ? path : DEFAULT_PATH;
    }
    for (String entry : envp) {
      if (entry.startsWith("PATH=")) return entry.substring(5);
    }
    return DEFAULT_PATH;
  }

  /**
   * The file to run: {@code name} itself when it holds a {@code '/'} (relative to the child's
   * directory), else the first executable {@code dir/name} along {@code path}.
   */
  private static String find(String name, String path, Path cwd) throws IOException {
    if (name.isEmpty()) throw new NoSuchFileException("\"\"", null, "the program name is empty");
    Path base = cwd != null ? cwd : Path.of("").toAbsolutePath();
    if (name.indexOf('/') >= 0) {
      Path file = base.resolve(name);
      if (!Files.exists(file)) throw new NoSuchFileException(name, null, "no such program");
      if (Files.isDirectory(file) || !Files.isExecutable(file)) {
        throw new AccessDeniedException(name, null, Files.isDirectory(file) ? "a directory, not a program" : "not executable");
      }
      return file.toString();
    }
    AccessDeniedException denied = null;
    for (String dir : path.split(File.pathSeparator, -1)) {
      Path file = base.resolve(dir.isEmpty() ? "." : dir).resolve(name);
      if (!Files.exists(file)) continue;
      if (Files.isRegularFile(file) && Files.isExecutable(file)) return file.toString();
      if (denied == null) denied = new AccessDeniedException(name, null, file + " is not executable");
    }
    if (denied != null) throw denied;
    throw new NoSuchFileException(name, null, "no such program on PATH (" + path + ")");
  }

  private static Path checkDirectory(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath();
    if (!Files.exists(absolute)) throw new NoSuchFileException(dir.toString(), null, "the working directory does not exist");
    if (!Files.isDirectory(absolute)) throw new NotDirectoryException(dir.toString());
    return absolute;
  }

  /** A redirect's file, absolute (the child may change directory first); an input file must exist. */
  private static Path checkFile(Path file, int stream) throws IOException {
    Path absolute = file.toAbsolutePath();
    if (stream == 0 && !Files.exists(absolute)) {
      throw new NoSuchFileException(file.toString(), null, "stdin's file does not exist");
    }
    Path parent = absolute.getParent();
    if (stream != 0 && parent != null && !Files.isDirectory(parent)) {
      throw new NoSuchFileException(file.toString(), null, (stream == 1 ? "stdout" : "stderr") + "'s directory does not exist");
    }
    return absolute;
  }

  /** A spawn failure as the java.nio.file exception that says what went wrong, when one does. */
  private static IOException explain(IOException e, String name, String program) {
    String errno = errnoName(e);
    if ("ENOENT".equals(errno)) return withCause(new NoSuchFileException(name, null, "cannot run " + program), e);
    if ("EACCES".equals(errno)) return withCause(new AccessDeniedException(name, null, "cannot run " + program), e);
    if ("ENOEXEC".equals(errno)) {
      return withCause(new IOException("cannot run " + program + ": not an executable format (ENOEXEC)"), e);
    }
    return e;
  }

  private static IOException withCause(IOException e, IOException cause) {
    e.initCause(cause);
    return e;
  }

  /** The errno name of the {@link NativeIoException} behind {@code e}, or null. */
  static String errnoName(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NativeIoException n) return n.errnoName();
    }
    return null;
  }

  private static void closeAll(List<Integer> fds) {
    for (int fd : fds) {
      try {
        Posix.close(fd);
      } catch (IOException ignored) {
        // nothing to retry
      }
    }
  }
}
