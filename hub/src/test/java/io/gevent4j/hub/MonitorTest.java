package io.gevent4j.hub;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The blocking monitor notices a greenlet that holds its hub, logs it and records a JFR event. */
@org.junit.jupiter.api.Timeout(120)
class MonitorTest {

  @Test
  void aBusyLoopIsReportedWithItsStack(@TempDir Path dir) throws Exception {
    Logger log = (Logger) LoggerFactory.getLogger("io.gevent4j.hub.monitor");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    log.addAppender(appender);
    log.setAdditive(false);
    Path jfr = dir.resolve("monitor.jfr");
    try (Recording recording = new Recording()) {
      recording.enable("io.gevent4j.HubBlocked");
      recording.start();
      new BlockingMonitor.HubBlockedEvent(); // JFR instruments the class on first use: not a leak of the test
      onFreshHub(hub -> {
        BlockingMonitor.watch(hub);
        hub.newGreenlet(MonitorTest::spinUntilReported, "busy-greenlet").start();
        hub.join(30);
      });
      recording.stop();
      recording.dump(jfr);
    } finally {
      log.detachAppender(appender);
      log.setAdditive(true);
    }
    List<ILoggingEvent> events = appender.list;
    assertEquals(1, events.size(), "reported once per blocking: " + events);
    String message = events.get(0).getFormattedMessage();
    assertTrue(message.contains("busy-greenlet has held hub test-hub"), message);
    assertTrue(message.contains("spinUntilReported"), "the greenlet's stack is in the report: " + message);
    List<RecordedEvent> recorded = RecordingFile.readAllEvents(jfr).stream()
        .filter(e -> e.getEventType().getName().equals("io.gevent4j.HubBlocked")).toList();
    assertEquals(1, recorded.size());
    assertEquals("busy-greenlet", recorded.get(0).getString("greenlet"));
  }

  /**
   * The owner thread holds its hub in a JDK call that does not cooperate on a plain thread
   * while a greenlet waits to run: reported with the owner's stack. Before, the monitor timed
   * only what the hub ran, and said nothing.
   */
  @Test
  void anOwnerBlockedInAJdkCallWithGreenletsWaitingIsReported() {
    Logger log = (Logger) LoggerFactory.getLogger("io.gevent4j.hub.monitor");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    log.addAppender(appender);
    log.setAdditive(false);
    try {
      onFreshHub(hub -> {
        BlockingMonitor.watch(hub);
        boolean[] ran = {false};
        hub.execute(() -> ran[0] = true); // ready, waiting for the owner to wait
        ownerBlocksUntilReported();
        assertTrue(!ran[0], "nothing ran while the owner held the hub");
        Hub.sleep(0);
        assertTrue(ran[0]);
      });
    } finally {
      log.detachAppender(appender);
      log.setAdditive(true);
    }
    assertEquals(1, appender.list.size(), "reported once: " + appender.list);
    String message = appender.list.get(0).getFormattedMessage();
    assertTrue(message.contains("the owner thread test-hub has held hub test-hub"), message);
    assertTrue(message.contains("ownerBlocksUntilReported"), "the owner's stack is in the report: " + message);
  }

  /** Thread.sleep on a plain thread: a JDK blocking call, not a gevent4j wait; bounded by 20 s. */
  static void ownerBlocksUntilReported() throws InterruptedException {
    Logger log = (Logger) LoggerFactory.getLogger("io.gevent4j.hub.monitor");
    ListAppender<?> appender = (ListAppender<?>) log.iteratorForAppenders().next();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (appender.list.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
  }

  /** Holds the hub (no wait point) until the monitor has logged, bounded by 20 s. */
  static void spinUntilReported() {
    Logger log = (Logger) LoggerFactory.getLogger("io.gevent4j.hub.monitor");
    ListAppender<?> appender = (ListAppender<?>) log.iteratorForAppenders().next();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (appender.list.isEmpty() && System.nanoTime() < deadline) Thread.onSpinWait();
  }
}
