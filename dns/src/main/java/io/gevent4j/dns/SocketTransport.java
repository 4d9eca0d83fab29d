package io.gevent4j.dns;

import io.gevent4j.hub.Hub;
import io.gevent4j.socket.Socket;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The {@code dnsjava} resolver's transport (gevent's {@code resolver.dnspython} with its
 * {@code dns.query.udp}/{@code tcp}): gevent4j's own cooperative UDP sockets, and TCP when a
 * reply comes back truncated. Blocks cooperatively; any greenlet or thread may call
 * {@link #exchange} at any time, concurrently.
 *
 * <ul>
 *   <li><b>Order.</b> As the system resolver: try 1 on each server in turn, then try 2 on
 *       each, and so on, {@code attempts} rounds of {@code timeout} seconds per try. A server
 *       that answered SERVFAIL, REFUSED, NOTIMP or FORMERR is not asked again in that exchange;
 *       the next one is (FORMERR too, unlike the system resolver: a server that chokes on the
 *       query's EDNS should not hide another that does not); the last such reply is returned
 *       when no server gives a better one. Every other RCODE (NOERROR, NXDOMAIN, ...) is the
 *       answer.
 *   <li><b>Sockets.</b> One UDP socket per server an exchange asks, opened when first needed,
 *       connected to that server (so an ICMP port unreachable comes back as
 *       {@link ConnectException} and the kernel drops datagrams from anyone else), kept for that
 *       server's later tries (a late reply to try 1 still counts during try 2), closed when the
 *       exchange ends. No pool: each exchange gets fresh source ports, chosen at random by the
 *       kernel, which, with the caller's random ID, is the defence against spoofed replies.
 *   <li><b>Matching.</b> A datagram is the reply when it is a response (QR) with the query's ID
 *       and the same question (the name compared case-insensitively, the type and the class),
 *       no longer than the query allows, and dnsjava parses it. Anything else is dropped,
 *       whatever is wrong with it, and the wait goes on until the try's deadline (letting the
 *       hub's other greenlets run now and then, should junk keep coming).
 *   <li><b>Size and EDNS.</b> The query goes out as given: whether it carries an OPT record is
 *       the resolver's choice. A UDP reply may be as long as the query's OPT advertises (at
 *       least 512 bytes), or 512 bytes without one; TCP replies are bounded by their 2-byte
 *       length (65535).
 *   <li><b>Truncation.</b> A matching reply with TC is asked again over TCP from the same
 *       server, within a fresh {@code timeout} for connect, send and reply; a TCP message that
 *       does not match is dropped and the next one read. TCP failing (refused, reset, closed early,
 *       timed out) is that try failing.
 * </ul>
 */
final class SocketTransport implements Transport {
  /** The longest UDP reply to a query without EDNS (RFC 1035 4.2.1). */
  static final int PLAIN_UDP_LIMIT = 512;
  /**
   * Every this many messages dropped, the exchange lets the hub's other greenlets run: a recv
   * that finds data does not park, so junk that keeps coming would otherwise hold the hub
   * until the try's deadline.
   */
  private static final int YIELD_EVERY = 16;

  private final List<InetSocketAddress> servers;
  private final double timeout;
  private final long timeoutNanos;
  private final int attempts;
  /** Every socket an exchange has open now, so that {@link #close()} can wake its waiter. */
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** A transport to {@code config}'s nameservers, with its timeout and attempts. */
  SocketTransport(DnsConfig config) {
    this.servers = config.nameservers();
    this.timeout = config.timeout();
    this.timeoutNanos = Math.max(1, (long) (config.timeout() * 1e9));
    this.attempts = config.attempts();
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when {@code query} is not a DNS message with one question
   * @throws SocketTimeoutException when some try got no reply in time and no server answered
   * @throws ConnectException when every try was refused (ICMP port unreachable, TCP RST)
   * @throws IOException when no server could be reached for another reason, or when this
   *     transport is or gets closed
   */
  @Override
  public byte[] exchange(byte[] query) throws IOException {
    Query q = Query.of(query);
    checkNotClosed(null);
    int n = servers.size();
    Socket[] udp = new Socket[n];
    boolean[] answered = new boolean[n]; // with a server failure: not asked again
    int left = n;
    byte[] failure = null;
    boolean timedOut = false;
    IOException error = null;
    try {
      for (int attempt = 0; attempt < attempts && left > 0; attempt++) {
        for (int s = 0; s < n; s++) {
          if (answered[s]) continue;
          checkNotClosed(null);
          Reply reply;
          try {
            reply = ask(q, s, udp);
          } catch (SocketTimeoutException e) {
            timedOut = true;
            continue;
          } catch (IOException e) {
            checkNotClosed(e); // a close wakes waiters with ClosedChannelException
            closeQuietly(udp[s]); // a fresh socket next time: no error left pending on it
            udp[s] = null;
            error = e;
            continue;
          }
          if (!isServerFailure(reply.rcode())) return reply.wire();
          failure = reply.wire();
          answered[s] = true;
          left--;
        }
      }
    } finally {
      for (Socket s : udp) closeQuietly(s);
    }
    if (failure != null) return failure;
    throw failed(timedOut, error);
  }

  /** SERVFAIL, REFUSED, NOTIMP, FORMERR: the server could not answer; another may. */
  static boolean isServerFailure(int rcode) {
    return rcode == Rcode.SERVFAIL || rcode == Rcode.REFUSED || rcode == Rcode.NOTIMP || rcode == Rcode.FORMERR;
  }

  /** One try on server {@code s}: over UDP, then over TCP when truncated. */
  private Reply ask(Query q, int s, Socket[] udp) throws IOException {
    InetSocketAddress server = servers.get(s);
    long deadline = System.nanoTime() + timeoutNanos;
    Socket socket = udp[s];
    if (socket == null) {
      socket = register(server.getAddress() instanceof Inet6Address ? Socket::udp6 : Socket::udp);
      udp[s] = socket;
      socket.connect(server); // a UDP connect only sets the peer: it does not wait
    }
    setTimeoutUntil(socket, deadline);
    socket.send(q.wire(), 0, q.wire().length); // a datagram goes whole or not at all
    byte[] buf = new byte[q.udpLimit() + 1]; // one more: a reply longer than allowed shows
    for (int dropped = 0; ; dropped++) {
      if (dropped > 0 && dropped % YIELD_EVERY == 0) Hub.sleep(0);
      setTimeoutUntil(socket, deadline);
      int len = socket.recv(buf, 0, buf.length); // -1: an empty datagram
      if (len < 0 || len > q.udpLimit()) continue;
      byte[] wire = Arrays.copyOf(buf, len);
      Message reply = q.match(wire);
      if (reply == null) continue;
      if (reply.getHeader().getFlag(Flags.TC)) return askOverTcp(q, server);
      return new Reply(wire, reply.getRcode());
    }
  }

  /** The query again over TCP (RFC 7766), within a fresh timeout. */
  private Reply askOverTcp(Query q, InetSocketAddress server) throws IOException {
    long deadline = System.nanoTime() + timeoutNanos;
    Socket socket = register(server.getAddress() instanceof Inet6Address ? Socket::tcp6 : Socket::tcp);
    try {
      setTimeoutUntil(socket, deadline);
      socket.connect(server);
      byte[] framed = new byte[2 + q.wire().length];
      framed[0] = (byte) (q.wire().length >>> 8);
      framed[1] = (byte) q.wire().length;
      System.arraycopy(q.wire(), 0, framed, 2, q.wire().length);
      setTimeoutUntil(socket, deadline);
      socket.sendAll(framed);
      byte[] prefix = new byte[2];
      for (int dropped = 0; ; dropped++) {
        if (dropped > 0 && dropped % YIELD_EVERY == 0) Hub.sleep(0);
        readFully(socket, prefix, deadline, server);
        byte[] wire = new byte[(prefix[0] & 0xff) << 8 | prefix[1] & 0xff];
        readFully(socket, wire, deadline, server);
        Message reply = q.match(wire);
        if (reply != null) return new Reply(wire, reply.getRcode());
      }
    } finally {
      release(socket);
    }
  }

  private static void readFully(Socket socket, byte[] buf, long deadline, InetSocketAddress server) throws IOException {
    for (int off = 0; off < buf.length; ) {
      setTimeoutUntil(socket, deadline);
      int n = socket.recv(buf, off, buf.length - off);
      if (n < 0) throw new EOFException(format(server) + " closed the TCP connection before its whole reply");
      off += n;
    }
  }

  /** Sets the socket's timeout to what is left until {@code deadline}; throws when nothing is. */
  private static void setTimeoutUntil(Socket socket, long deadline) throws SocketTimeoutException {
    long left = deadline - System.nanoTime();
    if (left <= 0) throw new SocketTimeoutException("timed out");
    socket.setTimeout(left / 1e9);
  }

  // ---- sockets and closing ----------------------------------------------------------------------

  /** Opens a socket that {@link #close()} will close; refused once closed. */
  private Socket register(Supplier<Socket> opener) throws IOException {
    Socket socket;
    try {
      socket = opener.get();
    } catch (UncheckedIOException e) {
      throw e.getCause(); // EMFILE, EAFNOSUPPORT (an IPv6 server without IPv6): this try fails
    }
    open.add(socket);
    if (closed.get()) { // close() may have run before the add: it did not see this socket
      release(socket);
      checkNotClosed(null);
    }
    return socket;
  }

  private void release(Socket socket) {
    socket.close();
    open.remove(socket);
  }

  private void closeQuietly(Socket socket) {
    if (socket != null) release(socket);
  }

  private void checkNotClosed(IOException cause) throws IOException {
    if (closed.get()) throw new IOException("this DNS transport to " + names() + " is closed", cause);
  }

  /** How many sockets exchanges have open now (for tests: none once they have all ended). */
  int openSockets() {
    return open.size();
  }

  /** Closes every socket an exchange has open: its waiter wakes with an IOException. Idempotent, any thread. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    for (Socket s : open) s.close(); // the exchange removes it from the set as it unwinds
  }

  // ---- failures -------------------------------------------------------------------------------

  private IOException failed(boolean timedOut, IOException error) {
    String tries = "(timeout " + seconds(timeout) + " s, " + attempts + (attempts == 1 ? " attempt" : " attempts") + " each)";
    if (timedOut) {
      SocketTimeoutException e = new SocketTimeoutException("no reply from the nameservers " + names() + " " + tries);
      if (error != null) e.addSuppressed(error);
      return e;
    }
    if (error instanceof ConnectException) {
      ConnectException e = new ConnectException("the nameservers " + names() + " refused every query " + tries
          + ": " + error.getMessage());
      e.initCause(error);
      return e;
    }
    return new IOException("cannot reach the nameservers " + names() + " " + tries + ": " + error, error);
  }

  private String names() {
    return servers.stream().map(SocketTransport::format).collect(Collectors.joining(", "));
  }

  static String format(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  private static String seconds(double s) {
    return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
  }

  @Override
  public String toString() {
    return "SocketTransport(" + names() + (closed.get() ? ", closed" : "") + ")";
  }

  // ---- messages -------------------------------------------------------------------------------

  /** A reply and its RCODE (extended when it has an OPT). */
  private record Reply(byte[] wire, int rcode) {}

  /** A query as sent, with what a reply must match. */
  record Query(byte[] wire, int id, Record question, int udpLimit) {
    /**
     * Parses {@code wire} with dnsjava.
     *
     * @throws IllegalArgumentException when it is not a DNS message with one question
     */
    static Query of(byte[] wire) {
      if (wire.length < Header.LENGTH || wire.length > 65535) {
        throw new IllegalArgumentException("a DNS query is 12 to 65535 bytes, not " + wire.length);
      }
      Message m;
      try {
        m = new Message(wire);
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("not a DNS message: " + e.getMessage(), e);
      }
      if (m.getHeader().getCount(Section.QUESTION) != 1) {
        throw new IllegalArgumentException("a DNS query has one question, not " + m.getHeader().getCount(Section.QUESTION));
      }
      OPTRecord opt = m.getOPT();
      int limit = opt == null ? PLAIN_UDP_LIMIT : Math.max(PLAIN_UDP_LIMIT, opt.getPayloadSize());
      return new Query(wire.clone(), m.getHeader().getID(), m.getQuestion(), limit);
    }

    /**
     * {@code wire} parsed when it is this query's reply: a response with its ID and question;
     * else null, whatever is wrong with it (dnsjava's exceptions included).
     */
    Message match(byte[] wire) {
      if (wire.length < Header.LENGTH) return null;
      if (((wire[0] & 0xff) << 8 | wire[1] & 0xff) != id) return null; // cheap checks first
      if ((wire[2] & 0x80) == 0) return null; // QR: a query, not a response
      Message m;
      try {
        m = new Message(wire);
      } catch (IOException | RuntimeException malformed) {
        return null;
      }
      if (m.getHeader().getCount(Section.QUESTION) != 1) return null;
      Record q = m.getQuestion();
      if (q == null || !q.getName().equals(question.getName()) || q.getType() != question.getType()
          || q.getDClass() != question.getDClass()) {
        return null;
      }
      return m;
    }
  }
}
