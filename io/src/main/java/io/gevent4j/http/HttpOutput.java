package io.gevent4j.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The response side of HTTP/1.1 (netty's {@code HttpObjectEncoder}): one connection's output
 * buffer, the chunked encoding, and the bookkeeping that lets an error replace a response of
 * which nothing was sent. Bytes leave through a {@link Sink} (the connection's socket); it knows
 * no socket and no hub.
 *
 * <p>A response's head and a small body leave in one {@code send}; a body larger than the buffer
 * goes straight from the caller's array. The buffer comes from the server's {@link Pool} when a
 * response begins and goes back when the connection waits with nothing buffered
 * ({@link #release()}), so an idle keep-alive connection holds none.
 *
 * <p>Not thread-safe (the connection's hub only).
 */
final class HttpOutput {
  /** The output buffer's size. It bounds a chunk's size: four hex digits are enough for its size line. */
  static final int OUTPUT_BUFFER = 16384;
  /** Room kept before an open chunk's data for its size line: up to 4 hex digits and CRLF. */
  private static final int CHUNK_HEADER_ROOM = 6;

  private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] NO_BUFFER = new byte[0];

  /** Where the bytes go. */
  @FunctionalInterface
  interface Sink {
    /** Sends all of {@code buffer[offset, offset + length)}, or throws. */
    void send(byte[] buffer, int offset, int length) throws IOException;
  }

  /** A server's output buffers, shared by its connections (its hub only: no lock). */
  static final class Pool {
    /** Buffers kept at most (16 MiB); more are left to the garbage collector. */
    private static final int MAX_POOLED = 1024;
    private final ArrayDeque<byte[]> buffers = new ArrayDeque<>();

    byte[] take() {
      byte[] b = buffers.pollFirst();
      return b != null ? b : new byte[OUTPUT_BUFFER];
    }

    void give(byte[] buffer) {
      if (buffers.size() < MAX_POOLED) buffers.addFirst(buffer);
    }
  }

  private final Sink sink;
  private final Pool pool;

  /**
   * The output buffer: taken from the pool when a response begins, given back when the
   * connection waits for its next request with nothing buffered.
   */
  private byte[] out = NO_BUFFER;
  private int outEnd;
  /** Where the current response's head begins in {@code out}; valid while nothing of it was sent. */
  private int responseStart;
  private boolean responseBegun;
  /** Some bytes of the current response have been sent: an error can no longer replace it. */
  private boolean responseFlushed;
  /** Where the open chunk's data begins in {@code out}, or -1 when no chunk is open. */
  private int chunkData = -1;

  HttpOutput(Sink sink, Pool pool) {
    this.sink = sink;
    this.pool = pool;
  }

  // ---- responses ----------------------------------------------------------------------------

  /** A new exchange begins: nothing of its response is written yet. */
  void newExchange() {
    responseStart = outEnd;
    responseBegun = false;
    responseFlushed = false;
  }

  /** Marks the start of the current response's head. */
  void beginResponse() {
    takeBuffer();
    responseStart = outEnd;
    responseBegun = true;
    responseFlushed = false;
  }

  /** True when bytes of the current response have been sent. */
  boolean responseFlushed() {
    return responseFlushed;
  }

  /** Drops what the current response put in the buffer (nothing of it was sent). */
  void discardResponse() {
    if (responseBegun && !responseFlushed) outEnd = responseStart;
    chunkData = -1;
    responseBegun = false;
  }

  /**
   * Replaces what the current response put in the buffer (nothing of it was sent) with an error
   * response that closes the connection; to a HEAD request without its body (and with
   * Content-Length 0: a client cannot tell otherwise).
   */
  void writeError(int status, String message, boolean head) throws IOException {
    discardResponse();
    takeBuffer();
    byte[] body = head ? new byte[0] : errorBody(status, message).getBytes(StandardCharsets.UTF_8);
    put(HttpStatus.statusLine(status));
    put(HttpDate.headerLine());
    putLatin1("Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n");
    put(body);
  }

  private static String errorBody(int status, String message) {
    return status + " " + HttpStatus.reason(status) + (message == null ? "" : ": " + message) + "\n";
  }

  /** The length of {@link #writeError}'s body, for the access log. */
  static long errorBodyLength(int status, String message) {
    return errorBody(status, message).getBytes(StandardCharsets.UTF_8).length;
  }

  /** Sends {@code 100 Continue} now (with what is buffered before it). */
  void sendContinue() throws IOException {
    takeBuffer();
    put(CONTINUE);
    flush();
  }

  // ---- the buffer ---------------------------------------------------------------------------

  private void takeBuffer() {
    if (out == NO_BUFFER) out = pool.take();
  }

  /** Gives the buffer back to the pool when it holds nothing. */
  void release() {
    if (out == NO_BUFFER || outEnd > 0) return;
    byte[] b = out;
    out = NO_BUFFER;
    chunkData = -1;
    pool.give(b);
  }

  /** Drops whatever is buffered (the connection ends: it will not be sent) and gives the buffer back. */
  void discardAll() {
    outEnd = 0;
    release();
  }

  /** Sends what the buffer holds (sealing an open chunk first). */
  void flush() throws IOException {
    sealChunk();
    if (outEnd == 0) return;
    if (responseBegun) responseFlushed = true;
    int length = outEnd;
    outEnd = 0;
    responseStart = 0;
    sink.send(out, 0, length);
  }

  void put(byte[] bytes) throws IOException {
    put(bytes, 0, bytes.length);
  }

  /** Appends bytes, flushing when the buffer is full; a large array goes to the sink directly. */
  void put(byte[] bytes, int offset, int length) throws IOException {
    if (length <= out.length - outEnd) {
      System.arraycopy(bytes, offset, out, outEnd, length);
      outEnd += length;
      return;
    }
    flush();
    if (length < out.length) {
      System.arraycopy(bytes, offset, out, 0, length);
      outEnd = length;
    } else {
      if (responseBegun) responseFlushed = true;
      sink.send(bytes, offset, length);
    }
  }

  void put(byte b) throws IOException {
    if (outEnd == out.length) flush();
    out[outEnd++] = b;
  }

  /** Appends a string known to be Latin-1 and free of line breaks (checked by the caller). */
  void putLatin1(String s) throws IOException {
    int i = 0;
    int n = s.length();
    while (i < n) {
      if (outEnd == out.length) flush();
      int k = Math.min(n - i, out.length - outEnd);
      for (int j = 0; j < k; j++) out[outEnd + j] = (byte) s.charAt(i + j);
      outEnd += k;
      i += k;
    }
  }

  void putDecimal(long value) throws IOException {
    if (value < 0) throw new IllegalArgumentException("negative: " + value);
    if (out.length - outEnd < 20) flush();
    int digits = 1;
    for (long v = value / 10; v > 0; v /= 10) digits++;
    long v = value;
    for (int i = outEnd + digits - 1; i >= outEnd; i--) {
      out[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    outEnd += digits;
  }

  // ---- chunked ------------------------------------------------------------------------------

  /**
   * Appends body bytes as chunks. Data goes after room kept for the chunk's size line; the line
   * is written when the chunk is sealed (on a flush, when the buffer is full, at the end), so a
   * chunk is as large as the buffer allows and costs no extra send.
   */
  void putChunked(byte[] bytes, int offset, int length) throws IOException {
    if (length > out.length / 2) {
      // large: its own chunk, sent from the caller's array
      sealChunk();
      if (out.length - outEnd < 20) flush();
      putLatin1(Long.toHexString(length));
      put(CRLF);
      flush();
      if (responseBegun) responseFlushed = true;
      sink.send(bytes, offset, length);
      put(CRLF);
      return;
    }
    while (length > 0) {
      if (chunkData < 0) {
        if (out.length - outEnd < CHUNK_HEADER_ROOM + 2 + 1) flush();
        chunkData = outEnd + CHUNK_HEADER_ROOM;
        outEnd = chunkData;
      }
      int room = out.length - outEnd - 2; // the chunk's CRLF must fit behind its data
      if (room <= 0) {
        flush(); // seals the chunk
        continue;
      }
      int k = Math.min(room, length);
      System.arraycopy(bytes, offset, out, outEnd, k);
      outEnd += k;
      offset += k;
      length -= k;
    }
  }

  /** Writes the open chunk's size line and CRLF around its data; no-op when no chunk is open. */
  private void sealChunk() {
    if (chunkData < 0) return;
    int size = outEnd - chunkData;
    int headerStart = chunkData - CHUNK_HEADER_ROOM;
    chunkData = -1;
    if (size == 0) {
      outEnd = headerStart;
      return;
    }
    int digits = (32 - Integer.numberOfLeadingZeros(size) + 3) / 4;
    for (int i = digits - 1, v = size; i >= 0; i--, v >>>= 4) out[headerStart + i] = (byte) Character.forDigit(v & 0xf, 16);
    out[headerStart + digits] = '\r';
    out[headerStart + digits + 1] = '\n';
    int dataStart = headerStart + digits + 2;
    System.arraycopy(out, outEnd - size, out, dataStart, size);
    outEnd = dataStart + size;
    out[outEnd++] = '\r';
    out[outEnd++] = '\n';
  }

  /** Ends a chunked body: the open chunk, then the last (empty) chunk and no trailers. */
  void endChunked() throws IOException {
    sealChunk();
    put(LAST_CHUNK);
  }
}
