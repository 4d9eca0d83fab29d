package io.gevent4j.http;

import com.sun.net.httpserver.HttpPrincipal;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log (gevent's {@code WSGIHandler.log_request} / {@code format_request}): one line
 * per response in the common log format, through SLF4J, logger {@code io.gevent4j.http.access},
 * level INFO:
 *
 * <pre>127.0.0.1 - alice [25/Nov/2026:11:46:52 +0000] "GET /index.html HTTP/1.1" 200 1043</pre>
 *
 * <p>Host (the client's IP address), identity (always {@code -}), the authenticated user or
 * {@code -}, the time, the request line as sent (quotes, backslashes and control characters
 * escaped; {@code -} when there was none), the status, the body bytes sent ({@code -} for none).
 */
final class AccessLog {
  static final String LOGGER = "io.gevent4j.http.access";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  /** A longer request line (one refused with 414) is cut, with "..." after it. */
  private static final int MAX_LOGGED_LINE = 1024;

  private AccessLog() {}

  static void log(InetSocketAddress remote, String requestLine, HttpPrincipal principal, int status, long bytes) {
    if (!LOG.isInfoEnabled()) return;
    LOG.info(format(remote, requestLine, principal, status, bytes));
  }

  static String format(InetSocketAddress remote, String requestLine, HttpPrincipal principal, int status, long bytes) {
    StringBuilder b = new StringBuilder(128);
    b.append(remote == null ? "-" : remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString());
    b.append(" - ");
    String user = principal == null ? null : principal.getUsername();
    if (user == null || user.isEmpty()) b.append('-');
    else escape(b, user);
    b.append(" [").append(HttpDate.commonLogTime()).append("] \"");
    if (requestLine == null) b.append('-');
    else if (requestLine.length() > MAX_LOGGED_LINE) escape(b, requestLine.substring(0, MAX_LOGGED_LINE)).append("...");
    else escape(b, requestLine);
    b.append("\" ").append(status).append(' ');
    if (bytes > 0) b.append(bytes);
    else b.append('-');
    return b.toString();
  }

  private static StringBuilder escape(StringBuilder b, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", (int) c));
      else b.append(c);
    }
    return b;
  }
}
