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
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.xbill.DNS.Message;

/**
 * A DNS server for tests on 127.0.0.1 (or ::1): a UDP socket and, on the same port, a TCP listener,
 * each served by a platform thread that answers as a script says. Queries are counted and
 * logged; a script's failure is kept and thrown by {@link #close()}.
 */
final class FakeDns implements AutoCloseable {
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
  private volatile java.net.Socket connection;
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

  /** The address and port to ask. */
  InetSocketAddress address() {
    return (InetSocketAddress) udp.getLocalSocketAddress();
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
      connection = c;
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

  /** Stops both threads; throws what a script threw, if anything. */
  @Override
  public void close() throws Exception {
    udp.close();
    stray.close();
    if (tcp != null) tcp.close();
    java.net.Socket c = connection;
    if (c != null) c.close();
    for (Thread t : threads) {
      if (!t.join(java.time.Duration.ofSeconds(10))) throw new AssertionError(t + " did not end");
    }
    Throwable e = failure.get();
    if (e instanceof Exception ex) throw ex;
    if (e instanceof Error err) throw err;
  }
}
