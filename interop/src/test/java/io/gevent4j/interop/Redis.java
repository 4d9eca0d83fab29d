package io.gevent4j.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Redis for the tests (Debian's {@code redis-server}, which ./dev installs) in the
 * foreground on 127.0.0.1 at a free port, its working directory a temporary one, persisting
 * nothing (no RDB snapshots, no append-only file). Stopped by {@link #close()} (SIGTERM: with
 * nothing to save, Redis exits at once), which deletes the directory.
 */
final class Redis implements AutoCloseable {
  private final Servers.Logged server;
  private final Path dir;
  final int port;

  private Redis(Servers.Logged server, Path dir, int port) {
    this.server = server;
    this.dir = dir;
    this.port = port;
  }

  /** Starts redis-server; returns once it accepts connections. */
  static Redis start() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("gevent4j-redis");
    try {
      IOException last = null;
      for (int attempt = 0; attempt < 5; attempt++) {
        int port = Servers.freePort();
        Servers.Logged server = new Servers.Logged(List.of("redis-server", "--port", Integer.toString(port),
            "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--logfile", "", "--loglevel", "notice"),
            dir, "redis", "Ready to accept connections");
        if (server.awaitReady(30)) return new Redis(server, dir, port);
        server.process.destroyForcibly();
        server.awaitEnd(10);
        last = new IOException("redis-server did not start on port " + port + ":\n" + server.log());
      }
      throw last;
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains("Cannot run program")) {
        e = new IOException("redis-server is not installed: ./dev installs Debian's redis-server package", e);
      }
      Servers.deleteTree(dir);
      throw e;
    } catch (InterruptedException | RuntimeException e) {
      Servers.deleteTree(dir);
      throw e;
    }
  }

  /** What the server logged (the last 32 to 64 KiB), for failure messages. */
  String log() {
    return server.log();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      server.process.destroy();
      server.awaitEnd(30);
    } finally {
      Servers.deleteTree(dir);
    }
  }
}
