package io.gevent4j.http;

import static io.gevent4j.http.HttpServerTest.CHUNKED_HANDLER;
import static io.gevent4j.http.HttpServerTest.chunkedBody;
import static io.gevent4j.http.HttpServerTest.serve;
import static io.gevent4j.http.HttpTesting.LOOPBACK_ANY_PORT;
import static io.gevent4j.http.HttpTesting.blocking;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.gevent4j.socket.TlsTesting;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** HTTPS: HttpServer.ssl(context) and the provider's HttpsServer, with the JDK's HttpClient, on both backends. */
@org.junit.jupiter.api.Timeout(60)
class HttpsTest {
  static HttpClient trustingClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(TlsTesting.client()).build();
  }

  /** Answers with the TLS protocol and the client's port; /chunked writes a chunked body. */
  static void describeTls(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
    if (exchange.getRequestURI().getPath().equals("/chunked")) {
      CHUNKED_HANDLER.handle(exchange);
      return;
    }
    HttpsExchange https = (HttpsExchange) exchange;
    byte[] body = (https.getSSLSession().getProtocol() + " " + exchange.getRemoteAddress().getPort()).getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Test
  void httpServerServesTls() {
    serve(new HttpServer(LOOPBACK_ANY_PORT, HttpsTest::describeTls).ssl(TlsTesting.server()), server -> {
      String base = "https://127.0.0.1:" + server.address().getPort();
      List<String> bodies = blocking(() -> {
        try (HttpClient client = trustingClient()) {
          List<String> all = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            all.add(client.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString()).body());
          }
          all.add(client.send(HttpRequest.newBuilder(URI.create(base + "/chunked")).build(), HttpResponse.BodyHandlers.ofString()).body());
          return all;
        }
      });
      assertTrue(bodies.get(0).startsWith("TLSv1.3 "), bodies.get(0));
      assertEquals(bodies.get(0), bodies.get(1), "keep-alive: the same connection");
      assertEquals(bodies.get(0), bodies.get(2));
      assertEquals(chunkedBody(), bodies.get(3));
      // a client that does not trust the certificate fails its handshake; the server goes on
      CompletionException refused = assertThrows(CompletionException.class, () -> blocking(() -> {
        try (HttpClient client = HttpClient.newBuilder().build()) {
          return client.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
        }
      }));
      assertTrue(refused.getCause() instanceof SSLHandshakeException, refused.toString());
      // plain HTTP on the TLS port: at most a TLS alert, then the close
      try (HttpTesting.RawClient c = HttpTesting.RawClient.connect(server.address())) {
        c.send(HttpServerTest.get("/"));
        byte[] answer = c.readToEnd();
        assertTrue(answer.length < 16 && (answer.length == 0 || answer[0] == 21), "a TLS alert record, or nothing");
      }
      assertTrue(blocking(() -> {
        try (HttpClient client = trustingClient()) {
          return client.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
      }).startsWith("TLSv1.3 "));
    });
  }

  @Test
  void providerHttpsServerUsesTheConfigurator() throws Exception {
    SSLContext context = TlsTesting.server();
    Set<InetSocketAddress> configured = ConcurrentHashMap.newKeySet();
    AtomicInteger calls = new AtomicInteger();
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    try {
      server.createContext("/", HttpsTest::describeTls);
      server.setHttpsConfigurator(new HttpsConfigurator(context) {
        @Override
        public void configure(HttpsParameters params) {
          calls.incrementAndGet();
          configured.add(params.getClientAddress());
          SSLParameters p = getSSLContext().getDefaultSSLParameters();
          p.setProtocols(new String[] {"TLSv1.2"}); // proves the parameters reach the engine
          params.setSSLParameters(p);
        }
      });
      server.start();
      assertThrows(IllegalStateException.class, () -> server.setHttpsConfigurator(new HttpsConfigurator(context)));
      String body;
      try (HttpClient client = trustingClient()) {
        body = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
      }
      assertTrue(body.startsWith("TLSv1.2 "), body);
      assertEquals(1, calls.get());
      assertEquals(Integer.parseInt(body.substring("TLSv1.2 ".length())), configured.iterator().next().getPort());
    } finally {
      server.stop(0);
    }
  }
}
