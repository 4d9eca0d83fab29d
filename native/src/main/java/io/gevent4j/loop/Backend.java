package io.gevent4j.loop;

import io.gevent4j.loop.internal.Setting;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The event loop libraries gevent4j embeds, chosen by the system property
 * {@code gevent.loop}, else the environment variable {@code GEVENT_LOOP}, else libev —
 * gevent's {@code GEVENT_LOOP} setting.
 */
public enum Backend {
  /** libev (gevent's default loop). */
  LIBEV("libev"),
  /** libuv (gevent's {@code GEVENT_LOOP=libuv}). */
  LIBUV("libuv");

  /** The system property that chooses the backend. */
  public static final String PROPERTY = "gevent.loop";
  /** The environment variable that chooses the backend when the property is not set. */
  public static final String ENVIRONMENT = "GEVENT_LOOP";

  private final String id;

  Backend(String id) {
    this.id = id;
  }

  /** {@return the backend's name as configured: {@code "libev"} or {@code "libuv"}} */
  public String id() {
    return id;
  }

  /**
   * The backend named by {@code gevent.loop} / {@code GEVENT_LOOP}, libev when neither is set.
   *
   * @return the configured backend
   * @throws IllegalArgumentException when the value names no backend; the message lists
   *     the valid values
   */
  public static Backend configured() {
    Setting setting = Setting.read(PROPERTY, ENVIRONMENT, LIBEV.id);
    return parse(setting.value(), setting.source());
  }


  /**
   * The backend with this name (case-insensitive).
   *
   * @param value {@code "libev"} or {@code "libuv"}
   * @param source what the value came from, for the message
   * @return the backend
   * @throws IllegalArgumentException naming the valid values
   */
  public static Backend parse(String value, String source) {
    String wanted = value.strip().toLowerCase(Locale.ROOT);
    for (Backend b : values()) {
      if (b.id.equals(wanted)) return b;
    }
    throw new IllegalArgumentException(source + "=" + value + " is not a loop backend; valid values: "
        + Arrays.stream(values()).map(Backend::id).collect(Collectors.joining(", ")));
  }
}
