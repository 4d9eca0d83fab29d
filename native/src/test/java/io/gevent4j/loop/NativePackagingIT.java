package io.gevent4j.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.testing.Jvm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar (failsafe runs this after {@code package}): self-contained on
 * linux-x86_64, with libev, libuv and c-ares inside and loaded from there, not from the system.
 */
@Timeout(60)
class NativePackagingIT {
  private static final String FOLDER = "META-INF/native/linux-x86_64/";

  private static Path jar() {
    Path jar = Path.of(System.getProperty("native.jar", "target/gevent4j-native.jar"));
    assertTrue(Files.isRegularFile(jar), "no packaged jar at " + jar);
    return jar;
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    return run(command, java.util.Map.of());
  }

  private static String run(List<String> command, java.util.Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("GEVENT_LOOP");
    builder.environment().putAll(env);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(50, TimeUnit.SECONDS), "still running: " + command);
    assertEquals(0, p.exitValue(), command + " failed:\n" + out);
    return out;
  }

  @Test
  void theJarCarriesTheLibraryItsDependenciesAndTheirLicenses() throws IOException {
    try (JarFile jar = new JarFile(jar().toFile())) {
      for (String name : List.of("libgevent4j.so", "libev.so.4", "libuv.so.1", "libcares.so.2", "bundled.list",
          "LICENSE.libev4", "LICENSE.libuv1", "LICENSE.libc-ares2")) {
        assertTrue(jar.getEntry(FOLDER + name) != null, "missing from the jar: " + FOLDER + name);
      }
    }
  }

  @Test
  void runpathIsOriginAndNeededNamesTheBundledObjects(@TempDir Path dir) throws Exception {
    Path so = dir.resolve("libgevent4j.so");
    try (JarFile jar = new JarFile(jar().toFile()); InputStream in = jar.getInputStream(jar.getEntry(FOLDER + "libgevent4j.so"))) {
      Files.copy(in, so, StandardCopyOption.REPLACE_EXISTING);
    }
    String dynamic = run(List.of("readelf", "-d", so.toString()));
    assertTrue(dynamic.contains("(RUNPATH)") && dynamic.contains("[$ORIGIN]"), dynamic);
    assertTrue(dynamic.contains("Shared library: [libev.so.4]"), dynamic);
    assertTrue(dynamic.contains("Shared library: [libuv.so.1]"), dynamic);
    assertTrue(dynamic.contains("Shared library: [libcares.so.2]"), dynamic);
    String symbols = run(List.of("nm", "-D", "--defined-only", so.toString()));
    List<String> exported = new ArrayList<>();
    for (String line : symbols.split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 3 && parts[1].equals("T")) exported.add(parts[2]);
    }
    assertEquals(List.of("JNI_OnLoad", "JNI_OnUnload"), exported.stream().sorted().toList(), "only the JNI entry points are exported");
  }

  private static List<String> probe(String... jvmArgs) {
    List<String> command = new ArrayList<>(Jvm.command(jvmArgs));
    command.addAll(List.of("-cp", classpath(), BackendProbe.class.getName()));
    return command;
  }

  /** The packaged jar, then the probes. */
  private static String classpath() {
    return jar() + java.io.File.pathSeparator + System.getProperty("probe.classes", "target/test-classes");
  }

  @Test
  void theBackendComesFromThePropertyThenTheEnvironmentThenTheDefault() throws Exception {
    assertTrue(run(probe()).contains("backend libev:epoll"), "default");
    assertTrue(run(probe(), java.util.Map.of("GEVENT_LOOP", "libuv")).contains("backend libuv:epoll"), "environment");
    assertTrue(run(probe("-Dgevent.loop=libev"), java.util.Map.of("GEVENT_LOOP", "libuv")).contains("backend libev:epoll"),
        "the property wins");
    String bad = run(probe("-Dgevent.loop=libevent"));
    assertTrue(bad.contains("refused gevent.loop=libevent is not a loop backend; valid values: libev, libuv"), bad);
    String badEnv = run(probe(), java.util.Map.of("GEVENT_LOOP", "epoll"));
    assertTrue(badEnv.contains("refused GEVENT_LOOP=epoll"), badEnv);
  }

  @Test
  void constantsAreRightWhicheverClassAProgramTouchesFirst() throws Exception {
    String out = run(Jvm.command("-cp", classpath(), ConstantsFirstProbe.class.getName()));
    assertTrue(out.contains("READ=1 AF_INET=2 SOCK_STREAM=1 SIGSEGV refused=true available=true checked="), out);
    assertTrue(!out.contains("checked=0"), out);
  }

  @Test
  void aFreshJvmLoadsLibevLibuvAndCaresFromTheExtractedCopy() throws Exception {
    String out = run(Jvm.command("-cp", classpath(), MapsProbe.class.getName()));
    assertTrue(out.contains("fired on libev:epoll"), out);
    assertTrue(out.contains("fired on libuv:epoll"), out);
    for (String lib : List.of("libgevent4j.so", "libev.so.4", "libuv.so.1", "libcares.so.2")) {
      List<String> maps = out.lines().filter(l -> l.contains("/" + lib)).toList();
      assertFalse(maps.isEmpty(), lib + " is not mapped:\n" + out);
      for (String line : maps) {
        assertTrue(line.contains("/gevent4j-"), lib + " was not loaded from the extracted copy: " + line);
        assertFalse(line.contains("/usr/lib"), lib + " came from the system: " + line);
      }
    }
  }
}
