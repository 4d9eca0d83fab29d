package io.gevent4j.examples;

import static io.gevent4j.examples.ExampleRun.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ./dev example http-hello}: the two responses as they came over one keep-alive connection. */
@Timeout(60)
class HttpHelloTest {
  @Test
  void helloThenNotFoundOnOneConnection() {
    String out = ExampleRun.run(15, HttpHello::main);
    assertEquals(List.of(
        "HttpServer on 127.0.0.1; one keep-alive connection, two requests",
        "GET /",
        "  < HTTP/1.1 200 OK",
        "  < Content-type: text/html",
        "  < Content-Length: 18",
        "  <",
        "  < <b>hello world</b>",
        "GET /missing (Connection: close)",
        "  < HTTP/1.1 404 Not Found",
        "  < Content-type: text/html",
        "  < Content-Length: 18",
        "  < Connection: close",
        "  <",
        "  < <h1>Not Found</h1>",
        "the server closed the connection after the second response"), lines(out));
  }

  @Test
  void argumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> HttpHello.main(new String[] {"x"}));
  }
}
