package io.gevent4j.subprocess;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** run, call, checkCall, checkOutput, getoutput, getstatusoutput: Python's semantics, cooperatively; on both backends. */
@org.junit.jupiter.api.Timeout(120)
class SubprocessTest {
  @BeforeAll
  static void warmUp() {
    SubprocessTesting.warmUp();
  }

  @Test
  void runCapturesBothStreamsAndFeedsInput() {
    onFreshHub(hub -> {
      CompletedProcess p = Subprocess.run(List.of("sh", "-c", "tr a-z A-Z; echo warn >&2; exit 4"), "abc".getBytes(UTF_8),
          30, false);
      assertEquals(List.of("sh", "-c", "tr a-z A-Z; echo warn >&2; exit 4"), p.args());
      assertEquals(4, p.returncode());
      assertEquals("ABC", new String(p.stdout(), UTF_8));
      assertEquals("warn\n", new String(p.stderr(), UTF_8));
      // no input: the child's stdin is /dev/null, so cat ends at once
      assertArrayEquals(new byte[0], Subprocess.run(List.of("cat"), null, 30, true).stdout());
    });
  }

  @Test
  void runWithCheckThrowsCalledProcessErrorSayingTheCodeAndTheOutput() {
    onFreshHub(hub -> {
      CalledProcessError e = assertThrows(CalledProcessError.class,
          () -> Subprocess.run(List.of("sh", "-c", "echo partial; echo broken >&2; exit 2"), null, 30, true));
      assertEquals(2, e.returncode());
      assertEquals("partial\n", new String(e.output(), UTF_8));
      assertEquals("broken\n", new String(e.stderr(), UTF_8));
      assertTrue(e.getMessage().contains("non-zero exit status 2"), e.getMessage());
      assertTrue(e.getMessage().contains("partial") && e.getMessage().contains("broken"), e.getMessage());
      // long output is cut in the message, kept whole in the exception
      CalledProcessError big = assertThrows(CalledProcessError.class,
          () -> Subprocess.run(List.of("sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x; exit 1"), null, 30, true));
      assertEquals(100000, big.output().length);
      assertTrue(big.getMessage().length() < 1000 && big.getMessage().contains("(100000 bytes)"), big.getMessage());
    });
  }

  @Test
  void runKillsAndReapsAChildThatTimesOut() throws Exception {
    onFreshHub(hub -> {
      TimeoutExpired e = assertThrows(TimeoutExpired.class,
          () -> Subprocess.run(List.of("sh", "-c", "echo started; echo $$ >&2; exec sleep 30"), null, 0.5, false));
      assertTrue(e.getMessage().contains("timed out after 0.5 seconds"), e.getMessage());
      assertEquals("started\n", new String(e.output(), UTF_8));
      int pid = Integer.parseInt(new String(e.stderr(), UTF_8).strip());
      // killed and reaped before the exception: neither running nor a zombie
      assertTrue(ProcessHandle.of(pid).isEmpty() || !ProcessHandle.of(pid).get().isAlive(), "pid " + pid + " still runs");
      assertTrue(!SubprocessTesting.zombies().contains(pid), "pid " + pid + " is a zombie");
    });
  }

  @Test
  void callCheckCallAndCheckOutput() {
    onFreshHub(hub -> {
      assertEquals(0, Subprocess.call("true"));
      assertEquals(1, Subprocess.call("false"));
      Subprocess.checkCall("true");
      CalledProcessError e = assertThrows(CalledProcessError.class, () -> Subprocess.checkCall("sh", "-c", "exit 9"));
      assertEquals(9, e.returncode());
      assertNull(e.output());
      assertEquals("hi\n", new String(Subprocess.checkOutput("echo", "hi"), UTF_8));
      CalledProcessError failed = assertThrows(CalledProcessError.class,
          () -> Subprocess.checkOutput("sh", "-c", "echo so far; exit 3"));
      assertEquals("so far\n", new String(failed.output(), UTF_8));
      assertThrows(TimeoutExpired.class, () -> Subprocess.call(List.of("sleep", "30"), 0.2));
    });
  }

  @Test
  void getoutputAndGetstatusoutputGoThroughTheShell() throws Exception {
    assertEquals("a b", Subprocess.getoutput("echo a b"));
    Subprocess.StatusOutput s = Subprocess.getstatusoutput("echo out; echo err >&2; exit 3");
    assertEquals(3, s.status());
    assertEquals("out\nerr", s.output());
    assertEquals(127, Subprocess.getstatusoutput("no-such-command-here").status());
  }

  @Test
  void otherGreenletsRunWhileACallWaits() {
    onFreshHub(hub -> {
      AtomicInteger ticks = new AtomicInteger();
      Greenlet<Void> ticker = Gevent.spawn(() -> {
        while (true) {
          Hub.sleep(0.005);
          ticks.incrementAndGet();
        }
      });
      // the child exits once the ticker has ticked 10 times: a call that blocked the hub would never return
      Greenlet<Integer> call = Gevent.spawn(() -> {
        Popen p = Popen.builder("cat").stdin(Popen.PIPE).start();
        Gevent.spawn(() -> {
          while (ticks.get() < 10) Hub.sleep(0.005);
          p.stdin().close();
          return null;
        });
        int rc = p.waitFor(30);
        p.close();
        return rc;
      });
      assertEquals(0, call.get());
      assertTrue(ticks.get() >= 10);
      ticker.kill();
    });
  }
}
