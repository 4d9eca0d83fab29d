package io.gevent4j.bench.load;

import com.sun.net.httpserver.HttpHandler;
import java.lang.management.ManagementFactory;

/**
 * {@code -Dbench.allocation=true} on an HTTP server of the load harness: counts the requests
 * its handler serves and prints, every 5 s, the bytes the whole JVM allocated per request over
 * that time ({@code com.sun.management.ThreadMXBean.getTotalThreadAllocatedBytes}). Under a
 * steady load (wrk) that is the server's allocation per request, all threads included.
 */
final class AllocationReport {
  private AllocationReport() {}

  private static volatile long requests;

  /** The handler, counting; the report starts with it. */
  static HttpHandler counting(HttpHandler handler) {
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Thread.ofPlatform().daemon().name("allocation-report").start(() -> {
      long r0 = requests;
      long a0 = mx.getTotalThreadAllocatedBytes();
      while (true) {
        try {
          Thread.sleep(5000);
        } catch (InterruptedException e) {
          return;
        }
        long r1 = requests;
        long a1 = mx.getTotalThreadAllocatedBytes();
        if (r1 > r0) System.out.printf("allocation: %d requests, %.1f bytes per request%n", r1 - r0, (a1 - a0) / (double) (r1 - r0));
        r0 = r1;
        a0 = a1;
      }
    });
    return exchange -> {
      handler.handle(exchange);
      requests++; // one hub: no race
    };
  }
}
