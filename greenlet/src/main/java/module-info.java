/** gevent4j's greenlets, groups, pools and greenlet-locals (gevent's {@code Greenlet}, {@code gevent.pool}, {@code gevent.local}). */
module io.gevent4j.greenlet {
  requires transitive io.gevent4j.sync;

  exports io.gevent4j.greenlet;
}
