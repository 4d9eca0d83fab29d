package io.gevent4j.greenlet;

import io.gevent4j.hub.GreenletExit;
import io.gevent4j.hub.internal.WaitQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * A set of greenlets that leave it when they die (gevent's {@code gevent.pool.Group}): spawn
 * into it, join or kill them all, map work over them. Thread-safe; waits are cooperative.
 */
public class Group implements Iterable<Greenlet<?>> {
  private final Map<Greenlet<?>, Runnable> members = new LinkedHashMap<>();
  private final WaitQueue emptied = new WaitQueue();

  /** An empty group. */
  public Group() {}

  /**
   * Starts {@code body} in a new greenlet that belongs to the group (gevent's
   * {@code Group.spawn}).
   *
   * @param <T> the body's value type
   * @param body what the greenlet runs
   * @return the greenlet, started
   */
  public <T> Greenlet<T> spawn(Callable<T> body) {
    Greenlet<T> g = new Greenlet<>(body);
    add(g);
    g.start();
    return g;
  }

  /**
   * {@link #spawn(Callable)} for a body that returns nothing: {@code group.spawn(() -> { ... })}.
   *
   * @param body what the greenlet runs
   * @return the greenlet, started
   */
  public Greenlet<Void> spawn(Runnable body) {
    java.util.Objects.requireNonNull(body, "body");
    return spawn(() -> {
      body.run();
      return null;
    });
  }

  /**
   * Adds a greenlet; it leaves the group when it dies (gevent's {@code add}).
   *
   * @param g the greenlet to add
   */
  public void add(Greenlet<?> g) {
    Objects.requireNonNull(g, "greenlet");
    Runnable leave = () -> discard(g);
    synchronized (this) {
      if (members.containsKey(g)) return;
      members.put(g, leave);
    }
    g.rawlink(leave);
  }

  /**
   * Removes a greenlet without killing it (gevent's {@code discard}); no-op when absent.
   *
   * @param g the greenlet to remove
   */
  public void discard(Greenlet<?> g) {
    Runnable leave;
    boolean empty;
    synchronized (this) {
      leave = members.remove(g);
      empty = members.isEmpty();
    }
    if (leave == null) return;
    g.unlink(leave);
    left(g);
    if (empty) emptied.wakeAll(null);
  }

  /** Called after a member left (for Pool's slots). */
  void left(Greenlet<?> g) {}

  /** {@return the number of members} */
  public synchronized int size() {
    return members.size();
  }

  /**
   * {@return true when {@code g} is a member}
   *
   * @param g a greenlet
   */
  public synchronized boolean contains(Greenlet<?> g) {
    return members.containsKey(g);
  }

  /** A snapshot of the members, in the order they were added. */
  @Override
  public synchronized Iterator<Greenlet<?>> iterator() {
    return new ArrayList<>(members.keySet()).iterator();
  }

  /** Waits until every member is dead (gevent's {@code join()}). */
  public void join() {
    join(Double.POSITIVE_INFINITY, false);
  }

  /**
   * Waits until every member is dead or the timeout passes.
   *
   * @param timeout the longest wait, in seconds
   * @return true when every member is dead, false on timeout
   */
  public boolean join(double timeout) {
    return join(timeout, false);
  }

  /**
   * Waits until every member is dead or the timeout passes (gevent's
   * {@code join(timeout, raise_error)}).
   *
   * @param timeout the longest wait, in seconds
   * @param raiseError rethrow the failure of the first member that fails, when it does
   * @return false on timeout
   */
  public boolean join(double timeout, boolean raiseError) {
    Gevent.checkTimeout(timeout);
    if (raiseError) {
      // as gevent: wait for the group to empty, then raise the first failure of the members
      // there were when join was called
      List<Greenlet<?>> members = snapshot();
      boolean empty = join(timeout, false);
      for (Greenlet<?> g : members) {
        if (g.dead() && g.exception() != null) g.get();
      }
      return empty;
    }
    long deadline = Double.isInfinite(timeout) ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
    while (size() > 0) {
      WaitQueue.Ticket t = emptied.enqueue(null, this, "every greenlet of the group to end");
      if (size() == 0) {
        t.cancel();
        break;
      }
      double left = deadline == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : Math.max(0, (deadline - System.nanoTime()) / 1e9);
      if (!t.await(left) && size() > 0) return false;
    }
    return true;
  }

  private synchronized List<Greenlet<?>> snapshot() {
    return new ArrayList<>(members.keySet());
  }

  /** Kills every member with GreenletExit and waits until they are dead (gevent's {@code kill()}). */
  public void kill() {
    kill(null, true, Double.POSITIVE_INFINITY);
  }

  /**
   * Kills the members with {@code error} (a GreenletExit when null) until the group is empty —
   * greenlets added meanwhile too; with {@code block}, up to {@code timeout} (gevent's
   * {@code kill(exception, block, timeout)}, whose timeout is not an error either).
   *
   * @param error what each member throws; null for a GreenletExit
   * @param block whether to wait until the group is empty
   * @param timeout the longest wait when blocking, in seconds
   */
  public void kill(Throwable error, boolean block, double timeout) {
    Gevent.checkTimeout(timeout);
    long deadline = Double.isInfinite(timeout) ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
    Greenlet<?> self = Greenlet.getCurrent();
    while (true) {
      List<Greenlet<?>> alive = snapshot();
      alive.remove(self);
      if (alive.isEmpty()) return;
      double left = deadline == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : (deadline - System.nanoTime()) / 1e9;
      if (left <= 0 && block) return;
      try {
        Gevent.killAll(alive, error, block, Math.max(0, left));
      } catch (io.gevent4j.hub.Timeout t) {
        return; // the group's own timeout is swallowed, as gevent's
      }
      if (!block) return;
    }
  }

  /**
   * Kills one member and waits until it is dead (gevent's {@code killone}); no-op for non-members.
   *
   * @param g the member to kill
   */
  public void killOne(Greenlet<?> g) {
    killOne(g, new GreenletExit(), true, Double.POSITIVE_INFINITY);
  }

  /**
   * Kills one member with {@code error}; see {@link Greenlet#kill(Throwable, boolean, double)}.
   *
   * @param g the member to kill
   * @param error what it throws
   * @param block whether to wait until it is dead
   * @param timeout the longest wait when blocking, in seconds
   */
  public void killOne(Greenlet<?> g, Throwable error, boolean block, double timeout) {
    if (contains(g)) g.kill(error, block, timeout);
  }

  /**
   * Adds {@code g} and starts it (gevent's {@code Group.start}); a started one is just added.
   *
   * @param g the greenlet to add and start
   */
  public void start(Greenlet<?> g) {
    add(g);
    g.start();
  }

  /**
   * Runs {@code body} in a member greenlet and waits for its result (gevent's {@code apply}).
   * Called from a member of this group, it runs {@code body} right there, as gevent's does: a
   * member waiting for a slot of its own full pool would wait for ever.
   *
   * @param <T> the body's value type
   * @param body what to run
   * @return the body's value
   * @throws RuntimeException the body's failure, as {@link Greenlet#get()} rethrows it
   */
  public <T> T apply(Callable<T> body) {
    Greenlet<?> current = Greenlet.getCurrent();
    if (current != null && contains(current)) {
      try {
        return body.call();
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }
    return spawn(body).get();
  }

  /**
   * Runs {@code body} in a member greenlet without waiting (gevent's {@code apply_async}).
   *
   * @param <T> the body's value type
   * @param body what to run
   * @return the member greenlet, started
   */
  public <T> Greenlet<T> applyAsync(Callable<T> body) {
    return spawn(body);
  }

  /**
   * Applies {@code f} to every item, each in a member greenlet, and returns the results in the
   * items' order (gevent's {@code map}); the first failure is rethrown.
   *
   * @param <A> the items' type
   * @param <R> the results' type
   * @param f the function
   * @param items the items
   * @return the results, in the items' order
   */
  public <A, R> List<R> map(CheckedFunction<A, R> f, Iterable<A> items) {
    return map((Function<A, R>) f, items);
  }

  /**
   * {@link #map(CheckedFunction, Iterable)} for a plain {@link Function}.
   *
   * @param <A> the items' type
   * @param <R> the results' type
   * @param f the function
   * @param items the items
   * @return the results, in the items' order
   */
  public <A, R> List<R> map(Function<A, R> f, Iterable<A> items) {
    List<R> results = new ArrayList<>();
    for (R r : imap(f, items)) results.add(r);
    return results;
  }

  /**
   * Applies {@code f} to every item, lazily, yielding results in the items' order (gevent's
   * {@code imap}); no more than {@link #inFlightLimit()} items are in flight at once.
   *
   * @param <A> the items' type
   * @param <R> the results' type
   * @param f the function
   * @param items the items
   * @return the results, in the items' order, as they are computed
   */
  public <A, R> Iterable<R> imap(CheckedFunction<A, R> f, Iterable<A> items) {
    return imap((Function<A, R>) f, items, true);
  }

  /**
   * {@link #imap(CheckedFunction, Iterable)} for a plain {@link Function}.
   *
   * @param <A> the items' type
   * @param <R> the results' type
   * @param f the function
   * @param items the items
   * @return the results, in the items' order, as they are computed
   */
  public <A, R> Iterable<R> imap(Function<A, R> f, Iterable<A> items) {
    return imap(f, items, true);
  }

  /**
   * As {@link #imap}, yielding results in completion order (gevent's {@code imap_unordered}).
   *
   * @param <A> the items' type
   * @param <R> the results' type
   * @param f the function
   * @param items the items
   * @return the results, in the order they complete
   */
  public <A, R> Iterable<R> imapUnordered(Function<A, R> f, Iterable<A> items) {
    return imap(f, items, false);
  }

  /**
   * {@link #imapUnordered(Function, Iterable)} for a function that throws checked exceptions.
   *
   * @param <A> the items' type
   * @param <R> the results' type
   * @param f the function
   * @param items the items
   * @return the results, in the order they complete
   */
  public <A, R> Iterable<R> imapUnordered(CheckedFunction<A, R> f, Iterable<A> items) {
    return imap((Function<A, R>) f, items, false);
  }

  /** How many items imap keeps in flight: unbounded for a Group; a Pool's size. */
  int inFlightLimit() {
    return Integer.MAX_VALUE;
  }

  private <A, R> Iterable<R> imap(Function<A, R> f, Iterable<A> items, boolean ordered) {
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(items, "items");
    return () -> new MapIterator<>(f, items.iterator(), ordered);
  }

  /** Spawns ahead up to the in-flight limit; hands results back in order or as they finish. */
  private final class MapIterator<A, R> implements Iterator<R> {
    private final Function<A, R> f;
    private final Iterator<A> source;
    private final boolean ordered;
    private final ArrayDeque<Greenlet<R>> inFlight = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Greenlet<R>> finished = new ConcurrentLinkedQueue<>();
    private final WaitQueue finishing = new WaitQueue();

    MapIterator(Function<A, R> f, Iterator<A> source, boolean ordered) {
      this.f = f;
      this.source = source;
      this.ordered = ordered;
    }

    private void fill() {
      int limit = inFlightLimit();
      while (inFlight.size() < limit && source.hasNext()) {
        A item = source.next();
        Greenlet<R> g = spawn(() -> f.apply(item));
        inFlight.add(g);
        if (!ordered) {
          g.rawlink(() -> {
            finished.add(g);
            finishing.wakeOne(null);
          });
        }
      }
    }

    @Override
    public boolean hasNext() {
      fill();
      return !inFlight.isEmpty();
    }

    @Override
    public R next() {
      if (!hasNext()) throw new NoSuchElementException();
      Greenlet<R> g;
      if (ordered) {
        g = inFlight.poll();
      } else {
        while ((g = finished.poll()) == null) {
          WaitQueue.Ticket t = finishing.enqueue(null, Group.this, "the next result");
          if (!finished.isEmpty()) {
            t.cancel();
            continue;
          }
          t.await(Double.POSITIVE_INFINITY);
        }
        inFlight.remove(g);
      }
      return g.get();
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + size() + " greenlets)";
  }
}
