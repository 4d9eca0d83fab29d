package io.gevent4j.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
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
 * A nameserver for tests: a UDP socket and a TCP listener on the same loopback port, each served
 * by a platform thread of its own, answering every query with what {@link #answer} makes of it
 * (no reply, one or several). {@link #close()} stops both and joins the threads.
 */
final class FakeDnsServer implements AutoCloseable {
  /** How a query is answered: its replies (none to stay silent), given the query and whether it came over TCP. */
  @FunctionalInterface
  interface Answer extends BiFunction<Message, Boolean, List<Message>> {}

  /** The address every answer gives for an A query: 192.0.2.1 (TEST-NET-1). */
  static final InetAddress ADDRESS = address(192, 0, 2, 1);

  final Answer answer;
  final AtomicInteger udpQueries = new AtomicInteger();
  final AtomicInteger tcpQueries = new AtomicInteger();
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final List<Thread> threads = new ArrayList<>();
  private final List<Socket> connections = new ArrayList<>();
  private boolean closed; // under connections' lock

  FakeDnsServer(Answer answer) throws IOException {
    this(InetAddress.getLoopbackAddress(), answer);
  }

  FakeDnsServer(InetAddress host, Answer answer) throws IOException {
    this.answer = answer;
    DatagramSocket u = null;
    ServerSocket t = null;
    for (int attempt = 0; t == null; attempt++) {
      u = new DatagramSocket(new InetSocketAddress(host, 0));
      try {
        t = new ServerSocket();
        t.bind(new InetSocketAddress(host, u.getLocalPort()), 16);
      } catch (BindException taken) { // the port is free for UDP, not for TCP: another one
        t.close();
        t = null;
        u.close();
        if (attempt == 20) throw taken;
      }
    }
    udp = u;
    tcp = t;
    threads.add(Thread.ofPlatform().name("fake-dns-udp").start(this::serveUdp));
    threads.add(Thread.ofPlatform().name("fake-dns-tcp").start(this::serveTcp));
  }

  /** The server's address, for a DnsConfig. */
  InetSocketAddress address() {
    return (InetSocketAddress) udp.getLocalSocketAddress();
  }

  /** A configuration asking only this server. */
  DnsConfig config(double timeout, int attempts) {
    return new DnsConfig(List.of(address()), timeout, attempts, List.of(), 1, java.nio.file.Path.of("/etc/hosts"));
  }

  private void serveUdp() {
    byte[] buf = new byte[65535];
    try {
      while (true) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.receive(p);
        udpQueries.incrementAndGet();
        List<Message> replies;
        try {
          replies = answer.apply(new Message(java.util.Arrays.copyOf(p.getData(), p.getLength())), false);
        } catch (IOException | RuntimeException notAQuery) {
          continue; // garbage: no reply
        }
        for (Message reply : replies) {
          byte[] wire = reply.toWire();
          udp.send(new DatagramPacket(wire, wire.length, p.getSocketAddress()));
        }
      }
    } catch (IOException closed) {
      // close() ends it
    }
  }

  private void serveTcp() {
    try {
      while (true) {
        Socket s = tcp.accept();
        synchronized (connections) {
          if (closed) s.close();
          connections.add(s);
        }
        try (s) {
          DataInputStream in = new DataInputStream(s.getInputStream());
          DataOutputStream out = new DataOutputStream(s.getOutputStream());
          while (true) {
            int length = in.readUnsignedShort();
            byte[] wire = new byte[length];
            in.readFully(wire);
            tcpQueries.incrementAndGet();
            for (Message reply : answer.apply(new Message(wire), true)) {
              byte[] r = reply.toWire();
              out.writeShort(r.length);
              out.write(r);
              out.flush();
            }
          }
        } catch (IOException endOfConnection) {
          // the client closed it: accept the next one
        }
      }
    } catch (IOException closed) {
      // close() ends it
    }
  }

  @Override
  public void close() throws InterruptedException, IOException {
    udp.close();
    tcp.close();
    synchronized (connections) {
      closed = true;
      for (Socket s : connections) s.close();
    }
    for (Thread t : threads) t.join();
  }

  // ---- messages ------------------------------------------------------------------------------

  /**
   * A query for {@code name}'s A records with {@code id}. Not {@code Message.newQuery}: its random
   * ID comes from a SecureRandom behind a monitor, and a hub's owner blocked on a monitor that a
   * greenlet of another hub holds (unmounted, waiting for that hub's turn) deadlocks both.
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

  /** The reply to {@code query}: its question, an A record with {@link #ADDRESS}. */
  static Message reply(Message query) {
    Message r = new Message(query.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.RA);
    Record question = query.getQuestion();
    r.addRecord(question, Section.QUESTION);
    r.addRecord(new ARecord(question.getName(), DClass.IN, 60, ADDRESS), Section.ANSWER);
    return r;
  }

  /** {@link #reply} marked truncated, without its answer. */
  static Message truncated(Message query) {
    Message r = new Message(query.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.TC);
    r.addRecord(query.getQuestion(), Section.QUESTION);
    return r;
  }

  /** A reply with the RCODE and no answer. */
  static Message failure(Message query, int rcode) {
    Message r = new Message(query.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setRcode(rcode);
    r.addRecord(query.getQuestion(), Section.QUESTION);
    return r;
  }

  /** {@link #reply} with another ID. */
  static Message wrongId(Message query) {
    Message r = reply(query);
    r.getHeader().setID((query.getHeader().getID() + 1) & 0xffff);
    return r;
  }

  /** {@link #reply} to another question (same ID). */
  static Message wrongQuestion(Message query) {
    try {
      Message other = query("other-" + query.getQuestion().getName(), query.getHeader().getID());
      return reply(other);
    } catch (RuntimeException e) {
      throw new IllegalStateException(e);
    }
  }

  static final int SERVFAIL = Rcode.SERVFAIL;

  private static InetAddress address(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
