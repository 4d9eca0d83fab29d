package io.gevent4j.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where and how the {@code ares} and {@code dnsjava} resolvers ask: nameservers, the time per
 * try and the tries per server, the search list and {@code ndots}, and the hosts file. The
 * defaults come from {@code /etc/resolv.conf} (as the system's resolver reads it) and
 * {@code /etc/hosts}; the system properties override them, as gevent's
 * {@code GEVENT_RESOLVER_NAMESERVERS} and {@code GEVENT_RESOLVER_TIMEOUT} do.
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>property</th><th>value</th><th>default</th></tr>
 *   <tr><td>{@code gevent.resolver.nameservers}</td><td>{@code host[:port]} or {@code [v6]:port}, comma-separated</td><td>resolv.conf's {@code nameserver}s, else 127.0.0.1</td></tr>
 *   <tr><td>{@code gevent.resolver.timeout}</td><td>seconds per try, &gt; 0</td><td>resolv.conf's {@code options timeout:}, else 5</td></tr>
 *   <tr><td>{@code gevent.resolver.attempts}</td><td>tries per server, &gt;= 1</td><td>resolv.conf's {@code options attempts:}, else 2</td></tr>
 *   <tr><td>{@code gevent.resolver.search}</td><td>domains, comma-separated</td><td>resolv.conf's {@code search} (or {@code domain})</td></tr>
 *   <tr><td>{@code gevent.resolver.ndots}</td><td>an integer &gt;= 0</td><td>resolv.conf's {@code options ndots:}, else 1</td></tr>
 *   <tr><td>{@code gevent.resolver.hosts}</td><td>a hosts file's path</td><td>{@code /etc/hosts}</td></tr>
 *   <tr><td>{@code gevent.resolver.resolvconf}</td><td>the resolv.conf to read</td><td>{@code /etc/resolv.conf}</td></tr>
 * </table>
 *
 * @param nameservers the servers, in order
 * @param timeout seconds per try
 * @param attempts tries per server
 * @param search the search list, in order
 * @param ndots names with at least this many dots are tried as they are first
 * @param hosts the hosts file (it may not exist)
 */
public record DnsConfig(List<InetSocketAddress> nameservers, double timeout, int attempts, List<String> search, int ndots,
    Path hosts) {
  /** The DNS port. */
  public static final int PORT = 53;

  /**
   * Checks and copies the values.
   *
   * @throws IllegalArgumentException naming the value that is wrong
   */
  public DnsConfig {
    if (nameservers.isEmpty()) throw new IllegalArgumentException("no nameserver: give at least one");
    nameservers = List.copyOf(nameservers);
    if (!(timeout > 0) || Double.isInfinite(timeout)) {
      throw new IllegalArgumentException("the time per try must be a number of seconds > 0, not " + timeout);
    }
    if (attempts < 1) throw new IllegalArgumentException("the tries per server must be >= 1, not " + attempts);
    if (ndots < 0) throw new IllegalArgumentException("ndots must be >= 0, not " + ndots);
    search = List.copyOf(search);
  }

  /**
   * The configuration from the system properties, with resolv.conf's values (and then the
   * built-in defaults) for what they do not set.
   *
   * @return the configuration
   * @throws IllegalArgumentException naming a property whose value is wrong
   */
  public static DnsConfig fromSystem() {
    Path resolvConf = Path.of(System.getProperty("gevent.resolver.resolvconf", "/etc/resolv.conf"));
    DnsConfig file = fromResolvConf(resolvConf);
    List<InetSocketAddress> servers = file.nameservers();
    String property = System.getProperty("gevent.resolver.nameservers");
    if (property != null && !property.isBlank()) servers = parseServers(property, "gevent.resolver.nameservers");
    double timeout = number("gevent.resolver.timeout", file.timeout());
    int attempts = (int) integer("gevent.resolver.attempts", file.attempts(), 1);
    int ndots = (int) integer("gevent.resolver.ndots", file.ndots(), 0);
    List<String> search = file.search();
    String searchProperty = System.getProperty("gevent.resolver.search");
    if (searchProperty != null) search = splitList(searchProperty);
    Path hosts = Path.of(System.getProperty("gevent.resolver.hosts", "/etc/hosts"));
    try {
      return new DnsConfig(servers, timeout, attempts, search, ndots, hosts);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("gevent.resolver.*: " + e.getMessage(), e);
    }
  }

  /**
   * What a resolv.conf says ({@code nameserver}, {@code search}/{@code domain},
   * {@code options timeout: attempts: ndots:}), with the system resolver's defaults for the rest:
   * 127.0.0.1, 5 s, 2 tries, ndots 1. A missing file gives the defaults.
   *
   * @param file the resolv.conf to read, e.g. {@code /etc/resolv.conf}
   * @return the configuration it gives
   */
  public static DnsConfig fromResolvConf(Path file) {
    List<InetSocketAddress> servers = new ArrayList<>();
    List<String> search = List.of();
    double timeout = 5;
    int attempts = 2;
    int ndots = 1;
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      lines = List.of();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + file, e);
    }
    for (String raw : lines) {
      String line = raw.strip();
      int comment = indexOfComment(line);
      if (comment >= 0) line = line.substring(0, comment).strip();
      if (line.isEmpty()) continue;
      String[] words = line.split("\\s+");
      switch (words[0]) {
        case "nameserver" -> {
          if (words.length > 1 && servers.size() < 3) { // the system resolver uses the first three (MAXNS)
            try {
              servers.add(new InetSocketAddress(numeric(words[1].replaceFirst("%.*$", "")), PORT));
            } catch (UnknownHostException | IllegalArgumentException ignored) {
              // not an address: the system resolver skips it too
            }
          }
        }
        case "search" -> search = List.of(words).subList(1, words.length);
        case "domain" -> search = words.length > 1 ? List.of(words[1]) : List.of();
        case "options" -> {
          for (int i = 1; i < words.length; i++) {
            String[] kv = words[i].split(":", 2);
            if (kv.length != 2) continue;
            try {
              switch (kv[0]) {
                case "timeout" -> timeout = Math.max(1, Math.min(30, Integer.parseInt(kv[1])));
                case "attempts" -> attempts = Math.max(1, Math.min(5, Integer.parseInt(kv[1])));
                case "ndots" -> ndots = Math.max(0, Math.min(15, Integer.parseInt(kv[1])));
                default -> { } // rotate, edns0, ...: not ours
              }
            } catch (NumberFormatException ignored) {
              // the system resolver ignores a bad value too
            }
          }
        }
        default -> { } // sortlist, lookup: not used
      }
    }
    if (servers.isEmpty()) servers.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), PORT));
    return new DnsConfig(servers, timeout, attempts, search, ndots, Path.of("/etc/hosts"));
  }

  private static int indexOfComment(String line) {
    int hash = line.indexOf('#');
    int semi = line.indexOf(';');
    if (hash < 0) return semi;
    return semi < 0 ? hash : Math.min(hash, semi);
  }

  /**
   * Parses {@code host[:port]} entries, comma-separated; an IPv6 address with a port is written
   * {@code [::1]:5353}. Only addresses: a nameserver given by name could not be resolved without
   * a nameserver.
   *
   * @throws IllegalArgumentException naming {@code source} and the entry that is wrong
   */
  static List<InetSocketAddress> parseServers(String value, String source) {
    List<InetSocketAddress> servers = new ArrayList<>();
    for (String entry : splitList(value)) {
      String host = entry;
      int port = PORT;
      if (entry.startsWith("[")) {
        int close = entry.indexOf(']');
        if (close < 0) throw new IllegalArgumentException(source + ": \"" + entry + "\" has no closing ']'");
        host = entry.substring(1, close);
        String rest = entry.substring(close + 1);
        if (!rest.isEmpty()) {
          if (!rest.startsWith(":")) throw new IllegalArgumentException(source + ": \"" + entry + "\": expected [address]:port");
          port = port(rest.substring(1), entry, source);
        }
      } else if (entry.indexOf(':') == entry.lastIndexOf(':') && entry.indexOf(':') >= 0) {
        host = entry.substring(0, entry.indexOf(':'));
        port = port(entry.substring(entry.indexOf(':') + 1), entry, source);
      }
      try {
        servers.add(new InetSocketAddress(numeric(host), port));
      } catch (UnknownHostException | IllegalArgumentException e) {
        throw new IllegalArgumentException(source + ": \"" + entry + "\" is not an IP address (with an optional port)", e);
      }
    }
    if (servers.isEmpty()) throw new IllegalArgumentException(source + " is empty: give host[:port] entries, comma-separated");
    return servers;
  }

  private static int port(String text, String entry, String source) {
    try {
      int port = Integer.parseInt(text);
      if (port < 1 || port > 65535) throw new NumberFormatException();
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(source + ": \"" + entry + "\": the port must be 1 to 65535");
    }
  }

  /** A numeric address only: never a lookup. */
  private static InetAddress numeric(String text) throws UnknownHostException {
    if (!text.matches("[0-9a-fA-F.:]+") || !(text.indexOf(':') >= 0 || text.chars().filter(c -> c == '.').count() == 3)) {
      throw new UnknownHostException(text + " is not a numeric IP address");
    }
    return InetAddress.getByName(text); // numeric: the JDK parses it without resolving
  }

  private static List<String> splitList(String value) {
    List<String> out = new ArrayList<>();
    for (String s : value.split("[,\\s]+")) {
      if (!s.isBlank()) out.add(s.strip().toLowerCase(Locale.ROOT));
    }
    return out;
  }

  private static double number(String property, double fallback) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) return fallback;
    try {
      double d = Double.parseDouble(v.strip());
      if (!(d > 0) || Double.isInfinite(d)) throw new NumberFormatException();
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(property + "=" + v + " is not valid: give a number of seconds > 0");
    }
  }

  private static long integer(String property, long fallback, long min) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) return fallback;
    try {
      long n = Long.parseLong(v.strip());
      if (n < min) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(property + "=" + v + " is not valid: give an integer >= " + min);
    }
  }
}
