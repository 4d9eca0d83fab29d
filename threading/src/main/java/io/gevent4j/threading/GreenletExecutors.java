package io.gevent4j.threading;

import io.gevent4j.hub.Hub;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * Executors and thread factories whose threads are greenlets of a hub: what gevent's
 * {@code monkey.patch_thread()} does to {@code threading.Thread} and to the
 * {@code concurrent.futures} code above it, for code that takes a {@link ThreadFactory} or an
 * {@link java.util.concurrent.Executor} ({@code HttpClient.Builder.executor},
 * {@code CompletableFuture.supplyAsync(supplier, executor)}, connection pools,
 * {@code Executors.newThreadPerTaskExecutor(factory)}).
 *
 * <pre>{@code
 * Hub hub = Hub.current();
 * try (ExecutorService executor = GreenletExecutors.executor(hub)) {
 *   Future<String> f = executor.submit(() -> fetch("a"));   // a greenlet of hub
 *   String a = f.get();                                     // cooperative here
 * }
 * }</pre>
 *
 * <p>The tasks run one at a time on the hub, as all its greenlets do: a task that computes
 * without waiting holds the hub (and the hub's owner) until it returns; a JDK blocking call in
 * a task (a socket, {@code Thread.sleep}, a lock, {@code Future.get}) parks its greenlet and
 * the hub runs the others.
 */
public final class GreenletExecutors {
  private GreenletExecutors() {}

  /**
   * A thread factory whose threads are greenlets of {@code hub} (gevent's patched
   * {@code threading.Thread}, {@code gevent.thread.start_new_thread}):
   * {@link ThreadFactory#newThread newThread} returns an unstarted virtual thread whose
   * scheduler is the hub; whoever calls its {@code start()}, from any thread, starts it as a
   * greenlet, which runs after the starter yields when the starter is on the hub (FIFO), or
   * once the hub picks it up from its thread-safe submission otherwise.
   *
   * <p>The thread is a raw greenlet, as {@code Hub.execute} spawns: gevent4j's waits in it are
   * cooperative, {@code Hub.current()} is {@code hub}, and {@code Greenlet.getCurrent()} is
   * null (the {@code Thread} is its handle: {@code interrupt}, {@code join} from a greenlet). An
   * exception escaping its task is logged by the hub (SLF4J logger {@code io.gevent4j.hub.Hub}),
   * not given to an uncaught-exception handler. {@code newThread} throws
   * {@link java.util.concurrent.RejectedExecutionException} once the hub is closed, and so
   * does {@code start()} of a thread made before. Any thread may call.
   *
   * @param hub the hub whose greenlets the threads are
   * @return a new thread factory
   * @throws NullPointerException when {@code hub} is null
   * @throws IllegalStateException when {@code hub} is closed
   */
  public static ThreadFactory threadFactory(Hub hub) {
    return new GreenletThreadFactory(hub);
  }

  /**
   * An executor service that runs each task in a new greenlet of {@code hub} (gevent's
   * {@code Greenlet.spawn} behind the JDK's {@link ExecutorService} contract: a task may use
   * {@code Greenlet.getCurrent()}, and gevent4j's and the JDK's blocking calls are cooperative
   * in it).
   *
   * <ul>
   *   <li>Submitted from a greenlet of {@code hub} (or its owner), a task is spawned at once
   *       and runs after the submitter yields, FIFO with other spawns; from any other thread it
   *       crosses to the hub through the hub's thread-safe submission.
   *   <li>Its futures wait cooperatively: a greenlet's {@code get()} parks it, a hub owner's
   *       hands its hub the turn, another thread blocks. {@code cancel(true)} kills the task's
   *       greenlet ({@link io.gevent4j.hub.GreenletExit} at its current or next wait point; in a
   *       JDK blocking call, it is interrupted); a task ended by a kill is cancelled.
   *   <li>{@code shutdown} lets the accepted tasks run; {@code shutdownNow} returns those not
   *       started and kills the running ones; {@code awaitTermination} and {@code close} wait
   *       cooperatively; {@code invokeAny} cancels the other tasks as soon as one succeeds.
   *   <li>After a shutdown, or once the hub is closed, tasks are rejected with a
   *       {@link java.util.concurrent.RejectedExecutionException} that names the executor and
   *       the hub. When the hub closes, tasks not ended are cancelled (their greenlets never
   *       resume) and the executor is terminated.
   *   <li>Waiting inside a hub callback throws {@link io.gevent4j.hub.BlockingSwitchOutError};
   *       {@code close()} from one of the executor's own tasks throws
   *       {@link IllegalStateException} (it would wait for itself).
   * </ul>
   *
   * <p>Timeouts keep the JDK's contract (zero or negative: do not wait). Any thread may call.
   * Each call makes a new executor; shut it down (or close it) when done, as any
   * {@code ExecutorService}.
   *
   * @param hub the hub whose greenlets run the tasks
   * @return a new executor
   * @throws NullPointerException when {@code hub} is null
   * @throws IllegalStateException when {@code hub} is closed
   */
  public static ExecutorService executor(Hub hub) {
    return new GreenletExecutor(hub);
  }
}
