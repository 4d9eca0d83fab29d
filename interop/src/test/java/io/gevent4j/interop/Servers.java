package io.gevent4j.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What {@link Postgres} and {@link Redis} share: ports, processes, their logs, temp dirs. */
final class Servers {
  private Servers() {}

  /** A TCP port free on 127.0.0.1 now (a server that loses a race for it is started again). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** True when this JVM runs as root (the tests do on CI and on the project's machines). */
  static boolean isRoot() throws IOException {
    return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
  }

  /** A server process whose output a daemon thread keeps reading, watching for one line. */
  static final class Logged {
    final Process process;
    private final StringBuilder log = new StringBuilder();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Thread reader;
    private volatile boolean sawReady;

    /** Starts {@code command} in {@code dir}; {@link #awaitReady} waits for {@code readyLine}. */
    Logged(List<String> command, Path dir, String name, String readyLine) throws IOException {
      process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      process.getOutputStream().close();
      // Read to the end, all the server's life: a full pipe would block the server's logging.
      reader = Thread.ofPlatform().daemon().name(name + "-log").start(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            synchronized (log) {
              if (log.length() > 64 * 1024) log.delete(0, log.length() / 2);
              log.append(line).append('\n');
            }
            if (line.contains(readyLine)) {
              sawReady = true;
              ready.countDown();
            }
          }
        } catch (IOException e) {
          // the process ended
        }
        ready.countDown();
      });
    }

    /** Waits until the ready line shows (true) or the process ends or time runs out (false). */
    boolean awaitReady(long seconds) throws InterruptedException {
      return ready.await(seconds, TimeUnit.SECONDS) && sawReady && process.isAlive();
    }

    /** What the server printed (the last 32 to 64 KiB). */
    String log() {
      synchronized (log) {
        return log.toString();
      }
    }

    /** Waits for the process to end, killing it after {@code seconds}; then for the log reader. */
    void awaitEnd(long seconds) throws InterruptedException {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      reader.join(5_000);
    }
  }

  /** Runs {@code command} in {@code dir} to its end (at most 60 s); its output, or an exception with it. */
  static String run(List<String> command, Path dir) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not end within 60 s:\n" + out);
    }
    if (p.exitValue() != 0) throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ":\n" + out);
    return out;
  }

  /** Deletes {@code dir} and everything in it. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
    }
    for (Path p : paths) Files.deleteIfExists(p);
  }
}
