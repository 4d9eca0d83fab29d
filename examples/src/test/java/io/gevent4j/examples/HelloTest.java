package io.gevent4j.examples;

import static io.gevent4j.examples.ExampleRun.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gevent4j.loop.Backend;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ./dev example hello}: the README's program prints what the README says. */
@Timeout(60)
class HelloTest {
  @Test
  void theReadmesProgram() {
    String backend = System.getProperty("gevent.loop", Backend.LIBEV.name()).toLowerCase(Locale.ROOT) + ":epoll";
    assertEquals(List.of(
        "timed out after 0.05 s",
        "from a pool thread",
        "greenlet 1 on " + backend,
        "greenlet 2 on " + backend,
        "greenlet 3 on " + backend), lines(ExampleRun.run(15, Hello::main)));
  }
}
