package io.gevent4j.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The one naming rule of natives (native/README.md), checked on the sources: the Java class
 * {@code Peer} keeps its natives in {@code Peer.Natives}, a holder without fields, each native
 * named {@code name0}; its peer {@code g4j_peer.c} registers exactly those, with their JNI
 * signatures, as {@code g4j_peer_name0} (snake_case), in one table that {@code JNI_OnLoad}'s
 * list holds. A peer is in {@code io.gevent4j.loop} ({@code G4J_NATIVES}) or, when only gevent4j's
 * other modules use it, in {@code io.gevent4j.loop.internal} ({@code G4J_INTERNAL_NATIVES}). A
 * native the C table lacks would only fail when called: this finds it first.
 */
class NativesNamingTest {
  private static final Path C = Path.of("src/main/c");
  private static final Pattern PEER =
      Pattern.compile("const g4j_natives (\\w+) = G4J_(INTERNAL_)?NATIVES\\(\"(\\w+)\", methods\\);");
  /** The packages peers live in. */
  private static final List<String> PACKAGES = List.of("io.gevent4j.loop", "io.gevent4j.loop.internal");
  private static final Pattern ENTRY = Pattern.compile("\\{\"(\\w+)\", \"([^\"]+)\", \\(void \\*\\) (\\w+)\\}");

  static String snake(String camel) {
    return camel.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT).replaceFirst("^_", "");
  }

  @Test
  void everyPeerFollowsTheRule() throws Exception {
    String jni = Files.readString(C.resolve("g4j_jni.c"));
    List<String> peers = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(C)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".c")).sorted().toList();
    }
    for (Path file : files) {
      String source = Files.readString(file);
      Matcher peer = PEER.matcher(source);
      if (!peer.find()) {
        assertFalse(source.contains("JNINativeMethod"), file + " has natives but no G4J_NATIVES table");
        continue;
      }
      String javaPeer = peer.group(3);
      String javaPackage = peer.group(2) != null ? "io.gevent4j.loop.internal." : "io.gevent4j.loop.";
      String stem = snake(javaPeer);
      peers.add(javaPeer);
      assertEquals("g4j_" + stem + ".c", file.getFileName().toString(), "the C file is named after its Java peer");
      assertEquals("g4j_" + stem + "_natives", peer.group(1), "the table's name");
      assertFalse(peer.find(), file + " has one table");
      assertTrue(jni.contains("&" + "g4j_" + stem + "_natives,"), "JNI_OnLoad's list registers " + file);

      Class<?> holder = Class.forName(javaPackage + javaPeer + "$Natives");
      assertEquals(0, holder.getDeclaredFields().length, holder + " holds no state");
      Map<String, String> java = new TreeMap<>();
      for (Method m : holder.getDeclaredMethods()) {
        if (!Modifier.isNative(m.getModifiers())) continue;
        assertTrue(Modifier.isStatic(m.getModifiers()), m + " is static");
        assertTrue(m.getName().endsWith("0"), m + " ends in 0");
        java.put(m.getName(), MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString());
      }
      Map<String, String> c = new TreeMap<>();
      Matcher entry = ENTRY.matcher(source);
      while (entry.find()) {
        c.put(entry.group(1), entry.group(2));
        assertEquals("g4j_" + stem + "_" + snake(entry.group(1)), entry.group(3), "the C function of " + javaPeer + "." + entry.group(1));
        assertTrue(Pattern.compile("\\b" + entry.group(3) + "\\(JNIEnv \\*env").matcher(source).find(),
            entry.group(3) + " is defined in " + file);
      }
      assertEquals(java, c, javaPeer + ".Natives and the table of " + file + " (names and JNI signatures)");
    }
    assertFalse(peers.isEmpty(), "no peer found under " + C.toAbsolutePath());
    assertEquals(peers.size(), countEntries(jni), "JNI_OnLoad registers every peer, once");
  }

  @Test
  void nativesLiveOnlyInHolders() throws IOException, ClassNotFoundException {
    TreeSet<String> offenders = new TreeSet<>();
    int classes = 0;
    for (String pkg : PACKAGES) {
      Path folder = Path.of(Native.class.getProtectionDomain().getCodeSource().getLocation().getPath(), pkg.replace('.', '/'));
      try (Stream<Path> list = Files.list(folder)) {
        for (Path p : list.filter(p -> p.toString().endsWith(".class")).toList()) {
          String name = p.getFileName().toString().replace(".class", "");
          Class<?> cls = Class.forName(pkg + "." + name, false, Native.class.getClassLoader());
          classes++;
          for (Method m : cls.getDeclaredMethods()) {
            if (Modifier.isNative(m.getModifiers()) && !cls.getSimpleName().equals("Natives")) offenders.add(m.toString());
          }
        }
      }
    }
    assertTrue(classes > 20, "only " + classes + " classes found");
    assertTrue(offenders.isEmpty(), "natives outside a Natives holder: " + offenders);
  }

  private static int countEntries(String jni) {
    Matcher m = Pattern.compile("&g4j_\\w+_natives,").matcher(jni);
    int n = 0;
    while (m.find()) n++;
    return n;
  }
}
