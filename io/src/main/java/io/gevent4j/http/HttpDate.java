package io.gevent4j.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header line, formatted once per second and shared by every connection and
 * thread (a response must not pay a date formatting), and the access log's timestamp.
 */
final class HttpDate {
  private HttpDate() {}

  /** IMF-fixdate (RFC 9110 5.6.7): two-digit day, GMT. */
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
  /** Common log format's {@code [10/Oct/2000:13:55:36 -0700]}, in the JVM's zone. */
  private static final DateTimeFormatter COMMON_LOG =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US);

  private record Cached(long second, byte[] headerLine, String commonLog) {}

  private static volatile Cached cached = new Cached(-1, null, null);

  private static Cached now() {
    long millis = System.currentTimeMillis();
    long second = Math.floorDiv(millis, 1000);
    Cached c = cached;
    if (c.second == second) return c;
    Instant instant = Instant.ofEpochSecond(second);
    byte[] line = ("Date: " + IMF_FIXDATE.format(instant) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    String log = COMMON_LOG.format(instant.atZone(ZoneId.systemDefault()));
    c = new Cached(second, line, log);
    cached = c; // racing threads format the same second: either copy will do
    return c;
  }

  /** {@code "Date: Tue, 25 Nov 2026 11:46:52 GMT\r\n"}: a shared array that callers must not change. */
  static byte[] headerLine() {
    return now().headerLine;
  }

  /** The current time as the common log format writes it, without the brackets. */
  static String commonLogTime() {
    return now().commonLog;
  }
}
