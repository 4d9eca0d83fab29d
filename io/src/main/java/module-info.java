/**
 * gevent4j's cooperative sockets, TLS, servers and HTTP server (gevent's {@code gevent.socket},
 * {@code gevent.ssl}, {@code gevent.server}, {@code gevent.pywsgi}); it provides the JDK's
 * {@code com.sun.net.httpserver} API on gevent4j.
 */
module io.gevent4j.io {
  requires transitive io.gevent4j.greenlet;
  requires transitive jdk.httpserver;
  requires org.slf4j;

  exports io.gevent4j.socket;
  exports io.gevent4j.server;
  exports io.gevent4j.http;

  provides com.sun.net.httpserver.spi.HttpServerProvider with io.gevent4j.http.GeventHttpServerProvider;
}
