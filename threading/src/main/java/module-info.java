/**
 * gevent4j's threading module (gevent's {@code gevent.threading} and {@code gevent.fileobject}):
 * executors and thread factories whose threads are greenlets, a group of hubs that uses every
 * core, and file objects whose blocking I/O does not stall the hub.
 */
module io.gevent4j.threading {
  requires transitive io.gevent4j.io;
  requires org.slf4j;

  exports io.gevent4j.fileobject;
  exports io.gevent4j.threading;
}
