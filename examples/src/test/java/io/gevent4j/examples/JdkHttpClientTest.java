package io.gevent4j.examples;

import static io.gevent4j.examples.ExampleRun.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ./dev example jdk-http-client}: fifty requests at once, each its own answer, the hub ticking meanwhile. */
@Timeout(60)
class JdkHttpClientTest {
  /** The JDK's delayed-task thread (the requests' timeouts use it) starts once per JVM: before any leak count. */
  @BeforeAll
  static void startTheJdkTimerThread() {
    CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS)).join();
  }

  @Test
  void fiftyRequestsInFlightAtOnce() {
    List<String> out = lines(ExampleRun.run(20, JdkHttpClient::main));
    assertEquals(4, out.size(), String.join("\n", out));
    assertEquals("50 greenlets, one HttpClient whose executor is the hub's greenlets, an HttpServer on the same hub", out.get(0));
    Matcher done = Pattern.compile("50 of 50 answered 200 with their own body, in ([0-9.]+) s \\(one answer takes 0.2 s\\)").matcher(out.get(1));
    assertTrue(done.matches(), out.get(1));
    // one after the other they would take 50 x 0.2 s
    assertTrue(Double.parseDouble(done.group(1)) < 5, out.get(1));
    assertEquals("first and last: 200 hello n=1, 200 hello n=50", out.get(2));
    Matcher ticker = Pattern.compile("the ticker ticked (\\d+) times; its longest gap was (\\d+) ms").matcher(out.get(3));
    assertTrue(ticker.matches(), out.get(3));
    // the requests took 0.2 s at least: a hub that kept turning ticked many times meanwhile
    assertTrue(Integer.parseInt(ticker.group(1)) >= 5, out.get(3));
  }

  @Test
  void argumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> JdkHttpClient.main(new String[] {"x"}));
  }
}
