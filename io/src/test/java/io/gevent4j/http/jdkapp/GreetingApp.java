package io.gevent4j.http.jdkapp;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * An application written against the JDK's HTTP server API only: it knows nothing of gevent4j
 * (it imports only com.sun.net.httpserver and java). With gevent4j-io on the class path,
 * {@code HttpServer.create} makes a gevent4j server.
 */
public final class GreetingApp {
  private GreetingApp() {}

  /** Adds a header and an attribute, then passes the exchange on. */
  static final class StampFilter extends Filter {
    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
      exchange.getResponseHeaders().add("X-Filtered", "yes");
      exchange.setAttribute("stamp", "stamped");
      chain.doFilter(exchange);
    }

    @Override
    public String description() {
      return "stamps responses";
    }
  }

  static void reply(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Binds to the loopback address ({@code port} 0: any free port), sets the contexts up and starts. */
  public static HttpServer start(int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    Filter stamp = new StampFilter();

    HttpContext hello = server.createContext("/hello", exchange ->
        reply(exchange, 200, "hello " + exchange.getRequestURI().getPath() + " " + exchange.getAttribute("stamp")));
    hello.getFilters().add(stamp);

    server.createContext("/hello/world", exchange -> reply(exchange, 200, "world " + exchange.getHttpContext().getPath()));

    HttpContext secret = server.createContext("/secret", exchange ->
        reply(exchange, 200, "secret for " + exchange.getPrincipal().getUsername() + " of " + exchange.getPrincipal().getRealm()));
    secret.getFilters().add(stamp);
    secret.setAuthenticator(new BasicAuthenticator("gevent") {
      @Override
      public boolean checkCredentials(String user, String password) {
        return user.equals("alice") && password.equals("wonderland");
      }
    });

    server.createContext("/echo", exchange -> {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      exchange.sendResponseHeaders(200, 0); // chunked
      try (OutputStream out = exchange.getResponseBody()) {
        for (byte b : body) out.write(b); // byte by byte: the server buffers
      }
    });

    server.setExecutor(null); // the default
    server.start();
    return server;
  }

  /** Starts and returns: the server's own thread serves on. */
  public static void main(String[] args) throws IOException {
    HttpServer server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8000);
    System.out.println("serving on " + server.getAddress());
  }
}
