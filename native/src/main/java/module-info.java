/**
 * gevent4j's native event loop: libev and libuv behind one {@link io.gevent4j.loop.Loop}, with
 * the POSIX calls the other modules need. Programs on the module path need
 * {@code --enable-native-access=io.gevent4j.loop}.
 */
module io.gevent4j.loop {
  exports io.gevent4j.loop;
  exports io.gevent4j.loop.internal to io.gevent4j.hub, io.gevent4j.io, io.gevent4j.subprocess, io.gevent4j.dns;
}
