package io.gevent4j.loop;

import io.gevent4j.loop.internal.Ares;
import io.gevent4j.testing.Misuse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.DirectoryStream;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The misuse matrix of the native module's public API ({@link Loop}, the watchers,
 * {@link Posix}), run in a forked JVM by {@link LoopMisuseTest}: every call with closed,
 * negative, huge and foreign descriptors (a loop's own epoll set, another epoll set, a regular
 * file, a directory), closed loops and watchers, the wrong thread, bad buffers, offsets,
 * lengths and timeouts, and the four ways reported misuse took the JVM down (an fd closed under
 * a started watcher, a loop's own fd watched, fds exhausted — in the hub's matrix — and a
 * reused fd number on libuv).
 */
public final class LoopMisuse {
  private LoopMisuse() {}

  private static final Watcher.Callback NOTHING = revents -> {};

  private static boolean libuv() {
    return Backend.configured() == Backend.LIBUV;
  }

  /** A descriptor that was open a moment ago. */
  private static int justClosed() throws IOException {
    int[] p = Posix.pipe2(0);
    Posix.close(p[1]);
    Posix.close(p[0]);
    return p[0];
  }

  /** The epoll set of a new loop (kept open for the case). */
  private static int ownEpoll(Loop[] made) throws Throwable {
    for (int fd : Misuse.fdsMadeBy(() -> made[0] = Loop.create())) {
      if ("anon_inode:[eventpoll]".equals(Misuse.target(fd))) return fd;
    }
    throw new AssertionError("no epoll set among the new loop's descriptors");
  }



  private static int directory() throws Throwable {
    Object[] dir = new Object[1];
    Path tmp = Files.createTempDirectory("misuse");
    tmp.toFile().deleteOnExit();
    int[] fds = Misuse.fdsMadeBy(() -> dir[0] = Files.newDirectoryStream(tmp));
    Misuse.keep((DirectoryStream<?>) dir[0]);
    return fds[0];
  }

  /** Runs {@code loop} until {@code done} is set, at most {@code seconds}. */
  private static void runUntil(Loop loop, AtomicInteger done, double seconds) {
    try (TimerWatcher guard = loop.timer(seconds, 0)) {
      boolean[] expired = {false};
      guard.start(revents -> expired[0] = true);
      while (done.get() == 0 && !expired[0]) loop.run(RunMode.ONCE);
    }
  }

  static Misuse.Cases cases() {
    Misuse.Cases c = new Misuse.Cases();

    // ---- io watchers on every kind of bad descriptor ----
    c.add("io/closed", k -> {
      try (Loop loop = Loop.create()) {
        int fd = justClosed();
        k.expect(IllegalArgumentException.class, "IoWatcher(fd " + fd + ")", "start", "EBADF");
        loop.io(fd, Watcher.READ).start(NOTHING);
      }
    });
    c.add("io/negative", k -> {
      try (Loop loop = Loop.create()) {
        k.expect(IllegalArgumentException.class, "Loop.io(fd -1)", "negative");
        loop.io(-1, Watcher.READ);
      }
    });
    c.add("io/huge", k -> {
      try (Loop loop = Loop.create()) {
        k.expect(IllegalArgumentException.class, "IoWatcher(fd " + Integer.MAX_VALUE + ")", "start", "EBADF");
        loop.io(Integer.MAX_VALUE, Watcher.READ).start(NOTHING);
      }
    });
    c.add("io/never-opened", k -> {
      try (Loop loop = Loop.create()) {
        int fd = Misuse.neverOpened();
        k.expect(IllegalArgumentException.class, "IoWatcher(fd " + fd + ")", "start", "EBADF");
        loop.io(fd, Watcher.READ).start(NOTHING);
      }
    });
    c.add("io/bad-events", k -> {
      try (Loop loop = Loop.create()) {
        k.expect(IllegalArgumentException.class, "Loop.io(fd 0)", "READ, WRITE or both");
        loop.io(0, 0x40);
      }
    });
    c.add("io/own-epoll", k -> {
      Loop[] made = new Loop[1];
      int fd = ownEpoll(made);
      try (Loop loop = made[0]) {
        k.expect(IllegalArgumentException.class, "IoWatcher(fd " + fd + ")", "start", "EBUSY", "own descriptor");
        loop.io(fd, Watcher.READ).start(NOTHING);
      }
    });
    c.add("io/other-loops-epoll", k -> {
      Loop[] made = new Loop[1];
      int fd = ownEpoll(made);
      try (Loop _ = made[0]; Loop loop = Loop.create()) {
        k.expect(IllegalArgumentException.class, "IoWatcher(fd " + fd + ")", "EBUSY");
        loop.io(fd, Watcher.READ).start(NOTHING);
      }
    });
    c.add("io/foreign-epoll", k -> {
      int fd = Misuse.foreignEpoll();
      try (Loop loop = Loop.create(); IoWatcher w = loop.io(fd, Watcher.READ)) {
        k.expectReturn(); // a nested epoll set is pollable
        w.start(NOTHING);
        loop.run(RunMode.NOWAIT);
      }
    });
    c.add("io/regular-file", k -> {
      int fd = Misuse.regularFile();
      try (Loop loop = Loop.create(); IoWatcher w = loop.io(fd, Watcher.READ)) {
        if (libuv()) {
          k.expect(IllegalArgumentException.class, "IoWatcher(fd " + fd + ")", "start", "EPERM");
        } else {
          k.expectReturn(); // libev: always ready (docs/backends.md)
        }
        AtomicInteger fired = new AtomicInteger();
        w.start(revents -> fired.set(revents));
        runUntil(loop, fired, 1.0);
        if (fired.get() != Watcher.READ) throw new AssertionError("libev: a regular file is always readable, got " + fired);
      }
    });
    c.add("io/directory", k -> {
      int fd = directory();
      try (Loop loop = Loop.create(); IoWatcher w = loop.io(fd, Watcher.READ)) {
        if (libuv()) k.expect(IllegalArgumentException.class, "IoWatcher(fd " + fd + ")", "start", "EPERM");
        else k.expectReturn();
        w.start(NOTHING);
        loop.run(RunMode.NOWAIT);
      }
    });
    c.add("io/set-negative", k -> {
      try (Loop loop = Loop.create(); IoWatcher w = loop.io(0, Watcher.READ)) {
        k.expect(IllegalArgumentException.class, "fd -5", "negative");
        w.set(-5, Watcher.READ);
      }
    });

    // ---- the reported crashes ----
    c.add("crash1/close-under-started-watcher", k -> {
      try (Loop loop = Loop.create()) {
        int[] p = Posix.pipe2(0);
        IoWatcher w = loop.io(p[0], Watcher.READ);
        AtomicInteger fired = new AtomicInteger();
        w.start(fired::set);
        Posix.close(p[0]);
        k.expectReturn();
        loop.run(RunMode.NOWAIT);
        Posix.close(p[1]);
        if (fired.get() != (Watcher.ERROR | Watcher.READ | Watcher.WRITE)) throw new AssertionError("fired " + fired);
        if (w.isActive()) throw new AssertionError("still active");
      }
    });
    c.add("crash1/close-under-registered-watcher", k -> {
      try (Loop loop = Loop.create()) {
        int[] p = Posix.pipe2(0);
        IoWatcher w = loop.io(p[0], Watcher.READ);
        AtomicInteger fired = new AtomicInteger();
        w.start(fired::set);
        loop.run(RunMode.NOWAIT); // now in the epoll set
        Posix.close(p[0]); // stops the watcher: the change below makes no epoll_ctl(MOD) on a dead fd
        k.expectReturn();
        w.setEvents(Watcher.READ | Watcher.WRITE);
        loop.run(RunMode.NOWAIT);
        Posix.close(p[1]);
        if (fired.get() != (Watcher.ERROR | Watcher.READ | Watcher.WRITE)) throw new AssertionError("fired " + fired);
      }
    });
    c.add("crash1/close-from-another-thread", k -> {
      try (Loop loop = Loop.create()) {
        int[] p = Posix.pipe2(0);
        AtomicInteger fired = new AtomicInteger();
        loop.io(p[0], Watcher.READ).start(fired::set);
        loop.run(RunMode.NOWAIT);
        Thread closer = Thread.ofPlatform().start(() -> {
          try {
            Posix.close(p[0]);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        runUntil(loop, fired, 5.0); // the poll is woken, the watcher fails, the fd is closed
        closer.join();
        k.expectReturn();
        if (fired.get() != (Watcher.ERROR | Watcher.READ | Watcher.WRITE)) throw new AssertionError("fired " + fired);
        if (Misuse.target(p[0]) != null && Misuse.target(p[0]).startsWith("pipe:")) {
          // the number may be reused by now; a pipe of ours is the only thing that matters
          throw new AssertionError("fd " + p[0] + " still open: " + Misuse.target(p[0]));
        }
        Posix.close(p[1]);
      }
    });
    c.add("crash1/jdk-closes-behind-our-back", k -> {
      try (Loop loop = Loop.create()) {
        Pipe[] pipe = new Pipe[1];
        int[] fds = Misuse.fdsMadeBy(() -> pipe[0] = Pipe.open());
        int source = fds[0];
        AtomicInteger fired = new AtomicInteger();
        loop.io(source, Watcher.READ).start(fired::set);
        pipe[0].source().close(); // the JDK's close(2), not ours
        runUntil(loop, fired, 5.0);
        pipe[0].sink().close();
        k.expectReturn();
        if ((fired.get() & Watcher.ERROR) == 0) throw new AssertionError("fired " + fired);
      }
    });
    c.add("crash4/reused-number", k -> {
      try (Loop loop = Loop.create()) {
        int[] a = Posix.pipe2(0);
        AtomicInteger oldFired = new AtomicInteger();
        IoWatcher old = loop.io(a[0], Watcher.READ);
        old.start(oldFired::set);
        loop.run(RunMode.NOWAIT);
        Posix.close(a[0]);
        int[] b = Posix.pipe2(0); // lowest free: the same number
        if (b[0] != a[0]) throw new AssertionError("the number was not reused: " + a[0] + " -> " + b[0]);
        AtomicInteger fired = new AtomicInteger();
        IoWatcher fresh = loop.io(b[0], Watcher.READ);
        fresh.start(fired::set);
        Posix.write(b[1], new byte[] {1}, 0, 1);
        runUntil(loop, fired, 2.0);
        k.expectReturn();
        if (fired.get() != Watcher.READ) throw new AssertionError("the new pipe's watcher did not fire: " + fired);
        old.close();
        fresh.close();
        Posix.close(b[0]);
        Posix.close(b[1]);
        Posix.close(a[1]);
      }
    });

    // ---- Posix on bad descriptors ----
    interface FdCall {
      void run(int fd) throws Throwable;
    }
    record Call(String name, FdCall call) {}
    List<Call> calls = List.of(
        new Call("read", fd -> Posix.read(fd, new byte[4], 0, 4)),
        new Call("write", fd -> Posix.write(fd, new byte[4], 0, 4)),
        new Call("read", fd -> Posix.read(fd, ByteBuffer.allocateDirect(4))),
        new Call("write", fd -> Posix.write(fd, ByteBuffer.allocateDirect(4))),
        new Call("readv", fd -> Posix.readv(fd, ByteBuffer.allocateDirect(4))),
        new Call("writev", fd -> Posix.writev(fd, ByteBuffer.allocateDirect(4))),
        new Call("fcntl", fd -> Posix.setNonBlocking(fd, true)),
        new Call("fcntl", fd -> Posix.isNonBlocking(fd)),
        new Call("shutdown", fd -> PosixSockets.shutdown(fd, Posix.SHUT_RDWR)),
        new Call("listen", fd -> PosixSockets.listen(fd, 1)),
        new Call("accept", fd -> PosixSockets.accept(fd, 0)),
        new Call("bind", fd -> PosixSockets.bind(fd, new InetSocketAddress("127.0.0.1", 0))),
        new Call("connect", fd -> PosixSockets.connect(fd, new InetSocketAddress("127.0.0.1", 9))),
        new Call("getsockname", fd -> PosixSockets.getsockname(fd)),
        new Call("getpeername", fd -> PosixSockets.getpeername(fd)),
        new Call("getsockopt", fd -> PosixSockets.getsockopt(fd, Posix.SOL_SOCKET, Posix.SO_TYPE)),
        new Call("setsockopt", fd -> PosixSockets.setsockopt(fd, Posix.SOL_SOCKET, Posix.SO_REUSEADDR, 1)),
        new Call("send", fd -> PosixSockets.send(fd, ByteBuffer.allocateDirect(4), 0)),
        new Call("recv", fd -> PosixSockets.recv(fd, ByteBuffer.allocateDirect(4), 0)),
        new Call("sendto", fd -> PosixSockets.sendto(fd, ByteBuffer.allocateDirect(4), 0, new InetSocketAddress("127.0.0.1", 9))),
        new Call("recvfrom", fd -> PosixSockets.recvfrom(fd, ByteBuffer.allocateDirect(4), 0, new java.net.SocketAddress[1])),
        new Call("close", Posix::close));
    for (Call call : calls) {
      String n = call.name() + "#" + calls.indexOf(call);
      c.add("posix/" + n + "/closed", k -> {
        int fd = Misuse.neverOpened();
        k.expect(ClosedChannelException.class, call.name() + "(fd " + fd + ")", "EBADF");
        call.call().run(fd);
      });
      c.add("posix/" + n + "/negative", k -> {
        k.expect(ClosedChannelException.class, call.name() + "(fd -1)", "EBADF");
        call.call().run(-1);
      });
      c.add("posix/" + n + "/huge", k -> {
        k.expect(ClosedChannelException.class, call.name() + "(fd " + Integer.MAX_VALUE + ")", "EBADF");
        call.call().run(Integer.MAX_VALUE);
      });
      c.add("posix/" + n + "/own-epoll", k -> {
        Loop[] made = new Loop[1];
        int fd = ownEpoll(made);
        try (Loop loop = made[0]) {
          if (call.name().equals("close")) {
            k.expect(IllegalArgumentException.class, "close(fd " + fd + ")", "EBUSY", "own descriptor");
          } else if (call.name().equals("fcntl")) {
            k.expectReturn(); // flags of an epoll set: harmless
          } else if (call.name().startsWith("read") || call.name().startsWith("write")) {
            k.expect(NativeIoException.class, call.name() + "(fd " + fd + ")", "EINVAL");
          } else {
            k.expect(NativeIoException.class, call.name() + "(fd " + fd + ")", "ENOTSOCK");
          }
          call.call().run(fd);
          loop.run(RunMode.NOWAIT); // and the loop still works
        }
      });
      c.add("posix/" + n + "/directory", k -> {
        int fd = directory();
        if (call.name().equals("close") || call.name().equals("fcntl")) {
          k.expectReturn();
        } else if (call.name().startsWith("read")) {
          k.expect(NativeIoException.class, call.name() + "(fd " + fd + ")", "EISDIR");
        } else if (call.name().startsWith("write")) {
          k.expect(ClosedChannelException.class, call.name() + "(fd " + fd + ")", "EBADF"); // opened read-only
        } else {
          k.expect(NativeIoException.class, call.name() + "(fd " + fd + ")", "ENOTSOCK");
        }
        call.call().run(fd);
      });
    }

    // ---- buffers, offsets and lengths ----
    c.add("buffer/negative-offset", k -> {
      k.expect(IndexOutOfBoundsException.class);
      Posix.read(0, new byte[4], -1, 2);
    });
    c.add("buffer/length-past-end", k -> {
      k.expect(IndexOutOfBoundsException.class);
      Posix.write(1, new byte[4], 2, 3);
    });
    c.add("buffer/negative-length", k -> {
      k.expect(IndexOutOfBoundsException.class);
      Posix.write(1, new byte[4], 0, -1);
    });
    c.add("buffer/null-array", k -> {
      k.expect(NullPointerException.class, "b");
      Posix.read(0, (byte[]) null, 0, 1);
    });
    c.add("buffer/heap", k -> {
      k.expect(IllegalArgumentException.class, "direct");
      Posix.read(0, ByteBuffer.allocate(4));
    });
    c.add("buffer/read-only", k -> {
      k.expect(ReadOnlyBufferException.class);
      Posix.read(0, ByteBuffer.allocateDirect(4).asReadOnlyBuffer());
    });
    c.add("buffer/readv-range", k -> {
      k.expect(IndexOutOfBoundsException.class);
      Posix.readv(0, new ByteBuffer[] {ByteBuffer.allocateDirect(4)}, 1, 1);
    });
    c.add("buffer/writev-heap", k -> {
      k.expect(IllegalArgumentException.class, "direct");
      Posix.writev(1, new ByteBuffer[] {ByteBuffer.allocate(4)}, 0, 1);
    });
    c.add("buffer/huge-array-write", k -> {
      int[] p = Posix.pipe2(Posix.O_NONBLOCK);
      k.expectReturn(); // served partially, as write(2) may be
      int n = Posix.write(p[1], new byte[Posix.MAX_ARRAY_TRANSFER * 4], 0, Posix.MAX_ARRAY_TRANSFER * 4);
      Posix.close(p[0]);
      Posix.close(p[1]);
      if (n > Posix.MAX_ARRAY_TRANSFER) throw new AssertionError(n + " bytes in one call");
    });

    // ---- timeouts and delays ----
    for (double bad : new double[] {Double.NaN, -1, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY}) {
      c.add("timer/after=" + bad, k -> {
        try (Loop loop = Loop.create()) {
          k.expect(IllegalArgumentException.class, "after", String.valueOf(bad));
          loop.timer(bad, 0);
        }
      });
      c.add("timer/repeat=" + bad, k -> {
        try (Loop loop = Loop.create()) {
          k.expect(IllegalArgumentException.class, "repeat", String.valueOf(bad));
          loop.timer(1, bad);
        }
      });
      c.add("stat/interval=" + bad, k -> {
        try (Loop loop = Loop.create()) {
          k.expect(IllegalArgumentException.class, "interval", String.valueOf(bad));
          loop.stat(Path.of("/"), bad);
        }
      });
    }

    // ---- closed loops, closed watchers, wrong threads ----
    c.add("loop/closed", k -> {
      Loop loop = Loop.create();
      loop.close();
      k.expect(IllegalStateException.class, "closed");
      loop.timer(1, 0);
    });
    c.add("loop/closed-run", k -> {
      Loop loop = Loop.create();
      loop.close();
      k.expect(IllegalStateException.class, "closed");
      loop.run(RunMode.NOWAIT);
    });
    c.add("loop/closed-twice", k -> {
      Loop loop = Loop.create();
      loop.close();
      k.expectReturn();
      loop.close();
    });
    c.add("watcher/after-loop-closed", k -> {
      Loop loop = Loop.create();
      TimerWatcher t = loop.timer(1, 0);
      loop.close();
      k.expect(IllegalStateException.class, "closed");
      t.start(NOTHING);
    });
    c.add("watcher/closed", k -> {
      try (Loop loop = Loop.create()) {
        int[] p = Posix.pipe2(0);
        IoWatcher w = loop.io(p[0], Watcher.READ);
        w.close();
        Posix.close(p[0]);
        Posix.close(p[1]);
        k.expect(IllegalStateException.class, "IoWatcher(fd " + p[0] + ")", "closed");
        w.start(NOTHING);
      }
    });
    c.add("async/send-after-close", k -> {
      try (Loop loop = Loop.create()) {
        AsyncWatcher a = loop.async();
        a.close();
        k.expect(IllegalStateException.class, "closed");
        a.send();
      }
    });
    c.add("thread/run-elsewhere", k -> {
      try (Loop loop = Loop.create()) {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
          try {
            loop.run(RunMode.NOWAIT);
          } catch (Throwable e) {
            thrown.set(e);
          }
        });
        t.join();
        k.expect(IllegalStateException.class, "belongs to thread");
        if (thrown.get() != null) throw thrown.get();
      }
    });
    c.add("thread/start-elsewhere", k -> {
      try (Loop loop = Loop.create(); TimerWatcher timer = loop.timer(1, 0)) {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
          try {
            timer.start(NOTHING);
          } catch (Throwable e) {
            thrown.set(e);
          }
        });
        t.join();
        k.expect(IllegalStateException.class, "belongs to thread");
        if (thrown.get() != null) throw thrown.get();
      }
    });
    c.add("thread/close-elsewhere", k -> {
      Loop loop = Loop.create();
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread t = Thread.ofPlatform().start(() -> {
        try {
          loop.close();
        } catch (Throwable e) {
          thrown.set(e);
        }
      });
      t.join();
      loop.close();
      k.expect(IllegalStateException.class, "belongs to thread");
      if (thrown.get() != null) throw thrown.get();
    });

    // ---- other watcher kinds ----
    c.add("signal/jvm-owned", k -> {
      try (Loop loop = Loop.create()) {
        k.expect(IllegalArgumentException.class, "signal " + Constants.SIGSEGV, "JVM");
        loop.signal(Constants.SIGSEGV);
      }
    });
    c.add("signal/zero", k -> {
      try (Loop loop = Loop.create()) {
        k.expect(IllegalArgumentException.class, "no such signal: 0");
        loop.signal(0);
      }
    });
    c.add("signal/too-big", k -> {
      try (Loop loop = Loop.create()) {
        k.expect(IllegalArgumentException.class, "no such signal: 9999");
        loop.signal(9999);
      }
    });
    c.add("child/negative", k -> {
      try (Loop loop = Loop.create()) {
        k.expect(IllegalArgumentException.class, "-1");
        loop.child(-1);
      }
    });
    c.add("child/not-ours", k -> {
      try (Loop loop = Loop.create()) {
        k.expect(IllegalArgumentException.class, "ChildWatcher(pid 1)", "ECHILD");
        loop.child(1).start(NOTHING);
      }
    });
    c.add("fork/libuv", k -> {
      try (Loop loop = Loop.create()) {
        if (libuv()) k.expect(UnsupportedOperationException.class, "libuv", "ForkWatcher", "EOPNOTSUPP");
        else k.expectReturn();
        loop.fork().close();
      }
    });
    aresCases(c);
    c.add("feed/other-loop", k -> {
      try (Loop a = Loop.create(); Loop b = Loop.create(); TimerWatcher t = b.timer(1, 0)) {
        k.expect(IllegalArgumentException.class, "another loop");
        a.feed(t, 1);
      }
    });
    return c;
  }

  // ---- the c-ares peer (loop.internal.Ares) ----

  private static final Ares.Listener IGNORE = new Ares.Listener() {
    @Override
    public void socket(int fd, int events) {}

    @Override
    public void done(int token, byte[] reply, IOException failure) {}
  };

  private static final InetSocketAddress DNS = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 53);

  /** A query message (a header and one question). */
  private static byte[] query() {
    return new byte[] {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'x', 0, 0, 1, 0, 1};
  }

  private static Ares ares(Loop loop) {
    return Ares.open(loop, List.of(DNS), 1000, 1, IGNORE);
  }

  /** Runs {@code call} on a new platform thread and rethrows what it threw. */
  private static void elsewhere(Misuse.ThrowingRunnable call) throws Throwable {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t = Thread.ofPlatform().start(() -> {
      try {
        call.run();
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    t.join();
    if (thrown.get() != null) throw thrown.get();
  }

  private static void aresCases(Misuse.Cases c) {
    c.add("ares/open-elsewhere", k -> {
      try (Loop loop = Loop.create()) {
        k.expect(IllegalStateException.class, "belongs to thread");
        elsewhere(() -> ares(loop));
      }
    });
    c.add("ares/send-elsewhere", k -> {
      try (Loop loop = Loop.create(); Ares a = ares(loop)) {
        k.expect(IllegalStateException.class, "belongs to thread");
        elsewhere(() -> a.send(query(), 1));
      }
    });
    c.add("ares/process-elsewhere", k -> {
      try (Loop loop = Loop.create(); Ares a = ares(loop)) {
        k.expect(IllegalStateException.class, "belongs to thread");
        elsewhere(() -> a.process(0, 0));
      }
    });
    c.add("ares/close-elsewhere", k -> {
      try (Loop loop = Loop.create(); Ares a = ares(loop)) {
        k.expect(IllegalStateException.class, "belongs to thread");
        elsewhere(a::close);
      }
    });
    c.add("ares/closed-send", k -> {
      try (Loop loop = Loop.create()) {
        Ares a = ares(loop);
        a.close();
        k.expect(IllegalStateException.class, "ares_send", "closed");
        a.send(query(), 1);
      }
    });
    c.add("ares/closed-process", k -> {
      try (Loop loop = Loop.create()) {
        Ares a = ares(loop);
        a.close();
        k.expect(IllegalStateException.class, "ares_process_fd", "closed");
        a.process(Ares.NO_FD, Ares.NO_FD);
      }
    });
    c.add("ares/closed-timeout", k -> {
      try (Loop loop = Loop.create()) {
        Ares a = ares(loop);
        a.close();
        k.expect(IllegalStateException.class, "ares_timeout", "closed");
        a.nextTimeout();
      }
    });
    c.add("ares/closed-twice", k -> {
      try (Loop loop = Loop.create()) {
        Ares a = ares(loop);
        a.close();
        k.expectReturn();
        a.close();
      }
    });
    c.add("ares/send-after-loop-closed", k -> {
      Loop loop = Loop.create();
      Ares a = ares(loop);
      a.send(query(), 1);
      loop.close();
      if (!a.isClosed()) throw new AssertionError("the loop's close did not close the channel");
      k.expect(IllegalStateException.class, "ares_send", "closed");
      a.send(query(), 2);
    });
    c.add("ares/close-after-loop-closed", k -> {
      Loop loop = Loop.create();
      Ares a = ares(loop);
      loop.close();
      k.expectReturn();
      a.close();
    });
    c.add("ares/open-on-closed-loop", k -> {
      Loop loop = Loop.create();
      loop.close();
      k.expect(IllegalStateException.class, "closed");
      ares(loop);
    });
    c.add("ares/null-query", k -> {
      try (Loop loop = Loop.create(); Ares a = ares(loop)) {
        k.expect(NullPointerException.class, "ares_send");
        a.send(null, 1);
      }
    });
    c.add("ares/short-query", k -> {
      try (Loop loop = Loop.create(); Ares a = ares(loop)) {
        k.expect(IllegalArgumentException.class, "ares_send", "11 bytes");
        a.send(new byte[11], 1);
      }
    });
    c.add("ares/huge-query", k -> {
      try (Loop loop = Loop.create(); Ares a = ares(loop)) {
        k.expect(IllegalArgumentException.class, "ares_send", "65536 bytes");
        a.send(new byte[65536], 1);
      }
    });
    c.add("ares/garbage-query", k -> {
      try (Loop loop = Loop.create(); Ares a = ares(loop)) {
        k.expectReturn(); // c-ares sends what it is given; a reply, or its timeout, ends it
        byte[] garbage = new byte[300];
        java.util.Arrays.fill(garbage, (byte) 0xff);
        a.send(garbage, 1);
      }
    });
    c.add("ares/bad-fds", k -> {
      try (Loop loop = Loop.create(); Ares a = ares(loop)) {
        k.expectReturn(); // descriptors c-ares does not have are ignored
        a.process(Integer.MAX_VALUE, -5);
        a.process(0, 1);
        a.process(Integer.MIN_VALUE, Integer.MIN_VALUE);
      }
    });
    c.add("ares/no-servers", k -> {
      try (Loop loop = Loop.create()) {
        k.expect(IllegalArgumentException.class, "no nameserver");
        Ares.open(loop, List.of(), 1000, 1, IGNORE);
      }
    });
    c.add("ares/unresolved-server", k -> {
      try (Loop loop = Loop.create()) {
        k.expect(IllegalArgumentException.class, "dns.example", "not an IP address");
        Ares.open(loop, List.of(InetSocketAddress.createUnresolved("dns.example", 53)), 1000, 1, IGNORE);
      }
    });
    c.add("ares/port-0", k -> {
      try (Loop loop = Loop.create()) {
        k.expect(IllegalArgumentException.class, "port 0");
        Ares.open(loop, List.of(new InetSocketAddress(DNS.getAddress(), 0)), 1000, 1, IGNORE);
      }
    });
    c.add("ares/scoped-ipv6", k -> {
      try (Loop loop = Loop.create()) {
        java.net.Inet6Address scoped = java.net.Inet6Address.getByAddress(null,
            new byte[] {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 1);
        k.expect(IllegalArgumentException.class, "scoped IPv6");
        Ares.open(loop, List.of(new InetSocketAddress(scoped, 53)), 1000, 1, IGNORE);
      }
    });
    c.add("ares/timeout-0", k -> {
      try (Loop loop = Loop.create()) {
        k.expect(IllegalArgumentException.class, "time per try", "0");
        Ares.open(loop, List.of(DNS), 0, 1, IGNORE);
      }
    });
    c.add("ares/tries-0", k -> {
      try (Loop loop = Loop.create()) {
        k.expect(IllegalArgumentException.class, "tries", "0");
        Ares.open(loop, List.of(DNS), 1000, 0, IGNORE);
      }
    });
    c.add("ares/null-listener", k -> {
      try (Loop loop = Loop.create()) {
        k.expect(NullPointerException.class, "listener");
        Ares.open(loop, List.of(DNS), 1000, 1, null);
      }
    });
    c.add("ares/listener-throws", k -> {
      try (Loop loop = Loop.create()) {
        AtomicInteger done = new AtomicInteger();
        Ares a = Ares.open(loop, List.of(DNS), 1000, 1, new Ares.Listener() {
          @Override
          public void socket(int fd, int events) {
            if (events != 0) throw new IllegalStateException("listener failed on socket");
          }

          @Override
          public void done(int token, byte[] reply, IOException failure) {
            done.incrementAndGet();
          }
        });
        try {
          k.expect(IllegalStateException.class, "listener failed on socket");
          a.send(query(), 1);
        } finally {
          a.close(); // still closes: the query ends, every record reaches the listener
          if (done.get() != 1) throw new AssertionError("done " + done.get() + " times");
        }
      }
    });
    c.add("ares/close-from-listener", k -> {
      try (Loop loop = Loop.create()) {
        Ares[] a = new Ares[1];
        a[0] = Ares.open(loop, List.of(DNS), 1000, 1, new Ares.Listener() {
          @Override
          public void socket(int fd, int events) {
            if (events != 0) a[0].close();
          }

          @Override
          public void done(int token, byte[] reply, IOException failure) {}
        });
        k.expectReturn();
        a[0].send(query(), 1);
        if (!a[0].isClosed()) throw new AssertionError("not closed");
      }
    });
  }

  public static void main(String[] args) throws Exception {
    cases().runAll(args);
  }
}
