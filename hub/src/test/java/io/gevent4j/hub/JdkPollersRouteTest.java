package io.gevent4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.testing.Jvm;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The route JDK I/O waits in greenlets take, decided at the first hub's creation, in JVMs of
 * their own ({@link JdkPollersProbe}): the hub's when allowed, else the JDK's with one log
 * line saying why; either way greenlets and plain virtual threads keep working, also after the
 * hub closed. Both backends.
 */
@org.junit.jupiter.api.Timeout(120)
class JdkPollersRouteTest {
  private static final String SUN_NIO_CH = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";

  @Test
  void withTheFlagTheHubServesGreenletsAndNothingIsLogged() throws Exception {
    String out = probe(flags(true), "none");
    assertTrue(out.contains("route=hub"), out);
    assertEquals(0, logLines(out), out);
    assertTrue(out.contains("greenlets: 500 round trips"), out);
    assertFalse(out.contains(", 0 woken by the hub"), out);
    assertTrue(out.contains("plain after the hub closed: 50 round trips"), out);
  }

  @Test
  void withoutTheFlagTheJdksRouteIsTakenAndOneLineSaysWhichFlagToAdd() throws Exception {
    String out = probe(flags(false), "none");
    assertTrue(out.contains("route=jdk"), out);
    assertEquals(1, logLines(out), out);
    assertTrue(out.contains("INFO") && out.contains("add --add-opens java.base/sun.nio.ch=ALL-UNNAMED"), out);
    assertTrue(out.contains("greenlets: 500 round trips, 0 woken by the hub"), out);
    assertTrue(out.contains("plain after the hub closed: 50 round trips"), out);
  }

  @Test
  void gevent_jdkPollers_jdkLeavesTheJdkAloneButStartsItsPollersAwayFromHubs() throws Exception {
    List<String> flags = flags(true);
    flags.add("-Dgevent.jdkPollers=jdk");
    String out = probe(flags, "none");
    assertTrue(out.contains("route=jdk"), out);
    assertEquals(0, logLines(out), out); // chosen: said at DEBUG only
    assertTrue(out.contains("greenlets: 500 round trips, 0 woken by the hub"), out);
    // The greenlets were the first virtual threads to do JDK I/O, and their hub has closed:
    // the JDK's sub-pollers must not have been placed on it (they were, before gevent4j
    // started them itself, and this read then never returned).
    assertTrue(out.contains("plain after the hub closed: 50 round trips"), out);
  }

  @Test
  void aPlainVirtualThreadThatDidIoBeforeTheFirstHubKeepsTheJdksRoute() throws Exception {
    String out = probe(flags(true), "plainFirst");
    assertTrue(out.contains("route=jdk"), out);
    assertEquals(1, logLines(out), out);
    assertTrue(out.contains("was started before gevent4j's first hub"), out);
    assertTrue(out.contains("sub-pollers run on the JDK's default scheduler"), out);
    assertTrue(out.contains("greenlets: 500 round trips"), out);
    assertTrue(out.contains("plain after the hub closed: 50 round trips"), out);
  }

  @Test
  void pollersStartedOnAnotherSchedulerAreReported() throws Exception {
    String out = probe(flags(true), "customFirst");
    assertTrue(out.contains("route=jdk"), out);
    assertEquals(1, logLines(out), out);
    assertTrue(out.contains("sub-pollers run on another scheduler"), out);
    assertTrue(out.contains("greenlets: 500 round trips"), out);
  }

  @Test
  void withPlatformPollerThreadsTheHubRouteKeepsThemForOtherVirtualThreads() throws Exception {
    List<String> flags = flags(true);
    flags.add("-Djdk.pollerMode=1");
    String out = probe(flags, "none");
    assertTrue(out.contains("route=hub"), out);
    assertEquals(0, logLines(out), out);
    assertFalse(out.contains(", 0 woken by the hub"), out);
    assertTrue(out.contains("fallback: gevent4j-Read-0-Poller platform"), out);
    assertTrue(out.contains("plain after the hub closed: 50 round trips"), out);
  }

  @Test
  void aBadValueFailsTheFirstHubNamingTheSetting() throws Exception {
    List<String> flags = flags(true);
    flags.add("-Dgevent.jdkPollers=nearby");
    String out = probe(flags, "none");
    assertTrue(out.contains("hub: gevent.jdkPollers=nearby is not valid; gevent.jdkPollers takes hub, jdk"), out);
  }

  /** This JVM's gevent4j flags, with or without the sun.nio.ch one. */
  private static List<String> flags(boolean sunNioCh) {
    List<String> flags = new ArrayList<>();
    for (String f : Jvm.flags()) {
      if (!f.equals(SUN_NIO_CH)) flags.add(f);
    }
    if (sunNioCh) flags.add(SUN_NIO_CH);
    flags.add("-Dgevent.loop=" + System.getProperty("gevent.loop", "libev"));
    return flags;
  }

  /** Lines the probe's JVM logged on io.gevent4j.hub.jdkPollers (logback's console pattern). */
  private static long logLines(String out) {
    return out.lines().filter(l -> l.contains("i.g.hub.jdkPollers") || l.contains("io.gevent4j.hub.jdkPollers")).count();
  }

  private static String probe(List<String> flags, String before) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Jvm.java());
    command.addAll(flags);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), JdkPollersProbe.class.getName(), before));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    return String.join(" ", command) + "\n" + out;
  }
}
