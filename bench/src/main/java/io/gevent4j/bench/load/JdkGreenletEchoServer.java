package io.gevent4j.bench.load;

import io.gevent4j.hub.Hub;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;

/**
 * The JDK's blocking sockets in greenlets, for the load harness: what a gevent user gets from an
 * ordinary blocking library. One hub (the main thread), an accept-loop greenlet on a
 * {@link ServerSocket}, one greenlet per connection echoing through the socket's
 * {@code InputStream} and {@code OutputStream}; the greenlets park in the JDK's I/O waits.
 * Where those waits are served is {@code -Dgevent.jdkPollers=hub|jdk} (docs/hub.md).
 *
 * <p>{@code -Dbench.pollerHub=true} measures a rejected design: the JDK's sub-pollers on a hub
 * of their own that never closes, started by a greenlet of that hub before the serving hub is
 * made. It only means that on a gevent4j without {@code gevent.jdkPollers} (bench/load/jdkio.sh's
 * {@code BEFORE_JAR}): where the first hub starts the JDK's pollers itself, they are started by
 * then. It prints where the route was decided ({@code Hub.jdkPollers()}, when there is one).
 */
final class JdkGreenletEchoServer {
  private JdkGreenletEchoServer() {}

  public static void main(String[] args) throws Exception {
    ServerArgs a = ServerArgs.parse("JdkGreenletEchoServer", args);
    if (Boolean.getBoolean("bench.pollerHub")) pollerHub();
    Hub hub = Hub.current();
    ServerSocket listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(new InetSocketAddress("127.0.0.1", a.port()), 1024);
    hub.execute(() -> {
      try {
        while (true) {
          Socket client = listener.accept();
          client.setTcpNoDelay(true);
          hub.execute(() -> echo(client));
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    a.ready("JDK sockets in greenlets (" + hub.backend() + ", jdkPollers=" + route() + ")");
    Hub.sleep(a.maxSeconds() + 60); // runs the hub on this thread; ServerArgs ends the process first
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

  /** A hub on a thread of its own that never ends, whose greenlet starts the JDK's pollers. */
  private static void pollerHub() throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    Thread.ofPlatform().daemon().name("poller-hub").start(() -> {
      Hub hub = Hub.current();
      hub.execute(() -> {
        try {
          Class.forName("sun.nio.ch.Poller", true, null);
        } catch (ClassNotFoundException e) {
          throw new IllegalStateException(e);
        }
        started.countDown();
      });
      while (true) Hub.sleep(3600);
    });
    started.await();
  }

  /** {@code Hub.jdkPollers()} on a gevent4j that has it, else "none". */
  private static String route() {
    try {
      return String.valueOf(Hub.class.getMethod("jdkPollers").invoke(null));
    } catch (ReflectiveOperationException e) {
      return "none";
    }
  }
}
