package io.gevent4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.gevent4j.server.LogCapture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The provider's access log: off unless the system property gevent.http.accessLog says true. */
@org.junit.jupiter.api.Timeout(60)
class ProviderAccessLogTest {
  static List<String> logged(String property) throws Exception {
    String before = System.getProperty(JdkServerAdapter.ACCESS_LOG_PROPERTY);
    try (LogCapture access = LogCapture.of(AccessLog.LOGGER, Level.INFO)) {
      if (property == null) System.clearProperty(JdkServerAdapter.ACCESS_LOG_PROPERTY);
      else System.setProperty(JdkServerAdapter.ACCESS_LOG_PROPERTY, property);
      com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0, "/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
          });
      server.start();
      try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
        client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/logged")).build(),
            HttpResponse.BodyHandlers.discarding());
      } finally {
        server.stop(0);
      }
      return access.events(Level.INFO).stream().map(ILoggingEvent::getFormattedMessage).toList();
    } finally {
      if (before == null) System.clearProperty(JdkServerAdapter.ACCESS_LOG_PROPERTY);
      else System.setProperty(JdkServerAdapter.ACCESS_LOG_PROPERTY, before);
    }
  }

  @Test
  void offByDefaultOnWithTheProperty() throws Exception {
    assertEquals(List.of(), logged(null));
    assertEquals(List.of(), logged("false"));
    List<String> on = logged("true");
    assertEquals(1, on.size(), on.toString());
    assertTrue(on.get(0).matches("127\\.0\\.0\\.1 - - \\[.*\\] \"GET /logged HTTP/1\\.1\" 204 -"), on.get(0));
  }
}
