package io.gevent4j.http;

import java.io.IOException;

/**
 * A request the server will not serve, and the status that says why (400 bad syntax, 413 body
 * too large, 414 request line too long, 431 header fields too large, 501 unknown transfer
 * coding, 505 unsupported version). Thrown by the parser and by the request body stream (a
 * handler reading a malformed or oversized chunked body sees it); the connection then answers
 * with that status if it still can, and closes.
 */
final class HttpProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;

  HttpProtocolException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The response status that reports this error. */
  int status() {
    return status;
  }
}
