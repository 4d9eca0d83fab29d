package io.gevent4j.hub;

import io.gevent4j.loop.Loop;
import io.gevent4j.loop.NativeIoException;
import io.gevent4j.loop.Posix;
import io.gevent4j.testing.Misuse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hub's misuse matrix for a process out of descriptors, run by {@link HubMisuseTest} in a
 * forked JVM whose limit is 128 descriptors: plain threads that each make a hub (libev used to
 * abort creating its wake-up pipe), loops and sockets made past the limit. Each must fail with
 * an exception that names EMFILE, and the JVM must live on.
 */
public final class HubMisuse {
  private HubMisuse() {}

  static Misuse.Cases cases() {
    Misuse.Cases c = new Misuse.Cases();
    c.add("fds/200-plain-threads-each-wait", k -> {
      Map<String, Integer> outcomes = new ConcurrentHashMap<>();
      List<Thread> threads = new ArrayList<>();
      // every thread keeps its hub until all have tried (a hub closes when its thread ends)
      java.util.concurrent.CountDownLatch tried = new java.util.concurrent.CountDownLatch(200);
      for (int i = 0; i < 200; i++) {
        threads.add(Thread.ofPlatform().start(() -> {
          String outcome;
          try {
            Hub.sleep(0.001); // the first wait makes this thread's hub
            outcome = "ok";
          } catch (IllegalStateException e) {
            boolean clear = e.getMessage().contains("cannot create a")
                && e.getCause() instanceof NativeIoException n && n.errnoName().equals("EMFILE");
            outcome = clear ? "EMFILE" : "unclear: " + e;
          } catch (Throwable t) {
            outcome = "unexpected: " + t;
          }
          outcomes.merge(outcome, 1, Integer::sum);
          tried.countDown();
          try {
            tried.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }));
      }
      for (Thread t : threads) t.join();
      k.expectReturn();
      if (outcomes.getOrDefault("EMFILE", 0) == 0 || outcomes.keySet().stream().anyMatch(o -> !o.equals("ok") && !o.equals("EMFILE"))) {
        throw new AssertionError("outcomes: " + outcomes);
      }
    });
    c.add("fds/loop-past-the-limit", k -> {
      k.expect(IllegalStateException.class, "cannot create a", "EMFILE");
      List<Loop> loops = new ArrayList<>();
      try {
        while (true) loops.add(Loop.create());
      } finally {
        for (Loop l : loops) l.close();
      }
    });
    c.add("fds/pipe-past-the-limit", k -> {
      k.expect(NativeIoException.class, "pipe2", "EMFILE");
      List<int[]> pipes = new ArrayList<>();
      try {
        while (true) pipes.add(Posix.pipe2(0));
      } finally {
        for (int[] p : pipes) {
          Posix.close(p[0]);
          Posix.close(p[1]);
        }
      }
    });
    c.add("fds/a-hub-still-works-after", k -> {
      k.expectReturn();
      Thread t = Thread.ofPlatform().start(() -> {
        Hub hub = Hub.current();
        Hub.sleep(0.001);
        hub.close();
      });
      t.join();
    });
    return c;
  }

  public static void main(String[] args) throws InterruptedException {
    // Out of descriptors, the JVM cannot open its jars to load a class either: load the
    // classes of a wait now (a JVM matter, not the one under test).
    Thread warm = Thread.ofPlatform().start(() -> Hub.sleep(0.001));
    warm.join();
    cases().runAll(args);
  }
}
