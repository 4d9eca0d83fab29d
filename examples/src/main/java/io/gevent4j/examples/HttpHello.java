package io.gevent4j.examples;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import io.gevent4j.http.HttpServer;
import io.gevent4j.socket.Socket;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * gevent's {@code examples/wsgiserver.py}: an {@link HttpServer} (gevent's {@code pywsgi}) that
 * answers {@code /} with a hello and anything else with a 404. The application is the JDK's own
 * {@code HttpHandler}, in the place of a WSGI application. A client on this thread sends two
 * requests over one keep-alive connection and prints the responses as they came over the wire.
 *
 * <p>Run it with {@code ./dev example http-hello}.
 */
public final class HttpHello {
  private HttpHello() {}

  /** The application: runs in the connection's greenlet; it may block cooperatively. */
  static void application(HttpExchange exchange) throws IOException {
    boolean root = exchange.getRequestURI().getPath().equals("/");
    byte[] body = (root ? "<b>hello world</b>" : "<h1>Not Found</h1>").getBytes(UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html");
    exchange.sendResponseHeaders(root ? 200 : 404, body.length); // a length > 0: Content-Length
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0) throw new IllegalArgumentException("http-hello takes no arguments, got " + List.of(args));
    HttpServer server = new HttpServer(new InetSocketAddress("127.0.0.1", 0), HttpHello::application);
    server.start(); // serves whenever this thread waits in gevent4j: in the client's socket calls below
    System.out.println("HttpServer on 127.0.0.1; one keep-alive connection, two requests");

    try (Socket socket = Socket.createConnection("127.0.0.1", server.address().getPort(), 5.0)) {
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.inputStream(), ISO_8859_1));
      System.out.print(get(socket, in, "/", false));
      System.out.print(get(socket, in, "/missing", true));
      // the request said "Connection: close": the server closes once the response is out
      System.out.println(in.read() == -1 ? "the server closed the connection after the second response" : "still open?");
    }
    server.stop(1);
  }

  /** Sends one GET and returns the response as it came: status line, headers, body. */
  private static String get(Socket socket, BufferedReader in, String path, boolean close) throws IOException {
    String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
    socket.sendAll(request.getBytes(ISO_8859_1));
    StringBuilder shown = new StringBuilder("GET " + path + (close ? " (Connection: close)" : "") + "\n");
    int length = 0;
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) length = Integer.parseInt(line.substring(15).strip());
      if (!line.startsWith("Date:")) shown.append("  < ").append(line).append('\n'); // the one line that changes
    }
    char[] body = new char[length];
    for (int n = 0; n < length; ) {
      int r = in.read(body, n, length - n);
      if (r < 0) throw new EOFException("the response to " + path + " ended after " + n + " of " + length + " bytes");
      n += r;
    }
    return shown.append("  <\n  < ").append(body).append('\n').toString();
  }
}
