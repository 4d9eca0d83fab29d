package io.gevent4j.dns;

import static io.gevent4j.dns.FakeDns.ANSWER;
import static io.gevent4j.dns.FakeDns.SILENT;

import io.gevent4j.hub.BlockingSwitchOutError;
import io.gevent4j.hub.Hub;
import io.gevent4j.testing.Misuse;
import java.io.InterruptedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The misuse matrix of the {@code ares} transport, run in a forked JVM by
 * {@link AresTransportMisuseTest}: closed transports and hubs, bad queries and nameservers, a wait
 * inside a hub callback, calls from other threads, an interrupt; none may take the JVM down. (The
 * c-ares channel's own matrix, with the wrong threads and the destroyed channel, is in the native
 * module's LoopMisuse.)
 */
public final class AresTransportMisuse {
  private AresTransportMisuse() {}

  private static byte[] query() {
    return FakeDns.query("misuse.example", 42).toWire();
  }

  private static DnsConfig config(InetSocketAddress server) {
    return FakeDns.config(2, 1, List.of(server));
  }

  /** Runs {@code body} on a new platform thread (with a hub of its own if it makes one) and rethrows what it threw. */
  private static void onOwnThread(Misuse.ThrowingRunnable body) throws Throwable {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t = Thread.ofPlatform().start(() -> {
      try {
        body.run();
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    t.join();
    if (thrown.get() != null) throw thrown.get();
  }

  /** A transport on this thread's hub that has made one exchange with {@code server}; then the hub is closed under it. */
  private static AresTransport usedThenHubClosed(FakeDns server) throws java.io.IOException {
    Hub hub = Hub.current();
    AresTransport t = new AresTransport(hub, server.config(2, 1));
    t.exchange(query());
    hub.close();
    return t;
  }

  static Misuse.Cases cases() {
    Misuse.Cases c = new Misuse.Cases();
    c.add("transport/closed", k -> {
      try (FakeDns server = FakeDns.answering(ANSWER)) {
        AresTransport t = new AresTransport(Hub.current(), server.config(2, 1));
        t.exchange(query());
        t.close();
        k.expect(ClosedChannelException.class, "AresTransport", "closed");
        t.exchange(query());
      }
    });
    c.add("transport/closed-twice-from-two-threads", k -> {
      try (FakeDns server = FakeDns.answering(ANSWER)) {
        AresTransport t = new AresTransport(Hub.current(), server.config(2, 1));
        t.exchange(query());
        k.expectReturn();
        onOwnThread(t::close);
        t.close();
      }
    });
    c.add("transport/hub-closed", k -> {
      try (FakeDns server = FakeDns.answering(ANSWER)) {
        onOwnThread(() -> {
          AresTransport t = usedThenHubClosed(server);
          k.expect(ClosedChannelException.class, "AresTransport", "closed", "hub");
          t.exchange(query());
        });
      }
    });
    c.add("transport/hub-closed-then-close", k -> {
      try (FakeDns server = FakeDns.answering(ANSWER)) {
        onOwnThread(() -> {
          AresTransport t = usedThenHubClosed(server);
          k.expectReturn();
          t.close();
        });
      }
    });
    c.add("transport/new-on-closed-hub", k -> {
      try (FakeDns server = FakeDns.answering(ANSWER)) {
        onOwnThread(() -> {
          Hub hub = Hub.current();
          hub.close();
          k.expect(IllegalStateException.class, "hub", "closed");
          new AresTransport(hub, server.config(2, 1));
        });
      }
    });
    c.add("transport/null-query", k -> {
      try (FakeDns server = FakeDns.answering(ANSWER); AresTransport t = new AresTransport(Hub.current(), server.config(2, 1))) {
        k.expect(NullPointerException.class, "query");
        t.exchange(null);
      }
    });
    c.add("transport/short-query", k -> {
      try (FakeDns server = FakeDns.answering(ANSWER); AresTransport t = new AresTransport(Hub.current(), server.config(2, 1))) {
        k.expect(IllegalArgumentException.class, "0 bytes");
        t.exchange(new byte[0]);
      }
    });
    c.add("transport/huge-query", k -> {
      try (FakeDns server = FakeDns.answering(ANSWER); AresTransport t = new AresTransport(Hub.current(), server.config(2, 1))) {
        k.expect(IllegalArgumentException.class, "65536 bytes");
        t.exchange(new byte[65536]);
      }
    });
    c.add("transport/garbage-query", k -> {
      try (FakeDns server = FakeDns.answering(SILENT); // the garbage parses as a header without a question: ANSWER would fail on it
           AresTransport t = new AresTransport(Hub.current(), server.config(0.05, 1))) {
        byte[] garbage = new byte[300];
        java.util.Arrays.fill(garbage, (byte) 0xff);
        k.expect(SocketTimeoutException.class, "ARES_ETIMEOUT"); // sent as it is; nothing answers it
        t.exchange(garbage);
      }
    });
    c.add("transport/inside-a-hub-callback", k -> {
      try (FakeDns server = FakeDns.answering(ANSWER); AresTransport t = new AresTransport(Hub.current(), server.config(2, 1))) {
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Hub.current().callSoon(() -> {
          try {
            t.exchange(query());
            thrown.complete(null);
          } catch (Throwable e) {
            thrown.complete(e);
          }
        });
        Throwable e = Hub.await(thrown);
        k.expect(BlockingSwitchOutError.class, "hub callback");
        if (e != null) throw e;
      }
    });
    c.add("transport/scoped-ipv6-server", k -> {
      Inet6Address scoped = Inet6Address.getByAddress(null,
          new byte[] {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 1);
      k.expect(IllegalArgumentException.class, "scoped IPv6");
      new AresTransport(Hub.current(), config(new InetSocketAddress(scoped, 53)));
    });
    c.add("transport/port-0", k -> {
      k.expect(IllegalArgumentException.class, "port");
      new AresTransport(Hub.current(), config(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    });
    c.add("transport/unresolved-server", k -> {
      k.expect(IllegalArgumentException.class, "dns.example");
      new AresTransport(Hub.current(), config(InetSocketAddress.createUnresolved("dns.example", 53)));
    });
    c.add("transport/null-hub", k -> {
      k.expect(NullPointerException.class, "hub");
      new AresTransport(null, config(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53)));
    });
    c.add("transport/from-a-plain-thread", k -> {
      try (FakeDns server = FakeDns.answering(ANSWER); AresTransport t = new AresTransport(Hub.current(), server.config(2, 1))) {
        k.expectReturn();
        CompletableFuture<byte[]> r = CompletableFuture.supplyAsync(() -> {
          try {
            return t.exchange(query());
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }, task -> Thread.ofPlatform().start(task));
        Hub.await(r); // the owner waits: the hub sends it
      }
    });
    c.add("transport/interrupted-plain-thread", k -> {
      try (FakeDns server = FakeDns.answering(SILENT); AresTransport t = new AresTransport(Hub.current(), server.config(2, 1))) {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
          try {
            t.exchange(query());
          } catch (Throwable e) {
            thrown.set(e);
          }
        });
        while (t.waiting() == 0 || waiter.getState() != Thread.State.WAITING) Thread.onSpinWait();
        waiter.interrupt();
        waiter.join();
        k.expect(InterruptedIOException.class, "interrupted");
        if (thrown.get() != null) throw thrown.get();
      }
    });
    return c;
  }

  public static void main(String[] args) {
    cases().runAll(args);
    Hub.current().close();
  }
}
