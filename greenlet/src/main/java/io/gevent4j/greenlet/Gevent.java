package io.gevent4j.greenlet;

import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.hub.Timeout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

/**
 * The top-level functions of gevent ({@code gevent/__init__}): spawning, joining, killing and
 * waiting on many objects, sleeping, timeouts. Meant for {@code import static
 * io.gevent4j.greenlet.Gevent.*}.
 */
public final class Gevent {
  private Gevent() {}

  /**
   * {@link Greenlet#spawn(Callable)} (gevent's {@code gevent.spawn}).
   *
   * @param <T> the body's value type
   * @param body what the greenlet runs
   * @return the greenlet, started
   */
  public static <T> Greenlet<T> spawn(Callable<T> body) {
    return Greenlet.spawn(body);
  }

  /**
   * {@link Greenlet#spawn(Runnable)}.
   *
   * @param body what the greenlet runs
   * @return the greenlet, started
   */
  public static Greenlet<Void> spawn(Runnable body) {
    return Greenlet.spawn(body);
  }

  /**
   * {@link Greenlet#spawnLater} (gevent's {@code gevent.spawn_later}).
   *
   * @param <T> the body's value type
   * @param seconds the delay before it starts
   * @param body what the greenlet runs
   * @return the greenlet, which starts after the delay
   */
  public static <T> Greenlet<T> spawnLater(double seconds, Callable<T> body) {
    return Greenlet.spawnLater(seconds, body);
  }

  /**
   * A raw greenlet: no result, no links, cheapest (gevent's {@code gevent.spawn_raw}).
   *
   * @param body what the greenlet runs
   */
  public static void spawnRaw(Runnable body) {
    Hub.current().execute(body);
  }

  /**
   * Waits for every greenlet to die (gevent's {@code joinall}).
   *
   * @param greenlets the greenlets to wait for
   * @return those that are dead, in the order they died
   */
  public static List<Greenlet<?>> joinAll(Collection<? extends Greenlet<?>> greenlets) {
    return joinAll(greenlets, Double.POSITIVE_INFINITY, false);
  }

  /**
   * Waits for every greenlet to die, up to {@code timeout} (gevent's {@code joinall(greenlets,
   * timeout, raise_error)}).
   *
   * @param greenlets the greenlets to wait for
   * @param timeout the longest wait, in seconds
   * @param raiseError rethrow the failure of the first greenlet that fails, as soon as it does
   * @return those that are dead, in the order they died
   */
  public static List<Greenlet<?>> joinAll(Collection<? extends Greenlet<?>> greenlets, double timeout, boolean raiseError) {
    checkTimeout(timeout);
    Greenlet<?> current = Greenlet.getCurrent();
    if (current != null && !current.dead() && greenlets.contains(current)) {
      throw new IllegalStateException(current + " cannot joinAll a collection that holds itself: it would wait for its own end for ever");
    }
    List<Greenlet<?>> done = new ArrayList<>();
    long deadline = deadline(timeout);
    try (ReadyCollector<Greenlet<?>> collector = new ReadyCollector<>(new ArrayList<>(greenlets))) {
      Greenlet<?> g;
      while ((g = collector.next(deadline)) != null) {
        done.add(g);
        if (raiseError && g.exception() != null) g.get();
      }
    }
    return done;
  }

  /**
   * Kills every greenlet with GreenletExit and waits until they are dead (gevent's
   * {@code killall}).
   *
   * @param greenlets the greenlets to kill
   */
  public static void killAll(Collection<? extends Greenlet<?>> greenlets) {
    killAll(greenlets, true, Double.POSITIVE_INFINITY);
  }

  /**
   * Kills every greenlet with GreenletExit; with {@code block}, waits up to {@code timeout} for
   * them to die (gevent's {@code killall(greenlets, block, timeout)}).
   *
   * @param greenlets the greenlets to kill
   * @param block whether to wait until they are dead
   * @param timeout the longest wait when blocking, in seconds
   * @throws io.gevent4j.hub.Timeout when some are still alive at the timeout, as gevent's
   */
  public static void killAll(Collection<? extends Greenlet<?>> greenlets, boolean block, double timeout) {
    killAll(greenlets, null, block, timeout);
  }

  /**
   * Kills every greenlet with {@code error} (a new GreenletExit each when null); see
   * {@link #killAll(Collection, boolean, double)} (gevent's {@code killall(greenlets, exception)}).
   *
   * @param greenlets the greenlets to kill
   * @param error what each greenlet throws; null for a new GreenletExit each
   * @param block whether to wait until they are dead
   * @param timeout the longest wait when blocking, in seconds
   */
  public static void killAll(Collection<? extends Greenlet<?>> greenlets, Throwable error, boolean block, double timeout) {
    checkTimeout(timeout);
    List<Greenlet<?>> all = new ArrayList<>(greenlets);
    Greenlet<?> self = Greenlet.getCurrent();
    for (Greenlet<?> g : all) {
      if (g != self) g.kill(error != null ? error : new GreenletExit(), false, 0);
    }
    if (block) {
      all.remove(self);
      List<Greenlet<?>> done = joinAll(all, timeout, false);
      if (done.size() < all.size()) throw new io.gevent4j.hub.Timeout(timeout);
    }
  }

  /**
   * Waits until every object is ready (gevent's {@code gevent.wait(objects)}): greenlets,
   * events, async results, semaphores.
   *
   * @param <W> the objects' type
   * @param objects greenlets, events, async results or semaphores
   * @return the objects in the order they became ready
   */
  public static <W> List<W> waitAll(Collection<W> objects) {
    return waitAll(objects, Double.POSITIVE_INFINITY, objects.size());
  }

  /**
   * As {@link #waitAll(Collection)}, up to {@code timeout}; returns those ready by then.
   *
   * @param <W> the objects' type
   * @param objects greenlets, events, async results or semaphores
   * @param timeout the longest wait, in seconds
   * @return the objects ready by then, in the order they became ready
   */
  public static <W> List<W> waitAll(Collection<W> objects, double timeout) {
    return waitAll(objects, timeout, objects.size());
  }

  /**
   * Waits until {@code count} objects are ready or the timeout passes (gevent's
   * {@code wait(objects, timeout, count)}).
   *
   * @param <W> the objects' type
   * @param objects greenlets, events, async results or semaphores
   * @param timeout the longest wait, in seconds
   * @param count how many ready objects end the wait
   * @return the ready ones, in readiness order
   */
  public static <W> List<W> waitAll(Collection<W> objects, double timeout, int count) {
    checkTimeout(timeout);
    if (count < 0) throw new IllegalArgumentException("count must be >= 0, not " + count);
    List<W> ready = new ArrayList<>();
    long deadline = deadline(timeout);
    try (ReadyCollector<W> collector = new ReadyCollector<>(new ArrayList<>(objects))) {
      W w;
      while (ready.size() < count && (w = collector.next(deadline)) != null) ready.add(w);
    }
    return ready;
  }

  /**
   * Each object as it becomes ready (gevent's {@code iwait}); the iteration ends quietly at
   * the timeout. Iterate it from one greenlet or thread. Closing it (try-with-resources, as
   * gevent's {@code with iwait(...)}) removes its links at once when the loop ends early;
   * an iteration that runs to its end removes them by itself.
   *
   * @param <W> the objects' type
   * @param objects greenlets, events, async results or semaphores
   * @param timeout the longest wait, in seconds
   * @return the objects as they become ready; close it when leaving the loop early
   */
  public static <W> Waiting<W> iwait(Collection<W> objects, double timeout) {
    checkTimeout(timeout);
    return new Waiting<>(new ArrayList<>(objects), deadline(timeout));
  }

  /**
   * What {@link #iwait} returns: an iterable of the objects as they become ready, closeable.
   *
   * @param <W> the objects' type
   */
  public static final class Waiting<W> implements Iterable<W>, AutoCloseable {
    private final List<W> objects;
    private final long deadline;
    private ReadyCollector<W> collector;
    private W next;
    private boolean finished;

    private Waiting(List<W> objects, long deadline) {
      this.objects = objects;
      this.deadline = deadline;
    }

    /** The iteration; one per {@code iwait} call. */
    @Override
    public Iterator<W> iterator() {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          if (next != null) return true;
          if (finished) return false;
          if (collector == null) collector = new ReadyCollector<>(objects);
          next = collector.next(deadline);
          if (next == null) close();
          return next != null;
        }

        @Override
        public W next() {
          if (!hasNext()) throw new NoSuchElementException();
          W w = next;
          next = null;
          return w;
        }
      };
    }

    /** Ends the iteration and removes its links from the objects. Idempotent. */
    @Override
    public void close() {
      finished = true;
      if (collector != null) collector.close();
    }
  }

  /**
   * {@link Hub#sleep(double)} (gevent's {@code gevent.sleep}).
   *
   * @param seconds how long to sleep; 0 only lets the other ready greenlets run
   */
  public static void sleep(double seconds) {
    Hub.sleep(seconds);
  }

  /**
   * {@link Hub#sleep(double, boolean)}: with {@code ref} false the timer does not keep the hub
   * alive.
   *
   * @param seconds how long to sleep
   * @param ref false for a timer that does not keep the hub alive
   */
  public static void sleep(double seconds, boolean ref) {
    Hub.sleep(seconds, ref);
  }

  /** {@link Hub#idle()} (gevent's {@code gevent.idle}). */
  public static void idle() {
    Hub.idle();
  }

  /**
   * {@link Timeout#withTimeout} (gevent's {@code with_timeout}).
   *
   * @param <T> the body's value type
   * @param seconds the timeout
   * @param body what to run
   * @param fallback what to return when the timeout fires
   * @return what {@code body} returned, or {@code fallback} when the timeout fired
   */
  public static <T> T withTimeout(double seconds, Callable<T> body, T fallback) {
    return Timeout.withTimeout(seconds, body, fallback);
  }

  /**
   * {@link Hub#await(CompletionStage)}: waits cooperatively for a future.
   *
   * @param <T> the value's type
   * @param stage the stage to wait for
   * @return its value
   */
  public static <T> T await(CompletionStage<T> stage) {
    return Hub.await(stage);
  }

  /** {@return the current hub (gevent's {@code get_hub()})} */
  public static Hub getHub() {
    return Hub.current();
  }

  /**
   * Every live greenlet of every hub with its state, stack and spawn tree, as text (gevent's
   * {@code gevent.util.format_run_info}).
   *
   * @return the report: each hub, then its greenlets
   */
  public static String runInfo() {
    StringBuilder out = new StringBuilder();
    for (Hub hub : Hub.all()) {
      List<RawGreenlet> live = hub.liveGreenlets();
      out.append(hub).append('\n');
      for (RawGreenlet raw : live) {
        Object owner = raw.owner();
        if (owner instanceof Greenlet<?> g) {
          out.append("  ").append(g).append(" ident ").append(g.minimalIdent());
          StringBuilder tree = new StringBuilder();
          for (Greenlet<?> p = g.spawningGreenlet(); p != null; p = p.spawningGreenlet()) {
            tree.append(" <- ").append(p.name());
          }
          if (!tree.isEmpty()) out.append(" spawned by").append(tree);
          Map<String, Object> locals = g.spawnTreeLocalsIfAny();
          if (locals != null && !locals.isEmpty()) out.append(" tree locals ").append(locals);
        } else {
          out.append("  ").append(raw);
        }
        out.append('\n');
        Thread t = raw.thread();
        if (t != null) {
          for (StackTraceElement e : t.getStackTrace()) out.append("      at ").append(e).append('\n');
        }
      }
    }
    return out.toString();
  }

  static void checkTimeout(double timeout) {
    io.gevent4j.hub.internal.Timeouts.check(timeout);
  }

  private static long deadline(double timeout) {
    return Double.isInfinite(timeout) ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
  }
}
