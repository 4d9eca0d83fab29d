package io.gevent4j.subprocess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What the subprocess tests share: the reaper started before any leak snapshot, and zombie counts. */
final class SubprocessTesting {
  private SubprocessTesting() {}

  /** Starts the reaper (a thread and its loop's descriptors, once per JVM) so no snapshot counts it. */
  static void warmUp() {
    Reaper.get();
  }

  /** The pids of this JVM's children that have exited and not been reaped. */
  static List<Integer> zombies() throws IOException {
    long self = ProcessHandle.current().pid();
    List<Integer> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) continue;
        String stat;
        try {
          stat = Files.readString(p.resolve("stat"));
        } catch (IOException gone) {
          continue;
        }
        // pid (comm) state ppid ...: comm may hold spaces, so read after its last ')'
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        if (rest[0].equals("Z") && Long.parseLong(rest[1]) == self) found.add(Integer.parseInt(name));
      }
    }
    return found;
  }
}
