package io.gevent4j.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time a process has used, all its threads, user and system: -1 when unknown. */
@FunctionalInterface
interface CpuClock {
  /** Linux's USER_HZ, the unit of /proc/PID/stat's times: 100 on every architecture the JDK runs on. */
  long TICK_NANOS = 10_000_000L;

  CpuClock NONE = () -> -1;

  long nanos();

  /** This JVM's CPU time. */
  static CpuClock self() {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return os::getProcessCpuTime;
  }

  /**
   * The whole machine's busy time, every core (/proc/stat: user, nice, system, irq, softirq,
   * steal), so that what other processes took during a run can be told.
   */
  static CpuClock machine() {
    Path stat = Path.of("/proc/stat");
    return () -> {
      try (var lines = Files.lines(stat)) {
        String[] f = lines.findFirst().orElseThrow().trim().split("\\s+"); // "cpu user nice system idle iowait irq softirq steal ..."
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) busy += Long.parseLong(f[i]);
        return busy * TICK_NANOS;
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    };
  }

  /**
   * The threads of process {@code pid} whose name (as the kernel keeps it: the first 15
   * characters) starts with one of {@code prefixes}, summed: e.g. a server's event-loop threads
   * without its JIT and GC threads. From /proc/PID/task/TID/stat, 10 ms resolution; a thread
   * that ended meanwhile drops out.
   */
  static CpuClock threads(long pid, java.util.List<String> prefixes) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    return () -> {
      long ticks = 0;
      try (var dirs = Files.list(tasks)) {
        for (Path task : (Iterable<Path>) dirs::iterator) {
          String s;
          try {
            s = Files.readString(task.resolve("stat"));
          } catch (IOException ended) {
            continue;
          }
          String comm = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
          if (prefixes.stream().noneMatch(comm::startsWith)) continue;
          String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
        return ticks * TICK_NANOS;
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    };
  }

  /** Another process's, from /proc/PID/stat (utime + stime, 10 ms resolution). */
  static CpuClock of(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    return () -> {
      try {
        String s = Files.readString(stat);
        // the fields after the command name, which is in parentheses and may hold spaces
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS; // fields 14 and 15
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    };
  }
}
