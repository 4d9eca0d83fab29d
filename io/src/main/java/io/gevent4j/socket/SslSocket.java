package io.gevent4j.socket;

import io.gevent4j.loop.Posix;
import io.gevent4j.loop.PosixSockets;
import io.gevent4j.loop.Watcher;
import io.gevent4j.sync.RLock;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.StandardConstants;

/**
 * A TLS connection over a cooperative {@link Socket} (gevent's {@code gevent.ssl.SSLSocket}):
 * the JDK's {@link SSLEngine} does the protocol, this class moves its records through the
 * socket's non-blocking descriptor and parks the greenlet on the hub whenever the engine needs
 * bytes that have not arrived or the kernel cannot take more.
 *
 * <p>It <em>is</em> a {@code Socket}: {@link #recv}, {@link #recvInto}, {@link #send},
 * {@link #sendAll}, {@link #read}, {@link #write}, {@link #inputStream()} and
 * {@link #outputStream()} carry application bytes through TLS, so a handler written for a
 * plain {@code Socket} (a {@code StreamServer} handler, say) works unchanged on TLS. Wrapping
 * takes over the plain socket's descriptor, watchers and timeout; the plain socket object is
 * closed afterwards (without its descriptor being closed) and must not be used again.
 *
 * <pre>{@code
 * // client
 * try (SslSocket s = SslSocket.connect("example.org", 443, SSLContext.getDefault(), 10)) {
 *   s.sendAll(request);
 *   byte[] reply = s.recv(65536);
 * }
 * // server, for each accepted socket (what StreamServer.ssl(context) does)
 * SslSocket tls = SslSocket.wrapServer(listener.accept(), serverContext);
 * }</pre>
 *
 * <p><b>Handshake.</b> It happens on the first read or write, or when {@link #handshake()} is
 * called; wrapping itself never blocks. It is bounded by the socket's timeout (as gevent: "the
 * socket timeout covers the handshake") or by {@link #handshakeTimeout(double)} when set, and a
 * {@link SocketTimeoutException} leaves it resumable. A failed handshake throws
 * {@link SSLHandshakeException} (an untrusted certificate, a host name the certificate does not
 * match) or {@link SSLException} (a peer that does not speak TLS); every later operation throws
 * an {@code SSLException} whose cause is that failure.
 *
 * <p><b>Timeouts</b> work as on {@link Socket}: -1 none, 0 non-blocking, t seconds per
 * operation. A read gets the whole timeout to produce at least one byte; a {@code send} to get
 * its one TLS record (up to 16 KiB of application bytes) into the kernel. When a write times
 * out after the engine took bytes, the {@link SocketTimeoutException}'s
 * {@link java.io.InterruptedIOException#bytesTransferred bytesTransferred} says how many: they
 * are encrypted and go out before anything written later.
 *
 * <p><b>Closing.</b> {@link #close()} sends a {@code close_notify} when it can do so without
 * waiting, discards what the peer already sent (its {@code close_notify} included: a Linux
 * socket closed with unread bytes would send a reset) and closes the descriptor. After the
 * peer's {@code close_notify}, reads return end of stream (-1, or an empty array); a TCP end
 * of stream without one (a "ragged EOF") is also end of stream, as gevent's default
 * {@code suppress_ragged_eofs=True}, unless {@link #suppressRaggedEofs(boolean)} turns that off.
 * {@link #shutdownOutput()} sends {@code close_notify} (TLS 1.3 half-close) and then shuts the
 * TCP output down. Any operation on a closed socket throws {@link ClosedChannelException}; a
 * close from another greenlet or thread wakes greenlets waiting in this socket with it.
 *
 * <p><b>Engine tasks.</b> When the engine has {@linkplain SSLEngine#getDelegatedTask()
 * delegated tasks} (certificate checks, key agreement, signatures) they run inline in the
 * calling greenlet, which holds the hub for that long — 1.5 ms or so per side of a handshake
 * with EC P-256 — as gevent runs OpenSSL's work inline. For slow ones (RSA 4096 keys, trust managers
 * that fetch revocation data) {@link #delegatedTasksInThreadPool(boolean)} moves them to the
 * hub's {@link io.gevent4j.hub.ThreadPool}, where they run in parallel with the hub.
 *
 * <p><b>Threads.</b> As a {@code Socket}: use it from the greenlets of one hub at a time, one
 * reader and one writer at once (TLS 1.3 key updates and post-handshake messages are answered
 * by whichever of them is active); {@link #close()} may be called from anywhere. This class
 * never starts a TLS 1.2 renegotiation, and one started by the peer is untested; TLS 1.3 has
 * none (key updates replace it).
 *
 * <p><b>TCP_NODELAY.</b> Wrapping turns Nagle's algorithm off on TCP sockets: TLS sends whole
 * records and flushes small ones on purpose (a TLS 1.3 session ticket followed by the first
 * reply), which Nagle would hold for the peer's delayed ACK — 40 ms, twice per connection, on
 * Linux. {@code setOption(StandardSocketOptions.TCP_NODELAY, false)} turns it back on.
 *
 * <p><b>Memory.</b> About 50 KiB a connection: two buffers of one TLS record each outside the
 * heap (bytes in and out) and one of 16 KiB in it (decrypted bytes not read yet).
 *
 * <p><b>Layout.</b> The buffers and the engine's wraps and unwraps between them are
 * {@link TlsRecords}; the engine's delegated tasks are {@link DelegatedTasks}. This class is the
 * driver: the handshake, the reader's and the writer's locks, the waits on the descriptor within
 * the deadlines, and the failures.
 */
public final class SslSocket extends Socket {
  private static final ByteBuffer EMPTY = TlsRecords.EMPTY;
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  /** The most bytes {@link #close()} reads and discards so that the descriptor closes without a reset. */
  private static final int DRAIN_LIMIT = 256 * 1024;

  private final SSLEngine engine;
  /** The engine's buffers and the wraps and unwraps between them. */
  private final TlsRecords records;
  private final DelegatedTasks tasks;
  /** Held by the reader: guards the inbound side of {@link #records}; taken before {@link #writeLock}. */
  private final RLock readLock = new RLock();
  /** Held by the writer: guards the outbound side of {@link #records}. */
  private final RLock writeLock = new RLock();
  private volatile boolean handshakeStarted;
  private volatile boolean handshakeDone;
  /** The peer's close_notify arrived, or a ragged EOF was taken as end of stream. */
  private volatile boolean inboundDone;
  private volatile SSLException failure;
  private volatile double handshakeTimeout = Double.NaN;
  private volatile boolean suppressRaggedEofs = true;
  private final AtomicBoolean closing = new AtomicBoolean();

  private SslSocket(Socket plain, SSLEngine engine) throws IOException {
    super(plain);
    this.engine = engine;
    this.records = new TlsRecords(engine);
    this.tasks = new DelegatedTasks(engine);
    try {
      // TLS writes whole records, and small ones on purpose (a flight's end, a session ticket
      // followed by a reply): Nagle's algorithm would hold them for the peer's delayed ACK,
      // 40 ms twice per connection. Go's net package sets it on every TCP socket too.
      setOption(StandardSocketOptions.TCP_NODELAY, true);
    } catch (IOException notTcp) {
      // a Unix socket: no Nagle there
    }
  }

  // ---- factories ----------------------------------------------------------------------------

  /**
   * Client side TLS over a socket (gevent's {@code SSLContext.wrap_socket(sock,
   * server_hostname=...)}). Never blocks: the handshake happens on first use or
   * {@link #handshake()}. The socket may still be unconnected ({@link #connect} it then).
   *
   * @param plain a TCP socket; taken over (closed as an object, its descriptor now this one's)
   * @param context the TLS context the engine comes from
   * @param serverHostname the server's name: sent as SNI (unless an IP literal) and checked
   *     against the certificate (HTTPS rules, an IP literal against its IP addresses); null for
   *     neither
   * @return the TLS socket, not yet handshaken
   * @throws ClosedChannelException when {@code plain} is closed
   * @throws IllegalArgumentException when {@code plain} is not a stream socket, or already TLS
   */
  public static SslSocket wrapClient(Socket plain, SSLContext context, String serverHostname) throws IOException {
    Objects.requireNonNull(context, "context");
    checkPlain(plain);
    SSLEngine engine;
    if (serverHostname == null) {
      engine = context.createSSLEngine();
    } else {
      InetSocketAddress peer = plain.remoteAddress();
      engine = context.createSSLEngine(serverHostname, peer == null ? -1 : peer.getPort());
    }
    engine.setUseClientMode(true);
    if (serverHostname != null) {
      SSLParameters parameters = engine.getSSLParameters();
      if (!isIpLiteral(serverHostname)) parameters.setServerNames(List.of(new SNIHostName(serverHostname)));
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      engine.setSSLParameters(parameters);
    }
    return new SslSocket(plain, engine);
  }

  /**
   * Server side TLS over an accepted socket (gevent's {@code SSLContext.wrap_socket(sock,
   * server_side=True)}): what a {@code StreamServer} with TLS does to each connection before
   * its handler runs. Never blocks: the handshake happens in the handler's greenlet, on its
   * first read or write or on {@link #handshake()}. The context's key manager picks the
   * certificate (an {@code X509ExtendedKeyManager} sees the client's SNI).
   *
   * @param plain an accepted TCP socket; taken over: close the returned socket, not this one
   * @param context the TLS context the engine comes from
   * @return the TLS socket, not yet handshaken
   * @throws ClosedChannelException when {@code plain} is closed
   * @throws IllegalArgumentException when {@code plain} is not a stream socket, or already TLS
   */
  public static SslSocket wrapServer(Socket plain, SSLContext context) throws IOException {
    Objects.requireNonNull(context, "context");
    checkPlain(plain);
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    return new SslSocket(plain, engine);
  }

  /**
   * TLS over a socket with an engine configured by the caller (client or server mode, cipher
   * suites, ALPN, client authentication, ...). Never blocks.
   *
   * @param plain a TCP socket; taken over
   * @param engine a fresh engine, used by this socket only from now on
   * @return the TLS socket, not yet handshaken
   * @throws ClosedChannelException when {@code plain} is closed
   * @throws IllegalArgumentException when {@code plain} is not a stream socket, or already TLS
   */
  public static SslSocket wrap(Socket plain, SSLEngine engine) throws IOException {
    Objects.requireNonNull(engine, "engine");
    checkPlain(plain);
    return new SslSocket(plain, engine);
  }

  /**
   * Connects to {@code host:port} and completes a client handshake (gevent's
   * {@code create_connection} then {@code wrap_socket(..., server_hostname=host)}). The name is
   * sent as SNI and checked against the certificate. Blocks cooperatively.
   *
   * @param host the server's name or address
   * @param port the port
   * @param context the TLS context the engine comes from
   * @param timeout seconds for the connect, for the handshake and for each later operation;
   *     infinite for none
   * @return the TLS socket, handshaken
   * @throws SSLHandshakeException when the handshake fails (untrusted certificate, wrong name)
   * @throws SocketTimeoutException when the connect or the handshake does not finish in time
   * @throws IOException the connect's failure ({@link java.net.ConnectException} when refused)
   */
  public static SslSocket connect(String host, int port, SSLContext context, double timeout) throws IOException {
    Objects.requireNonNull(context, "context");
    Socket plain = Socket.createConnection(host, port, timeout);
    SslSocket tls = null;
    try {
      tls = wrapClient(plain, context, host);
      tls.handshake();
      return tls;
    } catch (IOException | RuntimeException | Error e) {
      if (tls != null) tls.close();
      plain.close();
      throw e;
    }
  }

  private static void checkPlain(Socket plain) throws IOException {
    Objects.requireNonNull(plain, "plain");
    if (plain instanceof SslSocket) throw new IllegalArgumentException("the socket already speaks TLS");
    int fd = plain.fd();
    if (fd < 0) throw plain.closedException();
    if (PosixSockets.getsockopt(fd, Posix.SOL_SOCKET, Posix.SO_TYPE) != Posix.SOCK_STREAM) {
      throw new IllegalArgumentException("TLS needs a stream socket: " + plain);
    }
  }

  private static boolean isIpLiteral(String host) {
    return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
  }

  // ---- settings -------------------------------------------------------------------------------

  /**
   * Bounds the handshake by {@code seconds} instead of the socket's timeout; infinite for no
   * bound. On a non-blocking socket (timeout 0) the handshake still never waits. Any thread.
   *
   * @param seconds the bound, in seconds
   * @return this
   * @throws IllegalArgumentException for a negative or NaN value
   */
  public SslSocket handshakeTimeout(double seconds) {
    checkTimeout(seconds);
    handshakeTimeout = seconds;
    return this;
  }

  /**
   * Whether a TCP end of stream without the peer's {@code close_notify} reads as end of stream
   * (true, the default, as gevent's {@code suppress_ragged_eofs}) or throws an
   * {@link SSLException} (false: a truncation attack cannot pass for the end). Any thread.
   *
   * @param suppress true for end of stream, false for an {@link SSLException}
   * @return this
   */
  public SslSocket suppressRaggedEofs(boolean suppress) {
    suppressRaggedEofs = suppress;
    return this;
  }

  /**
   * Whether the engine's delegated tasks run on the hub's thread pool (true) while the greenlet
   * waits cooperatively, or inline in the greenlet (false, the default). Any thread.
   *
   * @param inThreadPool true for the thread pool, false for inline
   * @return this
   */
  public SslSocket delegatedTasksInThreadPool(boolean inThreadPool) {
    tasks.inThreadPool(inThreadPool);
    return this;
  }

  // ---- the handshake ------------------------------------------------------------------------

  /**
   * Completes the TLS handshake now unless done (gevent's {@code do_handshake()}); reads and
   * writes do it implicitly. Blocks cooperatively, within {@link #handshakeTimeout(double)} or
   * else the socket's timeout.
   *
   * @throws SSLHandshakeException when the peer or its certificate is refused, or the peer
   *     closes the connection during the handshake
   * @throws SSLException when the peer does not speak TLS, or a previous handshake failed
   * @throws SocketTimeoutException when it does not finish in time (it can be resumed)
   * @throws ClosedChannelException when the socket is closed
   */
  public void handshake() throws IOException {
    if (handshakeDone) return;
    handshake(handshakeDeadline());
  }

  private long handshakeDeadline() {
    double t = handshakeTimeout;
    if (Double.isNaN(t)) return deadline();
    if (Double.isInfinite(t)) return Long.MAX_VALUE;
    return System.nanoTime() + (long) (t * 1e9);
  }

  private void ensureHandshake() throws IOException {
    if (!handshakeDone) handshake(handshakeDeadline());
  }

  private void handshake(long deadline) throws IOException {
    checkOpen();
    readLock.lock();
    try {
      writeLock.lock();
      try {
        if (handshakeDone) return;
        checkFailure();
        try {
          if (!handshakeStarted) {
            engine.beginHandshake();
            handshakeStarted = true;
          }
          // A flight (ServerHello ... Finished) takes several wraps: they pile up in the output buffer and
          // go in one write when the engine turns to reading. One write each would meet Nagle's
          // algorithm and the peer's delayed ACK: 40 ms stalls, twice per handshake.
          while (true) {
            switch (engine.getHandshakeStatus()) {
              case NOT_HANDSHAKING, FINISHED -> {
                flush(deadline);
                records.shrinkOutput(); // back to one record
                handshakeDone = true;
                return;
              }
              case NEED_TASK -> tasks.run();
              case NEED_WRAP -> {
                SSLEngineResult r = records.wrapAppending(EMPTY);
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                  flush(deadline);
                  throw new SSLHandshakeException("the TLS engine closed during the handshake");
                }
                if (r.getStatus() == SSLEngineResult.Status.OK && r.bytesProduced() == 0
                    && r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                  throw new SSLException("the TLS engine asks to wrap but produces nothing");
                }
              }
              case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                flush(deadline); // the flight so far (or one left behind by an earlier timeout)
                SSLEngineResult r = records.unwrap(null);
                switch (r.getStatus()) {
                  case BUFFER_UNDERFLOW -> {
                    if (!fill(deadline)) {
                      throw new SSLHandshakeException("the peer closed the connection during the TLS handshake");
                    }
                  }
                  case CLOSED -> throw new SSLHandshakeException("the peer closed TLS during the handshake");
                  default -> { }
                }
              }
            }
          }
        } catch (SSLException e) {
          throw failed(e);
        }
      } finally {
        writeLock.unlock();
      }
    } finally {
      readLock.unlock();
    }
  }

  // ---- reading ------------------------------------------------------------------------------

  /**
   * Reads up to {@code len} application bytes, waiting cooperatively for at least one
   * (gevent's {@code SSLSocket.recv_into}); does the handshake first if needed.
   *
   * @return the count read, or -1 at end of stream (the peer's close_notify, or a ragged EOF
   *     unless refused by {@link #suppressRaggedEofs(boolean)})
   * @throws SSLException when a record is corrupt, or the connection failed earlier
   * @throws SocketTimeoutException when the timeout passes first
   * @throws ClosedChannelException when the socket is or gets closed
   */
  @Override
  public int recv(byte[] buf, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, buf.length);
    if (len == 0) return 0;
    return receive(ByteBuffer.wrap(buf, off, len));
  }

  /**
   * Reads application bytes into {@code dst} (heap or direct), waiting cooperatively for at
   * least one (gevent's {@code recv_into}); {@code dst}'s position advances by the count.
   *
   * @return the count read, or -1 at end of stream
   * @throws SSLException when a record is corrupt, or the connection failed earlier
   * @throws SocketTimeoutException when the timeout passes first
   * @throws ClosedChannelException when the socket is or gets closed
   */
  @Override
  public int recvInto(ByteBuffer dst) throws IOException {
    if (dst.isReadOnly()) throw new java.nio.ReadOnlyBufferException();
    if (!dst.hasRemaining()) return 0;
    return receive(dst);
  }

  /**
   * Application bytes decrypted and not read yet (gevent's {@code pending()}): a
   * {@link #recv} returns them without waiting. A wait on the descriptor
   * ({@link Sockets#waitRead}) does not see them. Never blocks: 0 while another greenlet is
   * reading.
   *
   * @return the decrypted bytes not read yet
   */
  public int pending() {
    if (!readLock.tryLock()) return 0;
    try {
      return records.pending();
    } finally {
      readLock.unlock();
    }
  }

  private int receive(ByteBuffer dst) throws IOException {
    checkOpen();
    ensureHandshake();
    long deadline = deadline();
    readLock.lock();
    try {
      checkFailure();
      boolean direct = true; // unwrap straight into dst while it has room for a whole record
      while (true) {
        if (records.pending() > 0) return records.deliver(dst);
        if (inboundDone) return -1;
        checkOpen();
        ByteBuffer target = direct && dst.remaining() >= records.applicationCapacity() ? dst : null;
        int before = dst.position();
        SSLEngineResult r;
        try {
          r = records.unwrap(target);
        } catch (SSLException e) {
          throw failed(e);
        }
        switch (r.getStatus()) {
          case OK -> {
            afterUnwrap(r, deadline);
            if (target != null && dst.position() > before) return dst.position() - before;
          }
          case CLOSED -> {
            inboundDone = true;
            afterUnwrap(r, deadline);
          }
          case BUFFER_OVERFLOW -> direct = false; // the application buffer was grown if needed
          case BUFFER_UNDERFLOW -> {
            flushPendingOutput(deadline); // the peer may be waiting for what a timed-out write left
            if (!fill(deadline)) return raggedEof();
          }
        }
      }
    } finally {
      readLock.unlock();
    }
  }

  /** After an unwrap outside the handshake: run tasks, answer what the engine wants to send. */
  private void afterUnwrap(SSLEngineResult r, long deadline) throws IOException {
    HandshakeStatus hs = r.getHandshakeStatus();
    if (hs == HandshakeStatus.NEED_TASK) {
      tasks.run();
      hs = engine.getHandshakeStatus();
    }
    if (hs != HandshakeStatus.NEED_WRAP) return;
    // a key update to answer, a post-handshake message, TLS 1.2's close_notify reply: a writer
    // busy flushing will send it with its next record, so wait for the lock only when the
    // engine cannot go on otherwise
    boolean stuck = r.bytesConsumed() == 0 && r.bytesProduced() == 0 && r.getStatus() == SSLEngineResult.Status.OK;
    if (stuck) {
      writeLock.lock();
    } else if (!writeLock.tryLock()) {
      return;
    }
    try {
      while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
        if (wrapHandshake(deadline) == SSLEngineResult.Status.CLOSED) break;
      }
    } catch (SSLException e) {
      throw failed(e);
    } finally {
      writeLock.unlock();
    }
  }

  private int raggedEof() throws IOException {
    if (!suppressRaggedEofs) {
      throw failed(new SSLException("the peer closed the connection without a TLS close_notify (truncated?)"));
    }
    inboundDone = true;
    return -1;
  }

  /** Writes what a timed-out write left behind, unless a writer is busy. Reader only. */
  private void flushPendingOutput(long deadline) throws IOException {
    if (!writeLock.tryLock()) return;
    try {
      flush(deadline);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Reads more encrypted bytes, waiting until some arrive.
   *
   * @return false at the end of the TCP stream
   */
  private boolean fill(long deadline) throws IOException {
    while (true) {
      int n = records.readFrom(checkOpen());
      if (n > 0) return true;
      if (n == 0) return false;
      waitFor(Watcher.READ, deadline);
    }
  }

  // ---- writing ------------------------------------------------------------------------------

  /**
   * Writes some application bytes — at most one TLS record, up to 16 KiB — waiting
   * cooperatively until that record is in the kernel (gevent's {@code SSLSocket.send}); does
   * the handshake first if needed.
   *
   * @return the count written
   * @throws SocketTimeoutException when the timeout passes first ({@code bytesTransferred}: the
   *     bytes the engine took, which go out before anything written later)
   * @throws SocketException after {@link #shutdownOutput()}, or when the engine is closed
   * @throws SSLException when the connection failed earlier
   * @throws ClosedChannelException when the socket is or gets closed
   */
  @Override
  public int send(byte[] buf, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, buf.length);
    if (len == 0) return 0;
    return sendRecord(ByteBuffer.wrap(buf, off, len), deadline());
  }

  /** Writes some of {@code src} (heap or direct) as one TLS record; see {@link #send(byte[], int, int)}. */
  @Override
  public int send(ByteBuffer src) throws IOException {
    if (!src.hasRemaining()) return 0;
    return sendRecord(src, deadline());
  }

  /**
   * Writes every byte, record by record, waiting cooperatively as needed (gevent's
   * {@code sendall}); the timeout is one deadline for the whole call.
   *
   * @throws SocketTimeoutException as {@link #send(byte[], int, int)}, {@code bytesTransferred}
   *     counting every byte taken
   */
  @Override
  public void sendAll(byte[] buf, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, buf.length);
    sendAll(ByteBuffer.wrap(buf, off, len));
  }

  /** Writes all of {@code src}; see {@link #sendAll(byte[], int, int)}. */
  @Override
  public void sendAll(ByteBuffer src) throws IOException {
    int start = src.position();
    long deadline = deadline();
    try {
      while (src.hasRemaining()) sendRecord(src, deadline);
    } catch (SocketTimeoutException e) {
      e.bytesTransferred = src.position() - start;
      throw e;
    }
  }

  private int sendRecord(ByteBuffer src, long deadline) throws IOException {
    checkOpen();
    ensureHandshake();
    writeLock.lock();
    try {
      checkFailure();
      int idle = 0;
      while (true) {
        flush(deadline); // a record left by an earlier timeout goes first; nothing taken yet
        SSLEngineResult r;
        try {
          r = records.wrap(src);
        } catch (SSLException e) {
          throw failed(e);
        }
        switch (r.getStatus()) {
          case CLOSED -> {
            flushQuietly();
            throw new SocketException("the TLS connection is closed for writing");
          }
          case BUFFER_OVERFLOW, BUFFER_UNDERFLOW -> { } // the output buffer was grown
          case OK -> {
            HandshakeStatus hs = r.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) tasks.run();
            if (r.bytesConsumed() > 0) {
              try {
                flush(deadline);
                while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                  if (wrapHandshake(deadline) == SSLEngineResult.Status.CLOSED) break;
                }
              } catch (SocketTimeoutException e) {
                e.bytesTransferred = r.bytesConsumed();
                throw e;
              } catch (SSLException e) {
                throw failed(e);
              }
              return r.bytesConsumed();
            }
            if (r.bytesProduced() > 0 || hs == HandshakeStatus.NEED_TASK || hs == HandshakeStatus.FINISHED) {
              idle = 0;
            } else if (++idle > 8) {
              throw failed(new SSLException("the TLS engine makes no progress (" + hs + ")"));
            }
            if (r.bytesProduced() == 0 && engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
              idle = 0;
              // the peer started a new handshake: it needs reading, which takes the read lock first
              writeLock.unlock();
              try {
                handshakeDone = false;
                handshake(deadline);
              } finally {
                writeLock.lock();
              }
            }
          }
        }
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Flushes, wraps what the engine wants to send by itself, flushes it. Writer only. */
  private SSLEngineResult.Status wrapHandshake(long deadline) throws IOException {
    flush(deadline);
    SSLEngineResult r = records.wrap(EMPTY);
    if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) tasks.run();
    flush(deadline);
    if (r.getStatus() == SSLEngineResult.Status.OK && r.bytesProduced() == 0
        && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
      throw new SSLException("the TLS engine asks to wrap but produces nothing");
    }
    return r.getStatus();
  }

  /** Writes every wrapped byte, waiting cooperatively. Writer only. */
  private void flush(long deadline) throws IOException {
    while (records.outputPending()) {
      int n = records.writeTo(checkOpen());
      if (n == Posix.WOULD_BLOCK) waitFor(Watcher.WRITE, deadline);
    }
  }

  /** Writes the wrapped bytes without waiting; failures ignored. Writer only. */
  private void flushQuietly() {
    try {
      int fd = fd();
      while (fd >= 0 && records.outputPending()) {
        if (records.writeTo(fd) == Posix.WOULD_BLOCK) return;
      }
    } catch (IOException | RuntimeException e) {
      // best effort: the connection is going away
    }
  }

  // ---- failure --------------------------------------------------------------------------------

  /** Records the engine's failure, sends its alert if that needs no wait; returns it to throw. */
  private SSLException failed(SSLException e) {
    if (failure == null) failure = e;
    if (writeLock.tryLock()) {
      try {
        flushQuietly();
        if (!records.outputPending() && !engine.isOutboundDone()) {
          records.wrap(EMPTY);
          flushQuietly();
        }
      } catch (SSLException | RuntimeException ignored) {
        // the alert is a courtesy
      } finally {
        writeLock.unlock();
      }
    }
    return e;
  }

  private void checkFailure() throws SSLException {
    SSLException e = failure;
    if (e == null) return;
    String message = "the TLS connection failed earlier: " + e.getMessage();
    SSLException again = e instanceof SSLHandshakeException ? new SSLHandshakeException(message) : new SSLException(message);
    again.initCause(e);
    throw again;
  }

  private int checkOpen() throws ClosedChannelException {
    int fd = fd();
    if (fd < 0) throw closedException();
    return fd;
  }

  // ---- session --------------------------------------------------------------------------------

  /**
   * The session, after the handshake (which this does first if needed, as
   * {@code SSLSocket.getSession()}): protocol, cipher suite, peer certificates. Blocks
   * cooperatively until the handshake is done.
   *
   * @return the handshaken session
   * @throws SSLHandshakeException when the handshake fails; other exceptions as {@link #handshake()}
   */
  public SSLSession session() throws IOException {
    handshake();
    return engine.getSession();
  }

  /**
   * The host name the client asked for with SNI (gevent's {@code server_hostname}; on the
   * server, from {@link ExtendedSSLSession#getRequestedServerNames()}); null when it sent none.
   * Does the handshake first if needed (blocks cooperatively), since the name arrives with it.
   *
   * @return the requested name, or null
   * @throws SSLHandshakeException when the handshake fails; other exceptions as {@link #handshake()}
   */
  public String requestedServerName() throws IOException {
    List<SNIServerName> names;
    if (engine.getUseClientMode()) {
      names = engine.getSSLParameters().getServerNames();
    } else {
      handshake();
      names = engine.getSession() instanceof ExtendedSSLSession x ? x.getRequestedServerNames() : List.of();
    }
    if (names == null) return null;
    for (SNIServerName name : names) {
      if (name instanceof SNIHostName host) return host.getAsciiName();
      if (name.getType() == StandardConstants.SNI_HOST_NAME) return new String(name.getEncoded(), StandardCharsets.US_ASCII);
    }
    return null;
  }

  /**
   * The application protocol agreed with ALPN (gevent's {@code selected_alpn_protocol()}):
   * empty when none was. Does the handshake first if needed (blocks cooperatively).
   *
   * @return the protocol, or empty
   * @throws SSLHandshakeException when the handshake fails; other exceptions as {@link #handshake()}
   */
  public String applicationProtocol() throws IOException {
    handshake();
    String protocol = engine.getApplicationProtocol();
    return protocol == null ? "" : protocol;
  }

  /**
   * Sends a TLS 1.3 KeyUpdate that asks the peer to update its keys too (OpenSSL's
   * {@code SSL_key_update}; the engine does this by itself at its key limits). Package-private:
   * the tests use it to drive key updates from either side. Blocks cooperatively.
   *
   * @throws IllegalStateException when the connection is not TLS 1.3
   */
  void keyUpdate() throws IOException {
    handshake();
    if (!"TLSv1.3".equals(engine.getSession().getProtocol())) throw new IllegalStateException("key updates need TLS 1.3");
    long deadline = deadline();
    writeLock.lock();
    try {
      checkFailure();
      flush(deadline);
      engine.beginHandshake(); // after a TLS 1.3 handshake: a KeyUpdate with update_requested
      while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
        if (wrapHandshake(deadline) == SSLEngineResult.Status.CLOSED) break;
      }
    } catch (SSLException e) {
      throw failed(e);
    } finally {
      writeLock.unlock();
    }
  }

  /** {@return true on the client side of the connection} Never blocks. */
  public boolean isClientMode() {
    return engine.getUseClientMode();
  }

  // ---- closing ----------------------------------------------------------------------------------

  /**
   * Sends {@code close_notify} and then shuts the TCP output down: the peer reads end of
   * stream, and this side can still read (TLS 1.3's half-close; a TLS 1.2 peer answers with
   * its own {@code close_notify} and closes). Waits cooperatively, within the timeout, for
   * the {@code close_notify} to go. Later writes throw {@link SocketException}. Before any
   * handshake, only the TCP output is shut down.
   *
   * @throws ClosedChannelException when the socket is closed
   */
  @Override
  public void shutdownOutput() throws IOException {
    checkOpen();
    long deadline = deadline();
    if (handshakeStarted) {
      writeLock.lock();
      try {
        flush(deadline);
        engine.closeOutbound();
        while (!engine.isOutboundDone()) {
          if (wrapHandshake(deadline) == SSLEngineResult.Status.CLOSED) break;
        }
        flush(deadline);
      } catch (SSLException e) {
        throw failed(e);
      } finally {
        writeLock.unlock();
      }
    }
    super.shutdownOutput();
  }

  /**
   * Closes the connection (idempotent; any thread). Sends {@code close_notify} when the
   * handshake is done and no writer is busy — without waiting: if the kernel cannot take it at
   * once, it is skipped —, reads and discards what the peer has already sent (its
   * {@code close_notify} included) so that the descriptor closes without a TCP reset, then
   * closes as {@link Socket#close()}: greenlets waiting in this socket get a
   * {@link ClosedChannelException}.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) return;
    if (handshakeDone && failure == null && fd() >= 0 && writeLock.tryLock()) {
      try {
        flushQuietly();
        if (!records.outputPending()) {
          engine.closeOutbound();
          while (!engine.isOutboundDone() && !records.outputPending()) {
            SSLEngineResult r = records.wrap(EMPTY);
            flushQuietly();
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesProduced() == 0) break;
          }
        }
      } catch (SSLException | RuntimeException e) {
        // a goodbye that cannot be said is not an error
      } finally {
        writeLock.unlock();
      }
    }
    drainQuietly();
    super.close();
  }

  private void drainQuietly() {
    int fd = fd();
    if (fd < 0) return;
    byte[] scratch = new byte[16384];
    try {
      for (int total = 0; total < DRAIN_LIMIT; ) {
        int n = Posix.read(fd, scratch, 0, scratch.length);
        if (n <= 0) return;
        total += n;
      }
    } catch (IOException | RuntimeException e) {
      // nothing more to discard
    }
  }

  // ---- what a TLS socket does not do ------------------------------------------------------------

  /**
   * Not for TLS sockets: accept on the plain listening socket and
   * {@link #wrapServer(Socket, SSLContext) wrap} each connection.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public Socket accept() {
    throw new UnsupportedOperationException("accept on the plain listening Socket, then SslSocket.wrapServer the connection");
  }

  /**
   * Not for TLS sockets (gevent raises too).
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public int sendTo(byte[] buf, SocketAddress to) {
    throw new UnsupportedOperationException("sendTo is not allowed on a TLS socket");
  }

  /**
   * Not for TLS sockets (gevent raises too).
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public DatagramPacket recvFrom(int max) {
    throw new UnsupportedOperationException("recvFrom is not allowed on a TLS socket");
  }

  @Override
  public String toString() {
    int fd = fd();
    String side = engine.getUseClientMode() ? "client" : "server";
    if (fd < 0) return "SslSocket(fd -1, closed, " + side + ")";
    String state = handshakeDone ? engine.getSession().getProtocol() + " " + engine.getSession().getCipherSuite()
        : failure != null ? "failed" : "handshake pending";
    return "SslSocket(fd " + fd + ", " + localSocketAddress() + ", " + side + ", " + state + ")";
  }
}
