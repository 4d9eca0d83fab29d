package io.gevent4j.socket;

import static io.gevent4j.greenlet.Gevent.spawn;
import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gevent.ssl against the JDK's own TLS sockets, each on a platform thread of its own: a
 * gevent4j client against an {@link SSLServerSocket}, an {@link SSLSocket} client against a
 * gevent4j server. On TLS 1.3 the JDK side asks for a key update mid-stream
 * ({@code startHandshake()} after the handshake), which gevent4j must answer.
 */
@org.junit.jupiter.api.Timeout(300)
class SslInteropTest {

  /** Runs {@code body} on a new platform thread; the future completes with its outcome. */
  private static <T> CompletableFuture<T> onPlatformThread(String name, Callable<T> body, Thread[] started) {
    CompletableFuture<T> outcome = new CompletableFuture<>();
    started[0] = Thread.ofPlatform().name(name).start(() -> {
      try {
        outcome.complete(body.call());
      } catch (Throwable e) {
        outcome.completeExceptionally(e);
      }
    });
    return outcome;
  }

  private static void line(Writer out, String text) throws IOException {
    out.write(text + "\n");
    out.flush();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void aGevent4jClientAgainstAJdkServer(String protocol) throws Exception {
    boolean tls13 = protocol.equals("TLSv1.3");
    Thread[] thread = new Thread[1];
    onFreshHub(hub -> {
      SSLServerSocket listener = (SSLServerSocket) SslSocketTest.Certs.server().getServerSocketFactory()
          .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
      listener.setEnabledProtocols(new String[] {protocol});
      int port = listener.getLocalPort();
      CompletableFuture<String> served = onPlatformThread("jdk-tls-server", () -> {
        try (listener; SSLSocket s = (SSLSocket) listener.accept()) {
          s.setSoTimeout(10_000);
          BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
          Writer out = new java.io.OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
          String hello = in.readLine();
          line(out, hello.toUpperCase());
          if (tls13) s.startHandshake(); // a KeyUpdate asking the client to update too
          line(out, "after the key update");
          String ack = in.readLine();
          int end = in.read(); // -1 only on the client's close_notify (or its TCP end)
          return s.getSession().getProtocol() + " " + hello + " " + ack + " " + end;
        }
      }, thread);
      try (SslSocket c = SslSocket.connect("localhost", port, SslSocketTest.Certs.client(), 10)) {
        BufferedReader in = new BufferedReader(new InputStreamReader(c.inputStream(), StandardCharsets.UTF_8));
        c.sendAll("hello\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("HELLO", in.readLine());
        assertEquals("after the key update", in.readLine());
        c.sendAll("ack\n".getBytes(StandardCharsets.UTF_8)); // under the client's new keys on TLS 1.3
        assertEquals(protocol, c.session().getProtocol());
      }
      assertEquals(protocol + " hello ack -1", Hub.await(served, 10));
    });
    thread[0].join(10_000);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void aJdkClientAgainstAGevent4jServer(String protocol) throws Exception {
    boolean tls13 = protocol.equals("TLSv1.3");
    Thread[] thread = new Thread[1];
    onFreshHub(hub -> {
      Socket listener = SocketTest.listener();
      InetSocketAddress address = listener.localAddress();
      Greenlet<String> server = spawn(() -> {
        try (Socket tls = SslSocket.wrapServer(listener.accept(), SslSocketTest.Certs.server())) {
          SslSocket s = (SslSocket) tls;
          s.setTimeout(10);
          s.suppressRaggedEofs(false); // the JDK client's close must send close_notify
          BufferedReader in = new BufferedReader(new InputStreamReader(s.inputStream(), StandardCharsets.UTF_8));
          String hello = in.readLine();
          s.sendAll((hello.toUpperCase() + "\n").getBytes(StandardCharsets.UTF_8));
          String after = in.readLine(); // sent after the client's key update on TLS 1.3
          s.sendAll("OK\n".getBytes(StandardCharsets.UTF_8));
          int end = in.read();
          return s.requestedServerName() + " " + s.session().getProtocol() + " " + hello + " " + after + " " + end;
        }
      });
      CompletableFuture<String> client = onPlatformThread("jdk-tls-client", () -> {
        try (SSLSocket c = (SSLSocket) SslSocketTest.Certs.client().getSocketFactory()
            .createSocket(address.getAddress(), address.getPort())) {
          c.setSoTimeout(10_000);
          c.setEnabledProtocols(new String[] {protocol});
          SSLParameters parameters = c.getSSLParameters();
          parameters.setServerNames(List.of(new SNIHostName("localhost")));
          parameters.setEndpointIdentificationAlgorithm("HTTPS");
          c.setSSLParameters(parameters);
          BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
          OutputStream out = c.getOutputStream();
          out.write("hello\n".getBytes(StandardCharsets.UTF_8));
          String upper = in.readLine();
          if (tls13) c.startHandshake(); // a KeyUpdate asking the server to update too
          out.write("after\n".getBytes(StandardCharsets.UTF_8));
          String ok = in.readLine(); // under the server's new keys on TLS 1.3
          return upper + " " + ok;
        } // close(): close_notify
      }, thread);
      assertEquals("HELLO OK", Hub.await(client, 10));
      assertEquals("localhost " + protocol + " hello after -1", server.get(10));
      listener.close();
    });
    thread[0].join(10_000);
  }
}
