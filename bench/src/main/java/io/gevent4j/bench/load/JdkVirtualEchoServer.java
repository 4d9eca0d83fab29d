package io.gevent4j.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The JDK's own answer to the same problem, for the load harness: a {@link ServerSocket} and
 * one virtual thread per connection on the JDK's default scheduler (its ForkJoinPool, as wide
 * as the cores the process may use: one under {@code taskset -c 0}).
 */
final class JdkVirtualEchoServer {
  private JdkVirtualEchoServer() {}

  public static void main(String[] args) throws IOException {
    ServerArgs a = ServerArgs.parse("JdkVirtualEchoServer", args);
    try (ServerSocket listener = new ServerSocket()) {
      listener.setReuseAddress(true);
      listener.bind(new InetSocketAddress("127.0.0.1", a.port()), 1024);
      a.ready("jdk virtual threads");
      while (true) {
        Socket client = listener.accept();
        client.setTcpNoDelay(true);
        Thread.ofVirtual().start(() -> echo(client));
      }
    }
  }

  private static void echo(Socket client) {
    byte[] buf = new byte[4096];
    try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) > 0) out.write(buf, 0, n);
    } catch (IOException e) {
      // the client went away: this connection is over
    }
  }
}
