package io.gevent4j.dns;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A DNS server for tests on 127.0.0.1 (or ::1): a UDP socket and, on the same port, a TCP listener,
 * each served by a platform thread that answers as a script says ({@link UdpScript} and
 * {@link TcpScript}: raw bytes, replies from another port, resets), or as an {@link Answer} says
 * (the same replies over both: see {@link #answering}). Queries are counted and logged; the first
 * thing that goes wrong (a script throws, a query does not parse) is kept and thrown by
 * {@link #close()}.
 * Below the server: builders of the queries and replies the tests send and script.
 */
final class FakeDns implements AutoCloseable {
  /** The address {@link #answer(Message)} gives: 192.0.2.1 (TEST-NET-1). */
  static final InetAddress ADDRESS = address("192.0.2.1");

  /**
   * How a query is answered, over UDP and TCP alike: its replies (none to stay silent), each sent
   * as a datagram or a framed TCP message, given the query and whether it came over TCP.
   */
  @FunctionalInterface
  interface Answer {
    List<Message> on(Message query, boolean overTcp) throws Exception;
  }

  /** Answers every query with {@link #answer(Message)}: an A record with {@link #ADDRESS}. */
  static final Answer ANSWER = (q, tcp) -> List.of(answer(q));

  /** Answers nothing: the client times out. */
  static final Answer SILENT = (q, tcp) -> List.of();

  /** What the server does with a UDP query. */
  @FunctionalInterface
  interface UdpScript {
    void on(UdpQuery q) throws Exception;
  }

  /** What the server does with a query on a TCP connection. */
  @FunctionalInterface
  interface TcpScript {
    void on(TcpQuery q) throws Exception;
  }

  /** A UDP query, and the ways to answer it. */
  final class UdpQuery {
    final Message message;
    final byte[] raw;
    private final InetSocketAddress from;

    UdpQuery(Message message, byte[] raw, InetSocketAddress from) {
      this.message = message;
      this.raw = raw;
      this.from = from;
    }

    /** Sends {@code bytes} back from the server's port. */
    void reply(byte[] bytes) throws IOException {
      udp.send(new DatagramPacket(bytes, bytes.length, from));
    }

    /** Sends {@code message} back from the server's port. */
    void reply(Message message) throws IOException {
      reply(message.toWire());
    }

    /** Sends {@code bytes} back from another port of the same address. */
    void replyFromOtherPort(byte[] bytes) throws IOException {
      stray.send(new DatagramPacket(bytes, bytes.length, from));
    }
  }

  /** A query read from a TCP connection, and the ways to answer it. */
  static final class TcpQuery {
    final Message message;
    private final java.net.Socket connection;

    TcpQuery(Message message, java.net.Socket connection) {
      this.message = message;
      this.connection = connection;
    }

    /** Writes {@code message} with its 2-byte length. */
    void reply(byte[] message) throws IOException {
      OutputStream out = connection.getOutputStream();
      out.write(new byte[] {(byte) (message.length >>> 8), (byte) message.length});
      out.write(message);
      out.flush();
    }

    /** Writes {@code message} with its 2-byte length. */
    void reply(Message message) throws IOException {
      reply(message.toWire());
    }

    /** Writes {@code bytes} as they are. */
    void writeRaw(byte[] bytes) throws IOException {
      connection.getOutputStream().write(bytes);
      connection.getOutputStream().flush();
    }

    /** Resets the connection (an RST: SO_LINGER 0, then close). */
    void reset() throws IOException {
      connection.setSoLinger(true, 0);
      connection.close();
    }
  }

  final String name;
  private final DatagramSocket udp;
  private final DatagramSocket stray;
  private final ServerSocket tcp;
  private final UdpScript udpScript;
  private final TcpScript tcpScript;
  private final Queue<String> log;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final List<Thread> threads = new ArrayList<>();
  // under this object's lock
  private java.net.Socket connection;
  private boolean stopped;
  private int udpQueries;
  private int tcpQueries;

  /**
   * A server named {@code name} (in {@code log}, which may be shared by several servers) that
   * answers UDP queries with {@code udpScript} and, when {@code tcpScript} is not null, TCP
   * queries with it (else nothing listens on TCP).
   */
  FakeDns(String name, Queue<String> log, UdpScript udpScript, TcpScript tcpScript) throws IOException {
    this(InetAddress.getByName("127.0.0.1"), name, log, udpScript, tcpScript);
  }

  /** As the other, on {@code loopback} (::1 for IPv6). */
  FakeDns(InetAddress loopback, String name, Queue<String> log, UdpScript udpScript, TcpScript tcpScript) throws IOException {
    this.name = name;
    this.log = log;
    this.udpScript = udpScript;
    this.tcpScript = tcpScript;
    DatagramSocket u = null;
    ServerSocket t = null;
    // Both on one port: the TCP port of a free UDP one may be taken; a few tries.
    for (int i = 0; ; i++) {
      u = new DatagramSocket(new InetSocketAddress(loopback, 0));
      if (tcpScript == null) break;
      try {
        t = new ServerSocket();
        t.bind(new InetSocketAddress(loopback, u.getLocalPort()), 50);
        break;
      } catch (BindException e) {
        t.close();
        u.close();
        if (i == 20) throw e;
      }
    }
    udp = u;
    tcp = t;
    udp.setReceiveBufferSize(1 << 20); // 500 queries at once must not overflow it
    stray = new DatagramSocket(new InetSocketAddress(loopback, 0));
    threads.add(Thread.ofPlatform().name("fake-dns-udp-" + name).start(this::serveUdp));
    if (tcp != null) threads.add(Thread.ofPlatform().name("fake-dns-tcp-" + name).start(this::serveTcp));
  }

  FakeDns(UdpScript udpScript) throws IOException {
    this("dns", new ConcurrentLinkedQueue<>(), udpScript, null);
  }

  FakeDns(UdpScript udpScript, TcpScript tcpScript) throws IOException {
    this("dns", new ConcurrentLinkedQueue<>(), udpScript, tcpScript);
  }

  /** A server on 127.0.0.1 that answers every query, over UDP and TCP, with what {@code answer} makes of it. */
  static FakeDns answering(Answer answer) throws IOException {
    return answering(InetAddress.getByName("127.0.0.1"), answer);
  }

  /** As the other, on {@code loopback} (::1 for IPv6). */
  static FakeDns answering(InetAddress loopback, Answer answer) throws IOException {
    return new FakeDns(loopback, "dns", new ConcurrentLinkedQueue<>(), q -> {
      for (Message r : answer.on(q.message, false)) q.reply(r);
    }, q -> {
      for (Message r : answer.on(q.message, true)) q.reply(r);
    });
  }

  /** The address and port to ask. */
  InetSocketAddress address() {
    return (InetSocketAddress) udp.getLocalSocketAddress();
  }

  /** A configuration asking only this server, with {@code timeout} seconds a try and {@code attempts} rounds. */
  DnsConfig config(double timeout, int attempts) {
    return config(timeout, attempts, List.of(address()));
  }

  /** A configuration asking {@code servers} in turn; no search list, ndots 1, /etc/hosts. */
  static DnsConfig config(double timeout, int attempts, List<InetSocketAddress> servers) {
    return new DnsConfig(servers, timeout, attempts, List.of(), 1, Path.of("/etc/hosts"));
  }

  synchronized int udpQueries() {
    return udpQueries;
  }

  synchronized int tcpQueries() {
    return tcpQueries;
  }

  /** Waits until {@code n} UDP queries have come (bounded: the test fails rather than hangs). */
  synchronized void awaitUdpQueries(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (udpQueries < n) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError(name + ": " + udpQueries + " UDP queries came, not " + n);
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  private void serveUdp() {
    byte[] buf = new byte[65536];
    while (true) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        udp.receive(p);
      } catch (IOException closed) {
        return;
      }
      byte[] raw = java.util.Arrays.copyOf(p.getData(), p.getLength());
      try {
        Message m = new Message(raw);
        log.add(name);
        synchronized (this) {
          udpQueries++;
          notifyAll();
        }
        udpScript.on(new UdpQuery(m, raw, (InetSocketAddress) p.getSocketAddress()));
      } catch (SocketException closing) {
        if (udp.isClosed()) return;
        failure.compareAndSet(null, closing);
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
      }
    }
  }

  private void serveTcp() {
    while (true) {
      java.net.Socket c;
      try {
        c = tcp.accept();
      } catch (IOException closed) {
        return;
      }
      synchronized (this) {
        if (stopped) { // accepted as close() began: it did not see this one
          try {
            c.close();
          } catch (IOException ignored) {
            // closing anyway
          }
          return;
        }
        connection = c;
      }
      try (c) {
        DataInputStream in = new DataInputStream(c.getInputStream());
        while (!c.isClosed()) {
          byte[] query;
          try {
            query = new byte[in.readUnsignedShort()];
            in.readFully(query);
          } catch (EOFException | SocketException end) {
            break; // the client is done
          }
          synchronized (this) {
            tcpQueries++;
          }
          tcpScript.on(new TcpQuery(new Message(query), c));
        }
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
      }
    }
  }

  /** Stops both threads; throws what went wrong first while serving (a script's exception, a query that did not parse), if anything. */
  @Override
  public void close() throws Exception {
    udp.close();
    stray.close();
    if (tcp != null) tcp.close();
    java.net.Socket c;
    synchronized (this) {
      stopped = true;
      c = connection;
    }
    if (c != null) c.close();
    for (Thread t : threads) {
      if (!t.join(java.time.Duration.ofSeconds(10))) throw new AssertionError(t + " did not end");
    }
    Throwable e = failure.get();
    if (e instanceof Exception ex) throw ex;
    if (e instanceof Error err) throw err;
  }

  // ---- queries and replies -------------------------------------------------------------------

  /**
   * A query for {@code name}'s A records (relative names from the root) with {@code id}. Not
   * {@code Message.newQuery}: its random ID comes from a SecureRandom behind a monitor, and a
   * hub's owner blocked on a monitor that a greenlet of another hub holds (unmounted, waiting for
   * that hub's turn) deadlocks both.
   */
  static Message query(String name, int id) {
    try {
      Message m = new Message(id);
      m.getHeader().setFlag(Flags.RD);
      m.addRecord(Record.newRecord(Name.fromString(name, Name.root), Type.A, DClass.IN), Section.QUESTION);
      return m;
    } catch (IOException e) {
      throw new IllegalArgumentException(name, e);
    }
  }

  /** A response to {@code query}: its ID and question, QR, RD and RA, {@code rcode}, and {@code answers}. */
  static Message reply(Message query, int rcode, Record... answers) {
    Message r = new Message(query.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.RD);
    r.getHeader().setFlag(Flags.RA);
    r.getHeader().setRcode(rcode);
    r.addRecord(query.getQuestion(), Section.QUESTION);
    for (Record a : answers) r.addRecord(a, Section.ANSWER);
    return r;
  }

  /** A NOERROR response with one A record (TTL 60) per address. */
  static Message answer(Message query, InetAddress... addresses) {
    Record[] records = new Record[addresses.length];
    for (int i = 0; i < addresses.length; i++) records[i] = new ARecord(query.getQuestion().getName(), DClass.IN, 60, addresses[i]);
    return reply(query, Rcode.NOERROR, records);
  }

  /** The answer with {@link #ADDRESS}. */
  static Message answer(Message query) {
    return answer(query, ADDRESS);
  }

  /** A NOERROR response marked truncated (TC), without records: ask again over TCP. */
  static Message truncated(Message query) {
    Message r = reply(query, Rcode.NOERROR);
    r.getHeader().setFlag(Flags.TC);
    return r;
  }

  // ---- addresses -----------------------------------------------------------------------------

  /** A literal address (no lookup). */
  static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  /** ::1 if this machine has an IPv6 loopback; else the test is aborted (skipped). */
  static InetAddress ipv6LoopbackOrAbort() {
    InetAddress v6 = address("::1");
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(v6, 0))) {
      if (!(probe.getLocalAddress() instanceof java.net.Inet6Address)) {
        throw new AssertionError("bound to ::1 but not IPv6: " + probe.getLocalAddress());
      }
    } catch (IOException noIpv6) {
      Assumptions.abort("no IPv6 loopback here: " + noIpv6);
    }
    return v6;
  }

  /** A UDP port on 127.0.0.1 no one listens on (so ICMP port unreachable): one just freed. */
  static InetSocketAddress unusedUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      return (InetSocketAddress) s.getLocalSocketAddress();
    }
  }
}
