package io.gevent4j.hub;

/** The one rule for every timeout and delay: NaN and negative values are refused. */
final class Timeouts {
  private Timeouts() {}

  /**
   * @throws IllegalArgumentException for NaN or a negative value (infinity means "as long
   *     as it takes", 0 "don't wait")
   */
  static double check(double seconds) {
    if (Double.isNaN(seconds) || seconds < 0) {
      throw new IllegalArgumentException("a timeout or delay must be >= 0 seconds (or infinite), not " + seconds);
    }
    return seconds;
  }
}
