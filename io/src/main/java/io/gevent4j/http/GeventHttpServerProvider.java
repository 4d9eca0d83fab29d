package io.gevent4j.http;

import com.sun.net.httpserver.HttpsServer;
import com.sun.net.httpserver.spi.HttpServerProvider;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Runs applications written for the JDK's {@link com.sun.net.httpserver.HttpServer} on gevent4j,
 * unchanged (the counterpart of gevent's monkey patching for the standard library's servers,
 * and of {@code gevent.pywsgi.WSGIServer} serving a standard application).
 *
 * <p><b>How it is chosen.</b> {@code HttpServer.create(...)} asks
 * {@link HttpServerProvider#provider()}, which takes the class named by the system property
 * {@code com.sun.net.httpserver.HttpServerProvider}, else the first provider registered in a
 * {@code META-INF/services/com.sun.net.httpserver.spi.HttpServerProvider} file on the class
 * path, else the JDK's own. gevent4j-io registers this class, so <em>with the jar on the class
 * path, {@code HttpServer.create} serves on gevent4j</em>. To opt out, start the JVM with
 * {@code -Dcom.sun.net.httpserver.HttpServerProvider=sun.net.httpserver.DefaultHttpServerProvider};
 * to opt in explicitly (when several providers are present), name this class there.
 *
 * <p><b>Threads.</b> {@code start()} starts one platform thread with a hub of its own (not a
 * daemon, as the JDK's dispatcher thread): it accepts, and serves each connection in a greenlet
 * of that hub, where the handlers run (they may block cooperatively; a handler that blocks the
 * thread blocks the server). So a plain {@code main} may call {@code start()} and return.
 * {@code setExecutor(e)} runs filters and handlers on {@code e} instead, the connection's
 * greenlet waiting for them; {@code stop(delay)} stops accepting, closes idle connections, waits
 * up to {@code delay} seconds for the exchanges in progress, closes the rest and ends the
 * thread. Contexts match as the JDK's (longest string prefix); filters, authenticators
 * ({@code BasicAuthenticator}: 401 with {@code WWW-Authenticate}, then the principal on the
 * exchange) and attributes work as documented by the JDK. The limits are {@link HttpServer}'s
 * defaults.
 *
 * <p><b>Access log.</b> Off by default; on with {@code -Dgevent.http.accessLog=true} (or the
 * environment variable {@code GEVENT_HTTP_ACCESS_LOG=true}), read when a server is bound: see
 * {@link HttpServer#accessLog(boolean)}.
 *
 * <p>The JVM needs gevent4j's flags ({@code --add-opens java.base/java.lang=ALL-UNNAMED
 * --enable-native-access=ALL-UNNAMED}); without them the server thread fails to start and
 * {@code start()} throws an exception that names them. HTTPS ({@code HttpsServer.create}) works
 * the same way, over {@link io.gevent4j.socket.SslSocket}.
 */
public final class GeventHttpServerProvider extends HttpServerProvider {
  /** Made by the JDK's {@link java.util.ServiceLoader} or by its system property. */
  public GeventHttpServerProvider() {}

  /**
   * A server bound to {@code address} (unbound when it is null: call {@code bind} later).
   *
   * @param backlog the listen backlog; {@code <= 0} for the default (256)
   * @throws java.net.BindException when the address is in use
   * @throws IOException when the socket cannot be made or bound
   */
  @Override
  public com.sun.net.httpserver.HttpServer createHttpServer(InetSocketAddress address, int backlog) throws IOException {
    return new GeventJdkHttpServer(address, backlog);
  }

  /**
   * An HTTPS server bound to {@code address} (unbound when it is null): set its
   * {@link com.sun.net.httpserver.HttpsConfigurator} before {@code start()}. Each connection gets
   * an engine of the configurator's context, configured by its {@code configure} method, and its
   * handlers get {@link com.sun.net.httpserver.HttpsExchange}s.
   *
   * @param backlog the listen backlog; {@code <= 0} for the default (256)
   * @throws java.net.BindException when the address is in use
   * @throws IOException when the socket cannot be made or bound
   */
  @Override
  public HttpsServer createHttpsServer(InetSocketAddress address, int backlog) throws IOException {
    return new GeventJdkHttpsServer(address, backlog);
  }
}
