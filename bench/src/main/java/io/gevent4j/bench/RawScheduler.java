package io.gevent4j.bench;

import java.lang.reflect.Constructor;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * The raw floor the hub is measured against: the cheapest possible custom virtual-thread
 * scheduler. Virtual threads are built by the same reflection trick as the hub's
 * ({@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)}), and their continuations
 * go into an {@link ArrayDeque} that {@link #drain()} runs, in a loop, on the thread that
 * calls it. No event loop, no bookkeeping, no thread checks: single-threaded use only (every
 * start, unpark and yield happens on the draining thread).
 */
final class RawScheduler implements Executor {
  private static final Constructor<?> BUILDER;

  static {
    try {
      Constructor<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder").getDeclaredConstructor(Executor.class);
      c.setAccessible(true);
      BUILDER = c;
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  /** Builds virtual threads scheduled here. */
  final Thread.Builder.OfVirtual builder;

  RawScheduler() {
    try {
      builder = (Thread.Builder.OfVirtual) BUILDER.newInstance(this);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void execute(Runnable continuation) {
    queue.add(continuation);
  }

  /** Runs continuations until none is ready. */
  void drain() {
    Runnable r;
    while ((r = queue.poll()) != null) r.run();
  }
}
