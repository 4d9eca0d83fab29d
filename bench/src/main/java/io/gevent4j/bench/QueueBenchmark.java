package io.gevent4j.bench;

import io.gevent4j.hub.Hub;
import io.gevent4j.queue.Channel;
import io.gevent4j.queue.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * gevent4j queues side by side with the JDK's queues used by greenlets of the same
 * hub (virtual threads parking in {@code java.util.concurrent}, scheduled by the hub): gevent's
 * {@code benchmarks/bench_queue.py}, as a ping-pong.
 *
 * <ul>
 *   <li>{@code pingPong}: two greenlets of one hub, two queues; a puts i into the first and
 *       gets the answer from the second, b gets from the first and puts into the second. Every
 *       get waits, every put wakes the other greenlet: score = ns per round trip (two
 *       hand-offs, two switches). {@code shape}: {@code unbounded} ({@code Queue()} /
 *       {@code LinkedBlockingQueue()}), {@code bounded} ({@code Queue(1)} /
 *       {@code LinkedBlockingQueue(1)}), {@code channel} ({@code Channel} /
 *       {@code SynchronousQueue}: the putter waits for the getter too).
 *   <li>{@code noBlock}: put 1000 items, then get them, on the benchmark thread: no waiting,
 *       the cost of the queue itself (gevent's {@code bench_*_queue_noblock}); score = ns per
 *       put + get.
 * </ul>
 *
 * <p>The hub is made on the benchmark thread per backend; that thread drives it with
 * {@link Hub#join}, which runs the hub until both greenlets have ended.
 */
public class QueueBenchmark extends BenchmarkBase {
  static final int ROUNDS = 10_000;
  static final int ITEMS = 1_000;

  /** A hub per backend, and the two queues of a ping-pong. */
  @State(Scope.Thread)
  public static class PingState extends HubState {
    @Param({"unbounded", "bounded", "channel"})
    public String shape;

    Queue<Integer> gevent4j() {
      return switch (shape) {
        case "unbounded" -> new Queue<>();
        case "bounded" -> new Queue<>(1);
        case "channel" -> new Channel<>();
        default -> throw new IllegalArgumentException(shape);
      };
    }

    BlockingQueue<Integer> jdk() {
      return switch (shape) {
        case "unbounded" -> new LinkedBlockingQueue<>();
        case "bounded" -> new LinkedBlockingQueue<>(1);
        case "channel" -> new SynchronousQueue<>();
        default -> throw new IllegalArgumentException(shape);
      };
    }

    /** Runs the hub until every greenlet has ended; a ping-pong that hangs fails after 60 s. */
    @Override
    void run() {
      if (!hub.join(60)) throw new IllegalStateException("the ping-pong did not finish");
    }
  }

  /** Queues for the non-blocking runs. */
  @State(Scope.Thread)
  public static class NoBlockState {
    @Param({"unbounded", "bounded"})
    public String shape;

    Queue<Integer> gevent4j;
    BlockingQueue<Integer> jdk;

    @Setup(Level.Trial)
    public void setUp() {
      boolean bounded = shape.equals("bounded");
      gevent4j = bounded ? new Queue<>(ITEMS + 1) : new Queue<>();
      jdk = bounded ? new LinkedBlockingQueue<>(ITEMS + 1) : new LinkedBlockingQueue<>();
    }
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public int pingPong_gevent4j(PingState s) {
    Queue<Integer> ping = s.gevent4j();
    Queue<Integer> pong = s.gevent4j();
    int[] sum = new int[1];
    s.hub.execute(() -> {
      for (int i = 0; i < ROUNDS; i++) pong.put(ping.get());
    });
    s.hub.execute(() -> {
      for (int i = 0; i < ROUNDS; i++) {
        ping.put(i);
        sum[0] += pong.get();
      }
    });
    s.run();
    return check(sum[0]);
  }

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public int pingPong_jdk(PingState s) {
    BlockingQueue<Integer> ping = s.jdk();
    BlockingQueue<Integer> pong = s.jdk();
    int[] sum = new int[1];
    s.hub.execute(() -> {
      try {
        for (int i = 0; i < ROUNDS; i++) pong.put(ping.take());
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    s.hub.execute(() -> {
      try {
        for (int i = 0; i < ROUNDS; i++) {
          ping.put(i);
          sum[0] += pong.take();
        }
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    s.run();
    return check(sum[0]);
  }

  private static int check(int sum) {
    int expected = ROUNDS * (ROUNDS - 1) / 2;
    if (sum != expected) throw new IllegalStateException("the ping-pong lost items: " + sum + " != " + expected);
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public int noBlock_gevent4j(NoBlockState s) {
    Queue<Integer> q = s.gevent4j;
    for (int i = 0; i < ITEMS; i++) q.put(i);
    int sum = 0;
    for (int i = 0; i < ITEMS; i++) sum += q.get();
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public int noBlock_jdk(NoBlockState s) throws InterruptedException {
    BlockingQueue<Integer> q = s.jdk;
    for (int i = 0; i < ITEMS; i++) q.put(i);
    int sum = 0;
    for (int i = 0; i < ITEMS; i++) sum += q.take();
    return sum;
  }
}
