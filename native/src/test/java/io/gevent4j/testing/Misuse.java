package io.gevent4j.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A misuse matrix: cases that each feed a public API something wrong (a closed, negative,
 * huge or foreign descriptor, a closed loop, the wrong thread, a bad buffer or timeout) and
 * state what must come out — an exception of a given type whose message names the call, the
 * descriptor and the errno, or a documented normal return.
 *
 * <p>The cases run in a JVM of their own, forked by the test ({@link #assertAllPass}): a case
 * that kills the JVM (an {@code abort()} in libev or libuv) kills only that JVM, and the test
 * reports it by name, with the JVM's last words.
 */
public final class Misuse {
  private Misuse() {}

  /** What a case must produce; the case sets it before it makes the call. */
  public static final class Check {
    private Class<? extends Throwable> type;
    private List<String> mentions = List.of();
    private boolean set;

    /**
     * The call must throw {@code type} (or a subclass) whose message contains every one of
     * {@code mentions}.
     */
    public void expect(Class<? extends Throwable> type, String... mentions) {
      this.type = type;
      this.mentions = List.of(mentions);
      this.set = true;
    }

    /** The call must return normally (documented behaviour). */
    public void expectReturn() {
      this.type = null;
      this.set = true;
    }

    String judge(Throwable thrown) {
      if (!set) return "the case failed before it stated an expectation" + (thrown != null ? ": " + describe(thrown) : "");
      if (type == null) return thrown == null ? null : "expected a normal return, got " + describe(thrown);
      if (thrown == null) return "expected " + type.getSimpleName() + " mentioning " + mentions + ", but it returned";
      if (!type.isInstance(thrown)) return "expected " + type.getSimpleName() + ", got " + describe(thrown);
      String message = String.valueOf(thrown.getMessage());
      for (String m : mentions) {
        if (!message.contains(m)) return "the message does not mention '" + m + "': " + describe(thrown);
      }
      return null;
    }

    private static String describe(Throwable t) {
      return t.getClass().getName() + ": " + t.getMessage();
    }
  }

  /** A case's body: states its expectation on {@code check}, then misuses the API. */
  @FunctionalInterface
  public interface Body {
    void run(Check check) throws Throwable;
  }

  /** The cases of one matrix, in order. */
  public static final class Cases {
    private final Map<String, Body> cases = new LinkedHashMap<>();

    /** Adds a case; names are unique. */
    public Cases add(String name, Body body) {
      if (cases.putIfAbsent(name, body) != null) throw new IllegalArgumentException("duplicate case " + name);
      return this;
    }

    /**
     * In the forked JVM: runs every case (or those named in {@code only}), one line each on
     * stdout: {@code CASE name} before, then {@code PASS name} or {@code FAIL name: why};
     * {@code DONE} at the end.
     */
    public void runAll(String... only) {
      PrintStream out = System.out;
      List<String> selected = Arrays.asList(only);
      for (Map.Entry<String, Body> e : cases.entrySet()) {
        if (!selected.isEmpty() && !selected.contains(e.getKey())) continue;
        out.println("CASE " + e.getKey());
        out.flush();
        Check check = new Check();
        Throwable thrown = null;
        try {
          e.getValue().run(check);
        } catch (Throwable t) {
          thrown = t;
        }
        String verdict = check.judge(thrown);
        out.println(verdict == null ? "PASS " + e.getKey() : "FAIL " + e.getKey() + ": " + verdict);
        out.flush();
      }
      out.println("DONE");
      out.flush();
      closeKept();
    }
  }

  /**
   * In the test: runs {@code main} (whose {@code main} calls {@link Cases#runAll}) in a new
   * JVM on {@code backend}, and fails with every case that failed, or with the case during
   * which the JVM died.
   *
   * @param prefix a shell prefix for the JVM (e.g. {@code "ulimit -n 128;"}), or null
   * @return how many cases passed
   */
  public static int assertAllPass(Class<?> main, String backend, String prefix, String... args) {
    List<String> command = new ArrayList<>(Jvm.command("-Xcheck:jni", "-XX:-CreateCoredumpOnCrash", "-Dgevent.loop=" + backend,
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    if (prefix != null) {
      StringBuilder shell = new StringBuilder(prefix).append(" exec");
      for (String c : command) shell.append(" '").append(c.replace("'", "'\\''")).append('\'');
      command = List.of("/bin/sh", "-c", shell.toString());
    }
    Path log;
    try {
      log = Files.createTempFile("misuse", ".err");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    try {
      Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
      p.getOutputStream().close();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(main.getSimpleName() + " on " + backend + " did not end in 120 s:\n" + out);
      }
      int exit = p.exitValue();
      String err = Files.readString(log);
      List<String> failures = new ArrayList<>();
      String running = null;
      int passed = 0;
      boolean done = false;
      for (String line : out.split("\n")) {
        if (line.startsWith("CASE ")) running = line.substring(5);
        else if (line.startsWith("PASS ")) {
          running = null;
          passed++;
        } else if (line.startsWith("FAIL ")) {
          running = null;
          failures.add(line.substring(5));
        } else if (line.equals("DONE")) done = true;
      }
      if (!done || exit != 0) {
        String tail = Stream.of(err.split("\n")).skip(Math.max(0, err.split("\n").length - 15))
            .reduce("", (a, b) -> a + "\n  " + b);
        failures.add("the JVM died (exit " + exit + ")" + (running != null ? " during case " + running : "")
            + "; its last words:" + tail);
      }
      if (!failures.isEmpty()) {
        throw new AssertionError(failures.size() + " misuse case(s) failed on " + backend + " (" + passed + " passed):\n  "
            + String.join("\n  ", failures));
      }
      return passed;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      try {
        Files.deleteIfExists(log);
      } catch (IOException e) {
        // a temp file left behind
      }
    }
  }

  // ---- descriptors for the cases ---------------------------------------------------------

  /** The descriptors {@code open} made (from a /proc/self/fd diff), lowest first. */
  public static int[] fdsMadeBy(ThrowingRunnable open) throws Throwable {
    List<Integer> before = openFds();
    open.run();
    return openFds().stream().filter(fd -> !before.contains(fd)).mapToInt(Integer::intValue).sorted().toArray();
  }

  /** An action that may throw. */
  @FunctionalInterface
  public interface ThrowingRunnable {
    void run() throws Throwable;
  }

  /** The open descriptors of this process (not the listing's own). */
  public static List<Integer> openFds() throws IOException {
    List<Integer> listed = new ArrayList<>();
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      for (Path p : (Iterable<Path>) s::iterator) listed.add(Integer.parseInt(p.getFileName().toString()));
    }
    listed.removeIf(fd -> target(fd) == null); // the directory stream's, closed by now
    return listed;
  }

  /** What {@code /proc/self/fd/N} links to, e.g. {@code anon_inode:[eventpoll]}; null when closed. */
  public static String target(int fd) {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Objects whose descriptors the cases use: kept open (never collected) until
   * {@link Cases#runAll} ends, then closed.
   */
  private static final List<AutoCloseable> KEPT = new ArrayList<>();

  /** Keeps {@code c} open until the cases have run. */
  public static <C extends AutoCloseable> C keep(C c) {
    synchronized (KEPT) {
      KEPT.add(c);
    }
    return c;
  }

  static void closeKept() {
    synchronized (KEPT) {
      for (AutoCloseable c : KEPT) {
        try {
          c.close();
        } catch (Exception e) {
          // a case closed its descriptor through Posix.close already
        }
      }
      KEPT.clear();
    }
  }

  /** Another epoll set than gevent4j's: a JDK Selector's. */
  public static int foreignEpoll() throws Throwable {
    java.nio.channels.Selector[] s = new java.nio.channels.Selector[1];
    for (int fd : fdsMadeBy(() -> s[0] = java.nio.channels.Selector.open())) {
      if ("anon_inode:[eventpoll]".equals(target(fd))) {
        keep(s[0]);
        return fd;
      }
    }
    throw new AssertionError("no epoll set among the selector's descriptors");
  }

  /** A regular file's descriptor (a temporary file). */
  public static int regularFile() throws Throwable {
    Path f = Files.createTempFile("misuse", ".bin");
    f.toFile().deleteOnExit();
    java.io.RandomAccessFile[] raf = new java.io.RandomAccessFile[1];
    int[] fds = fdsMadeBy(() -> raf[0] = new java.io.RandomAccessFile(f.toFile(), "rw"));
    keep(raf[0]);
    return fds[0];
  }

  /** A descriptor number far above every open one: closed, and not handed out soon. */
  public static int neverOpened() throws IOException {
    return openFds().stream().mapToInt(Integer::intValue).max().orElse(0) + 1000;
  }
}
