package io.gevent4j.loop.internal;

import io.gevent4j.loop.Loop;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * A c-ares channel used as a raw DNS query transport (gevent's {@code resolver.ares} drives
 * c-ares the same way): whole query messages go out with {@code ares_send}, to the given
 * nameservers, with c-ares's tries, timeouts and TCP fallback, and nothing of c-ares's own
 * configuration (no resolv.conf, search list or hosts file). Peer of {@code g4j_ares.c}.
 *
 * <p>No thread of its own, no watcher of its own: its owner watches the descriptors c-ares asks
 * for and calls {@link #process} when one is ready and when {@link #nextTimeout()} has passed. What
 * changed during a call is told to the {@link Listener} before the call returns: descriptors to
 * watch, or to stop watching ({@code socket}), and queries that ended ({@code done}), in the order
 * c-ares did them. Every query sent ends in exactly one {@code done}.
 *
 * <p>A channel belongs to its loop's thread ({@link LoopAccess#checkThread}: the hub's thread, its
 * greenlets, its owner during its turn): every method throws {@link IllegalStateException} from
 * another thread, and every method but {@link #close()} and {@link #isClosed()} on a closed
 * channel. Closing the loop closes the channel first.
 */
public final class Ares implements AutoCloseable {
  /** Stands for "no descriptor" in {@link #process}. */
  public static final int NO_FD = -1;

  private static final int RECORD_SIZE = constant("ARES_RECORD_SIZE");
  private static final int KIND = constant("ARES_RECORD_KIND_OFFSET");
  private static final int FD = constant("ARES_RECORD_FD_OFFSET");
  private static final int EVENTS = constant("ARES_RECORD_EVENTS_OFFSET");
  private static final int TOKEN = constant("ARES_RECORD_TOKEN_OFFSET");
  private static final int STATUS = constant("ARES_RECORD_STATUS_OFFSET");
  private static final int LENGTH = constant("ARES_RECORD_LENGTH_OFFSET");
  private static final int SOCKET = constant("ARES_RECORD_SOCKET");
  private static final int DONE = constant("ARES_RECORD_DONE");
  private static final int SUCCESS = constant("ARES_SUCCESS");
  private static final int ETIMEOUT = constant("ARES_ETIMEOUT");
  private static final int ECONNREFUSED = constant("ARES_ECONNREFUSED");
  private static final int EDESTRUCTION = constant("ARES_EDESTRUCTION");
  private static final int ECANCELLED = constant("ARES_ECANCELLED");
  private static final int ENOMEM = constant("ARES_ENOMEM");
  private static final int EBADSTR = constant("ARES_EBADSTR");

  private static int constant(String name) {
    return LoopAccess.get().constant(name);
  }

  /** What a channel tells its owner, during the call that made it happen. */
  public interface Listener {
    /**
     * c-ares wants {@code fd} watched for {@code events} ({@code Watcher.READ}, {@code Watcher.WRITE}
     * or both; a change of a descriptor already watched), or, with 0, no longer: it is closing it
     * (through {@code Posix.close}'s path, which stops the descriptor's io watchers first).
     */
    void socket(int fd, int events);

    /**
     * The query sent with {@code token} ended: with the reply (whatever its RCODE), or with
     * {@code failure} ({@link #failure} says which types).
     */
    void done(int token, byte[] reply, IOException failure);
  }

  private final Loop loop;
  private final Listener listener;
  private final String servers;
  private final int timeoutMillis;
  private final int tries;
  private final Runnable onLoopClose = this::close;
  private long pointer;
  private boolean delivering;
  private boolean more;
  private boolean lost;

  private Ares(Loop loop, Listener listener, String servers, int timeoutMillis, int tries, long pointer) {
    this.loop = loop;
    this.listener = listener;
    this.servers = servers;
    this.timeoutMillis = timeoutMillis;
    this.tries = tries;
    this.pointer = pointer;
  }

  /**
   * A channel asking {@code servers} in order, {@code tries} times each, waiting
   * {@code timeoutMillis} per try (c-ares doubles it at each round over the servers). On the
   * loop's thread.
   *
   * @param servers numeric addresses (IPv4 or IPv6, not scoped: c-ares 1.18 has no scope ids), with ports
   * @throws IllegalArgumentException for no server, an unresolved or scoped address, port 0, a
   *     timeout or tries below 1
   * @throws IllegalStateException from another thread than the loop's, or when it is closed
   */
  public static Ares open(Loop loop, List<InetSocketAddress> servers, int timeoutMillis, int tries, Listener listener) {
    Objects.requireNonNull(loop, "loop");
    Objects.requireNonNull(listener, "listener");
    LoopAccess.get().checkUsable(loop);
    if (servers == null || servers.isEmpty()) throw new IllegalArgumentException("ares: no nameserver: give at least one");
    if (timeoutMillis < 1) throw new IllegalArgumentException("ares: the time per try must be >= 1 ms, not " + timeoutMillis);
    if (tries < 1) throw new IllegalArgumentException("ares: the tries per server must be >= 1, not " + tries);
    StringBuilder csv = new StringBuilder();
    for (InetSocketAddress server : servers) {
      if (server == null || server.isUnresolved()) {
        throw new IllegalArgumentException("ares: nameserver " + server + " is not an IP address");
      }
      if (server.getPort() == 0) throw new IllegalArgumentException("ares: nameserver " + server + " has port 0");
      if (server.getAddress() instanceof Inet6Address a && a.getScopeId() != 0) {
        throw new IllegalArgumentException("ares: nameserver " + server + " is a scoped IPv6 address, which c-ares "
            + version() + " cannot use");
      }
      if (!csv.isEmpty()) csv.append(',');
      csv.append(text(server));
    }
    long p = Natives.new0(csv.toString(), timeoutMillis, tries);
    if (p < 0) {
      int status = (int) -p;
      String message = "ares_init_options(" + csv + ") failed: " + describe(status);
      if (status == ENOMEM) throw new OutOfMemoryError(message);
      if (status == EBADSTR) throw new IllegalArgumentException(message);
      throw new IllegalStateException(message);
    }
    Ares ares = new Ares(loop, listener, csv.toString().replace(",", ", "), timeoutMillis, tries, p);
    try {
      LoopAccess.get().onClose(loop, ares.onLoopClose);
    } catch (RuntimeException | Error e) {
      Natives.destroy0(p);
      throw e;
    }
    return ares;
  }

  /** {@code 192.0.2.1:53}, {@code [2001:db8::1]:53}: c-ares's server list format. */
  private static String text(InetSocketAddress server) {
    String host = server.getAddress().getHostAddress();
    return (server.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + server.getPort();
  }

  /**
   * Sends {@code query}, a whole DNS message (c-ares keeps a copy); {@code token} comes back in
   * its {@link Listener#done}. A query c-ares refuses ends at once, in this call.
   *
   * @throws IllegalArgumentException when {@code query} is shorter than a DNS header (12 bytes) or
   *     longer than 65535
   */
  public void send(byte[] query, int token) {
    checkOpen("ares_send");
    if (query == null) throw new NullPointerException("ares_send: query");
    if (query.length < 12 || query.length > 65535) {
      throw new IllegalArgumentException("ares_send: a DNS message of " + query.length + " bytes (a query has 12 to 65535)");
    }
    after(Natives.send0(pointer, query, token));
  }

  /**
   * {@code ares_process_fd}: {@code readFd} is readable, {@code writeFd} writable ({@link #NO_FD}
   * for none), and the queries whose time is up are tried again or end. With both {@link #NO_FD},
   * only the timeouts: call it when {@link #nextTimeout()} has passed.
   */
  public void process(int readFd, int writeFd) {
    checkOpen("ares_process_fd");
    after(Natives.process0(pointer, readFd < 0 ? NO_FD : readFd, writeFd < 0 ? NO_FD : writeFd));
  }

  /** {@code ares_timeout}: milliseconds until {@link #process} is due for a timeout (rounded up), or -1 when no query is under way. */
  public int nextTimeout() {
    checkOpen("ares_timeout");
    return Natives.timeout0(pointer);
  }

  /** The nameservers, as c-ares was given them: {@code "127.0.0.1:53, [::1]:53"}. */
  public String servers() {
    return servers;
  }

  /** True after {@link #close()} (or once its loop closed). */
  public boolean isClosed() {
    return pointer == 0;
  }

  /**
   * {@code ares_destroy}: the queries under way end with a {@link Closed} failure, the sockets
   * are closed (each told to the listener with 0). Idempotent; allowed after the loop closed.
   *
   * @throws IllegalStateException from another thread than the loop's
   */
  @Override
  public void close() {
    if (pointer == 0) return;
    LoopAccess.get().checkThread(loop);
    closeWith(null);
  }

  /** Destroys the channel; the queries under way end with {@code failure}, or a Closed one. */
  private void closeWith(IOException failure) {
    long p = pointer;
    pointer = 0;
    try {
      LoopAccess.get().removeOnClose(loop, onLoopClose);
    } finally {
      byte[] last = Natives.destroy0(p);
      if (last != null) deliver(last, failure);
    }
  }

  private void checkOpen(String call) {
    LoopAccess.get().checkThread(loop);
    if (pointer == 0) throw new IllegalStateException(call + ": the c-ares channel (" + servers + ") is closed");
    if (loop.isClosed()) throw new IllegalStateException(call + ": the loop of the c-ares channel is closed");
  }

  /** After a call that may have recorded something: its records, to the listener. */
  private void after(int pending) {
    if (pending < 0) lost = true;
    if (pending == 0 || pointer == 0) return;
    if (delivering) {
      more = true; // a call from the listener: the delivery under way takes them
      return;
    }
    delivering = true;
    try {
      do {
        more = false;
        byte[] records = pointer != 0 ? Natives.take0(pointer) : null;
        if (records != null) deliver(records, null);
      } while (more && pointer != 0);
    } finally {
      delivering = false;
    }
    if (lost && pointer != 0) {
      // A query's end could not be recorded (out of memory): whoever waits for it would wait
      // forever. Everything under way ends instead.
      closeWith(new IOException("ares_send: the c-ares channel (" + servers + ") ran out of memory and was closed"));
    }
  }

  /**
   * Hands the records to the listener, every one even when the listener throws; the first
   * failure is rethrown after.
   *
   * @param closing the failure for the queries a destroy ended, or null for the usual ones
   */
  private void deliver(byte[] records, IOException closing) {
    ByteBuffer b = ByteBuffer.wrap(records).order(ByteOrder.nativeOrder());
    Throwable failure = null;
    int at = 0;
    while (at + RECORD_SIZE <= records.length) {
      int kind = b.getInt(at + KIND);
      int length = b.getInt(at + LENGTH);
      if (length < 0 || length > records.length - at - RECORD_SIZE) {
        throw new IllegalStateException("ares: a malformed record at " + at + " of " + records.length + " bytes");
      }
      try {
        if (kind == SOCKET) {
          listener.socket(b.getInt(at + FD), b.getInt(at + EVENTS));
        } else if (kind == DONE) {
          int status = b.getInt(at + STATUS);
          int token = b.getInt(at + TOKEN);
          if (status == SUCCESS) {
            byte[] reply = new byte[length];
            System.arraycopy(records, at + RECORD_SIZE, reply, 0, length);
            listener.done(token, reply, null);
          } else {
            listener.done(token, null, closing != null && (status == EDESTRUCTION || status == ECANCELLED)
                ? closing : failure(status, "ares_send"));
          }
        }
      } catch (Throwable t) {
        if (t instanceof VirtualMachineError vme && !(t instanceof OutOfMemoryError)) throw vme;
        if (failure == null) failure = t;
        else failure.addSuppressed(t);
      }
      at += RECORD_SIZE + length;
    }
    if (failure instanceof RuntimeException e) throw e;
    if (failure instanceof Error e) throw e;
  }

  /**
   * The exception for a query that ended with {@code status}: a {@link SocketTimeoutException}
   * naming the servers and the time per try for {@code ARES_ETIMEOUT}, a {@link ConnectException}
   * for {@code ARES_ECONNREFUSED} (no server could be reached), {@link Closed} for
   * {@code ARES_EDESTRUCTION} and {@code ARES_ECANCELLED}, otherwise an {@link IOException} with
   * c-ares's text; each message names {@code call} and the status.
   */
  public IOException failure(int status, String call) {
    String what = describe(status);
    if (status == ETIMEOUT) {
      return new SocketTimeoutException(call + ": no reply from " + servers + " within " + tries + " tries of "
          + seconds(timeoutMillis) + " s per server (doubled at each round): " + what);
    }
    if (status == ECONNREFUSED) {
      return new ConnectException(call + ": no nameserver could be reached (" + servers + "): " + what);
    }
    if (status == EDESTRUCTION || status == ECANCELLED) {
      return new Closed(call + ": the c-ares channel (" + servers + ") was closed: " + what);
    }
    return new IOException(call + " failed (" + servers + "): " + what);
  }

  private static String seconds(int millis) {
    return millis % 1000 == 0 ? Integer.toString(millis / 1000) : Double.toString(millis / 1000.0);
  }

  /** {@code "ARES_ETIMEOUT (Timeout while contacting DNS servers)"}. */
  public static String describe(int status) {
    return Natives.statusName0(status) + " (" + Natives.strerror0(status) + ")";
  }

  /** The c-ares version running, e.g. {@code "1.18.1"} (bundled with the library). */
  public static String version() {
    return Natives.versions0()[0];
  }

  /** The c-ares version the library was compiled against. */
  public static String buildVersion() {
    return Natives.versions0()[1];
  }

  @Override
  public String toString() {
    return "Ares(" + servers + (pointer == 0 ? ", closed)" : ")");
  }

  /** The natives of {@code g4j_ares.c}: a holder without static state. */
  static final class Natives {
    private Natives() {}

    /** A channel for the servers ({@code "ip:port,[ipv6]:port"}): its pointer, or -status. */
    static native long new0(String servers, int timeoutMillis, int tries);

    /** ares_send of the whole array: the bytes of records waiting, or -ARES_ENOMEM. */
    static native int send0(long channel, byte[] query, int token);

    /** ares_process_fd (-1: none): the bytes of records waiting, or -ARES_ENOMEM. */
    static native int process0(long channel, int readFd, int writeFd);

    /** ares_timeout in milliseconds, rounded up; -1 when no query is under way. */
    static native int timeout0(long channel);

    /** The records waiting (null when none), forgotten by C. */
    static native byte[] take0(long channel);

    /** ares_destroy, then frees the channel: its last records, or null. */
    static native byte[] destroy0(long channel);

    /** {@code "ARES_ETIMEOUT"}. */
    static native String statusName0(int status);

    /** ares_strerror's text. */
    static native String strerror0(int status);

    /** {c-ares runtime, c-ares build} versions. */
    static native String[] versions0();
  }
}
