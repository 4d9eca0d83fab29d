package io.gevent4j.dns;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@link SocketTransport} against a fake server on 127.0.0.1 ({@link FakeDns}), on the backend
 * the surefire execution picks: replies matched and dropped, truncation and TCP, the order of
 * servers and tries, failover, timeouts and refusals, concurrency, and close.
 */
@Timeout(60)
class SocketTransportTest {
  private static final String RIGHT = "192.0.2.1";
  private static final String DECOY = "192.0.2.66";

  // ---- helpers ------------------------------------------------------------------------------

  static Message query(String name, int type) throws IOException {
    return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
  }

  static Message query() throws IOException {
    return query("www.example.com.", Type.A);
  }

  /** {@link FakeDns#answer}, on the wire: a NOERROR response with one A record per address. */
  static byte[] answer(Message query, String... addresses) {
    return FakeDns.answer(query, Arrays.stream(addresses).map(FakeDns::address).toArray(InetAddress[]::new)).toWire();
  }

  /** {@code count} A records 10.0.x.y: about 16 bytes each. */
  static byte[] answerOf(Message query, int count) {
    String[] addresses = new String[count];
    for (int i = 0; i < count; i++) addresses[i] = "10.0." + (i >> 8) + "." + (i & 255);
    return answer(query, addresses);
  }

  /** {@code m} with {@code query}'s ID: another question under the same ID. */
  static Message withId(Message m, Message query) {
    m.getHeader().setID(query.getHeader().getID());
    return m;
  }

  static SocketTransport transport(double timeout, int attempts, FakeDns... servers) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (FakeDns s : servers) addresses.add(s.address());
    return transport(timeout, attempts, addresses);
  }

  static SocketTransport transport(double timeout, int attempts, List<InetSocketAddress> addresses) {
    return new SocketTransport(FakeDns.config(timeout, attempts, addresses));
  }

  static List<String> addresses(byte[] reply) throws IOException {
    List<String> out = new ArrayList<>();
    for (Record r : new Message(reply).getSection(Section.ANSWER)) {
      if (r instanceof ARecord a) out.add(a.getAddress().getHostAddress());
    }
    return out;
  }

  static byte[] header(int id, int flags, int qd, int an, int ns, int ar) {
    return new byte[] {(byte) (id >> 8), (byte) id, (byte) (flags >> 8), (byte) flags, (byte) (qd >> 8), (byte) qd,
        (byte) (an >> 8), (byte) an, (byte) (ns >> 8), (byte) ns, (byte) (ar >> 8), (byte) ar};
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  /** The query's question as it is on the wire (name, type, class). */
  static byte[] questionWire(Message query) {
    DNSOutput out = new DNSOutput();
    query.getQuestion().getName().toWire(out, null);
    out.writeU16(query.getQuestion().getType());
    out.writeU16(query.getQuestion().getDClass());
    return out.toByteArray();
  }

  static final int RESPONSE = 0x8180; // QR, RD, RA, NOERROR

  /** Answers every UDP query truncated: ask again over TCP. */
  static final FakeDns.UdpScript TRUNCATING = q -> q.reply(FakeDns.truncated(q.message));

  // ---- a normal reply ---------------------------------------------------------------------------

  @Test
  void aNormalReplyIsReturned() {
    onFreshHub(hub -> {
      try (FakeDns fake = new FakeDns(q -> q.reply(answer(q.message, RIGHT)));
          SocketTransport t = transport(5, 2, fake)) {
        Message query = query();
        byte[] reply = t.exchange(query.toWire());
        Message m = new Message(reply);
        assertEquals(query.getHeader().getID(), m.getHeader().getID());
        assertEquals(List.of(RIGHT), addresses(reply));
        assertEquals(1, fake.udpQueries());
      }
    });
  }

  @Test
  void theQuestionsNameIsComparedCaseInsensitively() {
    onFreshHub(hub -> {
      try (FakeDns fake = new FakeDns(q -> {
            Message r = new Message(q.message.getHeader().getID());
            r.getHeader().setFlag(Flags.QR);
            Name mixed = Name.fromString("WwW.ExAmPlE.CoM.");
            r.addRecord(Record.newRecord(mixed, Type.A, DClass.IN), Section.QUESTION);
            r.addRecord(new ARecord(mixed, DClass.IN, 60, InetAddress.getByName(RIGHT)), Section.ANSWER);
            q.reply(r.toWire());
          });
          SocketTransport t = transport(5, 1, fake)) {
        assertEquals(List.of(RIGHT), addresses(t.exchange(query().toWire())));
      }
    });
  }

  @Test
  void nxdomainIsAnAnswerAndTheNextServerIsNotAsked() {
    onFreshHub(hub -> {
      try (FakeDns first = new FakeDns(q -> q.reply(FakeDns.reply(q.message, Rcode.NXDOMAIN)));
          FakeDns second = new FakeDns(q -> q.reply(answer(q.message, RIGHT)));
          SocketTransport t = transport(5, 2, first, second)) {
        assertEquals(Rcode.NXDOMAIN, new Message(t.exchange(query().toWire())).getRcode());
        assertEquals(0, second.udpQueries());
      }
    });
  }

  // ---- truncation -----------------------------------------------------------------------------

  @Test
  void aTruncatedReplyIsAskedAgainOverTcp() {
    onFreshHub(hub -> {
      try (FakeDns fake = new FakeDns(TRUNCATING, q -> q.reply(answerOf(q.message, 100)));
          SocketTransport t = transport(5, 1, fake)) {
        byte[] reply = t.exchange(query().toWire());
        assertTrue(reply.length > 512, "the TCP reply is the long one: " + reply.length);
        Message m = new Message(reply);
        assertFalse(m.getHeader().getFlag(Flags.TC));
        assertEquals(100, m.getSection(Section.ANSWER).size());
        assertEquals(1, fake.udpQueries());
        assertEquals(1, fake.tcpQueries());
      }
    });
  }

  @Test
  void overTcpAMessageThatDoesNotMatchIsDroppedAndTheNextRead() {
    onFreshHub(hub -> {
      try (FakeDns fake = new FakeDns(TRUNCATING, q -> {
            Message wrongId = new Message(answer(q.message, DECOY));
            wrongId.getHeader().setID(q.message.getHeader().getID() ^ 1);
            q.reply(wrongId.toWire());
            q.reply(new byte[] {1, 2, 3}); // garbage, framed
            q.reply(new byte[0]);
            q.reply(answer(q.message, RIGHT));
          });
          SocketTransport t = transport(5, 1, fake)) {
        assertEquals(List.of(RIGHT), addresses(t.exchange(query().toWire())));
      }
    });
  }

  @Test
  void aTruncatedReplyWhoseTcpIsRefusedIsAConnectException() {
    onFreshHub(hub -> {
      try (FakeDns fake = new FakeDns(TRUNCATING); // nothing listens on its TCP port
          SocketTransport t = transport(5, 2, fake)) {
        ConnectException e = assertThrows(ConnectException.class, () -> t.exchange(query().toWire()));
        assertTrue(e.getMessage().contains(SocketTransport.format(fake.address())), e.getMessage());
        assertEquals(2, fake.udpQueries());
      }
    });
  }

  @Test
  void aTruncatedReplyWhoseTcpIsResetFailsThatTry() {
    onFreshHub(hub -> {
      try (FakeDns fake = new FakeDns(TRUNCATING, FakeDns.TcpQuery::reset);
          SocketTransport t = transport(5, 2, fake)) {
        IOException e = assertThrows(IOException.class, () -> t.exchange(query().toWire()));
        assertFalse(e instanceof SocketTimeoutException, e.toString());
        assertTrue(e.getMessage().contains(SocketTransport.format(fake.address())), e.getMessage());
        assertEquals(2, fake.tcpQueries());
        assertEquals(0, t.openSockets());
      }
    });
  }

  @Test
  void aTcpServerThatNeverAnswersTimesOut() {
    onFreshHub(hub -> {
      try (FakeDns fake = new FakeDns(TRUNCATING, q -> q.writeRaw(new byte[] {0x10})); // one byte of a length, then nothing
          SocketTransport t = transport(0.1, 1, fake)) {
        assertThrows(SocketTimeoutException.class, () -> t.exchange(query().toWire()));
      }
    });
  }

  // ---- what is dropped ------------------------------------------------------------------------

  /** Datagrams that are not the reply, each built for a query. */
  enum Junk {
    WRONG_ID(q -> {
      Message m = new Message(answer(q, DECOY));
      m.getHeader().setID(q.getHeader().getID() ^ 0x8000);
      return m.toWire();
    }),
    WRONG_NAME(q -> answer(withId(query("www.example.org.", Type.A), q), DECOY)),
    WRONG_TYPE(q -> answer(withId(query("www.example.com.", Type.AAAA), q), DECOY)),
    WRONG_CLASS(q -> answer(withId(Message.newQuery(Record.newRecord(q.getQuestion().getName(), Type.A, DClass.CH)), q), DECOY)),
    NO_QUESTION(q -> {
      Message m = new Message(answer(q, DECOY));
      m.removeAllRecords(Section.QUESTION);
      return m.toWire();
    }),
    TWO_QUESTIONS(q -> {
      Message m = new Message(answer(q, DECOY));
      m.addRecord(Record.newRecord(Name.fromString("other.example."), Type.A, DClass.IN), Section.QUESTION);
      return m.toWire();
    }),
    NOT_A_RESPONSE(q -> {
      Message m = new Message(answer(q, DECOY));
      m.getHeader().unsetFlag(Flags.QR);
      return m.toWire();
    }),
    GARBAGE(q -> {
      byte[] b = new byte[200];
      new Random(17).nextBytes(b);
      System.arraycopy(header(q.getHeader().getID(), RESPONSE, 1, 3, 0, 0), 0, b, 0, 12);
      return b;
    }),
    EMPTY(q -> new byte[0]),
    SHORT_HEADER(q -> Arrays.copyOf(header(q.getHeader().getID(), RESPONSE, 1, 0, 0, 0), 11)),
    HEADER_ONLY(q -> header(q.getHeader().getID(), RESPONSE, 1, 0, 0, 0)),
    COMPRESSION_LOOP(q -> concat(header(q.getHeader().getID(), RESPONSE, 1, 0, 0, 0),
        new byte[] {(byte) 0xC0, 12, 0, 1, 0, 1})),
    FORWARD_POINTER(q -> concat(header(q.getHeader().getID(), RESPONSE, 1, 0, 0, 0),
        new byte[] {(byte) 0xC0, 18, 0, 1, 0, 1, (byte) 0xC0, 12})),
    LOOP_IN_THE_ANSWER(q -> concat(header(q.getHeader().getID(), RESPONSE, 1, 1, 0, 0), questionWire(q),
        new byte[] {(byte) 0xC0, (byte) (12 + questionWire(q).length), 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, (byte) 192, 0, 2, 66})),
    BAD_LABEL_TYPE(q -> concat(header(q.getHeader().getID(), RESPONSE, 1, 0, 0, 0),
        new byte[] {0x40, 'a', 0, 0, 1, 0, 1})),
    LABEL_PAST_THE_END(q -> concat(header(q.getHeader().getID(), RESPONSE, 1, 0, 0, 0),
        new byte[] {63, 'a', 'b', 'c'})),
    NAME_TOO_LONG(q -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(header(q.getHeader().getID(), RESPONSE, 1, 0, 0, 0));
      for (int i = 0; i < 5; i++) {
        out.write(63);
        for (int j = 0; j < 63; j++) out.write('a');
      }
      out.writeBytes(new byte[] {0, 0, 1, 0, 1});
      return out.toByteArray();
    }),
    COUNTS_PAST_THE_END(q -> concat(header(q.getHeader().getID(), RESPONSE, 1, 65535, 65535, 65535), questionWire(q))),
    RDATA_PAST_THE_END(q -> concat(header(q.getHeader().getID(), RESPONSE, 1, 1, 0, 0), questionWire(q),
        new byte[] {(byte) 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, (byte) 0xFF, (byte) 0xFF, (byte) 192, 0, 2, 66})),
    OVERSIZED(q -> answerOf(q, 60)), // > 512 bytes, to a query without EDNS
    // a reply that parses whole, then zeros past 512: what the first 512 bytes say is good
    PADDED_PAST_512(q -> Arrays.copyOf(answer(q, DECOY), 600)),
    FROM_ANOTHER_PORT(q -> answer(q, DECOY));

    final Builder build;

    Junk(Builder build) {
      this.build = build;
    }

    @FunctionalInterface
    interface Builder {
      byte[] of(Message query) throws IOException;
    }

    void send(FakeDns.UdpQuery q) throws IOException {
      byte[] bytes = build.of(q.message);
      if ((this == OVERSIZED || this == PADDED_PAST_512) && bytes.length <= 512) throw new AssertionError("not oversized: " + bytes.length);
      if (this == FROM_ANOTHER_PORT) q.replyFromOtherPort(bytes);
      else q.reply(bytes);
    }
  }

  @ParameterizedTest
  @EnumSource(Junk.class)
  void junkIsDroppedAndTheReplyAfterItAccepted(Junk junk) {
    onFreshHub(hub -> {
      try (FakeDns fake = new FakeDns(q -> {
            junk.send(q);
            q.reply(answer(q.message, RIGHT));
          });
          SocketTransport t = transport(10, 1, fake)) {
        assertEquals(List.of(RIGHT), addresses(t.exchange(query().toWire())));
      }
    });
  }

  @ParameterizedTest
  @EnumSource(Junk.class)
  void junkAloneIsATimeout(Junk junk) {
    onFreshHub(hub -> {
      try (FakeDns fake = new FakeDns(junk::send);
          SocketTransport t = transport(0.05, 2, fake)) {
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> t.exchange(query().toWire()));
        assertTrue(e.getMessage().contains(SocketTransport.format(fake.address())), e.getMessage());
        assertTrue(e.getMessage().contains("0.05 s") && e.getMessage().contains("2 attempts"), e.getMessage());
        fake.awaitUdpQueries(2);
      }
    });
  }

  @Test
  void everyKindOfJunkBeforeTheReply() {
    onFreshHub(hub -> {
      try (FakeDns fake = new FakeDns(q -> {
            for (Junk junk : Junk.values()) junk.send(q); // one of each: room for all in the socket buffer
            q.reply(answer(q.message, RIGHT));
          });
          SocketTransport t = transport(10, 1, fake)) {
        assertEquals(List.of(RIGHT), addresses(t.exchange(query().toWire())));
      }
    });
  }

  @Test
  void aFloodOfJunkDoesNotKeepTheExchangePastItsDeadline() {
    onFreshHub(hub -> {
      try (FakeDns fake = new FakeDns(q -> {
            while (true) { // until the fake is closed: its send then fails
              Junk.WRONG_ID.send(q);
              Junk.GARBAGE.send(q);
            }
          });
          SocketTransport t = transport(0.1, 1, fake)) {
        assertThrows(SocketTimeoutException.class, () -> t.exchange(query().toWire()));
      }
    });
  }

  /**
   * A greenlet dropping junk that is already there never parks, so it must yield now and then.
   * Deterministically: the exchange sends its query and parks; a greenlet then spins (holding
   * the hub, so nothing is read) while the fake, which answers only once the spin has begun,
   * queues 64 junk datagrams and the reply on the exchange's socket and a wake-up on another
   * greenlet's; the two become ready at the same poll, and the other one must then get turns
   * before the exchange ends.
   */
  @Test
  void droppingJunkLetsTheHubsOtherGreenletsRun() {
    onFreshHub(hub -> {
      java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();
      java.util.concurrent.CountDownLatch spinning = new java.util.concurrent.CountDownLatch(1);
      try (io.gevent4j.socket.Socket wakeUp = io.gevent4j.socket.Socket.udp()) {
        wakeUp.bind(new InetSocketAddress("127.0.0.1", 0));
        InetSocketAddress wakeUpAddress = wakeUp.localAddress();
        try (FakeDns fake = new FakeDns(q -> {
              // the exchange has parked (the spinner runs only then): nothing is read from now
              if (!spinning.await(10, java.util.concurrent.TimeUnit.SECONDS)) throw new AssertionError("no spin");
              for (int i = 0; i < 64; i++) Junk.WRONG_ID.send(q);
              q.reply(answer(q.message, RIGHT));
              try (DatagramSocket s = new DatagramSocket()) {
                s.send(new java.net.DatagramPacket(new byte[1], 1, wakeUpAddress));
              }
              queued.set(true);
            });
            SocketTransport t = transport(10, 1, fake)) {
          byte[] query = query().toWire();
          Greenlet<byte[]> exchange = Gevent.spawn(() -> t.exchange(query)); // sends, then parks
          Greenlet<Integer> other = Gevent.spawn(() -> {
            wakeUp.recv(1);
            int turns = 0;
            while (!exchange.ready()) {
              turns++;
              Gevent.sleep(0);
            }
            return turns;
          });
          Gevent.spawn(() -> {
            spinning.countDown();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!queued.get()) {
              if (System.nanoTime() > deadline) throw new AssertionError("the fake did not queue its datagrams");
              Thread.onSpinWait();
            }
          }).join();
          assertEquals(List.of(RIGHT), addresses(exchange.get()));
          int turns = other.get();
          assertTrue(turns >= 2, "the other greenlet ran " + turns + " times while 64 datagrams were dropped");
        }
      }
    });
  }

  // ---- EDNS -----------------------------------------------------------------------------------

  static Message ednsQuery(int payload) throws IOException {
    Message q = query();
    q.addRecord(new OPTRecord(payload, 0, 0), Section.ADDITIONAL);
    return q;
  }

  @Test
  void withEdnsAReplyUpToTheAdvertisedSizeIsAcceptedOverUdp() {
    onFreshHub(hub -> {
      try (FakeDns fake = new FakeDns(q -> q.reply(answerOf(q.message, 60)), q -> {
            throw new AssertionError("no TCP wanted");
          });
          SocketTransport t = transport(5, 1, fake)) {
        byte[] reply = t.exchange(ednsQuery(1232).toWire());
        assertTrue(reply.length > 512 && reply.length <= 1232, "length " + reply.length);
        assertEquals(60, new Message(reply).getSection(Section.ANSWER).size());
      }
    });
  }

  @Test
  void withEdnsAReplyLongerThanAdvertisedIsDropped() {
    onFreshHub(hub -> {
      try (FakeDns fake = new FakeDns(q -> {
            byte[] tooLong = answerOf(q.message, 80);
            assertTrue(tooLong.length > 1232, "length " + tooLong.length);
            q.reply(tooLong);
            q.reply(Arrays.copyOf(answer(q.message, DECOY), 1233)); // parses, then zeros past 1232
            q.reply(answer(q.message, RIGHT));
          });
          SocketTransport t = transport(5, 1, fake)) {
        assertEquals(List.of(RIGHT), addresses(t.exchange(ednsQuery(1232).toWire())));
      }
    });
  }

  // ---- timeouts, order and failover --------------------------------------------------------------

  @Test
  void aSilentServerTimesOutAfterItsAttempts() {
    onFreshHub(hub -> {
      try (FakeDns fake = new FakeDns(q -> { });
          SocketTransport t = transport(0.1, 3, fake)) {
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> t.exchange(query().toWire()));
        assertTrue(e.getMessage().contains(SocketTransport.format(fake.address())), e.getMessage());
        assertTrue(e.getMessage().contains("0.1 s") && e.getMessage().contains("3 attempts"), e.getMessage());
        fake.awaitUdpQueries(3);
      }
    });
  }

  @Test
  void triesGoRoundTheServersAsTheSystemResolversDo() {
    onFreshHub(hub -> {
      Queue<String> log = new ConcurrentLinkedQueue<>();
      try (FakeDns a = new FakeDns("a", log, q -> { }, null);
          FakeDns b = new FakeDns("b", log, q -> { }, null);
          SocketTransport t = transport(0.2, 2, a, b)) { // each fake logs its query well within a try
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> t.exchange(query().toWire()));
        assertTrue(e.getMessage().contains(SocketTransport.format(a.address()))
            && e.getMessage().contains(SocketTransport.format(b.address())), e.getMessage());
        a.awaitUdpQueries(2);
        b.awaitUdpQueries(2);
        assertEquals(List.of("a", "b", "a", "b"), List.copyOf(log));
        assertEquals(0, t.openSockets());
      }
    });
  }

  @Test
  void aSilentFirstServerFailsOverToTheSecond() {
    onFreshHub(hub -> {
      try (FakeDns silent = new FakeDns(q -> { });
          FakeDns good = new FakeDns(q -> q.reply(answer(q.message, RIGHT)));
          SocketTransport t = transport(0.05, 2, silent, good)) {
        assertEquals(List.of(RIGHT), addresses(t.exchange(query().toWire())));
        silent.awaitUdpQueries(1);
        assertEquals(1, silent.udpQueries());
      }
    });
  }

  @Test
  void servfailFailsOverToTheNextServerAndIsNotAskedAgain() {
    onFreshHub(hub -> {
      try (FakeDns failing = new FakeDns(q -> q.reply(FakeDns.reply(q.message, Rcode.SERVFAIL)));
          FakeDns silent = new FakeDns(q -> { });
          FakeDns good = new FakeDns(q -> q.reply(answer(q.message, RIGHT)));
          SocketTransport t = transport(0.05, 2, failing, silent, good)) {
        assertEquals(List.of(RIGHT), addresses(t.exchange(query().toWire())));
        assertEquals(1, failing.udpQueries());
      }
    });
  }

  @Test
  void whenEveryServerFailsTheLastFailureIsReturned() {
    onFreshHub(hub -> {
      try (FakeDns servfail = new FakeDns(q -> q.reply(FakeDns.reply(q.message, Rcode.SERVFAIL)));
          FakeDns refused = new FakeDns(q -> q.reply(FakeDns.reply(q.message, Rcode.REFUSED)));
          SocketTransport t = transport(5, 2, servfail, refused)) {
        assertEquals(Rcode.REFUSED, new Message(t.exchange(query().toWire())).getRcode());
        assertEquals(1, servfail.udpQueries());
        assertEquals(1, refused.udpQueries());
      }
    });
  }

  @Test
  void aFailureReplyBeatsATimeout() {
    onFreshHub(hub -> {
      try (FakeDns servfail = new FakeDns(q -> q.reply(FakeDns.reply(q.message, Rcode.SERVFAIL)));
          FakeDns silent = new FakeDns(q -> { });
          SocketTransport t = transport(0.05, 2, servfail, silent)) {
        assertEquals(Rcode.SERVFAIL, new Message(t.exchange(query().toWire())).getRcode());
        silent.awaitUdpQueries(2);
      }
    });
  }

  @Test
  void serversThatCannotBeReachedAreAConnectExceptionNamingThem() throws Exception {
    InetSocketAddress nobody1 = FakeDns.unusedUdpPort();
    InetSocketAddress nobody2 = FakeDns.unusedUdpPort();
    onFreshHub(hub -> {
      try (SocketTransport t = transport(5, 2, List.of(nobody1, nobody2))) {
        ConnectException e = assertThrows(ConnectException.class, () -> t.exchange(query().toWire()));
        assertTrue(e.getMessage().contains(SocketTransport.format(nobody1))
            && e.getMessage().contains(SocketTransport.format(nobody2)), e.getMessage());
        assertEquals(0, t.openSockets());
      }
    });
  }

  @Test
  void anUnreachableServerFailsOverToTheNext() throws Exception {
    InetSocketAddress nobody = FakeDns.unusedUdpPort();
    onFreshHub(hub -> {
      try (FakeDns good = new FakeDns(q -> q.reply(answer(q.message, RIGHT)));
          SocketTransport t = transport(5, 2, List.of(nobody, good.address()))) {
        assertEquals(List.of(RIGHT), addresses(t.exchange(query().toWire())));
      }
    });
  }

  @Test
  void aQueryThatIsNotADnsMessageIsRefused() {
    onFreshHub(hub -> {
      try (SocketTransport t = transport(5, 1, List.of(FakeDns.unusedUdpPort()))) {
        assertThrows(IllegalArgumentException.class, () -> t.exchange(new byte[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> t.exchange(header(1, 0x0100, 0, 0, 0, 0)));
      }
    });
  }

  // ---- concurrency ----------------------------------------------------------------------------

  /** The fake's answer to h{i}.example.: 10.0.{i / 256}.{i % 256}. */
  static void answerByIndex(FakeDns.UdpQuery q) throws IOException {
    String label = q.message.getQuestion().getName().getLabelString(0);
    int i = Integer.parseInt(label.substring(1));
    q.reply(answer(q.message, "10.0." + (i >> 8) + "." + (i & 255)));
  }

  static void checkByIndex(int i, byte[] reply) throws IOException {
    assertEquals(List.of("10.0." + (i >> 8) + "." + (i & 255)), addresses(reply), "query " + i);
  }

  @Test
  void fiveHundredGreenletsExchangeAtOnce() {
    onFreshHub(hub -> {
      try (FakeDns fake = new FakeDns(SocketTransportTest::answerByIndex);
          SocketTransport t = transport(10, 2, fake)) {
        List<Greenlet<byte[]>> all = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          byte[] q = query("h" + i + ".example.", Type.A).toWire();
          all.add(Gevent.spawn(() -> t.exchange(q)));
        }
        for (int i = 0; i < 500; i++) checkByIndex(i, all.get(i).get());
        assertEquals(0, t.openSockets());
      }
    });
  }

  @Test
  void plainThreadsExchangeAtOnce() {
    onFreshHub(hub -> {
      try (FakeDns fake = new FakeDns(SocketTransportTest::answerByIndex);
          SocketTransport t = transport(10, 2, fake)) {
        checkByIndex(7, t.exchange(query("h7.example.", Type.A).toWire())); // this thread, outside any greenlet
        List<Thread> threads = new ArrayList<>();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        for (int n = 0; n < 8; n++) {
          int base = n * 25;
          threads.add(Thread.ofPlatform().name("exchanger-" + n).start(() -> {
            try {
              for (int i = base; i < base + 25; i++) checkByIndex(i, t.exchange(query("h" + i + ".example.", Type.A).toWire()));
            } catch (Throwable e) {
              failures.add(e);
            } finally {
              Hub.current().close();
            }
          }));
        }
        for (Thread th : threads) th.join();
        assertEquals(List.of(), List.copyOf(failures));
        assertEquals(0, t.openSockets());
      }
    });
  }

  @Test
  void overIpv6TooWithTcpAfterTruncation() throws Exception {
    InetAddress v6 = FakeDns.ipv6LoopbackOrAbort();
    onFreshHub(hub -> {
      try (FakeDns fake = new FakeDns(v6, "v6", new ConcurrentLinkedQueue<>(), q -> {
            if (q.message.getQuestion().getName().toString().startsWith("big.")) {
              q.reply(FakeDns.truncated(q.message));
            } else {
              q.reply(answer(q.message, RIGHT));
            }
          }, q -> q.reply(answerOf(q.message, 100)));
          SocketTransport t = transport(5, 1, fake)) {
        assertTrue(t.toString().contains(SocketTransport.format(fake.address())), t.toString());
        assertEquals(List.of(RIGHT), addresses(t.exchange(query().toWire())));
        assertEquals(100, addresses(t.exchange(query("big.example.com.", Type.A).toWire())).size());
        assertEquals(1, fake.tcpQueries());
      }
    });
  }

  @Test
  void aGreenletKilledWhileItWaitsLeavesNoSocketOpen() {
    onFreshHub(hub -> {
      java.util.concurrent.CompletableFuture<Void> queried = new java.util.concurrent.CompletableFuture<>();
      try (FakeDns silent = new FakeDns(q -> queried.complete(null));
          SocketTransport t = transport(30, 2, silent)) {
        byte[] query = query().toWire();
        Greenlet<byte[]> g = Gevent.spawn(() -> t.exchange(query));
        Gevent.await(queried); // cooperatively: the hub runs the greenlet meanwhile
        g.kill();
        assertTrue(g.dead());
        assertEquals(0, t.openSockets());
      }
    });
  }

  // ---- close ----------------------------------------------------------------------------------

  @Test
  void closeFailsTheWaitingExchangesAndLaterOnes() {
    onFreshHub(hub -> {
      try (FakeDns silent = new FakeDns(q -> { })) {
        SocketTransport t = transport(30, 2, silent);
        List<Greenlet<Throwable>> waiting = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          waiting.add(Gevent.spawn(() -> {
            try {
              t.exchange(query().toWire());
              return null;
            } catch (Throwable e) {
              return e;
            }
          }));
        }
        Thread closer = Thread.ofPlatform().name("closer").start(() -> {
          try {
            silent.awaitUdpQueries(10);
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
          t.close();
        });
        for (Greenlet<Throwable> g : waiting) {
          Throwable e = g.get();
          assertInstanceOf(IOException.class, e);
          assertFalse(e instanceof SocketTimeoutException, e.toString());
          assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
        closer.join();
        assertEquals(0, t.openSockets());
        t.close(); // idempotent
        IOException after = assertThrows(IOException.class, () -> t.exchange(query().toWire()));
        assertTrue(after.getMessage().contains("closed"), after.getMessage());
      }
    });
  }

  @Test
  void closeWakesAPlainThreadWaiting() {
    onFreshHub(hub -> {
      try (FakeDns silent = new FakeDns(q -> { })) {
        SocketTransport t = transport(30, 1, silent);
        Thread closer = Thread.ofPlatform().name("closer").start(() -> {
          try {
            silent.awaitUdpQueries(1);
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
          t.close();
        });
        IOException e = assertThrows(IOException.class, () -> t.exchange(query().toWire()));
        assertFalse(e instanceof SocketTimeoutException, e.toString());
        closer.join();
      }
    });
  }

  // ---- the query is sent as given ----------------------------------------------------------------

  @Test
  void theQueryGoesOutAsGiven() {
    onFreshHub(hub -> {
      Queue<byte[]> seen = new ConcurrentLinkedQueue<>();
      try (FakeDns fake = new FakeDns(q -> {
            seen.add(q.raw);
            q.reply(answer(q.message, RIGHT));
          });
          SocketTransport t = transport(5, 1, fake)) {
        byte[] query = ednsQuery(1232).toWire();
        t.exchange(query);
        assertArrayEquals(query, seen.peek());
      }
    });
  }

}
