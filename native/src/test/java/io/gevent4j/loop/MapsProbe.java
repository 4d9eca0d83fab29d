package io.gevent4j.loop;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a fresh JVM by {@link NativePackagingIT}: uses both backends and c-ares, then prints
 * the lines of {@code /proc/self/maps} that map libgevent4j, libev, libuv or libcares.
 */
public final class MapsProbe {
  private MapsProbe() {}

  public static void main(String[] args) throws Exception {
    Native.ensureAvailable();
    for (Backend backend : Backend.values()) {
      try (Loop loop = Loop.create(backend)) {
        loop.timer(0, 0).start(revents -> System.out.println("fired on " + loop.backend()));
        loop.run(RunMode.DEFAULT);
      }
    }
    System.out.println("c-ares " + io.gevent4j.loop.internal.Ares.version());
    for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
      if (line.matches(".*/lib(gevent4j|ev|uv|cares)\\.so.*")) System.out.println(line);
    }
  }
}
