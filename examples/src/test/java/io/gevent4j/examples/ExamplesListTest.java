package io.gevent4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
 * {@code ./dev example}'s list, the example classes and docs/examples.md agree: every program of
 * this package (but the demo, which {@code ./dev demo} runs) is listed, every listed class is a
 * program, and every example has its section in the docs.
 */
class ExamplesListTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize(); // surefire runs in examples/

  /** name -> class, from ./dev's EXAMPLES table. */
  private static Map<String, String> listed() throws IOException {
    Map<String, String> listed = new TreeMap<>();
    Matcher m = Pattern.compile("(?m)^  \"([a-z-]+)\\|([A-Za-z]+)\\|[^\"]+\"$").matcher(Files.readString(ROOT.resolve("dev")));
    while (m.find()) listed.put(m.group(1), m.group(2));
    return listed;
  }

  @Test
  void everyProgramIsListedAndEveryListedClassIsAProgram() throws Exception {
    Map<String, String> listed = listed();
    assertTrue(listed.size() >= 9, "./dev lists " + listed);
    TreeSet<String> programs = new TreeSet<>();
    try (Stream<Path> sources = Files.list(ROOT.resolve("examples/src/main/java/io/gevent4j/examples"))) {
      for (Path p : (Iterable<Path>) sources::iterator) {
        String name = p.getFileName().toString().replace(".java", "");
        if (name.equals("Demo") || !Files.readString(p).contains("public static void main(String[] args)")) continue;
        programs.add(name);
      }
    }
    assertEquals(programs, new TreeSet<>(listed.values()));
    for (String className : listed.values()) {
      Method main = Class.forName("io.gevent4j.examples." + className).getMethod("main", String[].class);
      assertTrue(Modifier.isStatic(main.getModifiers()), className);
    }
  }

  @Test
  void everyExampleHasItsSectionInTheDocs() throws IOException {
    String docs = Files.readString(ROOT.resolve("docs/examples.md"));
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> e : listed().entrySet()) {
      if (!docs.contains("./dev example " + e.getKey()) || !docs.contains("io/gevent4j/examples/" + e.getValue() + ".java")) {
        missing.add(e.getKey());
      }
    }
    assertEquals(List.of(), missing, "examples without a section (the command and a link to the source) in docs/examples.md");
  }
}
