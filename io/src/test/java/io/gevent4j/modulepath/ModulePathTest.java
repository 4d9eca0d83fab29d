package io.gevent4j.modulepath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.testing.Jvm;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * gevent4j on the module path: its modules resolve with SLF4J alone, a program on the class
 * path uses them with the module path's flags, the internal packages stay unexported, and the
 * JDK finds the HTTP server provider through {@code provides}. The tests themselves run on the
 * class path (surefire's {@code useModulePath=false}); this forks a JVM that does not.
 */
class ModulePathTest {
  @Test
  void aProgramUsesTheModulesFromTheModulePath() throws Exception {
    List<String> modulePath = new ArrayList<>();
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (isGevent4jModule(entry) || entry.contains("slf4j-api")) modulePath.add(entry);
      else if (entry.endsWith("test-classes")) classPath.add(entry);
    }
    assertEquals(6, modulePath.size(), "native, hub, sync, greenlet, io and slf4j-api, from " + modulePath);
    List<String> command = List.of(Jvm.java(),
        "--module-path", String.join(File.pathSeparator, modulePath),
        "--add-modules", "io.gevent4j.io",
        "--add-opens", "java.base/java.lang=io.gevent4j.hub", "--enable-native-access=io.gevent4j.loop",
        "-Dgevent.loop=" + System.getProperty("gevent.loop", "libev"), "-Dslf4j.internal.verbosity=ERROR",
        "-cp", String.join(File.pathSeparator, classPath), ModulePathProbe.class.getName());
    Path err = Files.createTempFile("modulepath", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe did not end");
      String all = out + Files.readString(err);
      assertEquals(0, p.exitValue(), all);
      assertTrue(out.contains("module io.gevent4j.hub named=true"), all);
      assertTrue(out.contains("internal exported=false"), all);
      assertTrue(out.contains("greenlet through the queue"), all);
      assertTrue(out.contains("echo echo"), all);
      assertTrue(out.contains("http provider io.gevent4j.http.GeventHttpServerProvider"), all);
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
