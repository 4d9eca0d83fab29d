/**
 * gevent4j's hub: greenlets as virtual threads scheduled by a hub per thread, timeouts, the
 * thread pool, signals and the resolver (gevent's {@code gevent.hub}). Programs on the module
 * path need {@code --add-opens java.base/java.lang=io.gevent4j.hub}, and should add
 * {@code --add-opens java.base/sun.nio.ch=io.gevent4j.hub} (greenlets' JDK I/O waits served by
 * their hub: {@code Hub.jdkPollers()}).
 */
module io.gevent4j.hub {
  requires transitive io.gevent4j.loop;
  requires org.slf4j;
  requires jdk.jfr;

  exports io.gevent4j.hub;
  exports io.gevent4j.hub.internal to io.gevent4j.sync, io.gevent4j.greenlet, io.gevent4j.io, io.gevent4j.subprocess, io.gevent4j.dns, io.gevent4j.threading;

  uses io.gevent4j.hub.Resolver.Provider;
}
