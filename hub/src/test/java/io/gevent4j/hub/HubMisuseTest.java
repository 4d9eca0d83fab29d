package io.gevent4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gevent4j.loop.Backend;
import io.gevent4j.testing.Misuse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs {@link HubMisuse} in a forked JVM limited to 128 descriptors, on this run's backend. */
class HubMisuseTest {
  @Test
  @Timeout(180)
  void runningOutOfDescriptorsIsAnException() {
    assertEquals(4, Misuse.assertAllPass(HubMisuse.class, Backend.configured().id(), "ulimit -n 128;"));
  }
}
