package io.gevent4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.loop.Loop;
import io.gevent4j.testing.Jvm;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A greenlet's uncaught failure reaches the user when no SLF4J provider is bound: on stderr,
 * or through the default uncaught-exception handler. Before, SLF4J's no-operation logger
 * dropped it. In a JVM of its own, whose class path has no logback.
 */
@org.junit.jupiter.api.Timeout(60)
class NoLoggerTest {

  private static String run(String... args) throws Exception {
    String cp = String.join(File.pathSeparator, List.of(
        where(Hub.class), where(Loop.class), where(LoggerFactory.class), where(NoLoggerProbe.class)));
    List<String> command = new java.util.ArrayList<>(Jvm.command(
        "-Dgevent.loop=" + System.getProperty("gevent.loop", "libev"), "-cp", cp, NoLoggerProbe.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out;
    try (var in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  private static String where(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  @Test
  void withoutAProviderTheFailureGoesToStderr() throws Exception {
    String out = run();
    assertTrue(out.contains("failed (add an SLF4J provider"), out);
    assertTrue(out.contains("IllegalStateException: boom from a greenlet"), out);
  }

  @Test
  void withoutAProviderTheDefaultUncaughtHandlerGetsIt() throws Exception {
    String out = run("handler");
    assertTrue(out.contains("handler got boom from a greenlet"), out);
  }
}
