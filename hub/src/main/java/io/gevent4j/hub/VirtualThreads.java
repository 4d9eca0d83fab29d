package io.gevent4j.hub;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.concurrent.Executor;

/**
 * Virtual threads with a scheduler of our own: the JDK's
 * {@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)}, reached by reflection,
 * which needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}.
 */
final class VirtualThreads {
  private VirtualThreads() {}

  static final String FLAGS = "--add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED";

  private static final Constructor<?> BUILDER;
  private static final RuntimeException UNAVAILABLE;
  private static final Field CARRIER;

  static {
    Constructor<?> builder = null;
    RuntimeException unavailable = null;
    Field carrier = null;
    try {
      Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
      builder = c.getDeclaredConstructor(Executor.class);
      builder.setAccessible(true);
      Field f = Class.forName("java.lang.VirtualThread").getDeclaredField("carrierThread");
      f.setAccessible(true);
      carrier = f;
    } catch (RuntimeException | ReflectiveOperationException e) {
      unavailable = new IllegalStateException("gevent4j greenlets are virtual threads scheduled by their hub, which needs "
          + "the JVM flags " + FLAGS + " (add them to the java command line, to surefire's argLine, or as "
          + "'Add-Opens: java.base/java.lang' and 'Enable-Native-Access: ALL-UNNAMED' in an executable jar's manifest)", e);
      builder = null;
    }
    BUILDER = builder;
    UNAVAILABLE = unavailable;
    CARRIER = carrier;
  }

  /**
   * A builder of virtual threads whose continuations run on {@code scheduler}.
   *
   * @throws IllegalStateException naming the missing JVM flags
   */
  static Thread.Builder.OfVirtual builder(Executor scheduler) {
    if (UNAVAILABLE != null) throw new IllegalStateException(UNAVAILABLE.getMessage(), UNAVAILABLE.getCause());
    try {
      return (Thread.Builder.OfVirtual) BUILDER.newInstance(scheduler);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create a virtual thread builder", e);
    }
  }

  /** The platform thread a virtual thread is mounted on, or null. */
  static Thread carrierOf(Thread virtual) {
    try {
      return CARRIER == null ? null : (Thread) CARRIER.get(virtual);
    } catch (IllegalAccessException e) {
      return null;
    }
  }
}
