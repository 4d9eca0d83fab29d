package io.gevent4j.subprocess.modulepath;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.testing.ModulePath;
import org.junit.jupiter.api.Test;

/** The subprocess module on the module path: it reads the internal packages exported to it, and runs a child. */
class SubprocessModulePathTest {
  @Test
  void aChildRunsWithTheModulesOnTheModulePath() throws Exception {
    // native, hub, sync, greenlet, io, threading (the pipes are its FileObjectPosix), subprocess and slf4j-api
    String out = ModulePath.run(SubprocessModulePathProbe.class, "io.gevent4j.subprocess", 8);
    assertTrue(out.contains("module io.gevent4j.subprocess named=true"), out);
    assertTrue(out.contains("child PIPED rc=0"), out);
  }
}
