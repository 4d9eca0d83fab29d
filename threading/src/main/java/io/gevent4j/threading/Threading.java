package io.gevent4j.threading;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.hub.internal.HubAccess;
import io.gevent4j.sync.BoundedSemaphore;

/**
 * gevent's {@code gevent.threading} and {@code gevent.thread}, where they mean something in Java:
 * what a patched {@code threading} module answers when greenlets are the threads.
 *
 * <p>gevent makes each greenlet look like a thread by monkey-patching: {@code get_ident()}
 * becomes the greenlet's id, {@code current_thread()} a {@code _DummyThread} standing for it,
 * {@code Lock} a semaphore. In gevent4j a greenlet <em>is</em> a thread, a virtual one, so the
 * JDK already answers most of it: {@code Thread.currentThread()} is the greenlet's thread, with
 * the greenlet's name; a {@code ThreadLocal} is per greenlet; JDK locks park only the greenlet.
 * This class gives gevent's names to those answers and adds the two that need the hub: the main
 * greenlet, and a lock that is not owned.
 *
 * <pre>{@code
 * long me = Threading.getIdent();                  // this greenlet's, unique in the JVM
 * BoundedSemaphore lock = Threading.allocateLock(); // gevent.thread.allocate_lock()
 * if (Threading.mainThread() == Thread.currentThread()) { ... }   // running as the main greenlet
 * }</pre>
 *
 * <p>What has no Java counterpart, and why: {@code _DummyThread} (a greenlet's thread is a real
 * {@code Thread}); monkey-patching {@code threading} and {@code thread} (the JDK is the patch:
 * design.md, "The JDK is the monkey patch"); {@code _after_fork} and the fork hooks (a JVM does not
 * fork); {@code stack_size} (a virtual thread's stack grows on the heap); {@code get_native_id}
 * (a greenlet has no OS thread of its own; it runs on its hub's); {@code exit()} (throw
 * {@code new GreenletExit()}). Lock types, {@code local}, {@code Event}, {@code Condition},
 * {@code Timer} are gevent4j's existing classes: see docs/threading.md.
 */
public final class Threading {
  private Threading() {}

  /**
   * The identifier of the calling greenlet, or of the calling platform thread outside greenlets
   * (gevent's {@code get_ident()}, which is {@code id(greenlet)} once patched): its thread's
   * {@link Thread#threadId() id}, since a greenlet is a virtual thread. Unique in the JVM among
   * greenlets and threads alike, stable for the greenlet's life and never reused (Python's may
   * be recycled after a thread ends). The hub's owner thread is the main greenlet and has its own;
   * a hub callback runs on the hub thread and gets that thread's. Never blocks; any thread.
   *
   * <p>{@code Greenlet.minimalIdent()} is gevent's other number, {@code minimal_ident}: small
   * and dense, but only for {@code Greenlet}s, and it may equal a platform thread's id, so it
   * cannot serve as a thread identifier.
   *
   * @return the identifier of the calling greenlet or thread
   */
  public static long getIdent() {
    return Thread.currentThread().threadId();
  }

  /**
   * The calling greenlet as a thread (gevent's patched {@code threading.current_thread()}, a
   * {@code _DummyThread} there): its virtual thread, named after the greenlet; outside greenlets,
   * the platform thread. The same as {@link Thread#currentThread()}, named here for the mapping.
   *
   * @return the calling greenlet's virtual thread, or the calling platform thread
   */
  public static Thread currentThread() {
    return Thread.currentThread();
  }

  /**
   * The main greenlet of the caller's hub, as a thread (gevent's {@code threading.main_thread()},
   * the thread that runs the main greenlet): the platform thread the hub belongs to, its owner.
   * In a greenlet, its hub's owner; in a hub callback, that hub's owner; on a platform thread,
   * the thread itself, which is its own hub's main greenlet (no hub is made for the asking).
   * Never blocks.
   *
   * <p>gevent has one main thread per process; a JVM has no such thread (its {@code main} may
   * end while others run), so here each hub's owner is the main greenlet of that hub, which is
   * what gevent code asks {@code main_thread()} for: "am I the main greenlet?".
   *
   * @return the owner of the caller's hub; on a platform thread, that thread
   * @throws IllegalStateException in a virtual thread that is not a greenlet (it belongs to no hub)
   */
  public static Thread mainThread() {
    RawGreenlet g = RawGreenlet.current();
    if (g != null) return g.hub().owner();
    Hub ofHubThread = HubAccess.get().ofHubThread();
    if (ofHubThread != null) return ofHubThread.owner();
    Thread t = Thread.currentThread();
    if (t.isVirtual()) {
      throw new IllegalStateException("Threading.mainThread(): " + t + " is a virtual thread that is not a greenlet;"
          + " it belongs to no hub, so it has no main greenlet");
    }
    return t;
  }

  /**
   * A new lock that greenlets and threads share and that nobody owns (gevent's
   * {@code gevent.thread.allocate_lock()}, {@code threading.Lock()} once patched, which is a
   * {@code BoundedSemaphore(1)}): the same class here. {@code acquire()} waits cooperatively,
   * {@code acquire(timeout)} returns false at the timeout, {@code tryAcquire()} is
   * {@code acquire(blocking=False)}, {@code locked()} says whether it is held; any greenlet or
   * thread may {@code release()} it, and releasing it unlocked is an
   * {@link IllegalStateException} (Python's {@code RuntimeError}). Waiters are served in arrival
   * order. For a lock its owner may take again, use {@link io.gevent4j.sync.RLock} (gevent's
   * {@code RLock}, a {@code java.util.concurrent.locks.Lock}).
   *
   * @return a new unlocked lock
   */
  public static BoundedSemaphore allocateLock() {
    return new BoundedSemaphore(1);
  }
}
