package io.gevent4j.http;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.gevent4j.hub.Hub;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * Finds the context of a request and runs it: the context's filters, then its authenticator,
 * then its handler (the order of the JDK's {@code ServerImpl}: user filters, then the system
 * authentication filter). The contexts are matched as the JDK does: the longest context path
 * that is a plain string prefix of the request URI's decoded path ({@code "/foo"} matches
 * {@code "/foobar"}).
 *
 * <p>With an executor, the chain runs there and the connection's greenlet waits cooperatively
 * for it; the exchange hands its I/O back to the connection's hub.
 */
final class Dispatcher {
  private final List<GeventHttpContext> contexts = new CopyOnWriteArrayList<>();
  private volatile Executor executor;

  // ---- contexts ---------------------------------------------------------------------------

  synchronized GeventHttpContext create(String path, HttpHandler handler, com.sun.net.httpserver.HttpServer server) {
    Objects.requireNonNull(path, "null path parameter");
    if (path.isEmpty() || path.charAt(0) != '/') throw new IllegalArgumentException("a context path must begin with '/': " + path);
    if (find(path, true) != null) throw new IllegalArgumentException("a context already exists for " + path);
    GeventHttpContext context = new GeventHttpContext(path, handler, server);
    contexts.add(context);
    return context;
  }

  synchronized void remove(String path) {
    Objects.requireNonNull(path, "null path parameter");
    GeventHttpContext context = find(path, true);
    if (context == null) throw new IllegalArgumentException("no context for " + path);
    contexts.remove(context);
  }

  synchronized void remove(com.sun.net.httpserver.HttpContext context) {
    Objects.requireNonNull(context, "null context parameter");
    if (!contexts.remove(context)) throw new IllegalArgumentException("no such context: " + context);
  }

  /** The context whose path is the longest prefix of {@code path} (or equals it, when {@code exact}). */
  GeventHttpContext find(String path, boolean exact) {
    GeventHttpContext best = null;
    for (GeventHttpContext context : contexts) {
      String p = context.getPath();
      if (exact ? !p.equals(path) : !path.startsWith(p)) continue;
      if (best == null || p.length() > best.getPath().length()) best = context;
    }
    return best;
  }

  void executor(Executor executor) {
    this.executor = executor;
  }

  Executor executor() {
    return executor;
  }

  // ---- running ------------------------------------------------------------------------------

  /**
   * Serves the exchange, in the connection's greenlet (or on the executor, waiting for it).
   * Returns normally when the chain returns.
   *
   * @throws HttpProtocolException 404 when no context matches, 500 when it has no handler
   * @throws Exception whatever the chain throws
   */
  void dispatch(GeventHttpExchange exchange) throws Exception {
    String path = exchange.getRequestURI().getPath();
    GeventHttpContext context = path == null ? null : find(path, false);
    if (context == null) throw new HttpProtocolException(404, "no context found for the request");
    HttpHandler handler = context.getHandler();
    if (handler == null) throw new HttpProtocolException(500, "no handler for the context " + context.getPath());
    exchange.context(context);
    Executor e = executor;
    if (e == null) {
      run(context, handler, exchange);
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    e.execute(() -> {
      try {
        run(context, handler, exchange);
        done.complete(null);
      } catch (Throwable failure) {
        done.completeExceptionally(failure);
      }
    });
    try {
      Hub.await(done);
    } catch (CompletionException wrapped) {
      if (wrapped.getCause() instanceof Exception cause) throw cause;
      throw wrapped;
    }
  }

  private static void run(GeventHttpContext context, HttpHandler handler, GeventHttpExchange exchange) throws IOException {
    List<Filter> filters = context.getFilters();
    Authenticator authenticator = context.getAuthenticator();
    if (filters.isEmpty() && authenticator == null) {
      handler.handle(exchange.visible()); // the common case: no chain objects per request
      return;
    }
    HttpHandler end = authenticator == null ? handler : new Filter.Chain(List.of(new AuthenticationFilter(authenticator, exchange)), handler)::doFilter;
    new Filter.Chain(filters, end).doFilter(exchange.visible());
  }

  /**
   * The JDK's {@code AuthFilter}: the authenticator's verdict, then the handler or the refusal.
   * One per request: it knows the server's exchange, on which it records the principal even
   * when a user filter passed a wrapper of it down the chain.
   */
  static final class AuthenticationFilter extends Filter {
    private final Authenticator authenticator;
    private final GeventHttpExchange original;

    AuthenticationFilter(Authenticator authenticator, GeventHttpExchange original) {
      this.authenticator = authenticator;
      this.original = original;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
      Authenticator.Result result = authenticator.authenticate(exchange);
      if (result instanceof Authenticator.Success success) {
        original.principal(success.getPrincipal());
        chain.doFilter(exchange);
      } else if (result instanceof Authenticator.Retry retry) {
        exchange.sendResponseHeaders(retry.getResponseCode(), -1); // the authenticator set WWW-Authenticate
      } else if (result instanceof Authenticator.Failure failure) {
        exchange.sendResponseHeaders(failure.getResponseCode(), -1);
      } else {
        throw new IllegalStateException("the authenticator returned " + result);
      }
    }

    @Override
    public String description() {
      return "Authentication filter";
    }
  }
}
