package io.gevent4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmarks jar's entry point ({@code java -jar bench/target/benchmarks.jar ...}): JMH's
 * own {@link org.openjdk.jmh.Main}, with the JVM flags greenlets need added to every forked
 * JVM. The flags are the root pom's {@code gevent4j.jvmFlags}, filtered into the resource
 * {@code jvm-flags.txt} at build time.
 *
 * <p>The forks need them on their command line: JMH starts a fork with {@code -cp}, not
 * {@code -jar}, so the manifest's {@code Add-Opens} and {@code Enable-Native-Access} (which
 * serve this JVM) do not reach it, and JMH copies only this JVM's command-line arguments.
 */
public final class Main {
  private static final String APPEND = "-jvmArgsAppend";

  private Main() {}

  /** Runs JMH with {@code args}, the flags appended to the forks' JVM arguments. */
  public static void main(String[] args) throws Exception {
    org.openjdk.jmh.Main.main(withFlags(args, flags()));
  }

  /**
   * {@code args} with one {@code -jvmArgsAppend} (JMH refuses two) holding {@code flags}, then
   * what the user appended, if anything ({@code -jvmArgsAppend v}, {@code -jvmArgsAppend=v},
   * also with two dashes).
   */
  static String[] withFlags(String[] args, String flags) {
    StringBuilder append = new StringBuilder(flags);
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].startsWith("--") ? args[i].substring(1) : args[i];
      if (name.equals(APPEND) && i + 1 < args.length) {
        append.append(' ').append(args[++i]);
      } else if (name.startsWith(APPEND + "=")) {
        append.append(' ').append(name, APPEND.length() + 1, name.length());
      } else {
        rest.add(args[i]);
      }
    }
    rest.addAll(0, List.of(APPEND, append.toString()));
    return rest.toArray(String[]::new);
  }

  /** The root pom's gevent4j.jvmFlags, as the build filtered them into the jar. */
  static String flags() {
    try (InputStream in = Main.class.getResourceAsStream("jvm-flags.txt")) {
      if (in == null) throw new IllegalStateException("jvm-flags.txt is missing from the jar: rebuild the bench module");
      String flags = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      if (flags.isEmpty() || flags.contains("${")) {
        throw new IllegalStateException("jvm-flags.txt was not filtered with the pom's gevent4j.jvmFlags: '" + flags + "'");
      }
      return flags;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
