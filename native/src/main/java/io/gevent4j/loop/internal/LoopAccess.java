package io.gevent4j.loop.internal;

import io.gevent4j.loop.Loop;

/**
 * The loop's package-private operations, for the native module's internal peers ({@link Ares})
 * and gevent4j's other modules (the JDK's {@code SharedSecrets} idiom): the loop's class installs
 * the implementation when it is loaded, so that none of this is in {@link Loop}'s public API.
 */
public interface LoopAccess {
  /**
   * Throws when the calling thread may not use {@code loop}: it is neither the loop's creator nor
   * admitted by its {@linkplain Loop#setOwner owner check} (a hub's greenlets, its owner during
   * its turn).
   *
   * @throws IllegalStateException naming the loop's thread and the caller
   */
  void checkThread(Loop loop);

  /**
   * {@link #checkThread}, and the loop is open.
   *
   * @throws IllegalStateException from another thread, or when the loop is closed
   */
  void checkUsable(Loop loop);

  /**
   * Runs {@code hook} when {@code loop} closes, on the closing thread, before its watchers are
   * freed (the hook may still stop and close them); once. The loop's thread only.
   *
   * @throws IllegalStateException from another thread, or when the loop is closed
   */
  void onClose(Loop loop, Runnable hook);

  /** Forgets a hook of {@link #onClose} (same instance); no-op when it is not there. The loop's thread only. */
  void removeOnClose(Loop loop, Runnable hook);

  /**
   * The library's constant {@code name} (a field of the loop package's {@code Constants}, a line
   * of {@code g4j_constants.h}); 0 when the library is not available.
   *
   * @throws LinkageError when the library is available and has no such constant
   */
  int constant(String name);

  /** The implementation, installed by the loop's class. */
  static LoopAccess get() {
    LoopAccess a = Holder.access;
    if (a == null) {
      // the loop's class installs it while it initializes
      try {
        Class.forName("io.gevent4j.loop.NativeLoop", true, LoopAccess.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      a = Holder.access;
    }
    return a;
  }

  /** For the loop's class only. */
  static void install(LoopAccess access) {
    if (Holder.access != null) throw new IllegalStateException("installed already");
    Holder.access = access;
  }

  /** Where the implementation lives. */
  final class Holder {
    private static volatile LoopAccess access;

    private Holder() {}
  }
}
