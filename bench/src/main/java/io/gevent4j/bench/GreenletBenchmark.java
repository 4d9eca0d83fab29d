package io.gevent4j.bench;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.greenlet.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Greenlets with results: spawn + join through {@code Greenlet}, and
 * {@code Pool.map} of 10k tasks — side by side with {@code Executors.newVirtualThreadPerTaskExecutor()}
 * doing the same work. Per-task time. {@code Gevent.spawn} and {@code Pool} use the benchmark
 * thread's hub, which {@link BenchmarkBase.HubState} makes per backend.
 */
@State(Scope.Thread)
public class GreenletBenchmark extends BenchmarkBase {
  private static final int BATCH = 1000;
  private static final int MAP = 10_000;

  private ExecutorService jdk;
  private final List<Integer> items = IntStream.range(0, MAP).boxed().toList();

  @Setup(Level.Trial)
  public void setUp() {
    jdk = Executors.newVirtualThreadPerTaskExecutor();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    jdk.close();
  }

  /** Spawn 1000 greenlets that return a value, then get each. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long greenletSpawnJoin(HubState s) {
    List<Greenlet<Integer>> greenlets = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      int n = i;
      greenlets.add(Gevent.spawn(() -> n));
    }
    long sum = 0;
    for (Greenlet<Integer> g : greenlets) sum += g.get();
    return sum;
  }

  /**
   * The same with JDK virtual threads: submit 1000 callables, then get each. The hub (unused)
   * gives the JDK rows the same {@code backend} parameter as the greenlets' rows beside them.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long jdkVirtualSpawnJoin(HubState s) throws InterruptedException, ExecutionException {
    List<Future<Integer>> futures = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      int n = i;
      futures.add(jdk.submit(() -> n));
    }
    long sum = 0;
    for (Future<Integer> f : futures) sum += f.get();
    return sum;
  }

  /** Pool(100).map over 10k items. */
  @Benchmark
  @OperationsPerInvocation(MAP)
  public int poolMap(HubState s) {
    Pool pool = new Pool(100);
    return pool.map((Integer i) -> i * 2, items).size();
  }

  /** The JDK equivalent: invokeAll of 10k callables on a virtual-thread-per-task executor (the hub: as above). */
  @Benchmark
  @OperationsPerInvocation(MAP)
  public int jdkVirtualInvokeAll(HubState s) throws InterruptedException {
    List<Callable<Integer>> tasks = new ArrayList<>(MAP);
    for (Integer i : items) tasks.add(() -> i * 2);
    return jdk.invokeAll(tasks).size();
  }
}
