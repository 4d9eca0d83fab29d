/**
 * gevent4j's cooperative subprocesses (gevent's {@code gevent.subprocess}): {@code Popen} over
 * {@code posix_spawn}, pipes that wait through the hub, and {@code run}, {@code call},
 * {@code checkOutput} and friends.
 */
module io.gevent4j.subprocess {
  requires transitive io.gevent4j.greenlet;
  requires io.gevent4j.threading;

  exports io.gevent4j.subprocess;
}
