package io.gevent4j.loop.internal;

/**
 * The one reader of gevent4j's settings: a setting's system property, else its environment
 * variable, else its default. {@code Backend.configured()} reads {@code gevent.loop} through it
 * and the hub's {@code Config} every other setting, so both agree on where a value came from.
 *
 * @param value the value, never blank
 * @param source what it came from, for messages: the property's name, the environment
 *     variable's name, or the property's name again for the default
 */
public record Setting(String value, String source) {
  /**
   * Reads one setting.
   *
   * @param property e.g. {@code "gevent.loop"}
   * @param environment e.g. {@code "GEVENT_LOOP"}
   * @param defaultValue used when neither is set (or both are blank)
   */
  public static Setting read(String property, String environment, String defaultValue) {
    String value = System.getProperty(property);
    if (value != null && !value.isBlank()) return new Setting(value, property);
    value = System.getenv(environment);
    if (value != null && !value.isBlank()) return new Setting(value, environment);
    return new Setting(defaultValue, property);
  }
}
