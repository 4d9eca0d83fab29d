package io.gevent4j.socket;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.loop.Backend;
import io.gevent4j.loop.NativeIoException;
import io.gevent4j.loop.Posix;
import io.gevent4j.server.DatagramServer;
import io.gevent4j.server.StreamServer;
import io.gevent4j.testing.Misuse;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

/**
 * The misuse matrix of the io module ({@link Sockets}, {@link Socket}, the servers), from
 * greenlets and from plain threads, run in a forked JVM by {@link SocketMisuseTest}. It holds
 * the greenlet forms of the reported crashes: a greenlet waiting on a fd that another greenlet
 * closes, and a wait on the hub's own epoll set.
 */
public final class SocketMisuse {
  private SocketMisuse() {}

  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
  private static int mainEpoll = -1;

  private static boolean libuv() {
    return Backend.configured() == Backend.LIBUV;
  }

  /** Runs {@code body} in a greenlet of this thread's hub; its failure is rethrown as it is. */
  private static <T> T inGreenlet(Callable<T> body) throws Throwable {
    Greenlet<T> g = Gevent.spawn(body);
    try {
      return g.get(10);
    } catch (CompletionException e) {
      throw e.getCause();
    }
  }



  static Misuse.Cases cases() {
    Misuse.Cases c = new Misuse.Cases();

    // ---- Sockets.waitRead/waitWrite on bad descriptors, plain thread and greenlet ----
    for (boolean greenlet : new boolean[] {false, true}) {
      String where = greenlet ? "greenlet" : "plain";
      c.add("wait/" + where + "/closed", k -> {
        int fd = Misuse.neverOpened();
        k.expect(IllegalArgumentException.class, "Sockets.waitRead(fd " + fd + ")", "EBADF");
        run(greenlet, () -> Sockets.waitRead(fd, 1.0));
      });
      c.add("wait/" + where + "/negative", k -> {
        k.expect(IllegalArgumentException.class, "Sockets.waitWrite(fd -1)", "negative");
        run(greenlet, () -> Sockets.waitWrite(-1, 1.0));
      });
      c.add("wait/" + where + "/huge", k -> {
        k.expect(IllegalArgumentException.class, "Sockets.waitRead(fd " + Integer.MAX_VALUE + ")", "EBADF");
        run(greenlet, () -> Sockets.waitRead(Integer.MAX_VALUE, 1.0));
      });
      c.add("wait/" + where + "/hub-own-epoll", k -> {
        k.expect(IllegalArgumentException.class, "Sockets.waitRead(fd " + mainEpoll + ")", "EBUSY", "own descriptor");
        run(greenlet, () -> Sockets.waitRead(mainEpoll, 1.0));
      });
      c.add("wait/" + where + "/foreign-epoll", k -> {
        int fd = Misuse.foreignEpoll();
        k.expect(SocketTimeoutException.class, "Sockets.waitRead(fd " + fd + ")", "not ready");
        run(greenlet, () -> Sockets.waitRead(fd, 0.02));
      });
      c.add("wait/" + where + "/regular-file", k -> {
        int fd = Misuse.regularFile();
        if (libuv()) k.expect(IllegalArgumentException.class, "Sockets.waitRead(fd " + fd + ")", "EPERM");
        else k.expectReturn(); // libev: a regular file is always ready
        run(greenlet, () -> Sockets.waitRead(fd, 1.0));
      });
      for (double bad : new double[] {Double.NaN, -1, Double.NEGATIVE_INFINITY}) {
        c.add("wait/" + where + "/timeout=" + bad, k -> {
          int[] p = Posix.pipe2(0);
          try {
            k.expect(IllegalArgumentException.class, "timeout", String.valueOf(bad));
            run(greenlet, () -> Sockets.waitRead(p[0], bad));
          } finally {
            Posix.close(p[0]);
            Posix.close(p[1]);
          }
        });
      }
    }

    // ---- the reported crash, greenlet form: a greenlet waits, another closes ----
    c.add("crash1/greenlet-closes-under-greenlet", k -> {
      int[] p = Posix.pipe2(0);
      k.expect(ClosedChannelException.class, "Sockets.waitRead(fd " + p[0] + ")", "EBADF", "closed while waiting");
      try {
        inGreenlet(() -> {
          Greenlet<Void> reader = Gevent.spawn(() -> {
            Sockets.waitRead(p[0], 5.0);
            return null;
          });
          Gevent.spawn(() -> {
            Posix.close(p[0]);
            return null;
          }).get(5.0);
          return reader.get(5.0);
        });
      } finally {
        Posix.close(p[1]);
      }
    });
    c.add("crash1/other-thread-closes-under-plain-thread", k -> {
      int[] p = Posix.pipe2(0);
      k.expect(ClosedChannelException.class, "Sockets.waitRead(fd " + p[0] + ")", "closed while waiting");
      Thread closer = Thread.ofPlatform().unstarted(() -> {
        try {
          Posix.close(p[0]);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      try {
        Hub.current().callSoon(closer::start); // once this thread waits in its hub
        Sockets.waitRead(p[0], 5.0);
      } finally {
        closer.join();
        Posix.close(p[1]);
      }
    });

    // ---- a socket closed from another thread wakes its readers on every hub ----
    c.add("close/other-thread-wakes-plain-reader", k -> {
      Socket[] pair = Socket.socketpair();
      k.expect(ClosedChannelException.class, "socket is closed");
      try {
        Hub.current().callSoon(() -> Thread.ofPlatform().start(pair[0]::close));
        pair[0].recv(16);
      } finally {
        pair[1].close();
      }
    });
    c.add("close/other-hub-wakes-greenlet-reader", k -> {
      Socket[] pair = Socket.socketpair();
      k.expect(ClosedChannelException.class, "socket is closed");
      try {
        inGreenlet(() -> {
          Hub.current().callSoon(() -> Thread.ofPlatform().start(pair[0]::close));
          return pair[0].recv(16);
        });
      } finally {
        pair[1].close();
      }
    });

    // ---- a closed Socket: every call says so ----
    record SocketCall(String name, SocketAction action) {}
    List<SocketCall> calls = List.of(
        new SocketCall("recv", s -> s.recv(new byte[4], 0, 4)),
        new SocketCall("recv(max)", s -> s.recv(4)),
        new SocketCall("send", s -> s.send(new byte[4], 0, 4)),
        new SocketCall("sendAll", s -> s.sendAll(new byte[4])),
        new SocketCall("accept", Socket::accept),
        new SocketCall("listen", s -> s.listen(1)),
        new SocketCall("bind", s -> s.bind(LOOPBACK)),
        new SocketCall("connect", s -> s.connect(new InetSocketAddress("127.0.0.1", 9))),
        new SocketCall("sendTo", s -> s.sendTo(new byte[1], new InetSocketAddress("127.0.0.1", 9))),
        new SocketCall("recvFrom", s -> s.recvFrom(4)),
        new SocketCall("shutdownOutput", Socket::shutdownOutput),
        new SocketCall("getOption", s -> s.getOption(java.net.StandardSocketOptions.SO_RCVBUF)),
        new SocketCall("setOption", s -> s.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4096)));
    for (SocketCall call : calls) {
      c.add("closed-socket/" + call.name(), k -> {
        Socket s = Socket.tcp();
        s.close();
        k.expect(ClosedChannelException.class, "TCP socket is closed");
        call.action().run(s);
      });
    }
    c.add("closed-socket/close-again", k -> {
      Socket s = Socket.tcp();
      s.close();
      k.expectReturn();
      s.close();
      if (s.fd() != -1) throw new AssertionError("fd " + s.fd());
    });
    c.add("closed-socket/fd-closed-by-posix-first", k -> {
      Socket s = Socket.tcp();
      Posix.close(s.fd());
      k.expectReturn(); // close() is quiet about a descriptor closed already
      s.close();
    });
    c.add("socket/fd-closed-by-posix-while-reading", k -> {
      Socket[] pair = Socket.socketpair();
      int fd = pair[0].fd();
      k.expect(ClosedChannelException.class, "Socket(fd " + fd + ")", "EBADF", "Posix.close");
      try {
        inGreenlet(() -> {
          Gevent.spawn(() -> {
            Posix.close(fd);
            return null;
          });
          return pair[0].recv(16);
        });
      } finally {
        pair[1].close();
      }
    });

    // ---- arguments ----
    c.add("socket/timeout-nan", k -> {
      try (Socket s = Socket.tcp()) {
        k.expect(IllegalArgumentException.class, "NaN");
        s.setTimeout(Double.NaN);
      }
    });
    for (double bad : new double[] {Double.NaN, -1}) {
      c.add("createConnection/timeout=" + bad, k -> {
        k.expect(IllegalArgumentException.class, "timeout", String.valueOf(bad));
        Socket.createConnection("127.0.0.1", 9, bad);
      });
    }
    c.add("createConnection/refused", k -> {
      int port;
      try (Socket s = Socket.tcp()) {
        s.bind(LOOPBACK);
        port = s.localAddress().getPort(); // bound, never listening: refused
        k.expect(ConnectException.class, "connect(fd", "ECONNREFUSED");
        Socket.createConnection("127.0.0.1", port, 5.0).close();
      }
    });
    c.add("createConnection/bad-port", k -> {
      k.expect(IllegalArgumentException.class, "port");
      Socket.createConnection("127.0.0.1", 70000, 1.0);
    });
    c.add("socket/recv-negative-offset", k -> {
      try (Socket s = Socket.tcp()) {
        k.expect(IndexOutOfBoundsException.class);
        s.recv(new byte[4], -1, 2);
      }
    });
    c.add("socket/send-past-end", k -> {
      try (Socket s = Socket.tcp()) {
        k.expect(IndexOutOfBoundsException.class);
        s.send(new byte[4], 3, 2);
      }
    });
    c.add("socket/recv-null", k -> {
      try (Socket s = Socket.tcp()) {
        k.expect(NullPointerException.class);
        s.recv(null, 0, 1);
      }
    });
    c.add("socket/accept-not-listening", k -> {
      try (Socket s = Socket.tcp()) {
        s.bind(LOOPBACK);
        k.expect(NativeIoException.class, "accept(fd " + s.fd() + ")", "EINVAL");
        s.setTimeout(1);
        s.accept();
      }
    });
    c.add("socket/bind-twice", k -> {
      try (Socket s = Socket.tcp()) {
        s.bind(LOOPBACK);
        k.expect(NativeIoException.class, "bind(fd " + s.fd() + ")", "EINVAL");
        s.bind(LOOPBACK);
      }
    });
    c.add("socket/two-readers", k -> {
      Socket[] pair = Socket.socketpair();
      k.expect(IllegalStateException.class, "already reading");
      try {
        inGreenlet(() -> {
          Gevent.spawn(() -> pair[0].recv(4));
          Gevent.sleep(0);
          return pair[0].recv(4);
        });
      } finally {
        pair[0].close();
        pair[1].close();
      }
    });

    // ---- servers ----
    c.add("server/address-in-use", k -> {
      try (Socket taken = Socket.tcp()) {
        taken.bind(LOOPBACK);
        taken.listen(1);
        StreamServer server = new StreamServer(taken.localAddress(), (s, peer) -> {});
        k.expect(BindException.class, "bind(fd", "EADDRINUSE");
        try {
          server.start();
        } finally {
          server.close();
        }
      }
    });
    c.add("server/start-twice", k -> {
      StreamServer server = new StreamServer(LOOPBACK, (s, peer) -> {});
      try {
        server.start();
        k.expect(IllegalStateException.class, "started");
        server.start();
      } finally {
        server.stop(0);
      }
    });
    c.add("server/closed-listener", k -> {
      Socket listener = Socket.tcp();
      listener.close();
      k.expect(IllegalArgumentException.class, "closed");
      new StreamServer(listener, (s, peer) -> {}).close();
    });
    c.add("server/null-handler", k -> {
      k.expect(NullPointerException.class, "handler");
      new StreamServer(LOOPBACK, null);
    });
    c.add("server/stop-timeout-nan", k -> {
      StreamServer server = new StreamServer(LOOPBACK, (s, peer) -> {});
      server.start();
      try {
        k.expect(IllegalArgumentException.class, "NaN");
        server.stop(Double.NaN);
      } finally {
        server.stop(0);
      }
    });
    c.add("datagram/send-before-start", k -> {
      DatagramServer server = new DatagramServer(LOOPBACK, (data, peer) -> {});
      k.expect(IllegalStateException.class, "not started");
      server.sendTo(new byte[1], new InetSocketAddress("127.0.0.1", 9));
    });
    c.add("datagram/send-after-stop", k -> {
      DatagramServer server = new DatagramServer(LOOPBACK, (data, peer) -> {});
      server.start();
      server.stop(0);
      k.expect(ClosedChannelException.class, "closed");
      server.sendTo(new byte[1], new InetSocketAddress("127.0.0.1", 9));
    });
    return c;
  }

  /** A call on a Socket that may throw. */
  @FunctionalInterface
  interface SocketAction {
    void run(Socket s) throws Throwable;
  }

  private static void run(boolean greenlet, Misuse.ThrowingRunnable body) throws Throwable {
    if (greenlet) {
      inGreenlet(() -> {
        try {
          body.run();
        } catch (Exception | Error e) {
          throw e;
        } catch (Throwable t) {
          throw new AssertionError(t);
        }
        return null;
      });
    } else {
      body.run();
    }
  }

  public static void main(String[] args) throws Throwable {
    for (int fd : Misuse.fdsMadeBy(Hub::current)) {
      if ("anon_inode:[eventpoll]".equals(Misuse.target(fd))) mainEpoll = fd;
    }
    if (mainEpoll < 0) throw new AssertionError("the main hub's epoll set was not found");
    cases().runAll(args);
  }
}
