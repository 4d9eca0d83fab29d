package io.gevent4j.bench.load;

/**
 * Latencies in nanoseconds, log-linear buckets (HdrHistogram's layout, without the dependency):
 * exact below 128 ns, then 128 buckets per power of two, so a percentile is off by less than
 * 1/128 (0.8 %). Fixed size, no allocation per value; one thread records.
 */
final class LatencyHistogram {
  private static final int SUB_BITS = 7;
  private static final int SUB = 1 << SUB_BITS;
  /** Up to 2^40 ns (about 18 minutes); longer values land in the last bucket. */
  private static final int MAX_EXPONENT = 40;

  private final long[] counts = new long[(MAX_EXPONENT - SUB_BITS + 2) * SUB];
  private long total;
  private long max;

  void record(long nanos) {
    if (nanos < 0) nanos = 0;
    counts[index(nanos)]++;
    total++;
    if (nanos > max) max = nanos;
  }

  long count() {
    return total;
  }

  long max() {
    return max;
  }

  static int index(long v) {
    if (v < SUB) return (int) v;
    int e = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
    if (e > MAX_EXPONENT) return (MAX_EXPONENT - SUB_BITS + 2) * SUB - 1;
    int sub = (int) (v >>> (e - SUB_BITS)) & (SUB - 1);
    return (e - SUB_BITS + 1) * SUB + sub;
  }

  /** The highest value that lands in bucket {@code i}. */
  static long highestIn(int i) {
    if (i < SUB) return i;
    int e = i / SUB + SUB_BITS - 1;
    long sub = i % SUB;
    return ((SUB + sub + 1) << (e - SUB_BITS)) - 1;
  }

  /** The value at {@code percentile} (0..100]: the bucket's highest value, at most the maximum. */
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
