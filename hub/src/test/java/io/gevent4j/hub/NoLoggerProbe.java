package io.gevent4j.hub;

/**
 * Run by {@link NoLoggerTest} in a JVM without an SLF4J provider: a greenlet fails, and its
 * failure must reach the user (stderr, or the default uncaught-exception handler when one is set).
 */
public final class NoLoggerProbe {
  private NoLoggerProbe() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("handler")) {
      Thread.setDefaultUncaughtExceptionHandler((t, e) -> System.out.println("handler got " + e.getMessage()));
    }
    Hub hub = Hub.current();
    hub.execute(() -> {
      throw new IllegalStateException("boom from a greenlet");
    });
    hub.join(10);
    hub.close();
  }
}
