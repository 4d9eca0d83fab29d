package io.gevent4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * User + system CPU time of this process (every thread) or of its reaped children:
 * {@code getrusage(2)}, microseconds (the JDK's {@code getProcessCpuTime} and /proc's
 * {@code cutime} count 10 ms ticks, too coarse for one batch of a side-by-side benchmark).
 */
public final class Rusage {
  private Rusage() {}

  private static final int RUSAGE_SELF = 0;
  private static final int RUSAGE_CHILDREN = -1;
  @SuppressWarnings("restricted") // a downcall to getrusage(2): the benchmarks run with --enable-native-access
  private static final MethodHandle GETRUSAGE = Linker.nativeLinker().downcallHandle(
      Linker.nativeLinker().defaultLookup().find("getrusage").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

  /** This JVM's CPU time so far, every thread, in nanoseconds (microsecond resolution). */
  public static long selfNanos() {
    return cpuNanos(RUSAGE_SELF);
  }

  /** The CPU time of the children this JVM has reaped, in nanoseconds (microsecond resolution). */
  public static long childrenNanos() {
    return cpuNanos(RUSAGE_CHILDREN);
  }

  private static long cpuNanos(int who) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment usage = arena.allocate(144, 8); // struct rusage on x86-64 / aarch64 Linux
      if ((int) GETRUSAGE.invokeExact(who, usage) != 0) throw new IllegalStateException("getrusage failed");
      // ru_utime and ru_stime: two struct timeval {long tv_sec; long tv_usec}
      long micros = 0;
      for (int at = 0; at < 32; at += 16) {
        micros += usage.get(ValueLayout.JAVA_LONG, at) * 1_000_000 + usage.get(ValueLayout.JAVA_LONG, at + 8);
      }
      return micros * 1000;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
