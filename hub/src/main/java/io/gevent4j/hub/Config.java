package io.gevent4j.hub;

import io.gevent4j.loop.Backend;
import io.gevent4j.loop.internal.Setting;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * gevent4j's settings (gevent's {@code gevent.config}): each is read from its system
 * property, then its environment variable, then its default.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key (property)</th><th>environment</th><th>values</th><th>default</th></tr>
 *   <tr><td>{@code gevent.loop}</td><td>{@code GEVENT_LOOP}</td><td>libev, libuv</td><td>libev</td></tr>
 *   <tr><td>{@code gevent.resolver}</td><td>{@code GEVENT_RESOLVER}</td><td>thread, block, ares, dnsjava</td><td>thread</td></tr>
 *   <tr><td>{@code gevent.threadpool.size}</td><td>{@code GEVENT_THREADPOOL_SIZE}</td><td>int &gt; 0</td><td>10</td></tr>
 *   <tr><td>{@code gevent.maxBlockingTime}</td><td>{@code GEVENT_MAX_BLOCKING_TIME}</td><td>seconds &gt; 0</td><td>0.1</td></tr>
 *   <tr><td>{@code gevent.monitorThread}</td><td>{@code GEVENT_MONITOR_THREAD_ENABLE}</td><td>true, false</td><td>false</td></tr>
 *   <tr><td>{@code gevent.jdkPollers}</td><td>{@code GEVENT_JDK_POLLERS}</td><td>hub, jdk</td><td>hub</td></tr>
 * </table>
 *
 * <p>{@code gevent.jdkPollers} says where the JDK's blocking I/O in greenlets ({@code java.net}
 * sockets, blocking NIO channels) waits: {@code hub} serves it from the greenlet's own hub
 * loop (it needs {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}; without it, the JDK's
 * route is taken and one line logged), {@code jdk} leaves it to the JDK's poller threads. It is
 * read once per JVM, at the first hub's creation ({@link Hub#jdkPollers()}).
 *
 * <p>A bad value is an {@link IllegalArgumentException} naming the property and the valid
 * values, thrown where the setting is first used (a hub's creation).
 */
public final class Config {
  private Config() {}

  /** A setting: where else it is read from, its default, and how its value is checked. */
  private record Definition(String environment, String defaultValue, String allowed, Function<String, Object> parser) {}

  private static final Map<String, Definition> SETTINGS = new LinkedHashMap<>();

  static {
    SETTINGS.put(Backend.PROPERTY, new Definition(Backend.ENVIRONMENT, Backend.LIBEV.id(), "libev, libuv",
        v -> Backend.parse(v, "gevent.loop")));
    SETTINGS.put("gevent.resolver", new Definition("GEVENT_RESOLVER", "thread", "thread, block, ares, dnsjava",
        v -> oneOf(v, Set.of("thread", "block", "ares", "dnsjava"))));
    SETTINGS.put("gevent.threadpool.size", new Definition("GEVENT_THREADPOOL_SIZE", "10", "an integer > 0", v -> {
      int n = Integer.parseInt(v.strip());
      if (n <= 0) throw new IllegalArgumentException();
      return n;
    }));
    SETTINGS.put("gevent.maxBlockingTime", new Definition("GEVENT_MAX_BLOCKING_TIME", "0.1", "a number of seconds > 0", v -> {
      double d = Double.parseDouble(v.strip());
      if (!(d > 0) || Double.isInfinite(d)) throw new IllegalArgumentException();
      return d;
    }));
    SETTINGS.put("gevent.monitorThread", new Definition("GEVENT_MONITOR_THREAD_ENABLE", "false", "true, false",
        v -> switch (v.strip().toLowerCase(Locale.ROOT)) {
          case "true", "1", "yes", "on" -> true;
          case "false", "0", "no", "off" -> false;
          default -> throw new IllegalArgumentException();
        }));
    SETTINGS.put("gevent.jdkPollers", new Definition("GEVENT_JDK_POLLERS", JdkPollers.HUB, "hub, jdk",
        v -> oneOf(v, Set.of(JdkPollers.HUB, JdkPollers.JDK))));
  }

  private static Object oneOf(String value, Set<String> allowed) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (!allowed.contains(v)) throw new IllegalArgumentException();
    return v;
  }

  /**
   * The raw value of a setting: its system property, else its environment variable, else
   * its default.
   *
   * @param key e.g. {@code "gevent.loop"}
   * @return the value, never null for a known key
   * @throws IllegalArgumentException for an unknown key
   */
  public static String get(String key) {
    return read(key).value();
  }

  /** {@return every setting's key} */
  public static Set<String> keys() {
    return SETTINGS.keySet();
  }

  private static Setting read(String key) {
    Definition s = definition(key);
    return Setting.read(key, s.environment(), s.defaultValue());
  }

  private static Definition definition(String key) {
    Definition s = SETTINGS.get(key);
    if (s == null) throw new IllegalArgumentException("no gevent4j setting " + key + "; settings: " + SETTINGS.keySet());
    return s;
  }

  /** The parsed value: a {@link Backend}, a String, an Integer, a Double or a Boolean. */
  static Object value(String key) {
    Definition s = definition(key);
    Setting raw = read(key);
    try {
      return s.parser().apply(raw.value());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(raw.source() + "=" + raw.value() + " is not valid; " + key + " takes "
          + s.allowed(), e);
    }
  }

  static Backend loop() {
    return (Backend) value("gevent.loop");
  }

  static int threadpoolSize() {
    return (Integer) value("gevent.threadpool.size");
  }

  static double maxBlockingTime() {
    return (Double) value("gevent.maxBlockingTime");
  }

  static boolean monitorThread() {
    return (Boolean) value("gevent.monitorThread");
  }

  static String resolver() {
    return (String) value("gevent.resolver");
  }

  static String jdkPollers() {
    return (String) value("gevent.jdkPollers");
  }

  /** True when the setting's property or environment variable is set (not its default). */
  static boolean isSet(String key) {
    Definition d = definition(key);
    String v = System.getProperty(key);
    if (v != null && !v.isBlank()) return true;
    v = System.getenv(d.environment());
    return v != null && !v.isBlank();
  }
}
