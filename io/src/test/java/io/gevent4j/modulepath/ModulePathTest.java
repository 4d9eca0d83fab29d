package io.gevent4j.modulepath;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.testing.ModulePath;
import org.junit.jupiter.api.Test;

/**
 * gevent4j on the module path: its modules resolve with SLF4J alone, a program on the class
 * path uses them with the module path's flags, the internal packages stay unexported, and the
 * JDK finds the HTTP server provider through {@code provides}, and greenlets' JDK I/O waits are
 * served by their hub (its opens of {@code sun.nio.ch} name the hub's module).
 */
class ModulePathTest {
  @Test
  void aProgramUsesTheModulesFromTheModulePath() throws Exception {
    // native, hub, sync, greenlet, io and slf4j-api
    String out = ModulePath.run(ModulePathProbe.class, "io.gevent4j.io", 6);
    assertTrue(out.contains("module io.gevent4j.hub named=true"), out);
    assertTrue(out.contains("internal exported=false"), out);
    assertTrue(out.contains("greenlet through the queue"), out);
    assertTrue(out.contains("echo echo"), out);
    assertTrue(out.contains("http provider io.gevent4j.http.GeventHttpServerProvider"), out);
    assertTrue(out.contains("jdkPollers hub"), out);
    assertTrue(out.contains("jdk echo ping"), out);
  }
}
