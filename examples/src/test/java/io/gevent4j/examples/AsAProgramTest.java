package io.gevent4j.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.testing.Jvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An example in a JVM of its own, as {@code ./dev example} starts it: the JVM ends by itself when
 * {@code main} returns (nothing the example started keeps it alive), with exit code 0. The one
 * with the most threads not its own: the JDK's HttpClient.
 */
@Timeout(60)
class AsAProgramTest {
  @Test
  void jdkHttpClientEndsItsJvm() throws Exception {
    List<String> command = Jvm.command("-Dgevent.loop=" + System.getProperty("gevent.loop", "libev"),
        "-cp", System.getProperty("java.class.path"), JdkHttpClient.class.getName());
    Path log = Files.createTempFile("jdk-http-client", ".out");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean ended = p.waitFor(30, TimeUnit.SECONDS);
      if (!ended) p.destroyForcibly().waitFor();
      String out = Files.readString(log, UTF_8);
      assertTrue(ended, "the JVM did not end within 30 s; it printed:\n" + out);
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains("50 of 50 answered 200 with their own body"), out);
    } finally {
      Files.delete(log);
    }
  }
}
