package io.gevent4j.examples;

import static io.gevent4j.examples.ExampleRun.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ./dev example chat-server}: every client hears every line of the others, in each one's order. */
@Timeout(60)
class ChatServerTest {
  @Test
  void everyClientHearsEveryLineOfTheOthers() {
    String out = ExampleRun.run(15, ChatServer::main);
    assertEquals(List.of(
        "chat server on 127.0.0.1; alice, bob, carol join and say two lines each",
        "alice heard {bob=[hello from bob, bob says bye], carol=[hello from carol, carol says bye]}",
        "bob heard {alice=[hello from alice, alice says bye], carol=[hello from carol, carol says bye]}",
        "carol heard {alice=[hello from alice, alice says bye], bob=[hello from bob, bob says bye]}",
        "every client heard every line of the others, in order"), lines(out));
  }

  @Test
  void fiveNamesGiven() {
    List<String> out = lines(ExampleRun.run(15, ChatServer::main, "v", "w", "x", "y", "z"));
    assertEquals(7, out.size(), String.join("\n", out));
    assertEquals("w heard {v=[hello from v, v says bye], x=[hello from x, x says bye], y=[hello from y, y says bye], "
        + "z=[hello from z, z says bye]}", out.get(2));
    assertEquals("every client heard every line of the others, in order", out.get(6));
  }

  @Test
  void badNamesAreRefused() {
    for (String[] names : new String[][] {{"solo"}, {"ann", "ann"}, {"ann", "b b"}, {"ann", ""}}) {
      assertEquals("chat-server takes two or more different names (letters, digits, _), got " + List.of(names),
          assertThrows(IllegalArgumentException.class, () -> ChatServer.main(names)).getMessage());
    }
  }
}
