package io.gevent4j.http;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.gevent4j.server.LogCapture;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An HttpURLConnection made on the plain thread that owns an HttpServer's hub blocks that hub:
 * the server cannot answer while its owner does not wait in gevent4j. The blocking monitor says
 * so, with the owner's stack. On both backends.
 */
@org.junit.jupiter.api.Timeout(60)
class OwnerBlockedTest {

  @Test
  void anHttpUrlConnectionToItsOwnServerOnTheHubsOwnerIsReported() {
    System.setProperty("gevent.monitorThread", "true");
    try (LogCapture monitor = LogCapture.of("io.gevent4j.hub.monitor", Level.WARN)) {
      onFreshHub(hub -> {
        System.clearProperty("gevent.monitorThread"); // read when this thread's hub was made
        HttpServer server = new HttpServer(new InetSocketAddress("127.0.0.1", 0), exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
        server.start();
        try {
          HttpURLConnection c = (HttpURLConnection) HttpServerTest.uri(server, "/").toURL().openConnection();
          c.setConnectTimeout(5_000);
          c.setReadTimeout(1_000); // the server cannot answer: its hub waits for this thread
          assertThrows(SocketTimeoutException.class, c::getResponseCode);
          c.disconnect();
        } finally {
          server.stop(1);
        }
      });
      List<ILoggingEvent> reports = monitor.events(Level.WARN);
      assertEquals(1, reports.size(), "one report: " + reports);
      String message = reports.get(0).getFormattedMessage();
      assertTrue(message.contains("the owner thread test-hub has held hub test-hub"), message);
      assertTrue(message.contains("HttpURLConnection"), "the owner's stack: " + message);
    } finally {
      System.clearProperty("gevent.monitorThread");
    }
  }
}
