package io.gevent4j.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Constants are taken from C by name, and a library whose list differs is refused, naming what differs. */
class ConstantTableTest {
  @Test
  void theLibraryHasExactlyTheConstantsJavaReads() {
    Native.ensureAvailable();
    Set<String> expected = ConstantTable.expected();
    assertTrue(expected.contains("EV_READ") && expected.contains("EVENT_SIZE") && expected.contains("NSIG"), expected.toString());
    Map<String, Integer> table = ConstantTable.check(Native.Natives.constantNames0(), Native.Natives.constantValues0(), expected);
    assertEquals(expected, table.keySet());
    assertEquals(table.get("AF_INET"), Constants.AF_INET);
    // The event batch's record, as C lays it out: (int32 id, int32 revents).
    assertEquals(8, Constants.EVENT_SIZE);
    assertEquals(0, Constants.EVENT_ID_OFFSET);
    assertEquals(4, Constants.EVENT_REVENTS_OFFSET);
  }

  @Test
  void aMatchingListIsATable() {
    assertEquals(Map.of("A", 1, "B", 2), ConstantTable.check(new String[] {"B", "A"}, new int[] {2, 1}, Set.of("A", "B")));
  }

  @Test
  void aMissingConstantIsNamed() {
    LinkageError e = assertThrows(LinkageError.class,
        () -> ConstantTable.check(new String[] {"A"}, new int[] {1}, Set.of("A", "B", "C")));
    assertTrue(e.getMessage().contains("it lacks B, C"), e.getMessage());
    assertTrue(e.getMessage().contains("different builds"), e.getMessage());
  }

  @Test
  void anUnknownConstantIsNamed() {
    LinkageError e = assertThrows(LinkageError.class,
        () -> ConstantTable.check(new String[] {"A", "Z"}, new int[] {1, 0}, Set.of("A")));
    assertTrue(e.getMessage().contains("does not know: Z"), e.getMessage());
  }

  @Test
  void aRepeatedOrMalformedListIsRefused() {
    LinkageError twice = assertThrows(LinkageError.class,
        () -> ConstantTable.check(new String[] {"A", "A"}, new int[] {1, 2}, Set.of("A")));
    assertTrue(twice.getMessage().contains("lists A more than once"), twice.getMessage());
    LinkageError lengths = assertThrows(LinkageError.class,
        () -> ConstantTable.check(new String[] {"A", "B"}, new int[] {1}, Set.of("A", "B")));
    assertTrue(lengths.getMessage().contains("2 names, 1 values"), lengths.getMessage());
    assertThrows(LinkageError.class, () -> ConstantTable.check(null, null, Set.of("A")));
  }
}
