package io.gevent4j.examples;

import static io.gevent4j.greenlet.Gevent.spawn;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.subprocess.Popen;
import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;

/**
 * gevent's {@code examples/processes.py}, as a shell pipeline: {@code seq 1 100000 | grep -F 7 |
 * wc -l}, three children started with {@link Popen}, their pipes joined by two greenlets that copy
 * one child's stdout into the next one's stdin, while the main greenlet reads what {@code wc}
 * says. The 589 kB {@code seq} writes cannot wait in a 64 KiB pipe: the children and the
 * greenlets run at the same time, every pipe wait parking a greenlet, never the hub. The count is
 * checked against the same count made in Java.
 *
 * <p>Run it with {@code ./dev example subprocess-pipeline [TEXT]} (the text grep looks for; 7 by default).
 */
public final class SubprocessPipeline {
  private static final int LAST = 100_000;

  private SubprocessPipeline() {}

  public static void main(String[] args) throws Exception {
    String text = args.length == 0 ? "7" : args[0];
    if (args.length > 1 || text.isEmpty() || text.contains("\n")) {
      throw new IllegalArgumentException("subprocess-pipeline takes one text of one line (7 by default), got " + List.of(args));
    }
    System.out.printf("seq 1 %d | grep -F %s | wc -l, the pipes copied by two greenlets%n", LAST, text);

    try (Popen seq = Popen.builder("seq", "1", String.valueOf(LAST)).stdout(Popen.PIPE).start();
        Popen grep = Popen.builder("grep", "-F", "--", text).stdin(Popen.PIPE).stdout(Popen.PIPE).start();
        Popen wc = Popen.builder("wc", "-l").stdin(Popen.PIPE).stdout(Popen.PIPE).start()) {
      // what a shell does with |, done by greenlets: each parks while its pipe is empty or full
      Greenlet<Long> seqToGrep = spawn(() -> copy(seq, grep));
      Greenlet<Long> grepToWc = spawn(() -> copy(grep, wc));

      String count = new String(wc.stdout().readAllBytes(), UTF_8).strip(); // main waits here, cooperatively
      System.out.printf("  seq -> grep: %d bytes, grep -> wc: %d bytes%n", seqToGrep.get(), grepToWc.get());
      // grep's exit code is 1 when no line matched, as in a shell
      System.out.printf("  exit codes: seq %d, grep %d, wc %d%n", seq.waitFor(), grep.waitFor(), wc.waitFor());
      long expected = IntStream.rangeClosed(1, LAST).filter(i -> String.valueOf(i).contains(text)).count();
      System.out.printf("wc -l counted %s lines; counting in Java gives %d%n", count, expected);
    }
  }

  /** One {@code |}: copies {@code from}'s stdout into {@code to}'s stdin, then closes it so {@code to} sees the end. */
  private static long copy(Popen from, Popen to) throws IOException {
    try (var in = from.stdout(); var out = to.stdin()) {
      return in.transferTo(out);
    }
  }
}
