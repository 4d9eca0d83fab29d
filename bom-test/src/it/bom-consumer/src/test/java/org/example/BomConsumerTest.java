package org.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.http.HttpServer;
import io.gevent4j.queue.Queue;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class BomConsumerTest {
  @Test
  void theProgramServesTheQueuedItemToTheFetchingGreenlet() throws Exception {
    assertEquals("hello from a greenlet", App.run());
  }

  @Test
  void theJarsAreThisBuildsFromTheConsumersRepository() throws Exception {
    Path repository = Path.of(System.getProperty("consumer.repository")).toRealPath();
    for (Class<?> c : new Class<?>[] {Greenlet.class, HttpServer.class, Queue.class}) {
      Path jar = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toRealPath();
      assertTrue(jar.startsWith(repository), c + " comes from " + jar + ", not from " + repository);
    }
  }
}
