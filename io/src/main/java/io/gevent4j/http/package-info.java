/**
 * HTTP (gevent's {@code gevent.pywsgi}): {@link io.gevent4j.http.HttpServer}, an HTTP/1.1
 * server on {@link io.gevent4j.server.StreamServer} that serves the JDK's
 * {@link com.sun.net.httpserver.HttpHandler}s, one greenlet per connection; and
 * {@link io.gevent4j.http.GeventHttpServerProvider}, through which code written for
 * {@code com.sun.net.httpserver.HttpServer.create(...)} runs on gevent4j unchanged.
 *
 * <p>Keep-alive, pipelining, chunked bodies both ways, {@code Expect: 100-continue}, HEAD,
 * HTTP/1.0; limits on the request line (414), the header fields (431) and the body (413), a read
 * timeout against idle and slow clients; malformed requests get 400 and a close; a failing
 * handler a 500. An access log in the common log format, through SLF4J. See
 * {@code docs/http.md}.
 */
package io.gevent4j.http;
