package io.gevent4j.http;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * What an exchange needs of its connection ({@link HttpConnection}): the addresses, the request
 * body's bytes, the response's output, and the way back to the connection's hub for a handler
 * on another thread. Everything but {@link #onHub()}, {@link #onHub(HubCall)} and the addresses
 * is for the connection's hub only.
 */
interface HttpChannel {
  /** An exchange operation that may do I/O. */
  @FunctionalInterface
  interface HubCall<T> {
    T call() throws IOException;
  }

  /** True when the caller runs on the connection's hub (the connection's greenlet or another of that hub). */
  boolean onHub();

  /**
   * Runs {@code call} on the connection's hub: at once when the caller is there, else in a
   * greenlet of that hub while the caller (a handler on an executor) waits for it.
   */
  <T> T onHub(HubCall<T> call) throws IOException;

  InetSocketAddress remoteAddress();

  InetSocketAddress localAddress();

  /** The server, for its state ({@link HttpServer#stopping()}) and for log messages. */
  HttpServer server();

  /**
   * Reads up to {@code len} (> 0) bytes of the request body, decoded (fixed length or chunked),
   * from what is buffered or else from the socket.
   *
   * @return the count, or -1 at the end of the body
   * @throws HttpProtocolException for a body cut short, malformed, or over the limits
   */
  int readBody(byte[] buffer, int offset, int len) throws IOException;

  /** True when the request body has been read to its end (or there is none). */
  boolean requestBodyDone();

  /** What is left of a fixed-length request body; 0 for the others. */
  long fixedBodyRemaining();

  /** A buffer for reading and dropping bytes (draining a body). */
  byte[] dropBuffer();

  /** The response's output: its buffer, its encoding, sending. */
  HttpOutput output();

  /** True when another request is already buffered: its response will leave with this one. */
  boolean pipelined();

  /** True when a read or write on the socket has failed: later errors are the connection's, not the handler's. */
  boolean ioFailed();
}
