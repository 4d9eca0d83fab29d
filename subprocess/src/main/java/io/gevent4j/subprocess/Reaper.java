package io.gevent4j.subprocess;

import io.gevent4j.loop.AsyncWatcher;
import io.gevent4j.loop.ChildWatcher;
import io.gevent4j.loop.Loop;
import io.gevent4j.loop.PosixProcesses;
import io.gevent4j.loop.RunMode;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Sees every child exit: one daemon thread runs an event loop of its own whose child watchers
 * (pidfds) reap exactly their pids, never {@code waitpid(-1)}, and hands each returncode to its
 * {@link Popen}. A thread of its own, rather than the spawning greenlet's hub, because a child
 * must be reaped even when its hub is busy, closed, or belongs to a plain thread that never
 * waits again; the loop makes one thread serve every child (the JDK uses a thread per child).
 */
final class Reaper {
  private static Reaper instance;

  private final ConcurrentLinkedQueue<Popen> incoming = new ConcurrentLinkedQueue<>();
  private Loop loop;
  private AsyncWatcher wakeUp;

  private Reaper() {}

  /** The reaper, started on first use. */
  static synchronized Reaper get() {
    if (instance == null) {
      Reaper r = new Reaper();
      CompletableFuture<Void> ready = new CompletableFuture<>();
      Thread.ofPlatform().daemon().name("gevent4j-reaper").start(() -> r.run(ready));
      ready.join();
      instance = r;
    }
    return instance;
  }

  /** Reaps {@code popen}'s child once it exits (at once if it has). Never throws. */
  void watch(Popen popen) {
    incoming.add(popen);
    wakeUp.send();
  }

  private void run(CompletableFuture<Void> ready) {
    try {
      loop = Loop.create();
      wakeUp = loop.async();
      wakeUp.start(revents -> startWatching());
    } catch (Throwable e) {
      ready.completeExceptionally(e);
      return;
    }
    ready.complete(null);
    while (true) loop.run(RunMode.DEFAULT); // the wake-up keeps it running
  }

  private void startWatching() {
    for (Popen p; (p = incoming.poll()) != null; ) {
      Popen popen = p;
      ChildWatcher w;
      try {
        w = loop.child(popen.pid());
        w.start(revents -> exited(popen, w));
      } catch (RuntimeException e) {
        // no descriptor left for its pidfd: wait for it in a thread of its own, as the JDK does
        reapBlocking(popen);
      }
    }
  }

  private void exited(Popen popen, ChildWatcher w) {
    Integer returncode = w.returncode();
    w.close();
    if (returncode != null) {
      popen.exited(returncode);
    } else {
      // the exit could not be read: reaped by someone else (Python reports 0 then), or the
      // pidfd was lost; find out without blocking this thread
      reapBlocking(popen);
    }
  }

  private static void reapBlocking(Popen popen) {
    Thread.ofPlatform().daemon().name("gevent4j-reaper-" + popen.pid()).start(() -> {
      int returncode;
      try {
        PosixProcesses.WaitStatus status = PosixProcesses.waitpid(popen.pid(), 0);
        returncode = status.signaled() ? -status.termSignal() : status.exitStatus();
      } catch (IOException e) {
        returncode = 0; // ECHILD: reaped elsewhere; its status is lost (Python's choice too)
      }
      popen.exited(returncode);
    });
  }
}
