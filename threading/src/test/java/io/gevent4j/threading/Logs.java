package io.gevent4j.threading;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what one logger logs during a test, instead of printing it. */
final class Logs implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final boolean additive;

  private Logs(String name) {
    logger = (Logger) LoggerFactory.getLogger(name);
    additive = logger.isAdditive();
    appender.start();
    logger.addAppender(appender);
    logger.setAdditive(false);
  }

  static Logs of(Class<?> source) {
    return new Logs(source.getName());
  }

  /** Each event so far as "LEVEL message [exception class: message]". */
  List<String> lines() {
    synchronized (appender) { // AppenderBase.doAppend holds it
      return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()
          + (e.getThrowableProxy() != null ? " [" + e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage() + "]" : ""))
          .toList();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setAdditive(additive);
    appender.stop();
  }
}
