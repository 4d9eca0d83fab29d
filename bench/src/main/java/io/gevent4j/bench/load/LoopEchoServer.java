package io.gevent4j.bench.load;

import io.gevent4j.loop.Backend;
import io.gevent4j.loop.IoWatcher;
import io.gevent4j.loop.Loop;
import io.gevent4j.loop.Posix;
import io.gevent4j.loop.PosixSockets;
import io.gevent4j.loop.RunMode;
import io.gevent4j.loop.Watcher;
import io.gevent4j.socket.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;

/**
 * Not a way to write a gevent4j server: the floor under {@link GeventEchoServer}, for the load
 * harness's profile. gevent4j's native loop alone (backend from {@code -Dgevent.loop}), no hub
 * and no greenlets: each connection's read watcher stays started, and its callback reads once
 * and writes the bytes back, as Netty's event loop does. What GeventEchoServer costs above
 * this is the greenlet layer: a watcher started and stopped per wait, the read that finds
 * nothing before each wait, the switches.
 */
final class LoopEchoServer {
  private LoopEchoServer() {}

  public static void main(String[] args) throws IOException {
    ServerArgs a = ServerArgs.parse("LoopEchoServer", args);
    Socket listener = Socket.tcp();
    listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    listener.bind(new InetSocketAddress("127.0.0.1", a.port()));
    listener.listen(1024);
    int listenFd = listener.fd();
    Loop loop = Loop.create(Backend.configured());
    byte[] buf = new byte[4096];
    IoWatcher accepting = loop.io(listenFd, Watcher.READ);
    accepting.start(revents -> {
      try {
        int fd = PosixSockets.accept(listenFd, Posix.SOCK_NONBLOCK);
        if (fd == Posix.WOULD_BLOCK) return;
        PosixSockets.setsockopt(fd, Posix.IPPROTO_TCP, Posix.TCP_NODELAY, 1);
        IoWatcher reading = loop.io(fd, Watcher.READ);
        reading.start(r -> echo(fd, reading, buf));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    a.ready("gevent4j loop only (" + loop.backend() + ")");
    loop.run(RunMode.DEFAULT);
  }

  private static void echo(int fd, IoWatcher reading, byte[] buf) {
    try {
      int n = Posix.read(fd, buf, 0, buf.length);
      if (n == Posix.WOULD_BLOCK) return;
      if (n > 0) {
        // In a closed loop of small messages the send buffer is never full: no write watcher.
        // Were it full, the echo would come back short and the client would say so.
        if (Posix.write(fd, buf, 0, n) == n) return;
      }
    } catch (IOException e) {
      // the client went away
    }
    reading.close();
    try {
      Posix.close(fd);
    } catch (IOException e) {
      // nothing left to do
    }
  }
}
