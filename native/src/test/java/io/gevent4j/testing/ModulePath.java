package io.gevent4j.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a probe in a JVM of its own with gevent4j's modules on the module path (the test's own
 * class path supplies them: gevent4j's main jars or classes directories, and SLF4J's API) and
 * the probe on the class path, with the module path's flags. The tests themselves run on the
 * class path (surefire's {@code useModulePath=false}).
 */
public final class ModulePath {
  private ModulePath() {}

  /**
   * Runs {@code probe}'s main with {@code --add-modules root}.
   *
   * @param modules how many module-path entries the test expects (gevent4j's modules and SLF4J)
   * @return the probe's stdout
   * @throws AssertionError when the entries are not as many, or the probe fails (with its stderr)
   */
  public static String run(Class<?> probe, String root, int modules) throws IOException, InterruptedException {
    List<String> modulePath = new ArrayList<>();
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (isGevent4jModule(entry) || entry.contains("slf4j-api")) modulePath.add(entry);
      else if (entry.endsWith("test-classes")) classPath.add(entry);
    }
    if (modulePath.size() != modules) throw new AssertionError("expected " + modules + " modules, found " + modulePath);
    List<String> command = List.of(Jvm.java(), "--module-path", String.join(File.pathSeparator, modulePath),
        "--add-modules", root, "--add-opens", "java.base/java.lang=io.gevent4j.hub", "--enable-native-access=io.gevent4j.loop",
        "--add-opens", "java.base/sun.nio.ch=io.gevent4j.hub",
        "-Dgevent.loop=" + System.getProperty("gevent.loop", "libev"), "-Dslf4j.internal.verbosity=ERROR",
        "-cp", String.join(File.pathSeparator, classPath), probe.getName());
    Path err = Files.createTempFile("modulepath", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(probe.getSimpleName() + " did not end in 60 s:\n" + out);
      }
      if (p.exitValue() != 0) throw new AssertionError(probe.getSimpleName() + " failed:\n" + out + Files.readString(err));
      return out;
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /** A main jar or classes directory of one of gevent4j's modules (not a test jar). */
  private static boolean isGevent4jModule(String entry) {
    Path p = Path.of(entry);
    String name = p.getFileName().toString();
    if (name.endsWith(".jar")) return name.startsWith("gevent4j-") && !name.endsWith("-tests.jar");
    return name.equals("classes") && Files.exists(p.resolve("module-info.class"));
  }
}
