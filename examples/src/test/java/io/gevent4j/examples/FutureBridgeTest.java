package io.gevent4j.examples;

import static io.gevent4j.examples.ExampleRun.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ./dev example future-bridge}: each bridge gives its result, and the ticker never stopped. */
@Timeout(60)
class FutureBridgeTest {
  @Test
  void futuresAndGreenletsBothWays() {
    List<String> out = lines(ExampleRun.run(15, FutureBridge::main));
    assertEquals(List.of(
        "1. Hub.await in a greenlet, on a future of the library's threads: GEVENT (computed on a platform thread of the library)",
        "2. two greenlets' futures, thenCombine(Integer::sum): 42",
        "3. supplyAsync(.., library).thenApplyAsync(.., hub) ran on a platform thread, then a greenlet of the hub",
        "4. cancel(true) on its future: cancelled true, the greenlet dead true",
        "5. Hub.await(a future nobody completes, 0.05): Timeout after 0.05 s"), out.subList(0, 5), String.join("\n", out));
    assertEquals(6, out.size(), String.join("\n", out));
    // the waits above last 0.1 + 0.1 + 0.01 + 0.05 s at least, with a tick every 10 ms
    assertTrue(out.get(5).matches("the ticker greenlet kept ticking: yes \\(\\d+ ticks of 10 ms\\)"), out.get(5));
  }

  @Test
  void argumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> FutureBridge.main(new String[] {"x"}));
  }
}
