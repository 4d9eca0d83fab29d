package io.gevent4j.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what one logger logs during a test, instead of printing it (also used by io.gevent4j.http's tests). */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final boolean additive;
  private final Level level;

  private LogCapture(String name, Level enabled) {
    logger = (Logger) LoggerFactory.getLogger(name);
    additive = logger.isAdditive();
    level = logger.getLevel();
    if (enabled != null) logger.setLevel(enabled);
    appender.start();
    logger.addAppender(appender);
    logger.setAdditive(false);
  }

  public static LogCapture of(Class<?> source) {
    return new LogCapture(source.getName(), null);
  }

  /** Captures logger {@code name} with {@code enabled} as its level meanwhile (the test configuration's root level is WARN). */
  public static LogCapture of(String name, Level enabled) {
    return new LogCapture(name, enabled);
  }

  /** The events of exactly {@code level} so far. */
  public List<ILoggingEvent> events(Level level) {
    synchronized (appender) { // AppenderBase.doAppend holds it
      return appender.list.stream().filter(e -> e.getLevel() == level).toList();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setAdditive(additive);
    logger.setLevel(level);
    appender.stop();
  }
}
