package io.gevent4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.Hub;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code ./dev demo} does, shortened (1 s measured per backend, 20 connections): it must
 * keep working on both backends, answer every request correctly, leave no descriptor open, and
 * write its chart. No figure is checked: they are measurements.
 */
@Timeout(60)
class DemoTest {
  private static final int CONNECTIONS = 20;

  @Test
  void theDemoRunsOnBothBackendsAndWritesItsChart(@TempDir Path out) throws Exception {
    System.setProperty("java.awt.headless", "true");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<BackendRun.Result> results;
    try (PrintStream print = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      results = Demo.run(new Demo.Options(1, 0.5, CONNECTIONS, out), print, false);
    }
    String printed = captured.toString(StandardCharsets.UTF_8);

    assertEquals(2, results.size(), printed);
    assertTrue(results.get(0).backend().startsWith("libev:"), printed);
    assertTrue(results.get(1).backend().startsWith("libuv:"), printed);
    for (BackendRun.Result r : results) {
      assertEquals(0, r.errors(), () -> r.backend() + ": " + r.firstError() + "\n" + printed);
      assertTrue(r.requests() > 0, printed);
      assertTrue(r.p50Nanos() > 0 && r.p50Nanos() <= r.p99Nanos(), printed);
      // counted on each hub at a request: the accept loop and at least the asking connection's greenlet
      assertTrue(r.serverGreenlets() >= 2 && r.serverGreenlets() <= CONNECTIONS + 1, printed);
      assertTrue(r.clientGreenlets() >= 1 && r.clientGreenlets() <= CONNECTIONS, printed);
      // sockets and loops were open during the run, and nothing is left open after it
      assertTrue(r.fdsDuring() > r.fdsBefore(), printed);
      assertEquals(r.fdsBefore(), r.fdsAfter(), () -> r.backend() + " left descriptors open\n" + printed);
      // the table has a row per backend with its figures
      assertTrue(printed.lines().anyMatch(line -> line.startsWith(r.backend()) && line.contains(r.fdsBefore() + " / ")), printed);
    }
    assertTrue(printed.contains("greenlets alive") && printed.contains("open fds"), printed);
    // its threads and hubs are gone: the servers', the clients', and no hub made on this thread
    List<String> left = Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.contains("demo-")).toList();
    assertEquals(List.of(), left, "threads left running");
    assertEquals(List.of(), Hub.all(), "hubs left open");

    Path png = out.resolve("demo.png");
    assertTrue(printed.contains("chart: " + png), printed);
    byte[] bytes = Files.readAllBytes(png);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(bytes, 8));
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, "not an image ImageIO can read");
    assertTrue(image.getWidth() > 400 && image.getHeight() > 200, image.getWidth() + "x" + image.getHeight());
  }

  @Test
  void badArgumentsAreRefusedWithTheUsage() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Demo.Options.parse("--fast"));
    assertTrue(unknown.getMessage().contains("unknown argument --fast") && unknown.getMessage().contains("usage:"), unknown.getMessage());
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> Demo.Options.parse("--seconds=x"));
    assertTrue(nan.getMessage().contains("not a number: --seconds=x"), nan.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Demo.Options.parse("--connections=0"));
    Demo.Options o = Demo.Options.parse("--seconds=3", "--warmup=1", "--connections=50", "--out=x");
    assertEquals(new Demo.Options(3, 1, 50, Path.of("x")), o);
  }
}
