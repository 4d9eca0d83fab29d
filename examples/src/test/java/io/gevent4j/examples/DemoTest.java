package io.gevent4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@code ./dev demo} prints: the demo must keep working on both backends. */
@Timeout(60)
class DemoTest {
  @Test
  void theDemoRunsOnBothBackends() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Demo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    for (String backend : new String[] {"libev", "libuv"}) {
      assertTrue(out.contains("== " + backend + ":"), out);
      assertTrue(out.contains("io: read \"hello\" from the pipe"), out);
      for (int client = 1; client <= 3; client++) {
        assertTrue(out.contains("hello client" + client + " from " + backend + ":"), out);
      }
    }
  }
}
