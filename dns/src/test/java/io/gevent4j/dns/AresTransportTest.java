package io.gevent4j.dns;

import static io.gevent4j.dns.FakeDns.ANSWER;
import static io.gevent4j.dns.FakeDns.SILENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.testing.HubTesting;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * The {@code ares} transport against a nameserver written in the test ({@link FakeDns}: UDP and
 * TCP on one loopback port, canned replies made with dnsjava), on this run's backend. Every test
 * runs on a fresh hub and checks descriptors and threads after (HubTesting).
 */
@Timeout(60)
class AresTransportTest {
  /** Sends {@code name}'s query with {@code id} and parses the reply. */
  private static Message exchange(Transport t, String name, int id) throws IOException {
    return new Message(t.exchange(FakeDns.query(name, id).toWire()));
  }

  /** The reply answers {@code name}'s query {@code id} with FakeDns.ADDRESS. */
  private static void assertAnswered(Message reply, String name, int id) {
    assertEquals(id, reply.getHeader().getID());
    assertEquals(FakeDns.query(name, id).getQuestion(), reply.getQuestion());
    List<org.xbill.DNS.Record> answers = reply.getSection(Section.ANSWER);
    assertEquals(1, answers.size(), reply.toString());
    assertEquals(FakeDns.ADDRESS, ((ARecord) answers.get(0)).getAddress());
  }

  /** {@link FakeDns#answer} with another ID. */
  private static Message wrongId(Message query) {
    Message r = FakeDns.answer(query);
    r.getHeader().setID((query.getHeader().getID() + 1) & 0xffff);
    return r;
  }

  /** {@link FakeDns#answer} to another question (same ID). */
  private static Message wrongQuestion(Message query) {
    return FakeDns.answer(FakeDns.query("other-" + query.getQuestion().getName(), query.getHeader().getID()));
  }

  @Test
  void aReplyIsReturned() {
    HubTesting.onFreshHub(hub -> {
      try (FakeDns server = FakeDns.answering(ANSWER); AresTransport t = new AresTransport(hub, server.config(2, 2))) {
        assertAnswered(exchange(t, "example.com", 0x1234), "example.com", 0x1234);
        assertAnswered(exchange(t, "example.org", 0x4321), "example.org", 0x4321); // a second one, after the socket closed
        assertEquals(2, server.udpQueries());
        assertEquals(0, t.waiting());
      }
    });
  }

  @Test
  void aReplyFromAnIpv6Server() throws Exception {
    InetAddress v6 = FakeDns.ipv6LoopbackOrAbort();
    HubTesting.onFreshHub(hub -> {
      try (FakeDns server = FakeDns.answering(v6, ANSWER); AresTransport t = new AresTransport(hub, server.config(2, 2))) {
        assertAnswered(exchange(t, "six.example", 6), "six.example", 6);
        assertTrue(t.toString().contains("[0:0:0:0:0:0:0:1]:" + server.address().getPort()), t.toString());
      }
    });
  }

  /** 500 greenlets at once share the channel: one UDP socket, replies told apart by ID and question. */
  @Test
  void fiveHundredConcurrentExchangesFromGreenlets() {
    HubTesting.onFreshHub(hub -> {
      try (FakeDns server = FakeDns.answering(ANSWER); AresTransport t = new AresTransport(hub, server.config(1, 3))) {
        List<Greenlet<Object>> greenlets = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
          int id = i;
          greenlets.add(Greenlet.spawn(() -> {
            try {
              return exchange(t, "host" + id + ".example", id);
            } catch (IOException e) {
              return e;
            }
          }));
        }
        for (int i = 1; i <= 500; i++) {
          Object result = greenlets.get(i - 1).get();
          assertInstanceOf(Message.class, result, "exchange " + i);
          assertAnswered((Message) result, "host" + i + ".example", i);
        }
        assertTrue(server.udpQueries() >= 500, "queries " + server.udpQueries());
        assertEquals(0, t.waiting());
      }
    });
  }

  /** Nothing answers: a SocketTimeoutException after the tries (0.1 s, then 0.2 s: c-ares doubles each round). */
  @Test
  void aSilentServerIsATimeoutAfterTheTries() {
    HubTesting.onFreshHub(hub -> {
      try (FakeDns server = FakeDns.answering(SILENT); AresTransport t = new AresTransport(hub, server.config(0.1, 2))) {
        long started = System.nanoTime();
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> exchange(t, "silent.example", 1));
        double seconds = (System.nanoTime() - started) / 1e9;
        assertTrue(seconds >= 0.29 && seconds < 5, "0.1 s then 0.2 s, took " + seconds);
        String server127 = "127.0.0.1:" + server.address().getPort();
        assertTrue(e.getMessage().contains(server127) && e.getMessage().contains("0.1 s") && e.getMessage().contains("2 tries")
            && e.getMessage().contains("ARES_ETIMEOUT"), e.getMessage());
        assertEquals(2, server.udpQueries());
      }
    });
  }

  /** A truncated UDP reply makes c-ares ask again over TCP; the TCP reply is the one returned. */
  @Test
  void aTruncatedReplyIsAskedAgainOverTcp() {
    HubTesting.onFreshHub(hub -> {
      FakeDns.Answer truncating = (q, tcp) -> List.of(tcp ? FakeDns.answer(q) : FakeDns.truncated(q));
      try (FakeDns server = FakeDns.answering(truncating); AresTransport t = new AresTransport(hub, server.config(2, 2))) {
        Message reply = exchange(t, "big.example", 77);
        assertAnswered(reply, "big.example", 77);
        assertFalse(reply.getHeader().getFlag(Flags.TC));
        assertEquals(1, server.udpQueries());
        assertEquals(1, server.tcpQueries());
      }
    });
  }

  /** A reply with another ID, or to another question, is dropped: the right one after it wins, or the time runs out. */
  @Test
  void aReplyWithAWrongIdOrQuestionIsIgnored() {
    HubTesting.onFreshHub(hub -> {
      FakeDns.Answer wrongFirst = (q, tcp) -> List.of(wrongId(q), wrongQuestion(q), FakeDns.answer(q));
      try (FakeDns server = FakeDns.answering(wrongFirst); AresTransport t = new AresTransport(hub, server.config(2, 1))) {
        assertAnswered(exchange(t, "right.example", 11), "right.example", 11);
      }
      for (FakeDns.Answer wrongOnly : List.<FakeDns.Answer>of((q, tcp) -> List.of(wrongId(q)), (q, tcp) -> List.of(wrongQuestion(q)))) {
        try (FakeDns server = FakeDns.answering(wrongOnly); AresTransport t = new AresTransport(hub, server.config(0.1, 1))) {
          assertThrows(SocketTimeoutException.class, () -> exchange(t, "wrong.example", 12));
          assertEquals(1, server.udpQueries());
        }
      }
    });
  }

  /** A SERVFAIL is a reply (the resolver reads the RCODE), not a failure of the transport. */
  @Test
  void aServfailIsReturnedAsItIs() {
    HubTesting.onFreshHub(hub -> {
      FakeDns.Answer servfail = (q, tcp) -> List.of(FakeDns.reply(q, Rcode.SERVFAIL));
      try (FakeDns server = FakeDns.answering(servfail); AresTransport t = new AresTransport(hub, server.config(2, 2))) {
        Message reply = exchange(t, "fail.example", 3);
        assertEquals(Rcode.SERVFAIL, reply.getRcode());
        assertEquals(1, server.udpQueries()); // not asked again
      }
    });
  }

  /** Nobody on the port: the ICMP error ends it with ConnectException, long before the timeout. */
  @Test
  void aRefusedPortIsAConnectException() {
    HubTesting.onFreshHub(hub -> {
      InetSocketAddress nobody = FakeDns.unusedUdpPort();
      DnsConfig config = FakeDns.config(10, 2, List.of(nobody));
      try (AresTransport t = new AresTransport(hub, config)) {
        long started = System.nanoTime();
        ConnectException e = assertThrows(ConnectException.class, () -> exchange(t, "refused.example", 4));
        assertTrue((System.nanoTime() - started) / 1e9 < 5, "refused at once");
        assertTrue(e.getMessage().contains("ARES_ECONNREFUSED") && e.getMessage().contains(":" + nobody.getPort()), e.getMessage());
      }
    });
  }

  /** Closed while 20 greenlets wait: each gets a ClosedChannelException at once; later calls too. */
  @Test
  void closeWhileQueriesWait() {
    HubTesting.onFreshHub(hub -> {
      try (FakeDns server = FakeDns.answering(SILENT)) {
        AresTransport t = new AresTransport(hub, server.config(10, 2));
        List<Greenlet<Object>> waiting = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          int id = i;
          waiting.add(Greenlet.spawn(() -> {
            try {
              return exchange(t, "pending.example", id);
            } catch (IOException e) {
              return e;
            }
          }));
        }
        // FIFO: this one runs once the 20 have sent their queries and parked
        Greenlet<Integer> closer = Greenlet.spawn(() -> {
          int under = t.waiting();
          t.close();
          return under;
        });
        long started = System.nanoTime();
        assertEquals(20, closer.get());
        for (Greenlet<Object> g : waiting) {
          ClosedChannelException e = assertInstanceOf(ClosedChannelException.class, g.get());
          assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
        assertTrue((System.nanoTime() - started) / 1e9 < 5, "failed at once, not after the timeout");
        t.close(); // idempotent
        ClosedChannelException late = assertThrows(ClosedChannelException.class, () -> exchange(t, "late.example", 99));
        assertTrue(late.getMessage().contains("AresTransport") && late.getMessage().contains("closed"), late.getMessage());
        assertEquals(0, t.waiting());
      }
    });
  }

  /** Closed from another thread while the hub's owner waits in an exchange. */
  @Test
  void closeFromAnotherThread() {
    HubTesting.onFreshHub(hub -> {
      try (FakeDns server = FakeDns.answering(SILENT)) {
        AresTransport t = new AresTransport(hub, server.config(10, 2));
        Greenlet<Object> waiter = Greenlet.spawn(() -> {
          try {
            return exchange(t, "pending.example", 1);
          } catch (IOException e) {
            return e;
          }
        });
        // runs once the waiter has sent and parked (FIFO); waits for a plain thread that closes
        Greenlet<Void> closeElsewhere = Greenlet.spawn(() -> {
          Hub.await(CompletableFuture.runAsync(t::close, task -> Thread.ofPlatform().name("closer").start(task)));
        });
        assertInstanceOf(ClosedChannelException.class, waiter.get());
        closeElsewhere.get();
        assertEquals(0, t.waiting());
      }
    });
  }

  /** Two hubs, each with its own transport, at once. */
  @Test
  void twoHubsEachWithTheirOwnTransport() {
    HubTesting.onFreshHub(hub -> {
      try (FakeDns server = FakeDns.answering(ANSWER)) {
        AtomicReference<Throwable> otherFailed = new AtomicReference<>();
        Thread other = Thread.ofPlatform().name("other-hub").start(() -> {
          Hub otherHub = Hub.current();
          try (AresTransport t = new AresTransport(otherHub, server.config(1, 3))) {
            manyAtOnce(t, 100, 10_000);
          } catch (Throwable e) {
            otherFailed.set(e);
          } finally {
            otherHub.close();
          }
        });
        try (AresTransport t = new AresTransport(hub, server.config(1, 3))) {
          manyAtOnce(t, 100, 20_000);
        }
        other.join();
        if (otherFailed.get() != null) throw new AssertionError(otherFailed.get());
      }
    });
  }

  private static void manyAtOnce(AresTransport t, int count, int firstId) {
    List<Greenlet<Message>> greenlets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int id = firstId + i;
      greenlets.add(Greenlet.spawn(() -> exchange(t, "h" + id + ".example", id)));
    }
    for (int i = 0; i < count; i++) assertAnswered(greenlets.get(i).get(), "h" + (firstId + i) + ".example", firstId + i);
  }

  /**
   * Calls from elsewhere are handed to the transport's hub: a plain thread without a hub (it
   * blocks), and a greenlet of another hub (it parks there); the hub's owner waits meanwhile.
   */
  @Test
  void aPlainThreadAndAnotherHubsGreenletCallExchange() {
    HubTesting.onFreshHub(hub -> {
      try (FakeDns server = FakeDns.answering(ANSWER); AresTransport t = new AresTransport(hub, server.config(2, 2))) {
        CompletableFuture<Message> fromPlainThread = new CompletableFuture<>();
        Thread plain = Thread.ofPlatform().name("plain").start(() -> {
          try {
            fromPlainThread.complete(exchange(t, "plain.example", 501));
          } catch (Throwable e) {
            fromPlainThread.completeExceptionally(e);
          }
        });
        CompletableFuture<Message> fromOtherHub = new CompletableFuture<>();
        Thread otherOwner = Thread.ofPlatform().name("other-owner").start(() -> {
          Hub other = Hub.current();
          try {
            fromOtherHub.complete(Greenlet.spawn(() -> exchange(t, "other.example", 502)).get());
          } catch (Throwable e) {
            fromOtherHub.completeExceptionally(e);
          } finally {
            other.close();
          }
        });
        assertAnswered(Hub.await(fromPlainThread), "plain.example", 501); // the owner waits: its hub runs
        assertAnswered(Hub.await(fromOtherHub), "other.example", 502);
        plain.join();
        otherOwner.join();
      }
    });
  }

  /**
   * The hub closes with an exchange under way, sent on behalf of a plain thread: the thread gets a
   * ClosedChannelException, the channel and its socket are freed (the leak check after the body).
   */
  @Test
  void theHubClosingFailsWaitersAndFreesTheChannel() {
    HubTesting.onFreshHub(hub -> {
      try (FakeDns server = FakeDns.answering(SILENT)) {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        CompletableFuture<Throwable> plainGot = new CompletableFuture<>();
        Thread owner = Thread.ofPlatform().name("closing-owner").start(() -> {
          Hub h = Hub.current();
          try {
            AresTransport t = new AresTransport(h, server.config(10, 2));
            Thread.ofPlatform().name("plain-waiter").start(() -> {
              try {
                exchange(t, "never.example", 7);
                plainGot.complete(null);
              } catch (Throwable e) {
                plainGot.complete(e);
              }
            });
            // let the hub send it: yield until the server saw the query
            while (server.udpQueries() == 0) Hub.sleep(0);
          } catch (Throwable e) {
            failed.set(e);
          } finally {
            h.close(); // not the transport: the hub frees it
          }
        });
        owner.join();
        if (failed.get() != null) throw new AssertionError(failed.get());
        Throwable got = Hub.await(plainGot);
        ClosedChannelException e = assertInstanceOf(ClosedChannelException.class, got);
        assertTrue(e.getMessage().contains("hub closed"), e.getMessage());
      }
    });
  }

  /** The resolver over this transport: A and AAAA asked at once (one from a greenlet), both answered. */
  @Test
  void theResolverOverIt() {
    HubTesting.onFreshHub(hub -> {
      InetAddress v6 = InetAddress.getByName("2001:db8::1");
      FakeDns.Answer both = (q, tcp) -> {
        org.xbill.DNS.Record question = q.getQuestion();
        if (question.getType() == org.xbill.DNS.Type.A) return List.of(FakeDns.answer(q));
        if (question.getType() != org.xbill.DNS.Type.AAAA) return List.of(FakeDns.reply(q, Rcode.NOERROR));
        return List.of(FakeDns.reply(q, Rcode.NOERROR, new org.xbill.DNS.AAAARecord(question.getName(), org.xbill.DNS.DClass.IN, 60, v6)));
      };
      try (FakeDns server = FakeDns.answering(both)) {
        DnsConfig config = server.config(2, 2);
        try (DnsResolver resolver = new DnsResolver("ares", new AresTransport(hub, config), config)) {
          List<InetAddress> addresses = resolver.getaddrinfo("host.example");
          assertEquals(java.util.Set.of(FakeDns.ADDRESS, v6), java.util.Set.copyOf(addresses));
          assertEquals(2, server.udpQueries());
        }
      }
    });
  }

  /** Bad queries are refused before anything is sent. */
  @Test
  void badQueriesAreRefused() {
    HubTesting.onFreshHub(hub -> {
      try (FakeDns server = FakeDns.answering(ANSWER); AresTransport t = new AresTransport(hub, server.config(2, 2))) {
        assertThrows(NullPointerException.class, () -> t.exchange(null));
        IllegalArgumentException shortOne = assertThrows(IllegalArgumentException.class, () -> t.exchange(new byte[11]));
        assertTrue(shortOne.getMessage().contains("11 bytes"), shortOne.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.exchange(new byte[65536]));
        assertEquals(0, server.udpQueries());
        assertAnswered(exchange(t, "fine.example", 8), "fine.example", 8);
      }
    });
  }
}
