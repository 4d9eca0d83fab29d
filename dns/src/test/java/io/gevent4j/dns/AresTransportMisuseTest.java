package io.gevent4j.dns;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.loop.Backend;
import io.gevent4j.testing.Misuse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs {@link AresTransportMisuse} in a forked JVM on this run's backend: every case must end in
 * the exception (or return) it states, and none may take the JVM down.
 */
class AresTransportMisuseTest {
  @Test
  @Timeout(180)
  void everyMisuseIsAJavaException() {
    int passed = Misuse.assertAllPass(AresTransportMisuse.class, Backend.configured().id(), null);
    assertTrue(passed >= 15, "only " + passed + " cases ran");
  }
}
