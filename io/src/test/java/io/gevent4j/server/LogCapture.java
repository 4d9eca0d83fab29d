package io.gevent4j.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what one logger logs during a test, instead of printing it. */
final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final boolean additive;

  private LogCapture(Class<?> source) {
    logger = (Logger) LoggerFactory.getLogger(source);
    additive = logger.isAdditive();
    appender.start();
    logger.addAppender(appender);
    logger.setAdditive(false);
  }

  static LogCapture of(Class<?> source) {
    return new LogCapture(source);
  }

  /** The events of exactly {@code level} so far. */
  List<ILoggingEvent> events(Level level) {
    synchronized (appender) { // AppenderBase.doAppend holds it
      return appender.list.stream().filter(e -> e.getLevel() == level).toList();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setAdditive(additive);
    appender.stop();
  }
}
