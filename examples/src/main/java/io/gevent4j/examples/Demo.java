package io.gevent4j.examples;

import io.gevent4j.loop.AsyncWatcher;
import io.gevent4j.loop.Backend;
import io.gevent4j.loop.IoWatcher;
import io.gevent4j.loop.Loop;
import io.gevent4j.loop.Native;
import io.gevent4j.loop.Posix;
import io.gevent4j.loop.RunMode;
import io.gevent4j.loop.TimerWatcher;
import io.gevent4j.loop.Watcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo {@code ./dev demo} runs, on each backend: first the native loop alone (three
 * timers, an io watcher on a pipe and an async wake-up from another thread, printing what fired
 * and in which order), then greenlets on a hub ({@link GreenletDemo}: an HTTP server whose
 * handler sleeps 0.2 s, and three greenlets fetching from it at once).
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) throws Exception {
    System.out.printf("gevent4j loop demo (libev %s, libuv %s)%n", Native.libevVersion(), Native.libuvVersion());
    for (Backend backend : Backend.values()) {
      demo(backend);
      GreenletDemo.run(backend);
    }
  }

  private static void demo(Backend backend) throws Exception {
    List<String> fired = new ArrayList<>();
    try (Loop loop = Loop.create(backend)) {
      System.out.printf("%n== %s ==%n", loop.backend());
      double start = loop.now();
      for (double delay : new double[] {0.03, 0.01, 0.02}) {
        TimerWatcher timer = loop.timer(delay, 0);
        timer.start(revents -> fired.add(String.format("timer %.2fs fired at +%.3fs", delay, loop.now() - start)));
      }
      int[] pipe = Posix.pipe2(0);
      IoWatcher reader = loop.io(pipe[0], Watcher.READ);
      reader.start(revents -> {
        byte[] buf = new byte[64];
        try {
          int n = Posix.read(pipe[0], buf, 0, buf.length);
          fired.add("io: read \"" + new String(buf, 0, n) + "\" from the pipe");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        reader.stop();
      });
      AsyncWatcher async = loop.async();
      async.start(revents -> {
        fired.add("async: woken by another thread");
        async.stop();
      });
      Thread waker = Thread.ofPlatform().start(() -> {
        async.send();
        try {
          Posix.write(pipe[1], "hello".getBytes(), 0, 5);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      loop.run(RunMode.DEFAULT);
      waker.join();
      Posix.close(pipe[0]);
      Posix.close(pipe[1]);
    }
    fired.forEach(line -> System.out.println("  " + line));
  }
}
