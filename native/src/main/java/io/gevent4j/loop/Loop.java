package io.gevent4j.loop;

import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * An event loop over libev or libuv: gevent's {@code gevent.libev.corecext.loop} /
 * {@code gevent.libuv.loop.loop}.
 *
 * <p>A loop belongs to the thread that created it (and to any thread its
 * {@linkplain #setOwner owner check} accepts): every method but {@link AsyncWatcher#send()}
 * throws {@link IllegalStateException} from another thread. Fired watchers are collected by
 * the native loop into an event batch and dispatched in Java after it returns, in the order
 * they fired: one JNI crossing per iteration, no call from C into Java.
 *
 * <p>A closed loop throws {@link IllegalStateException} from every method but
 * {@link #close()} and {@link #isClosed()}.
 */
public interface Loop extends AutoCloseable {

  /** {@return a new loop of the {@linkplain Backend#configured() configured} backend} */
  static Loop create() {
    return create(Backend.configured());
  }

  /**
   * A loop of the given backend.
   *
   * @param backend libev or libuv
   * @return a new loop, owned by the calling thread
   * @throws UnsatisfiedLinkError when the native library cannot be loaded
   */
  static Loop create(Backend backend) {
    return new NativeLoop(backend);
  }

  /**
   * The backend as text, the library and the kernel's I/O method it uses: e.g.
   * {@code "libev:epoll"} or {@code "libuv:epoll"} (gevent's {@code loop.backend}, with the
   * library in front).
   *
   * @return the backend and its I/O method
   */
  String backend();

  /**
   * {@return the library this loop runs on, {@link Backend#LIBEV} or {@link Backend#LIBUV}: {@link
   * #backend()} before the colon}
   */
  Backend library();

  /** {@return the loop's cached time in seconds (monotonic; gevent's {@code loop.now()})} */
  double now();

  /** Refreshes {@link #now()} from the clock (gevent's {@code loop.update_now()}). */
  void updateNow();

  /**
   * Runs the loop and dispatches the watchers that fire.
   *
   * @param mode how long to run (see {@link RunMode})
   * @return the number of callbacks dispatched
   */
  int run(RunMode mode);

  /** Makes the current {@link #run} return after the batch being dispatched (gevent's {@code loop.break_()}). */
  void breakLoop();

  /** {@return libev's pending count: watchers with events not yet collected (always 0 on libuv)} */
  int pendingCount();

  /** {@return the number of active watchers} */
  int activeCount();

  /**
   * {@return the number of active watchers that keep the loop alive (not {@linkplain Watcher#setRef
   * unref'd})}
   */
  int referencedCount();

  /**
   * Queues {@code watcher}'s callback with {@code revents} for the next dispatch, as if it
   * had fired (libev's {@code ev_feed_event}).
   *
   * @param watcher a watcher of this loop
   * @param revents the events its callback gets
   * @throws IllegalArgumentException when the watcher belongs to another loop
   */
  void feed(Watcher watcher, int revents);

  /**
   * Lets threads other than the creator use the loop: the hub admits its greenlets (virtual
   * threads that run on the hub's thread). The creating thread is always admitted.
   *
   * @param mayUse true for the threads that may use the loop besides its creator
   */
  void setOwner(Predicate<Thread> mayUse);

  /**
   * The calling thread (admitted by {@link #setOwner}) takes the loop over until another
   * thread claims it: a {@link Posix#close} made on it stops this loop's watchers at once
   * rather than asking the loop's thread to. A hub hands its loop between its own thread and
   * its owner's this way; only one of them uses it at a time.
   */
  void claim();

  /** Stops and frees every watcher, then the loop. Idempotent. */
  @Override
  void close();

  /** {@return true after {@link #close()}} */
  boolean isClosed();

  /**
   * {@return a new io watcher on {@code fd} for {@link Watcher#READ} and/or {@link Watcher#WRITE},
   * not started}
   *
   * @param fd the descriptor to watch
   * @param events {@link Watcher#READ}, {@link Watcher#WRITE} or both
   */
  IoWatcher io(int fd, int events);

  /**
   * {@return a new timer firing after {@code after} seconds, then every {@code repeat} seconds when
   * positive; not started}
   *
   * @param after seconds before the first firing
   * @param repeat seconds between later firings; 0 for one firing
   */
  TimerWatcher timer(double after, double repeat);

  /**
   * A signal watcher. Signals the JVM itself relies on (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
   * SIGQUIT, SIGUSR2, SIGPIPE, SIGXFSZ) and SIGKILL/SIGSTOP are refused. A signal is watched
   * by one loop at a time; the handler in place before is restored when the last watcher of
   * the signal stops.
   *
   * @param signum the signal's number, e.g. {@link Signals#SIGTERM}
   * @return a new signal watcher, not started
   */
  SignalWatcher signal(int signum);

  /**
   * {@return a new async watcher, not started} {@link AsyncWatcher#send()} from any thread wakes
   * this loop.
   */
  AsyncWatcher async();

  /**
   * A child watcher for {@code pid}, a child of this process that the JDK did not start
   * (it reaps its own). It reaps exactly that pid, never {@code waitpid(-1)}.
   *
   * @param pid the child's process id
   * @return a new child watcher, not started
   */
  ChildWatcher child(int pid);

  /** {@return a new idle watcher, not started} It fires when the loop has nothing else to do. */
  IdleWatcher idle();

  /** {@return a new prepare watcher, not started} It fires before each poll. */
  PrepareWatcher prepare();

  /** {@return a new check watcher, not started} It fires after each poll. */
  CheckWatcher check();

  /**
   * A stat watcher: fires when the attributes of {@code path} change (it need not exist).
   *
   * @param path the file or directory to watch
   * @param interval seconds between checks; 0 lets the backend choose
   * @return a new stat watcher, not started
   */
  StatWatcher stat(Path path, double interval);

  /**
   * A fork watcher (libev only).
   *
   * @return a new fork watcher, not started
   * @throws UnsupportedOperationException on libuv, which has none
   */
  ForkWatcher fork();
}
