package io.gevent4j.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.testing.Jvm;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Without the JVM flags, HubGroup.start says which to add and leaves no thread (a forked JVM). */
@Timeout(60)
class HubGroupFlagsTest {
  @Test
  void withoutTheFlagsStartNamesThemAndLeavesNoThread() throws Exception {
    Process p = new ProcessBuilder(List.of(Jvm.java(), "-cp", System.getProperty("java.class.path"),
        "-Dgevent.loop=" + System.getProperty("gevent.loop", "libev"), HubGroupFlagsProbe.class.getName()))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(50, TimeUnit.SECONDS), "the JVM ended by itself: no group thread kept it alive");
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("error: ") && out.contains("--add-opens java.base/java.lang=ALL-UNNAMED"), out);
    assertTrue(out.contains("hubgroup threads left: 0"), out);
  }
}
