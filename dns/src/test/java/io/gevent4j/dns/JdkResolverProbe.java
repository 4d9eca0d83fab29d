package io.gevent4j.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.hub.Hub;
import io.gevent4j.hub.testing.JdkCallHarness;
import io.gevent4j.hub.testing.JdkCallHarness.Outcome;
import io.gevent4j.hub.testing.JdkCallHarness.Row;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Message;

/**
 * Run by {@link JdkCallsTest} in a JVM of its own, inside a network namespace whose
 * {@code /etc/resolv.conf} names 127.0.0.1: serves DNS there on port 53, answering each query
 * {@link #DELAY} s after it came (A 192.0.2.1, no AAAA), and resolves in greenlets with
 * {@code InetAddress.getByName}, which asks glibc's {@code getaddrinfo}, which asks this server.
 * Prints {@link #OK} when the row behaved as expected; exits 1 with the failure otherwise.
 *
 * <ul>
 *   <li>{@code pins}: the lookup holds the hub thread (run without the hook, or with
 *       {@code gevent.resolver=block}): 3 lookups, one at a time, no tick of the timer.
 *   <li>{@code pool}: the lookup runs on the hub's thread pool (the hook and the default
 *       {@code thread} resolver): twice the pool's size of lookups at once, the greenlets parked
 *       and the timer ticking; they take two rounds of {@link #DELAY}, as the pool has threads.
 * </ul>
 */
public final class JdkResolverProbe {
  static final double DELAY = 0.1;
  static final String OK = "probe: as expected";

  private JdkResolverProbe() {}

  public static void main(String[] args) throws Exception {
    AtomicInteger queries = new AtomicInteger();
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().unstarted(r));
    DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 53));
    Thread.ofPlatform().daemon().name("delayed-dns").start(() -> {
      try {
        while (true) {
          DatagramPacket p = new DatagramPacket(new byte[512], 512);
          udp.receive(p);
          queries.incrementAndGet();
          Message query = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
          byte[] reply = JdkCallsTest.answerFor(query).toWire();
          later.schedule(() -> {
            try {
              udp.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
            } catch (java.io.IOException e) {
              e.printStackTrace();
            }
          }, (long) (DELAY * 1e9), TimeUnit.NANOSECONDS);
        }
      } catch (Exception e) {
        if (!udp.isClosed()) e.printStackTrace();
      }
    });
    int status = 1;
    Hub hub = Hub.current();
    try {
      String tag = Long.toString(System.nanoTime(), 36);
      String resolver = System.getProperty("gevent.resolver.jdk", "true").equals("false") ? "no hook"
          : "the hook, gevent.resolver=" + System.getProperty("gevent.resolver", "thread");
      Row lookup = i -> () -> assertEquals(FakeDns.ADDRESS, InetAddress.getByName("p" + i + "-" + tag + ".test"));
      switch (args[0]) {
        case "pins" -> JdkCallHarness.blocksTheHub(hub, "InetAddress.getByName, " + resolver, 3, DELAY, lookup);
        case "pool" -> {
          int n = 2 * hub.threadPool().maxsize();
          Outcome o = JdkCallHarness.cooperates(hub, "InetAddress.getByName, " + resolver, n, lookup, null);
          assertTrue(o.span() >= 2 * DELAY, () -> "two rounds of the pool: " + o);
        }
        default -> throw new IllegalArgumentException(args[0]);
      }
      assertTrue(queries.get() > 0, "glibc asked this server");
      System.out.println(OK + " (" + queries.get() + " queries)");
      status = 0;
    } catch (Throwable e) {
      e.printStackTrace(System.out);
    } finally {
      hub.close();
      udp.close();
    }
    System.exit(status);
  }
}
