package io.gevent4j.http;

import java.nio.charset.StandardCharsets;

/**
 * Reason phrases and ready-made status lines. The status line is always {@code HTTP/1.1},
 * whatever the request's version (as gevent's pywsgi, and as RFC 9110 allows: the version is
 * what the server supports).
 */
final class HttpStatus {
  private HttpStatus() {}

  /** {@code "HTTP/1.1 200 OK\r\n"} and the like for 100..599, built once. */
  private static final byte[][] STATUS_LINES = new byte[500][];

  static {
    for (int code = 100; code < 600; code++) STATUS_LINES[code - 100] = build(code);
  }

  private static byte[] build(int code) {
    return ("HTTP/1.1 " + code + " " + reason(code) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The status line with its CRLF; a shared array for 100..599, which callers must not change. */
  static byte[] statusLine(int code) {
    return code >= 100 && code < 600 ? STATUS_LINES[code - 100] : build(code);
  }

  /** The reason phrase of RFC 9110 (and a few common extensions), or "" for codes it does not name. */
  static String reason(int code) {
    return switch (code) {
      case 100 -> "Continue";
      case 101 -> "Switching Protocols";
      case 102 -> "Processing";
      case 103 -> "Early Hints";
      case 200 -> "OK";
      case 201 -> "Created";
      case 202 -> "Accepted";
      case 203 -> "Non-Authoritative Information";
      case 204 -> "No Content";
      case 205 -> "Reset Content";
      case 206 -> "Partial Content";
      case 207 -> "Multi-Status";
      case 300 -> "Multiple Choices";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 303 -> "See Other";
      case 304 -> "Not Modified";
      case 305 -> "Use Proxy";
      case 307 -> "Temporary Redirect";
      case 308 -> "Permanent Redirect";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 402 -> "Payment Required";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 407 -> "Proxy Authentication Required";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 411 -> "Length Required";
      case 412 -> "Precondition Failed";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 416 -> "Range Not Satisfiable";
      case 417 -> "Expectation Failed";
      case 421 -> "Misdirected Request";
      case 422 -> "Unprocessable Content";
      case 425 -> "Too Early";
      case 426 -> "Upgrade Required";
      case 428 -> "Precondition Required";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 451 -> "Unavailable For Legal Reasons";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 505 -> "HTTP Version Not Supported";
      case 507 -> "Insufficient Storage";
      case 511 -> "Network Authentication Required";
      default -> "";
    };
  }

  /** 1xx, 204 and 304 responses never carry a body (RFC 9110 6.4.1). */
  static boolean forbidsBody(int code) {
    return code < 200 || code == 204 || code == 304;
  }
}
