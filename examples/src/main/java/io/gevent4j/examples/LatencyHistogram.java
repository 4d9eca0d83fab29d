package io.gevent4j.examples;

/**
 * Latencies in nanoseconds for the demo's percentiles, in log-linear buckets (HdrHistogram's
 * layout, without the dependency): exact below 64 ns, then 64 buckets per power of two, so a
 * percentile is off by less than 1/64 (1.6 %). Fixed size, nothing allocated per value. Not
 * thread-safe: the greenlets of one hub record into it, one at a time, and it is read once they
 * have ended.
 */
final class LatencyHistogram {
  private static final int SUB_BITS = 6;
  private static final int SUB = 1 << SUB_BITS;
  /** Up to 2^40 ns (about 18 minutes); longer values land in the last bucket. */
  private static final int MAX_EXPONENT = 40;

  private final long[] counts = new long[(MAX_EXPONENT - SUB_BITS + 2) * SUB];
  private long total;
  private long max;

  void record(long nanos) {
    long v = Math.max(0, nanos);
    counts[index(v)]++;
    total++;
    max = Math.max(max, v);
  }

  long count() {
    return total;
  }

  static int index(long v) {
    if (v < SUB) return (int) v;
    int e = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
    if (e > MAX_EXPONENT) return (MAX_EXPONENT - SUB_BITS + 2) * SUB - 1;
    int sub = (int) (v >>> (e - SUB_BITS)) & (SUB - 1);
    return (e - SUB_BITS + 1) * SUB + sub;
  }

  /** {@return the highest value that lands in bucket {@code i}} */
  static long highestIn(int i) {
    if (i < SUB) return i;
    int e = i / SUB + SUB_BITS - 1;
    long sub = i % SUB;
    return ((SUB + sub + 1) << (e - SUB_BITS)) - 1;
  }

  /**
   * {@return the value at {@code percentile} (0 to 100): the highest value of the bucket holding
   * that rank, at most the largest value recorded; 0 when nothing was recorded}
   */
  long percentile(double percentile) {
    if (total == 0) return 0;
    long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) return Math.min(highestIn(i), max);
    }
    return max;
  }
}
