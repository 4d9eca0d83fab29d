package io.gevent4j.examples;

import static io.gevent4j.examples.ExampleRun.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gevent4j.hub.Hub;
import io.gevent4j.subprocess.Subprocess;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ./dev example subprocess-pipeline}: seq | grep | wc through greenlets counts what Java counts. */
@Timeout(60)
class SubprocessPipelineTest {
  /** The first child starts gevent4j's reaper thread, once per JVM: before any leak count. */
  @BeforeAll
  static void startTheReaper() throws Exception {
    Thread t = Thread.ofPlatform().start(() -> {
      try {
        Subprocess.checkCall("true");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } finally {
        Hub.current().close();
      }
    });
    t.join(30_000);
  }

  @Test
  void thePipelineCountsTheLinesWithASeven() {
    String out = ExampleRun.run(20, SubprocessPipeline::main);
    assertEquals(List.of(
        "seq 1 100000 | grep -F 7 | wc -l, the pipes copied by two greenlets",
        "  seq -> grep: 588895 bytes, grep -> wc: 241976 bytes",
        "  exit codes: seq 0, grep 0, wc 0",
        "wc -l counted 40951 lines; counting in Java gives 40951"), lines(out));
  }

  @Test
  void anotherText() {
    List<String> out = lines(ExampleRun.run(20, SubprocessPipeline::main, "123"));
    assertEquals("seq 1 100000 | grep -F 123 | wc -l, the pipes copied by two greenlets", out.get(0));
    assertEquals("wc -l counted 300 lines; counting in Java gives 300", out.get(3));
  }

  @Test
  void nothingMatchesAndGrepSaysSo() {
    List<String> out = lines(ExampleRun.run(20, SubprocessPipeline::main, "x"));
    assertEquals("  seq -> grep: 588895 bytes, grep -> wc: 0 bytes", out.get(1));
    assertEquals("  exit codes: seq 0, grep 1, wc 0", out.get(2));
    assertEquals("wc -l counted 0 lines; counting in Java gives 0", out.get(3));
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> SubprocessPipeline.main(new String[] {"1", "2"}));
    assertThrows(IllegalArgumentException.class, () -> SubprocessPipeline.main(new String[] {""}));
  }
}
