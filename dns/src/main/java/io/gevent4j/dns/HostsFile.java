package io.gevent4j.dns;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The hosts file ({@code /etc/hosts}), consulted before DNS as the system resolver does
 * ({@code hosts: files dns}): names to addresses, and addresses to their first name. Read again
 * when it changes (its modification time is looked at, at most once a second).
 */
final class HostsFile {
  private final Path file;
  private volatile Table table = new Table(Map.of(), Map.of(), null);
  private volatile long checkedAt;

  /** One reading: lower-cased name to addresses (in file order), address text to names. */
  private record Table(Map<String, List<InetAddress>> byName, Map<String, List<String>> byAddress, FileTime modified) {}

  HostsFile(Path file) {
    this.file = file;
  }

  /** The addresses the file gives {@code name} (IPv4 first, then IPv6, each in file order); empty when none. */
  List<InetAddress> addresses(String name) {
    return current().byName().getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }

  /** The names the file gives {@code address}, canonical first; empty when none. */
  List<String> names(InetAddress address) {
    return current().byAddress().getOrDefault(address.getHostAddress(), List.of());
  }

  private Table current() {
    long now = System.nanoTime();
    if (now - checkedAt < 1_000_000_000L && checkedAt != 0) return table;
    checkedAt = now;
    FileTime modified;
    try {
      modified = Files.getLastModifiedTime(file);
    } catch (IOException e) {
      if (table.modified() != null) table = new Table(Map.of(), Map.of(), null); // deleted
      return table;
    }
    Table t = table;
    if (modified.equals(t.modified())) return t;
    t = read(modified);
    table = t;
    return t;
  }

  private Table read(FileTime modified) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new Table(Map.of(), Map.of(), null);
    } catch (IOException e) {
      return table; // unreadable for now: keep what we had
    }
    Map<String, List<InetAddress>> v4 = new HashMap<>();
    Map<String, List<InetAddress>> v6 = new HashMap<>();
    Map<String, List<String>> byAddress = new HashMap<>();
    for (String line : lines) {
      int hash = line.indexOf('#');
      if (hash >= 0) line = line.substring(0, hash);
      String[] words = line.strip().split("\\s+");
      if (words.length < 2) continue;
      InetAddress address;
      try {
        address = InetAddress.ofLiteral(words[0].replaceFirst("%.*$", ""));
      } catch (IllegalArgumentException notAnAddress) {
        continue;
      }
      Map<String, List<InetAddress>> family = address instanceof Inet4Address ? v4 : v6;
      for (int i = 1; i < words.length; i++) {
        String name = words[i].toLowerCase(Locale.ROOT);
        List<InetAddress> list = family.computeIfAbsent(name, k -> new ArrayList<>());
        if (!list.contains(address)) list.add(address);
        List<String> names = byAddress.computeIfAbsent(address.getHostAddress(), k -> new ArrayList<>());
        if (!names.contains(words[i])) names.add(words[i]);
      }
    }
    Map<String, List<InetAddress>> byName = new HashMap<>();
    for (String name : union(v4, v6)) {
      List<InetAddress> all = new ArrayList<>(v4.getOrDefault(name, List.of()));
      all.addAll(v6.getOrDefault(name, List.of()));
      byName.put(name, List.copyOf(all));
    }
    Map<String, List<String>> frozen = new HashMap<>();
    byAddress.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    return new Table(Map.copyOf(byName), Map.copyOf(frozen), modified);
  }

  private static List<String> union(Map<String, ?> a, Map<String, ?> b) {
    List<String> names = new ArrayList<>(a.keySet());
    for (String n : b.keySet()) if (!a.containsKey(n)) names.add(n);
    return names;
  }
}
