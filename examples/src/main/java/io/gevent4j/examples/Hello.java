package io.gevent4j.examples;

import io.gevent4j.hub.*;
import java.util.concurrent.CompletableFuture;

/** The README's example: greenlets, a Timeout, the thread pool. */
public class Hello {
  public static void main(String[] args) {
    Hub hub = Hub.current();                             // this thread's hub (libev by default)
    for (int i = 1; i <= 3; i++) {
      int n = i;
      hub.execute(() -> {                               // a greenlet: a virtual thread run by the hub
        Hub.sleep(0.1 * n);                             // cooperative: the others run meanwhile
        System.out.println("greenlet " + n + " on " + hub.backend());
      });
    }
    try (Timeout _ = Timeout.start(0.05)) {
      Hub.await(new CompletableFuture<>());             // never completes: the Timeout fires
    } catch (Timeout t) {
      System.out.println("timed out after " + t.seconds() + " s");
    }
    String pooled = hub.threadPool().apply(() -> "from a pool thread");
    System.out.println(pooled);
    hub.join(5);                                        // run until every greenlet is done
  }
}
