package io.gevent4j.testing;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JVM of its own for a test: this JVM's {@code java} with gevent4j's JVM flags, taken from
 * this JVM's command line. Under Maven that is surefire's or failsafe's {@code argLine}, which
 * carries the root pom's {@code gevent4j.jvmFlags}: the flags stay written in one place.
 */
public final class Jvm {
  private Jvm() {}

  /** The {@code java} launcher of the JDK this JVM runs on. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * gevent4j's JVM flags as this JVM got them: its launcher options, those that start with
   * {@code --} (the JVM reports {@code --add-opens X} as {@code --add-opens=X}). Not its
   * {@code -X}, {@code -XX} or {@code -D} options, nor agents: a test states those itself.
   *
   * @throws IllegalStateException when this JVM has none (started without the pom's argLine)
   */
  public static List<String> flags() {
    List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--"))
        .toList();
    if (flags.isEmpty()) {
      throw new IllegalStateException("this JVM has no --add-opens/--enable-native-access flags to hand on: run the test "
          + "through Maven (surefire's argLine), or give it the root pom's gevent4j.jvmFlags");
    }
    return flags;
  }

  /** The command that starts a JVM with gevent4j's flags: {@link #java()}, {@link #flags()}, then {@code args}. */
  public static List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(flags());
    command.addAll(List.of(args));
    return command;
  }
}
