package io.gevent4j.examples;

import static io.gevent4j.examples.ExampleRun.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ./dev example concurrent-fetcher}: sizes in the list's order, the slow URL cut, at most 3 at once. */
@Timeout(60)
class ConcurrentFetcherTest {
  @Test
  void thePoolFetchesInOrderAndTheTimeoutCutsTheSlowOne() {
    List<String> out = lines(ExampleRun.run(15, ConcurrentFetcher::main));
    assertEquals(List.of(
        "6 URLs, a Pool of 3 greenlets, a 0.5 s Timeout on each fetch",
        "  /bytes/100: 200, 100 bytes",
        "  /slow: timed out after 0.5 s",
        "  /bytes/20000: 200, 20000 bytes",
        "  /missing: 404, 8 bytes",
        "  /bytes/1000000: 200, 1000000 bytes",
        "  /bytes/5000: 200, 5000 bytes"), out.subList(0, 7), String.join("\n", out));
    assertEquals(8, out.size(), String.join("\n", out));
    Matcher m = Pattern.compile("all done in ([0-9.]+) s; the server had at most ([0-9]+) requests at once").matcher(out.get(7));
    assertTrue(m.matches(), out.get(7));
    // the slow answer takes 5 s: the whole run ended long before, cut by the Timeout
    assertTrue(Double.parseDouble(m.group(1)) < 4, out.get(7));
    int most = Integer.parseInt(m.group(2));
    assertTrue(most >= 1 && most <= 3, "the pool has 3 slots: " + out.get(7));
  }

  @Test
  void argumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> ConcurrentFetcher.main(new String[] {"http://example.com/"}));
  }
}
