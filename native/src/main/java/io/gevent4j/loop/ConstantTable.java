package io.gevent4j.loop;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The library's constants by name, checked against what the Java side expects: the fields of
 * {@link Constants}. A missing, unknown or repeated name is a {@link LinkageError} that names
 * it; no constant is ever taken by position or defaulted to 0.
 */
final class ConstantTable {
  private ConstantTable() {}

  /**
   * The constants the Java side reads: the names of {@link Constants}' {@code static final int}
   * fields. Reflection, so that {@link Constants} is not initialized (it may be initializing
   * on this very thread, having asked {@link Native} for its first value).
   */
  static Set<String> expected() {
    Set<String> names = new TreeSet<>();
    for (Field f : Constants.class.getDeclaredFields()) {
      int m = f.getModifiers();
      if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == int.class && !f.isSynthetic()) {
        names.add(f.getName());
      }
    }
    return names;
  }

  /**
   * The table of {@code names[i] -> values[i]}.
   *
   * @param expected every name the Java side reads
   * @throws LinkageError naming what does not match: a name of {@code expected} the library
   *     lacks, a name the library has that {@code expected} does not, a name given twice, or
   *     arrays of different lengths
   */
  static Map<String, Integer> check(String[] names, int[] values, Set<String> expected) {
    if (names == null || values == null || names.length != values.length) {
      throw new LinkageError("libgevent4j.so's constants are malformed: "
          + (names == null ? "no" : names.length) + " names, " + (values == null ? "no" : values.length) + " values");
    }
    Map<String, Integer> table = new HashMap<>();
    Set<String> repeated = new TreeSet<>();
    for (int i = 0; i < names.length; i++) {
      if (table.put(names[i], values[i]) != null) repeated.add(names[i]);
    }
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(table.keySet());
    Set<String> unknown = new TreeSet<>(table.keySet());
    unknown.removeAll(expected);
    List<String> problems = new ArrayList<>();
    if (!missing.isEmpty()) problems.add("it lacks " + String.join(", ", missing));
    if (!unknown.isEmpty()) problems.add("it has constants this jar does not know: " + String.join(", ", unknown));
    if (!repeated.isEmpty()) problems.add("it lists " + String.join(", ", repeated) + " more than once");
    if (!problems.isEmpty()) {
      throw new LinkageError("libgevent4j.so's constants do not match Constants.java (" + String.join("; ", problems)
          + "): the library and the jar are from different builds");
    }
    return Map.copyOf(table);
  }
}
