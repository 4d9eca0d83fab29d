package io.gevent4j.bench.load;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP load harness's application, the same {@link HttpHandler} for gevent4j's HttpServer
 * and for the JDK's: "Hello, World!" (13 bytes) as text/plain, with a fixed length, so the
 * connection stays open (keep-alive).
 */
final class HelloHandler implements HttpHandler {
  static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      in.transferTo(OutputStream.nullOutputStream()); // wrk sends none; a real app drains it
    }
    exchange.getResponseHeaders().set("Content-Type", "text/plain");
    exchange.sendResponseHeaders(200, BODY.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(BODY);
    }
  }
}
