package io.gevent4j.threading.modulepath;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.testing.ModulePath;
import org.junit.jupiter.api.Test;

/** The threading module on the module path: its file objects reach the hub's internal package exported to it. */
class ThreadingModulePathTest {
  @Test
  void fileObjectsWorkWithTheModulesOnTheModulePath() throws Exception {
    // native, hub, sync, greenlet, io, threading and slf4j-api
    String out = ModulePath.run(ThreadingModulePathProbe.class, "io.gevent4j.threading", 7);
    assertTrue(out.contains("module io.gevent4j.threading named=true"), out);
    assertTrue(out.contains("files thread posix ident=true"), out);
  }
}
