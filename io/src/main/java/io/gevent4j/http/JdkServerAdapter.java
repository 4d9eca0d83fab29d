package io.gevent4j.http;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.server.StreamServer;
import io.gevent4j.socket.Socket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the {@link com.sun.net.httpserver.HttpServer}s of this package share: the logic behind
 * {@link GeventJdkHttpServer} and {@link GeventJdkHttpsServer} (the provider's servers, and the
 * view of a gevent4j {@link HttpServer} that its contexts report as their server).
 *
 * <p>The provider's server binds when created (as the JDK's), and {@link #start(Consumer)} starts a
 * platform thread of its own, named {@code gevent4j-http-<port>} and not a daemon (as the JDK's
 * dispatcher thread), which runs a hub of its own: the accept loop and one greenlet per
 * connection. {@link #stop(int)} stops the server on that hub and returns once the thread has
 * closed its hub and ended. A view runs on the hub of whoever starts its gevent4j server.
 */
final class JdkServerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  /** The system property that turns the provider's access log on. */
  static final String ACCESS_LOG_PROPERTY = "gevent.http.accessLog";
  /** The environment variable that does the same when the property is not set. */
  static final String ACCESS_LOG_ENVIRONMENT = "GEVENT_HTTP_ACCESS_LOG";

  private enum State { NEW, STARTED, STOPPED }

  private final com.sun.net.httpserver.HttpServer jdkServer;
  private final Dispatcher dispatcher;
  /** True for the provider's server (a thread of its own); false for a view. */
  private final boolean ownThread;
  private volatile HttpServer core;
  private State state = State.NEW;
  private Thread thread;
  private volatile Hub hub;

  /** The view of a gevent4j HttpServer. */
  JdkServerAdapter(com.sun.net.httpserver.HttpServer jdkServer, HttpServer core, Dispatcher dispatcher) {
    this.jdkServer = jdkServer;
    this.core = core;
    this.dispatcher = dispatcher;
    this.ownThread = false;
  }

  /** The provider's server: bound now unless {@code address} is null. */
  JdkServerAdapter(com.sun.net.httpserver.HttpServer jdkServer, InetSocketAddress address, int backlog) throws IOException {
    this.jdkServer = jdkServer;
    this.dispatcher = new Dispatcher();
    this.ownThread = true;
    if (address != null) bind(address, backlog);
  }

  /**
   * Binds now, as the JDK's server does: connections wait in the backlog until {@link #start}.
   *
   * @throws BindException when already bound, or the address is in use
   */
  synchronized void bind(InetSocketAddress address, int backlog) throws IOException {
    Objects.requireNonNull(address, "null address");
    if (core != null) throw new BindException("HttpServer already bound");
    if (state != State.NEW) throw new IllegalStateException("the server is stopped");
    InetSocketAddress where = address.isUnresolved()
        ? new InetSocketAddress(InetAddress.getByName(address.getHostString()), address.getPort())
        : address;
    Socket socket;
    try {
      socket = where.getAddress() instanceof Inet6Address ? Socket.tcp6() : Socket.tcp();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    try {
      socket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      try {
        socket.bind(where);
      } catch (BindException e) {
        BindException named = new BindException(e.getMessage() + ": " + where);
        named.initCause(e);
        throw named;
      }
      socket.listen(backlog > 0 ? backlog : StreamServer.DEFAULT_BACKLOG);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
    HttpServer server = new HttpServer(socket, dispatcher, jdkServer);
    if (accessLogRequested()) server.accessLog(true);
    core = server;
  }

  private static boolean accessLogRequested() {
    String value = System.getProperty(ACCESS_LOG_PROPERTY);
    if (value == null || value.isBlank()) value = System.getenv(ACCESS_LOG_ENVIRONMENT);
    if (value == null) return false;
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      default -> false;
    };
  }

  /** True once started (or stopped). */
  synchronized boolean started() {
    return state != State.NEW;
  }

  /**
   * Starts serving. The provider's server starts its thread and hub and returns once they
   * accept; a view starts its gevent4j server on the caller's hub.
   *
   * @param configure applied to the gevent4j server before it starts (TLS), or null
   * @throws IllegalStateException when not bound, already started, or stopped
   * @throws UncheckedIOException when the server cannot start
   */
  void start(Consumer<HttpServer> configure) {
    HttpServer server;
    synchronized (this) {
      if (state == State.STARTED) throw new IllegalStateException("the server is already started");
      if (state == State.STOPPED) throw new IllegalStateException("the server is stopped; a server cannot be restarted");
      server = core;
      if (server == null) throw new IllegalStateException("the server is not bound: call bind(address, backlog) first");
      if (configure != null) configure.accept(server);
      if (!ownThread) {
        try {
          server.start();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        state = State.STARTED;
        return;
      }
      CompletableFuture<Hub> ready = new CompletableFuture<>();
      Thread t = Thread.ofPlatform()
          .name("gevent4j-http-" + server.address().getPort())
          .daemon(false)
          .unstarted(() -> run(server, ready));
      t.start();
      try {
        hub = ready.join();
      } catch (CompletionException e) {
        state = State.STOPPED;
        if (e.getCause() instanceof IOException io) throw new UncheckedIOException(io);
        if (e.getCause() instanceof RuntimeException r) throw r;
        throw e;
      }
      thread = t;
      state = State.STARTED;
    }
  }

  /** The provider's server thread: a hub of its own, the server on it until stopped. */
  private void run(HttpServer server, CompletableFuture<Hub> ready) {
    Hub own;
    try {
      own = Hub.current();
    } catch (Throwable e) {
      ready.completeExceptionally(e); // the JVM lacks the flags greenlets need: the message names them
      return;
    }
    try {
      try {
        server.start();
      } catch (Throwable e) {
        ready.completeExceptionally(e);
        return;
      }
      ready.complete(own);
      server.serveForever();
    } catch (Throwable e) {
      LOG.error("{}: the server thread failed", server, e);
    } finally {
      try {
        own.join(5); // what the stop left (the greenlet that ran it) ends
      } finally {
        own.close();
      }
    }
  }

  /** @throws IllegalStateException once started */
  synchronized void setExecutor(Executor executor) {
    if (state != State.NEW) throw new IllegalStateException("the server is already started");
    dispatcher.executor(executor);
  }

  Executor getExecutor() {
    return dispatcher.executor();
  }

  /**
   * Stops (the JDK's contract): stops accepting, closes idle connections, waits up to
   * {@code delay} seconds for the exchanges in progress, then closes the rest; returns when the
   * server thread has ended. Idempotent.
   *
   * @throws IllegalArgumentException when {@code delay < 0}
   */
  void stop(int delay) {
    if (delay < 0) throw new IllegalArgumentException("negative delay parameter");
    HttpServer server;
    State before;
    Thread t;
    Hub h;
    synchronized (this) {
      before = state;
      state = State.STOPPED;
      server = core;
      t = thread;
      h = hub;
    }
    if (server == null) return;
    if (!ownThread || before == State.NEW) {
      server.stop(delay); // a server never started only closes its socket: no hub needed
      return;
    }
    if (t == null) return;
    RawGreenlet current = RawGreenlet.current();
    if (current != null && current.hub() == h) {
      server.stop(delay); // a handler stopping its own server: not waited for; the thread ends after it
      return;
    }
    try {
      h.execute(() -> server.stop(delay));
    } catch (IllegalStateException closed) {
      // the server thread has ended already
    }
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** @throws IllegalArgumentException when the path is not absolute or already has a context */
  HttpContext createContext(String path, HttpHandler handler) {
    return dispatcher.create(path, handler, jdkServer);
  }

  void removeContext(String path) {
    dispatcher.remove(path);
  }

  void removeContext(HttpContext context) {
    dispatcher.remove(context);
  }

  /** The bound address (the actual port), or null before {@link #bind}. */
  InetSocketAddress getAddress() {
    HttpServer server = core;
    return server == null ? null : server.address();
  }

  @Override
  public String toString() {
    return "gevent4j " + (core == null ? "HttpServer(unbound)" : core.toString());
  }
}
