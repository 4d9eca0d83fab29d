package io.gevent4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.loop.Backend;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** gevent.config: property, then environment, then default; bad values name the property and the valid values. */
class ConfigTest {
  private static final String[] TOUCHED = {"gevent.threadpool.size", "gevent.maxBlockingTime", "gevent.monitorThread",
    "gevent.resolver"};

  @AfterEach
  void restore() {
    for (String key : TOUCHED) System.clearProperty(key);
  }

  @Test
  void defaults() {
    assertEquals(10, Config.threadpoolSize());
    assertEquals(0.1, Config.maxBlockingTime());
    assertEquals(false, Config.monitorThread());
    assertEquals("thread", Config.resolver());
    assertEquals(Backend.parse(System.getProperty("gevent.loop", "libev"), "test"), Config.loop());
    assertTrue(Config.keys().contains("gevent.loop"));
  }

  @Test
  void aPropertyWins() {
    System.setProperty("gevent.threadpool.size", "3");
    System.setProperty("gevent.monitorThread", "true");
    assertEquals("3", Config.get("gevent.threadpool.size"));
    assertEquals(3, Config.threadpoolSize());
    assertEquals(true, Config.monitorThread());
  }

  @Test
  void badValuesNameThePropertyAndTheValidValues() {
    System.setProperty("gevent.threadpool.size", "zero");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Config::threadpoolSize);
    assertTrue(e.getMessage().contains("gevent.threadpool.size=zero"), e.getMessage());
    assertTrue(e.getMessage().contains("an integer > 0"), e.getMessage());
    System.setProperty("gevent.resolver", "magic");
    e = assertThrows(IllegalArgumentException.class, Config::resolver);
    assertTrue(e.getMessage().contains("thread, block, ares, dnsjava"), e.getMessage());
    System.setProperty("gevent.maxBlockingTime", "-1");
    assertThrows(IllegalArgumentException.class, Config::maxBlockingTime);
    assertThrows(IllegalArgumentException.class, () -> Config.get("gevent.nope"));
  }

  @Test
  void aBadValueFailsTheHubsStartUp() throws Exception {
    System.setProperty("gevent.monitorThread", "maybe");
    Throwable failure = startFailure();
    assertTrue(failure instanceof IllegalArgumentException, String.valueOf(failure));
    assertTrue(failure.getMessage().contains("gevent.monitorThread=maybe"), failure.getMessage());
  }

  @Test
  void aResolverFromAModuleNotOnTheClassPathFailsTheHubsStartUpNamingTheModule() throws Exception {
    // the hub module's tests do not have gevent4j-dns, which provides ares and dnsjava
    System.setProperty("gevent.resolver", "ares");
    Throwable failure = startFailure();
    assertTrue(failure instanceof IllegalArgumentException, String.valueOf(failure));
    assertTrue(failure.getMessage().contains("gevent.resolver=ares"), failure.getMessage());
    assertTrue(failure.getMessage().contains("io.gevent4j:gevent4j-dns"), failure.getMessage());
  }

  private static Throwable startFailure() throws InterruptedException {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = Thread.ofPlatform().start(() -> {
      try {
        Hub.current().close();
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    t.join();
    return failure.get();
  }
}
