/** gevent4j's events, locks, semaphores and queues (gevent's {@code gevent.event}, {@code gevent.lock}, {@code gevent.queue}). */
module io.gevent4j.sync {
  requires transitive io.gevent4j.hub;

  exports io.gevent4j.sync;
  exports io.gevent4j.queue;
}
