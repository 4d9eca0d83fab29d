package io.gevent4j.hub.internal;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The hub's package-private operations, for gevent4j's own modules (the JDK's
 * {@code SharedSecrets} idiom): {@link Hub} installs the implementation when it is loaded, so
 * that waiting on a hub stays out of its public API.
 */
public interface HubAccess {
  /** The one wait point: see {@code Hub.block}. */
  boolean block(Hub hub, BooleanSupplier ready, double timeout, boolean shared, Object what, boolean interruptible);

  /** Wakes whoever waits in {@link #block} from {@code waiter}. */
  void wake(Hub hub, Thread waiter);

  /** The hub whose hub thread is the current thread, or null. */
  Hub ofHubThread();

  /** True when {@code thread} is the current thread and owns an open hub (without making one). */
  boolean ownsHub(Thread thread);

  /** Records what a raw greenlet runs for (a {@code Greenlet}); once. */
  void owner(RawGreenlet g, Object owner);

  /**
   * Starts {@code g} unless it was started already (by a timer, or by a kill that ends it
   * before it runs). Any thread.
   *
   * @return true when this call started it
   */
  boolean startIfNotStarted(RawGreenlet g);

  /**
   * The virtual thread of {@code g}, made now and handed out unstarted (what a
   * {@code ThreadFactory} returns): whoever calls its {@link Thread#start()}, from any thread,
   * starts {@code g}, which then runs on its hub as if {@link RawGreenlet#start()} had started
   * it. {@code g} counts as started from now on; a kill before the thread starts ends it when
   * it starts, without running its body. Starting the thread once the hub is closed throws a
   * {@link java.util.concurrent.RejectedExecutionException} naming the hub. Any thread.
   *
   * @throws IllegalStateException when {@code g} was started already, or its hub is closed
   */
  Thread unstartedThread(RawGreenlet g);

  /**
   * Adds a hook run on the hub when {@code g} ends (or is killed before it starts); runs at once
   * when it has already ended. Hub thread only.
   */
  void onExit(RawGreenlet g, Consumer<RawGreenlet> hook);

  /**
   * Runs {@code hook} when {@code hub} closes (its owner closes it, or ends), before its thread
   * pool and its loop are freed, on the thread that closes it, which may use the loop; once. Any
   * thread may call.
   *
   * @return false, and the hook will not run, when the hub is closed already
   */
  boolean onClose(Hub hub, Runnable hook);

  /** Forgets a hook of {@link #onClose} (the same instance); no-op when it ran or was never added. Any thread. */
  void removeOnClose(Hub hub, Runnable hook);

  /**
   * What crossed into {@code hub} from other threads so far, for tests and benchmarks, read
   * racily from any thread: {@code [0]} tasks handed in through its thread-safe queue (greenlets
   * unparked and callbacks submitted by other threads), {@code [1]} of those hand-overs, the
   * ones that had to wake its loop from its poll, {@code [2]} greenlets its loop woke from JDK
   * I/O waits itself ({@code gevent.jdkPollers=hub}: no other thread involved).
   */
  long[] handOffs(Hub hub);

  /** The implementation, installed by {@link Hub}. */
  static HubAccess get() {
    HubAccess a = Holder.access;
    if (a == null) {
      // the hub's class installs it while it initializes
      try {
        Class.forName(Hub.class.getName(), true, Hub.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      a = Holder.access;
    }
    return a;
  }

  /** For {@link Hub} only. */
  static void install(HubAccess access) {
    if (Holder.access != null) throw new IllegalStateException("installed already");
    Holder.access = access;
  }

  /** Where the implementation lives. */
  final class Holder {
    private static volatile HubAccess access;

    private Holder() {}
  }
}
