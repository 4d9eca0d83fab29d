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
  /** {@code VirtualThread.scheduler}: what runs a virtual thread's continuation. */
  private static final Field SCHEDULER;
  /** The JDK's own scheduler of virtual threads (its ForkJoinPool). */
  private static final Executor DEFAULT_SCHEDULER;

  static {
    Constructor<?> builder = null;
    RuntimeException unavailable = null;
    Field carrier = null;
    Field scheduler = null;
    Executor defaultScheduler = null;
    try {
      Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
      builder = c.getDeclaredConstructor(Executor.class);
      builder.setAccessible(true);
      Class<?> virtualThread = Class.forName("java.lang.VirtualThread");
      Field f = virtualThread.getDeclaredField("carrierThread");
      f.setAccessible(true);
      carrier = f;
      // Not needed for greenlets: where they are missing, placement checks say "unknown".
      try {
        Field s = virtualThread.getDeclaredField("scheduler");
        s.setAccessible(true);
        java.lang.reflect.Method d = virtualThread.getDeclaredMethod("defaultScheduler");
        d.setAccessible(true);
        defaultScheduler = (Executor) d.invoke(null);
        scheduler = s;
      } catch (ReflectiveOperationException | RuntimeException e) {
        scheduler = null;
        defaultScheduler = null;
      }
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
    SCHEDULER = scheduler;
    DEFAULT_SCHEDULER = defaultScheduler;
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

  /** The JDK's default scheduler of virtual threads, or null when this JDK does not say. */
  static Executor defaultScheduler() {
    return DEFAULT_SCHEDULER;
  }

  /** The scheduler of a virtual thread, or null when this JDK does not say. */
  static Executor schedulerOf(Thread virtual) {
    try {
      return SCHEDULER == null || !virtual.isVirtual() ? null : (Executor) SCHEDULER.get(virtual);
    } catch (IllegalAccessException e) {
      return null;
    }
  }
}
