package io.gevent4j.socket;

import io.gevent4j.loop.Posix;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * A TLS connection's bytes in memory: the three buffers its {@link SSLEngine} works between —
 * encrypted bytes received and not yet unwrapped, application bytes unwrapped and not yet read,
 * encrypted bytes wrapped and not yet written — and the wraps and unwraps between them, each
 * buffer grown when the engine needs more room than it has. Bytes move between these buffers
 * and a non-blocking descriptor one system call at a time ({@link #readFrom(int)},
 * {@link #writeTo(int)}), or between two of them in a test ({@link #receive}, {@link #transmit}).
 *
 * <p>It never waits, locks or records a failure: {@link SslSocket} drives it, under its reader's
 * lock (the inbound side) and its writer's lock (the outbound side).
 *
 * <p>Memory: the encrypted buffers hold one TLS record each, outside the heap (the JNI reads and
 * writes need direct buffers); the application buffer one record's plaintext, in the heap.
 */
final class TlsRecords {
  static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final SSLEngine engine;
  /** Encrypted bytes received and not yet unwrapped; direct, in read mode. */
  private ByteBuffer netIn;
  /** Application bytes unwrapped and not yet delivered; in read mode. */
  private ByteBuffer appIn;
  /** Encrypted bytes wrapped and not yet written; direct, in read mode. */
  private ByteBuffer netOut;

  TlsRecords(SSLEngine engine) {
    this.engine = engine;
    int packet = engine.getSession().getPacketBufferSize();
    netIn = ByteBuffer.allocateDirect(packet).flip();
    netOut = ByteBuffer.allocateDirect(packet).flip();
    appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
  }

  // ---- inbound (the reader's) -----------------------------------------------------------------

  /** Application bytes unwrapped and not delivered yet. */
  int pending() {
    return appIn.remaining();
  }

  /** The application buffer's size: a read with at least this much room can be unwrapped into directly. */
  int applicationCapacity() {
    return appIn.capacity();
  }

  /** Moves unwrapped application bytes into {@code dst}; returns the count. */
  int deliver(ByteBuffer dst) {
    int n = Math.min(appIn.remaining(), dst.remaining());
    dst.put(dst.position(), appIn, appIn.position(), n);
    dst.position(dst.position() + n);
    appIn.position(appIn.position() + n);
    return n;
  }

  /**
   * One unwrap of the received bytes into {@code target}, or into the application buffer when
   * target is null (that buffer grown on overflow).
   */
  SSLEngineResult unwrap(ByteBuffer target) throws SSLException {
    if (target != null) return engine.unwrap(netIn, target);
    appIn.compact();
    SSLEngineResult r;
    try {
      r = engine.unwrap(netIn, appIn);
    } finally {
      appIn.flip();
    }
    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
      int need = Math.max(engine.getSession().getApplicationBufferSize(), appIn.capacity() * 2);
      appIn = ByteBuffer.allocate(appIn.remaining() + need).put(appIn).flip();
    }
    return r;
  }

  /**
   * One non-blocking read of encrypted bytes from {@code fd}.
   *
   * @return the count read (> 0), 0 at end of stream, or {@link Posix#WOULD_BLOCK}
   */
  int readFrom(int fd) throws IOException {
    prepareReceive();
    try {
      return Posix.read(fd, netIn);
    } finally {
      netIn.flip();
    }
  }

  /** Takes encrypted bytes from {@code src} as {@link #readFrom(int)} would from a descriptor (tests). */
  int receive(ByteBuffer src) {
    prepareReceive();
    try {
      int n = Math.min(src.remaining(), netIn.remaining());
      netIn.put(netIn.position(), src, src.position(), n);
      netIn.position(netIn.position() + n);
      src.position(src.position() + n);
      return n;
    } finally {
      netIn.flip();
    }
  }

  /** Readies the received-bytes buffer for more (write mode); a full one that still underflows holds a larger record: grown. */
  private void prepareReceive() {
    if (netIn.limit() == netIn.capacity() && netIn.position() == 0) {
      int need = Math.max(engine.getSession().getPacketBufferSize(), netIn.capacity() * 2);
      netIn = ByteBuffer.allocateDirect(need).put(netIn).flip();
    }
    netIn.compact();
  }

  // ---- outbound (the writer's) ----------------------------------------------------------------

  /** True when wrapped bytes wait to be written. */
  boolean outputPending() {
    return netOut.hasRemaining();
  }

  /** One wrap of {@code src} into the empty output buffer (grown on overflow). */
  SSLEngineResult wrap(ByteBuffer src) throws SSLException {
    netOut.clear();
    SSLEngineResult r;
    try {
      r = engine.wrap(src, netOut);
    } finally {
      netOut.flip();
    }
    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
      int need = engine.getSession().getPacketBufferSize();
      if (netOut.capacity() >= need) throw new SSLException("the TLS engine overflows an empty buffer of " + netOut.capacity() + " bytes");
      netOut = ByteBuffer.allocateDirect(need).flip();
    }
    return r;
  }

  /**
   * One wrap of {@code src} appended to what the output buffer holds, the buffer grown to leave
   * room for a whole record: a handshake's flight piles up and leaves in one write.
   */
  SSLEngineResult wrapAppending(ByteBuffer src) throws SSLException {
    int packet = engine.getSession().getPacketBufferSize();
    if (netOut.capacity() - netOut.remaining() < packet) {
      netOut = ByteBuffer.allocateDirect(netOut.remaining() + packet).put(netOut).flip();
    }
    netOut.compact();
    try {
      return engine.wrap(src, netOut);
    } finally {
      netOut.flip();
    }
  }

  /** After the handshake: an output buffer its flights grew goes back to one record. Only when it is empty. */
  void shrinkOutput() {
    int packet = engine.getSession().getPacketBufferSize();
    if (netOut.capacity() > packet && !netOut.hasRemaining()) netOut = ByteBuffer.allocateDirect(packet).flip();
  }

  /**
   * One non-blocking write of wrapped bytes to {@code fd}.
   *
   * @return the count written, or {@link Posix#WOULD_BLOCK}
   */
  int writeTo(int fd) throws IOException {
    return Posix.write(fd, netOut);
  }

  /** Gives wrapped bytes to {@code dst} as {@link #writeTo(int)} would to a descriptor (tests). */
  int transmit(ByteBuffer dst) {
    int n = Math.min(netOut.remaining(), dst.remaining());
    dst.put(dst.position(), netOut, netOut.position(), n);
    dst.position(dst.position() + n);
    netOut.position(netOut.position() + n);
    return n;
  }
}
