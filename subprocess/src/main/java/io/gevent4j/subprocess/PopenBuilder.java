package io.gevent4j.subprocess;

import io.gevent4j.subprocess.Popen.Redirect;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@link Popen.Builder}: collects and checks the settings; {@link Spawner} starts the child. */
final class PopenBuilder implements Popen.Builder {
  final List<String> args;
  Path cwd;
  /** The whole environment, or null to start from the JVM's. */
  Map<String, String> env;
  final Map<String, String> extraEnv = new LinkedHashMap<>();
  Redirect stdin = Redirect.INHERIT;
  Redirect stdout = Redirect.INHERIT;
  Redirect stderr = Redirect.INHERIT;
  boolean newSession;
  /** The process group to join (0: a new one), or -1 for the parent's. */
  int processGroup = -1;

  PopenBuilder(List<String> args) {
    if (args.isEmpty()) throw new IllegalArgumentException("Popen needs at least the program to run: args is empty");
    for (String a : args) noNul(a, "an argument");
    this.args = args;
  }

  @Override
  public Popen.Builder cwd(Path dir) {
    noNul(dir.toString(), "cwd");
    this.cwd = dir;
    return this;
  }

  @Override
  public Popen.Builder env(Map<String, String> env) {
    Map<String, String> copy = new LinkedHashMap<>();
    env.forEach((name, value) -> copy.put(checkName(name), noNul(value, "the value of " + name)));
    this.env = copy;
    return this;
  }

  @Override
  public Popen.Builder putEnv(String name, String value) {
    extraEnv.put(checkName(name), noNul(value, "the value of " + name));
    return this;
  }

  @Override
  public Popen.Builder stdin(Redirect r) {
    Objects.requireNonNull(r, "stdin");
    if (r == Redirect.STDOUT) throw new IllegalArgumentException("stdin cannot be STDOUT: STDOUT is for stderr only");
    if (r.appends()) throw new IllegalArgumentException("stdin cannot be " + r + ": use Redirect.file to read a file");
    this.stdin = r;
    return this;
  }

  @Override
  public Popen.Builder stdout(Redirect r) {
    Objects.requireNonNull(r, "stdout");
    if (r == Redirect.STDOUT) {
      throw new IllegalArgumentException("stdout cannot be STDOUT: STDOUT is for stderr, to merge it into stdout");
    }
    this.stdout = r;
    return this;
  }

  @Override
  public Popen.Builder stderr(Redirect r) {
    this.stderr = Objects.requireNonNull(r, "stderr");
    return this;
  }

  @Override
  public Popen.Builder startNewSession() {
    this.newSession = true;
    return this;
  }

  @Override
  public Popen.Builder processGroup(int pgid) {
    if (pgid < 0) throw new IllegalArgumentException("a process group is >= 0 (0 for a new one), not " + pgid);
    this.processGroup = pgid;
    return this;
  }

  @Override
  public Popen start() throws IOException {
    return Spawner.spawn(this);
  }

  private static String checkName(String name) {
    if (name.isEmpty() || name.indexOf('=') >= 0) {
      throw new IllegalArgumentException("an environment variable's name must be non-empty and without '=': \"" + name + "\"");
    }
    return noNul(name, "an environment variable's name");
  }

  private static String noNul(String s, String what) {
    if (s.indexOf('\0') >= 0) throw new IllegalArgumentException(what + " holds a NUL character: \"" + s.replace("\0", "\\0") + "\"");
    return s;
  }
}
