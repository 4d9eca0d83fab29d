package io.gevent4j.hub;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.concurrent.Executor;

/**
 * Virtual threads with a scheduler of our own: the JDK's
 * {@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)}, reached by reflection,
 * which needs {@code --add-opens java.base/java.lang=ALL-UNNAMED} (on the module path:
 * {@code =io.gevent4j.hub}).
 */
final class VirtualThreads {
  private VirtualThreads() {}

  /** The flags this JVM needs: for the class path, or for the module path when gevent4j is there. */
  static final String FLAGS = VirtualThreads.class.getModule().isNamed()
      ? "--add-opens java.base/java.lang=io.gevent4j.hub --enable-native-access=io.gevent4j.loop"
      : "--add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED";

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
          + "the JVM flags " + FLAGS + " (add them to the java command line or to surefire's argLine"
          + (VirtualThreads.class.getModule().isNamed() ? ")"
              : ", or write 'Add-Opens: java.base/java.lang' and 'Enable-Native-Access: ALL-UNNAMED' in an executable"
                  + " jar's manifest)"), e);
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
