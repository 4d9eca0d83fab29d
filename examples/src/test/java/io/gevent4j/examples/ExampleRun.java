package io.gevent4j.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gevent4j.hub.testing.HubTesting;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Runs an example's {@code main} in this JVM as {@code ./dev example} runs it in its own: on a
 * platform thread whose hub is new. {@link HubTesting} then checks that every greenlet ended and
 * that descriptors and threads are back where they were, and fails the run when it did not end
 * within the bound. Whatever the run logs at WARN or above (a greenlet or a handler that failed)
 * fails it too.
 */
final class ExampleRun {
  private ExampleRun() {}

  /** An example's {@code main}. */
  @FunctionalInterface
  interface Main {
    void main(String[] args) throws Exception;
  }

  /** Runs {@code main(args)}, at most {@code seconds}, and returns what it printed. */
  static String run(double seconds, Main main, String... args) {
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    root.addAppender(logged);
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, UTF_8));
    try {
      HubTesting.onFreshHub(seconds, hub -> main.main(args));
    } finally {
      System.setOut(original);
      root.detachAppender(logged);
      original.print(captured.toString(UTF_8)); // for the test's report
    }
    List<String> warnings;
    synchronized (logged) { // AppenderBase.doAppend holds it
      warnings = logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()
              + (e.getThrowableProxy() == null ? "" : " [" + e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage() + "]"))
          .toList();
    }
    assertEquals(List.of(), warnings, "what the example logged");
    return captured.toString(UTF_8);
  }

  /** The lines of {@code output}. */
  static List<String> lines(String output) {
    return output.lines().toList();
  }
}
