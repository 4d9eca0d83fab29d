package io.gevent4j.examples;

import static io.gevent4j.examples.ExampleRun.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ./dev example port-forwarder}: every byte through the forwarder both ways, unchanged. */
@Timeout(60)
class PortForwarderTest {
  @Test
  void theForwarderMovesEveryByteBothWays() {
    String out = ExampleRun.run(15, PortForwarder::main);
    assertEquals(List.of(
        "client -> forwarder -> echo server, all on 127.0.0.1; three clients at once",
        "client 1: sent 262144 bytes, got 262144 back, identical",
        "client 2: sent 262144 bytes, got 262144 back, identical",
        "client 3: sent 262144 bytes, got 262144 back, identical",
        "forwarder: 3 connections, 786432 bytes to the echo server, 786432 bytes back to the clients"), lines(out));
  }

  @Test
  void argumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> PortForwarder.main(new String[] {"8080"}));
  }
}
