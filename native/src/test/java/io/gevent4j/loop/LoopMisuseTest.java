package io.gevent4j.loop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.testing.Misuse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs {@link LoopMisuse} in a forked JVM on this run's backend: every case must end in the
 * exception (or return) it states, and none may take the JVM down.
 */
class LoopMisuseTest {
  @Test
  @Timeout(180)
  void everyMisuseIsAJavaException() {
    int passed = Misuse.assertAllPass(LoopMisuse.class, Backend.configured().id(), null);
    assertTrue(passed > 150, "only " + passed + " cases ran");
  }
}
