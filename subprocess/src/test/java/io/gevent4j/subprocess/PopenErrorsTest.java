package io.gevent4j.subprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.testing.Leaks;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input and misuse: exceptions that say what is wrong, no descriptor left behind; on both backends. */
@org.junit.jupiter.api.Timeout(60)
class PopenErrorsTest {
  @BeforeAll
  static void warmUp() {
    SubprocessTesting.warmUp();
  }

  @Test
  void aMissingProgramOrDirectoryOrInputFileIsNamed(@TempDir Path dir) throws Exception {
    Leaks leaks = Leaks.snapshot();
    NoSuchFileException e = assertThrows(NoSuchFileException.class,
        () -> Popen.builder("no-such-program-xyz").stdout(Popen.PIPE).start());
    assertEquals("no-such-program-xyz", e.getFile());
    assertTrue(e.getMessage().contains("PATH"), e.getMessage());
    assertThrows(NoSuchFileException.class, () -> Popen.builder("/no/such/program").start());
    NoSuchFileException cwd = assertThrows(NoSuchFileException.class,
        () -> Popen.builder("true").cwd(dir.resolve("missing")).stdin(Popen.PIPE).start());
    assertTrue(cwd.getMessage().contains("missing") && cwd.getMessage().contains("working directory"), cwd.getMessage());
    Path file = Files.writeString(dir.resolve("plain.txt"), "x");
    assertThrows(NotDirectoryException.class, () -> Popen.builder("true").cwd(file).start());
    NoSuchFileException input = assertThrows(NoSuchFileException.class,
        () -> Popen.builder("cat").stdin(Popen.Redirect.file(dir.resolve("absent.txt"))).start());
    assertTrue(input.getMessage().contains("absent.txt"), input.getMessage());
    leaks.assertNoLeak(); // the pipes made before a failure are closed
  }

  @Test
  void aFileThatIsNotExecutableSaysSo(@TempDir Path dir) throws Exception {
    Path script = Files.writeString(dir.resolve("script.sh"), "#!/bin/sh\necho hi\n");
    AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> Popen.builder(script.toString()).start());
    assertTrue(e.getMessage().contains("not executable"), e.getMessage());
    assertThrows(AccessDeniedException.class, () -> Popen.builder(dir.toString()).start());
    AccessDeniedException onPath = assertThrows(AccessDeniedException.class,
        () -> Popen.builder("script.sh").env(Map.of("PATH", dir.toString())).start());
    assertTrue(onPath.getMessage().contains("not executable"), onPath.getMessage());
  }

  @Test
  void badArgumentsAndTimeoutsAreIllegalArguments() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> Popen.builder());
    assertThrows(IllegalArgumentException.class, () -> Popen.builder("echo", "a\0b"));
    assertThrows(NullPointerException.class, () -> Popen.builder("echo", null));
    assertThrows(IllegalArgumentException.class, () -> Popen.builder("env").putEnv("A=B", "x"));
    assertThrows(IllegalArgumentException.class, () -> Popen.builder("env").env(Map.of("", "x")));
    assertThrows(IllegalArgumentException.class, () -> Popen.builder("cat").stdout(Popen.STDOUT));
    assertThrows(IllegalArgumentException.class, () -> Popen.builder("cat").stdin(Popen.STDOUT));
    assertThrows(IllegalArgumentException.class, () -> Popen.builder("cat").stdin(Popen.Redirect.append(Path.of("x"))));
    assertThrows(IllegalArgumentException.class, () -> Popen.builder("cat").processGroup(-1));
    try (Popen p = Popen.builder("true").start()) {
      assertThrows(IllegalArgumentException.class, () -> p.waitFor(-1));
      assertThrows(IllegalArgumentException.class, () -> p.waitFor(Double.NaN));
      assertThrows(IllegalArgumentException.class, () -> p.communicate(null, -0.5));
      assertThrows(IllegalArgumentException.class, () -> Subprocess.run(List.of("true"), null, -1, false));
      assertThrows(IllegalArgumentException.class, () -> p.sendSignal(1000));
      p.waitFor();
    }
  }

  @Test
  void aStreamThatIsNotAPipeOrAClosedPopenIsAClearError() throws Exception {
    Popen p = Popen.builder("cat").stdin(Popen.PIPE).start();
    IllegalStateException notPipe = assertThrows(IllegalStateException.class, p::stdout);
    assertTrue(notPipe.getMessage().contains("stdout is INHERIT") && notPipe.getMessage().contains("Popen.PIPE"),
        notPipe.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Popen.builder("true").start().communicate(new byte[1], 5),
        "input for a stdin that is not a PIPE");
    java.io.OutputStream in = p.stdin();
    p.close();
    p.close(); // idempotent
    IllegalStateException closed = assertThrows(IllegalStateException.class, p::stdin);
    assertTrue(closed.getMessage().contains("is closed"), closed.getMessage());
    assertThrows(IllegalStateException.class, () -> p.communicate(null, 1));
    ClosedChannelException write = assertThrows(ClosedChannelException.class, () -> in.write(1));
    assertTrue(write.getMessage().contains("stdin") && write.getMessage().contains("closed"), write.getMessage());
    assertEquals(0, p.waitFor(30), "the child still ends (its stdin reached EOF) and waitFor works after close");
  }

  @Test
  void closingAPipeWakesAGreenletThatReadsIt() {
    io.gevent4j.hub.testing.HubTesting.onFreshHub(hub -> {
      Popen p = Popen.builder("sleep", "30").stdout(Popen.PIPE).start();
      java.io.InputStream out = p.stdout();
      var reader = io.gevent4j.greenlet.Gevent.spawn(() -> out.read());
      io.gevent4j.hub.Hub.sleep(0); // the reader parks on the empty pipe
      p.close();
      Throwable e = assertThrows(Throwable.class, reader::get);
      assertTrue(e instanceof ClosedChannelException || e.getCause() instanceof ClosedChannelException, e.toString());
      p.kill();
      assertEquals(-9, p.waitFor());
    });
  }
}
