package io.gevent4j.http;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The {@link com.sun.net.httpserver.HttpServer} that {@link GeventHttpServerProvider} makes (a
 * thread and hub of its own, started by {@link #start()}), and the view of a gevent4j
 * {@link HttpServer} that its contexts report as their server; see {@link JdkServerAdapter}.
 */
final class GeventJdkHttpServer extends com.sun.net.httpserver.HttpServer {
  private final JdkServerAdapter adapter;

  /** The view of a gevent4j HttpServer. */
  GeventJdkHttpServer(HttpServer core, Dispatcher dispatcher) {
    this.adapter = new JdkServerAdapter(this, core, dispatcher);
  }

  /** The provider's server: bound now unless {@code address} is null. */
  GeventJdkHttpServer(InetSocketAddress address, int backlog) throws IOException {
    this.adapter = new JdkServerAdapter(this, address, backlog);
  }

  @Override
  public void bind(InetSocketAddress address, int backlog) throws IOException {
    adapter.bind(address, backlog);
  }

  @Override
  public void start() {
    adapter.start(null);
  }

  @Override
  public void setExecutor(Executor executor) {
    adapter.setExecutor(executor);
  }

  @Override
  public Executor getExecutor() {
    return adapter.getExecutor();
  }

  @Override
  public void stop(int delay) {
    adapter.stop(delay);
  }

  @Override
  public HttpContext createContext(String path, HttpHandler handler) {
    Objects.requireNonNull(handler, "null handler parameter");
    return adapter.createContext(path, handler);
  }

  @Override
  public HttpContext createContext(String path) {
    return adapter.createContext(path, null);
  }

  @Override
  public void removeContext(String path) {
    adapter.removeContext(path);
  }

  @Override
  public void removeContext(HttpContext context) {
    adapter.removeContext(context);
  }

  @Override
  public InetSocketAddress getAddress() {
    return adapter.getAddress();
  }

  @Override
  public String toString() {
    return adapter.toString();
  }
}
