package io.gevent4j.http;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A path and what serves it (the JDK's {@code HttpContextImpl}): a handler, the user's filters,
 * an optional authenticator, attributes. Read by connections of any hub while the application
 * may change it from its own thread, hence the concurrent collections and volatile fields.
 */
final class GeventHttpContext extends HttpContext {
  private final String path;
  private final com.sun.net.httpserver.HttpServer server;
  private volatile HttpHandler handler;
  private volatile Authenticator authenticator;
  private final List<Filter> filters = new CopyOnWriteArrayList<>();
  private final Map<String, Object> attributes = new ConcurrentHashMap<>();

  GeventHttpContext(String path, HttpHandler handler, com.sun.net.httpserver.HttpServer server) {
    this.path = path;
    this.handler = handler;
    this.server = server;
  }

  @Override
  public HttpHandler getHandler() {
    return handler;
  }

  @Override
  public void setHandler(HttpHandler handler) {
    if (handler == null) throw new NullPointerException("null handler parameter");
    if (this.handler != null) throw new IllegalArgumentException("handler already set");
    this.handler = handler;
  }

  @Override
  public String getPath() {
    return path;
  }

  @Override
  public com.sun.net.httpserver.HttpServer getServer() {
    return server;
  }

  @Override
  public Map<String, Object> getAttributes() {
    return attributes;
  }

  @Override
  public List<Filter> getFilters() {
    return filters;
  }

  @Override
  public Authenticator setAuthenticator(Authenticator auth) {
    Authenticator old = authenticator;
    authenticator = auth;
    return old;
  }

  @Override
  public Authenticator getAuthenticator() {
    return authenticator;
  }

  @Override
  public String toString() {
    return "HttpContext(" + path + ")";
  }
}
