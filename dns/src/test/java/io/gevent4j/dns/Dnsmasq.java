package io.gevent4j.dns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server for the tests: dnsmasq (Debian's dnsmasq-base, which ./dev installs) in the
 * foreground on 127.0.0.1 at a free port, answering only from the zone the test gives it (the
 * {@code test.} domain: nothing is forwarded), over UDP and TCP. Stopped by {@link #close()}.
 *
 * <p>The zone: {@code www.test} 192.0.2.10; {@code dual.test} 192.0.2.1 and 2001:db8::1;
 * {@code alias.test} → {@code dual.test} and {@code chain.test} → {@code alias.test} (CNAMEs);
 * {@code v6only.test} 2001:db8::6; {@code big.test} with 60 A records (a UDP reply is
 * truncated, so the client must ask again over TCP); {@code sub.search.test} 192.0.2.20 (for
 * the search list); {@code n0.test} ... {@code n9999.test} 10.1.x.y (for many distinct
 * lookups); PTR records for the hosts-file addresses; NXDOMAIN for every other name under
 * {@code test.}; TTL 30 s.
 */
final class Dnsmasq implements AutoCloseable {
  /** How many {@code nN.test} names the zone has. */
  static final int MANY = 10_000;

  private final Process process;
  private final Path dir;
  final int port;
  final InetSocketAddress address;

  private Dnsmasq(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** Starts dnsmasq with the zone above; returns once it serves. */
  static Dnsmasq start() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("dnsmasq");
    List<String> hosts = new ArrayList<>();
    hosts.add("192.0.2.10 www.test");
    hosts.add("192.0.2.20 sub.search.test");
    for (int i = 1; i <= 60; i++) hosts.add("10.0.1." + i + " big.test");
    for (int i = 0; i < MANY; i++) hosts.add("10.1." + (i >> 8) + "." + (i & 0xff) + " n" + i + ".test");
    Path hostsFile = Files.write(dir.resolve("hosts"), hosts);
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePort();
      List<String> command = List.of("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--port=" + port,
          "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--no-negcache",
          "--addn-hosts=" + hostsFile, "--local=/test/", "--local-ttl=30",
          "--host-record=dual.test,192.0.2.1,2001:db8::1", "--host-record=v6only.test,2001:db8::6",
          "--cname=alias.test,dual.test", "--cname=chain.test,alias.test",
          "--user=" + System.getProperty("user.name"), "--pid-file=", "--log-facility=-", "--cache-size=0");
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      CountDownLatch started = new CountDownLatch(1);
      StringBuilder log = new StringBuilder();
      Thread reader = Thread.ofPlatform().daemon().name("dnsmasq-log").start(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            synchronized (log) {
              log.append(line).append('\n');
            }
            if (line.contains("read " + hostsFile)) started.countDown(); // the zone is loaded, the sockets bound
          }
        } catch (IOException e) {
          // the process ended
        }
        started.countDown();
      });
      if (started.await(30, TimeUnit.SECONDS) && p.isAlive()) return new Dnsmasq(p, dir, port);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      reader.join(5_000);
      synchronized (log) {
        last = new IOException("dnsmasq did not start on port " + port + ":\n" + log);
      }
    }
    throw last;
  }

  /** A port free for both UDP and TCP on 127.0.0.1 (dnsmasq serves both). */
  private static int freePort() throws IOException {
    while (true) {
      try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        int port = udp.getLocalPort();
        try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
          return port;
        } catch (IOException taken) {
          // TCP side in use: try another
        }
      }
    }
  }

  /** A configuration that asks only this server, {@code timeout} seconds per try, one try. */
  DnsConfig config(double timeout) {
    return new DnsConfig(List.of(address), timeout, 1, List.of(), 1, dir.resolve("no-hosts"));
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
    }
    Files.deleteIfExists(dir);
  }
}
