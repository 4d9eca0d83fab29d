package io.gevent4j.examples;

import static io.gevent4j.greenlet.Gevent.spawn;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Timeout;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@link CompletableFuture} and greenlets, both ways (what gevent's asyncio bridges and its
 * {@code concurrent.futures} shim do):
 *
 * <ul>
 *   <li>a future that other Java code completes on threads of its own is awaited in a greenlet
 *       with {@link Hub#await}, which parks the greenlet, never the hub;
 *   <li>a greenlet goes to future-based code as {@link Greenlet#toCompletableFuture()}, to
 *       combine with the JDK's combinators; cancelling that future kills the greenlet;
 *   <li>a dependent stage comes back onto the hub with {@code thenApplyAsync(f, hub)}: the hub is
 *       an {@code Executor} whose tasks are greenlets.
 * </ul>
 *
 * A ticker greenlet runs throughout, and keeps ticking while the others wait.
 *
 * <p>Run it with {@code ./dev example future-bridge}.
 */
public final class FutureBridge {
  private FutureBridge() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0) throw new IllegalArgumentException("future-bridge takes no arguments, got " + List.of(args));
    Hub hub = Hub.current();
    int[] ticks = {0};
    Greenlet<Void> ticker = spawn(() -> {
      while (true) {
        Hub.sleep(0.01);
        ticks[0]++;
      }
    });

    // a library's own thread pool: platform threads that know nothing of gevent4j
    try (ExecutorService library = Executors.newFixedThreadPool(2)) {
      // 1. the library's future, awaited in a greenlet: the greenlet parks, the hub runs on
      Greenlet<String> waiter = spawn(() -> Hub.await(CompletableFuture.supplyAsync(() -> blockingCall("gevent"), library), 5.0));
      System.out.println("1. Hub.await in a greenlet, on a future of the library's threads: " + waiter.get());

      // 2. greenlets as futures, combined by the JDK; main awaits the result cooperatively
      CompletableFuture<Integer> a = spawn(() -> sleepThen(0.05, 20)).toCompletableFuture();
      CompletableFuture<Integer> b = spawn(() -> sleepThen(0.10, 22)).toCompletableFuture();
      System.out.println("2. two greenlets' futures, thenCombine(Integer::sum): " + Hub.await(a.thenCombine(b, Integer::sum)));

      // 3. from a library thread back onto the hub, where gevent4j's waits are cooperative again
      CompletableFuture<String> back = CompletableFuture.supplyAsync(() -> whereAmI(hub), library)
          .thenApplyAsync(first -> sleepThen(0.01, first + ", then " + whereAmI(hub)), hub);
      System.out.println("3. supplyAsync(.., library).thenApplyAsync(.., hub) ran on " + Hub.await(back));

      // 4. cancelling a greenlet's future kills the greenlet
      Greenlet<String> endless = spawn(() -> sleepThen(60, "never"));
      CompletableFuture<String> future = endless.toCompletableFuture();
      future.cancel(true);
      endless.join(1.0);
      System.out.println("4. cancel(true) on its future: cancelled " + future.isCancelled()
          + ", the greenlet dead " + endless.dead());

      // 5. a future nobody completes, awaited with a timeout
      try {
        Hub.await(new CompletableFuture<>(), 0.05);
      } catch (Timeout t) {
        System.out.println("5. Hub.await(a future nobody completes, 0.05): Timeout after " + t.seconds() + " s");
      }
    }
    ticker.kill();
    System.out.printf("the ticker greenlet kept ticking: %s (%d ticks of 10 ms)%n", ticks[0] > 0 ? "yes" : "no", ticks[0]);
  }

  /** Stands for a library call that blocks its platform thread for 0.1 s. */
  private static String blockingCall(String word) {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException(e);
    }
    return word.toUpperCase(Locale.ROOT) + " (computed on a platform thread of the library)";
  }

  private static <T> T sleepThen(double seconds, T value) {
    Hub.sleep(seconds); // cooperative: a greenlet parks, the hub runs the others
    return value;
  }

  private static String whereAmI(Hub hub) {
    if (!Thread.currentThread().isVirtual()) return "a platform thread";
    return Hub.current() == hub ? "a greenlet of the hub" : "a greenlet of another hub";
  }
}
