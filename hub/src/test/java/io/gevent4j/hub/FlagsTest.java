package io.gevent4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.testing.Jvm;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Without the JVM flags, the first use says which ones to add (a forked JVM). */
@org.junit.jupiter.api.Timeout(60)
class FlagsTest {
  @Test
  void withoutAddOpensTheFirstUseNamesTheFlags() throws Exception {
    Process p = new ProcessBuilder(List.of(Jvm.java(), "-cp", System.getProperty("java.class.path"), FlagsProbe.class.getName()))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(50, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("error: "), out);
    assertTrue(out.contains("--add-opens java.base/java.lang=ALL-UNNAMED"), out);
    assertTrue(out.contains("--enable-native-access=ALL-UNNAMED"), out);
  }
}
