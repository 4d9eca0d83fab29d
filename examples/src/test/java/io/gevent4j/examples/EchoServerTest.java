package io.gevent4j.examples;

import static io.gevent4j.examples.ExampleRun.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ./dev example echo-server}: every client hears the greeting and its own lines back. */
@Timeout(60)
class EchoServerTest {
  @Test
  void threeClientsHearTheirLinesEchoed() {
    String out = ExampleRun.run(15, EchoServer::main);
    assertEquals(List.of(
        "echo server on 127.0.0.1, three clients at once",
        "client 1 heard: Welcome to the echo server! Type quit to exit. | hello from client 1 | client 1 again | (closed)",
        "client 2 heard: Welcome to the echo server! Type quit to exit. | hello from client 2 | client 2 again | (closed)",
        "client 3 heard: Welcome to the echo server! Type quit to exit. | hello from client 3 | client 3 again | (closed)",
        "server: 3 connections, 6 lines echoed"), lines(out));
  }

  @Test
  void argumentsAreRefused() {
    assertEquals("echo-server takes no arguments, got [x]",
        assertThrows(IllegalArgumentException.class, () -> EchoServer.main(new String[] {"x"})).getMessage());
  }
}
