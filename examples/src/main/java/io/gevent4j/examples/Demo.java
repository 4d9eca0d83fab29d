package io.gevent4j.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.gevent4j.hub.Hub;
import io.gevent4j.loop.Backend;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo {@code ./dev demo} runs: for each backend (libev, then libuv), gevent4j's
 * {@link io.gevent4j.http.HttpServer} on one hub, driven by a load client of many greenlets on
 * another hub (keep-alive connections over gevent4j's {@code Socket}, every answer checked),
 * first a warm-up, then a measured window. It prints a live progress line, then a table per
 * backend (requests/s, p50/p99 latency, errors, greenlets alive, open descriptors before, during
 * and after), and writes the table as a chart, {@code demo.png}, in the output folder.
 *
 * <p>Arguments, all optional: {@code --seconds=S} (measured, per backend; default 6),
 * {@code --warmup=S} (default 2), {@code --connections=N} (default 200), {@code --out=DIR}
 * (default {@code target/demo}). It exits with 1 when a request failed or a descriptor was left
 * open, 2 for a bad argument.
 */
public final class Demo {
  private Demo() {}

  /**
   * The demo's settings.
   *
   * @param seconds the measured window per backend
   * @param warmup the warm-up before it, not counted
   * @param connections the client's connections, a greenlet each
   * @param out where the chart goes
   */
  record Options(double seconds, double warmup, int connections, Path out) {
    static Options parse(String... args) {
      double seconds = 6;
      double warmup = 2;
      int connections = 200;
      Path out = Path.of("target", "demo");
      for (String arg : args) {
        int eq = arg.indexOf('=');
        String key = eq < 0 ? arg : arg.substring(0, eq);
        String value = eq < 0 ? "" : arg.substring(eq + 1);
        try {
          switch (key) {
            case "--seconds" -> seconds = positive(key, Double.parseDouble(value));
            case "--warmup" -> warmup = Math.max(0, Double.parseDouble(value));
            case "--connections" -> connections = (int) positive(key, Integer.parseInt(value));
            case "--out" -> out = Path.of(value);
            default -> throw new IllegalArgumentException("unknown argument " + arg + "; " + USAGE);
          }
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("not a number: " + arg + "; " + USAGE);
        }
      }
      return new Options(seconds, warmup, connections, out);
    }

    private static double positive(String key, double value) {
      if (!(value > 0)) throw new IllegalArgumentException(key + " must be more than 0; " + USAGE);
      return value;
    }
  }

  static final String USAGE = "usage: ./dev demo [--seconds=6] [--warmup=2] [--connections=200] [--out=target/demo]";

  /**
   * Runs the demo and exits: 0 when every request was answered right and every descriptor closed,
   * 1 otherwise, 2 for a bad argument.
   *
   * @param args the options (see the class comment)
   * @throws Exception when the demo cannot run at all (a server that cannot start, say)
   */
  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    System.setProperty("java.awt.headless", "true");
    boolean live = System.console() != null && System.console().isTerminal();
    List<BackendRun.Result> results = run(options, System.out, live);
    boolean ok = results.stream().allMatch(r -> r.errors() == 0 && r.fdsAfter() == r.fdsBefore());
    System.exit(ok ? 0 : 1);
  }

  /**
   * Runs the demo on every backend, prints the table to {@code out} and writes the chart.
   *
   * @param o the options
   * @param out where the progress, the table and the chart's path go
   * @param live true to redraw the progress line in place (a terminal)
   * @return each backend's figures, in {@link Backend} order
   * @throws InterruptedException when interrupted while waiting for a run
   * @throws IOException when the chart cannot be written
   */
  static List<BackendRun.Result> run(Options o, PrintStream out, boolean live) throws InterruptedException, IOException {
    out.printf("gevent4j demo: HttpServer on one hub, %d keep-alive connections from greenlets of another hub%n", o.connections());
    out.printf("(every answer checked; %s s warm-up + %s s measured per backend, %d cores)%n%n", number(o.warmup()), number(o.seconds()),
        Runtime.getRuntime().availableProcessors());
    // A short first round, not shown, on the first backend: it loads the classes and the native
    // library, which keep their jars and caches open for the JVM's life, so that each backend's
    // "before" and "after" descriptor counts compare like with like.
    BackendRun.run(Backend.values()[0], 1, 0, 0.2, null, false);
    List<BackendRun.Result> results = new ArrayList<>();
    for (Backend backend : Backend.values()) {
      BackendRun.Result r = BackendRun.run(backend, o.connections(), o.warmup(), o.seconds(), out, live);
      if (live) out.print("\r\033[K"); // the progress line gives way to the result
      out.printf("  %-12s %,9.0f req/s   p50 %s   p99 %s   errors %d%n", r.backend(), r.requestsPerSecond(), millis(r.p50Nanos()),
          millis(r.p99Nanos()), r.errors());
      results.add(r);
    }
    out.println();
    printTable(results, out);
    Path chart = DemoChart.write(results, o, o.out().resolve("demo.png"));
    out.printf("%nchart: %s%n", chart);
    for (BackendRun.Result r : results) {
      if (r.errors() > 0) out.printf("%s: %d requests failed; the first: %s%n", r.backend(), r.errors(), r.firstError());
      if (r.fdsAfter() != r.fdsBefore()) {
        out.printf("%s: %d descriptors open after the run, %d before%n", r.backend(), r.fdsAfter(), r.fdsBefore());
      }
    }
    return results;
  }

  static void printTable(List<BackendRun.Result> results, PrintStream out) {
    String format = "%-12s  %10s  %8s  %8s  %6s  %-17s  %s%n";
    out.printf(format, "backend", "requests/s", "p50", "p99", "errors", "greenlets alive", "open fds");
    out.printf(format, "", "", "", "", "", "(server + client)", "(before / during / after)");
    for (BackendRun.Result r : results) {
      out.printf(format, r.backend(), String.format("%,.0f", r.requestsPerSecond()), millis(r.p50Nanos()), millis(r.p99Nanos()),
          r.errors(), r.serverGreenlets() + " + " + r.clientGreenlets(), r.fdsBefore() + " / " + r.fdsDuring() + " / " + r.fdsAfter());
    }
  }

  /**
   * The server's handler: {@code GET /hello?QUERY} answers {@link #body(String) body(QUERY)}. It
   * also notes the most greenlets it has seen alive on its hub (read on the hub itself, exact).
   */
  static final class Handler implements HttpHandler {
    private int mostGreenlets;

    @Override
    public void handle(HttpExchange exchange) throws IOException {
      mostGreenlets = Math.max(mostGreenlets, Hub.current().greenletCount()); // the greenlets of a hub run one at a time
      byte[] body = body(exchange.getRequestURI().getRawQuery()).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }

    /** {@return the most greenlets alive on the server's hub at a request} Once the server has stopped. */
    int mostGreenlets() {
      return mostGreenlets;
    }
  }

  /**
   * The body the server answers to a query: what the client checks.
   *
   * @param query the request's raw query
   * @return {@code "hello " + query + "\n"}
   */
  static String body(String query) {
    return "hello " + query + "\n";
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }

  static String number(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
