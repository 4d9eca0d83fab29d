package io.gevent4j.hub;

import static io.gevent4j.hub.testing.HubTesting.onFreshHub;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gevent4j.loop.Signals;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The JDK is the monkey patch: blocking JDK calls inside greenlets park them and let the hub
 * run others. Also signals and error reporting. Both backends.
 */
@org.junit.jupiter.api.Timeout(120)
class JdkBlockingTest {

  @Test
  void aJdkSocketEchoServerAndClientsInGreenletsOfOneHub() {
    onFreshHub(hub -> {
      InetAddress loopback = InetAddress.getLoopbackAddress();
      ServerSocket server = new ServerSocket(0, 50, loopback);
      int clients = 20;
      hub.execute(() -> {
        try (server) {
          for (int i = 0; i < clients; i++) {
            Socket s = server.accept();
            hub.execute(() -> {
              try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                byte[] buf = new byte[256];
                int n;
                while ((n = in.read(buf)) > 0) out.write(buf, 0, n);
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
          }
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      AtomicInteger echoed = new AtomicInteger();
      for (int c = 0; c < clients; c++) {
        int id = c;
        hub.execute(() -> {
          try (Socket s = new Socket(loopback, server.getLocalPort())) {
            byte[] message = ("hello from client " + id).getBytes();
            for (int round = 0; round < 10; round++) {
              s.getOutputStream().write(message);
              byte[] back = new byte[message.length];
              new DataInputStream(s.getInputStream()).readFully(back);
              assertArrayEquals(message, back);
            }
            echoed.incrementAndGet();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
      }
      assertTrue(hub.join(30));
      assertEquals(clients, echoed.get());
    });
  }

  @Test
  void threadSleepInAGreenletLetsOthersRun() {
    onFreshHub(hub -> {
      List<String> order = new ArrayList<>();
      hub.execute(() -> {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
        order.add("slept");
      });
      hub.execute(() -> order.add("other"));
      assertTrue(hub.join(10));
      assertEquals(List.of("other", "slept"), order);
    });
  }

  @Test
  void aSignalHandlerRunsInAGreenlet() throws Exception {
    onFreshHub(hub -> {
      Waiter<RawGreenlet> handled = new Waiter<>(true);
      try (AutoCloseable _ = hub.signalHandler(Signals.SIGUSR1, () -> handled.switchTo(RawGreenlet.current()))) {
        // no pipes: the JDK closes a child's pipes after waitFor() returns, racing the leak check
        Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(ProcessHandle.current().pid()))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        assertEquals(0, kill.waitFor());
        RawGreenlet in = handled.get(10);
        assertTrue(in != null, "the handler runs in a greenlet");
      }
    });
  }

  @Test
  void anErrorEscapingAGreenletIsLoggedOnceWithItsName() {
    Logger log = (Logger) LoggerFactory.getLogger(Hub.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    log.addAppender(appender);
    log.setAdditive(false);
    try {
      onFreshHub(hub -> {
        hub.newGreenlet(() -> {
          throw new IllegalStateException("boom");
        }, "failing-greenlet").start();
        assertTrue(hub.join(5));
      });
    } finally {
      log.detachAppender(appender);
      log.setAdditive(true);
    }
    assertEquals(1, appender.list.size(), appender.list.toString());
    ILoggingEvent event = appender.list.get(0);
    assertEquals(Level.ERROR, event.getLevel());
    assertTrue(event.getFormattedMessage().contains("failing-greenlet"), event.getFormattedMessage());
    assertEquals("boom", event.getThrowableProxy().getMessage());
  }

  @Test
  void aVirtualMachineErrorPropagatesToTheHubsThread() {
    onFreshHub(hub -> {
      hub.execute(() -> {
        throw new StackOverflowError("from a greenlet (expected in this test)");
      });
      StackOverflowError e = assertThrows(StackOverflowError.class, () -> Hub.sleep(0.01));
      assertTrue(e.getMessage().contains("from a greenlet"));
    });
  }
}
