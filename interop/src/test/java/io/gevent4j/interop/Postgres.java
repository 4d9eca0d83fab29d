package io.gevent4j.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for the tests (Debian's {@code postgresql}, which ./dev installs): a cluster
 * made by {@code initdb} in a temporary directory, its server in the foreground on 127.0.0.1 at
 * a free port, trusting every local connection (user {@code postgres}, database
 * {@code postgres}), without durability (fsync off: the data dies with the directory). Stopped
 * by {@link #close()} ({@code pg_ctl stop -m fast}), which deletes the directory.
 *
 * <p>initdb and the server refuse to run as root; the tests run as root on the project's
 * machines, so there both run as the {@code postgres} user the package creates
 * ({@code runuser -u postgres}), in a directory handed over to that user.
 *
 * <p>{@code client_connection_check_interval} is 100 ms: a backend running a query notices
 * within that time that its client has gone (a connection the client closed, as the JDK does
 * with a socket whose read a Timeout interrupted) and ends the query, instead of running it to
 * its end first.
 */
final class Postgres implements AutoCloseable {
  private final Servers.Logged server;
  private final Path bin;
  private final Path dir;
  final int port;

  private Postgres(Servers.Logged server, Path bin, Path dir, int port) {
    this.server = server;
    this.bin = bin;
    this.dir = dir;
    this.port = port;
  }

  /** Makes a cluster and starts its server, allowing {@code maxConnections} clients; returns once it serves. */
  static Postgres start(int maxConnections) throws IOException, InterruptedException {
    Path bin = binDir();
    Path dir = Files.createTempDirectory("gevent4j-postgres");
    try {
      if (Servers.isRoot()) giveToPostgres(dir);
      Path data = dir.resolve("data");
      Servers.run(asPostgres(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
          "--auth=trust", "--no-locale", "-E", "UTF8", "--no-sync", "--no-instructions")), dir);
      IOException last = null;
      for (int attempt = 0; attempt < 5; attempt++) {
        int port = Servers.freePort();
        Servers.Logged server = new Servers.Logged(asPostgres(List.of(bin.resolve("postgres").toString(),
            "-D", data.toString(), "-p", Integer.toString(port), "-k", dir.toString(),
            "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=" + maxConnections,
            "-c", "client_connection_check_interval=100",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")),
            dir, "postgres", "database system is ready to accept connections");
        if (server.awaitReady(60)) return new Postgres(server, bin, dir, port);
        server.process.destroyForcibly();
        server.awaitEnd(10);
        last = new IOException("PostgreSQL did not start on port " + port + ":\n" + server.log());
      }
      throw last;
    } catch (IOException | InterruptedException | RuntimeException e) {
      Servers.deleteTree(dir);
      throw e;
    }
  }

  /** The JDBC URL of the {@code postgres} database as the {@code postgres} user, with {@code parameters} ("a=b&c=d" or ""). */
  String jdbcUrl(String parameters) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&sslmode=disable&gssEncMode=disable"
        + (parameters.isEmpty() ? "" : "&" + parameters);
  }

  /** What the server logged (the last 32 to 64 KiB), for failure messages. */
  String log() {
    return server.log();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      // Fast: active sessions are ended (a test that failed may leave some); no checkpoint wait.
      Servers.run(asPostgres(List.of(bin.resolve("pg_ctl").toString(), "stop", "-D", dir.resolve("data").toString(),
          "-m", "fast", "-w", "-t", "30")), dir);
    } finally {
      server.awaitEnd(30);
      Servers.deleteTree(dir);
    }
  }

  /** Debian's /usr/lib/postgresql/VERSION/bin (the newest installed), else the directory of a postgres on the PATH. */
  private static Path binDir() throws IOException {
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        Optional<Path> newest = versions.map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("postgres")) && Files.isExecutable(b.resolve("initdb")))
            .max(Comparator.comparingInt(b -> versionOf(b.getParent().getFileName().toString())));
        if (newest.isPresent()) return newest.get();
      }
    }
    for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "postgres")) && Files.isExecutable(Path.of(entry, "initdb"))) {
        return Path.of(entry);
      }
    }
    throw new IllegalStateException("PostgreSQL's server is not installed (no /usr/lib/postgresql/*/bin/postgres, "
        + "no postgres and initdb on the PATH): ./dev installs Debian's postgresql package");
  }

  private static int versionOf(String name) {
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The command as the postgres user when this JVM is root (initdb and postgres refuse root), else as it is. */
  private static List<String> asPostgres(List<String> command) throws IOException {
    if (!Servers.isRoot()) return command;
    List<String> as = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    as.addAll(command);
    return as;
  }

  private static void giveToPostgres(Path dir) throws IOException {
    UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
    PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
    view.setOwner(users.lookupPrincipalByName("postgres"));
    view.setGroup(users.lookupPrincipalByGroupName("postgres"));
  }
}
