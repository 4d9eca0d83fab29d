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
 *
 * <p>{@code -Dbench.firstHub=true} makes a gevent4j hub first (and closes it), as a program that
 * uses gevent4j somewhere does: the hub starts the JDK's pollers and, with
 * {@code gevent.jdkPollers=hub}, replaces them (docs/hub.md). The virtual threads here are not
 * greenlets: this measures what that costs them.
 */
final class JdkVirtualEchoServer {
  private JdkVirtualEchoServer() {}

  public static void main(String[] args) throws IOException {
    ServerArgs a = ServerArgs.parse("JdkVirtualEchoServer", args);
    String what = "jdk virtual threads";
    if (Boolean.getBoolean("bench.firstHub")) {
      Thread t = Thread.ofPlatform().start(() -> io.gevent4j.hub.Hub.current().close());
      try {
        t.join();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      what += " (after a gevent4j hub: jdkPollers=" + io.gevent4j.hub.Hub.jdkPollers() + ")";
    }
    try (ServerSocket listener = new ServerSocket()) {
      listener.setReuseAddress(true);
      listener.bind(new InetSocketAddress("127.0.0.1", a.port()), 1024);
      a.ready(what);
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
