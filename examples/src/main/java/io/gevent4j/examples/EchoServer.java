package io.gevent4j.examples;

import static io.gevent4j.greenlet.Gevent.joinAll;
import static io.gevent4j.greenlet.Gevent.spawn;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.server.StreamServer;
import io.gevent4j.socket.Socket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * gevent's {@code examples/echoserver.py}: a {@link StreamServer} greets each client and echoes
 * its lines until it says {@code quit}. Three clients, greenlets of the same hub, talk to it at
 * the same time over loopback; the example prints what each one heard, then stops the server.
 *
 * <p>Run it with {@code ./dev example echo-server}.
 */
public final class EchoServer {
  // The handlers and the clients are greenlets of one hub, which never run at once: plain
  // fields need no lock.
  private int connections;
  private int linesEchoed;

  private EchoServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0) throw new IllegalArgumentException("echo-server takes no arguments, got " + List.of(args));
    new EchoServer().run();
  }

  /** The handler: the server runs it in a greenlet of its own for each connection (gevent's {@code echo}). */
  private void echo(Socket socket, InetSocketAddress peer) throws IOException {
    connections++;
    socket.sendAll("Welcome to the echo server! Type quit to exit.\r\n".getBytes(UTF_8));
    // a reader over the socket, for readLine (gevent's socket.makefile): each read parks this
    // greenlet only, and the hub serves the other connections meanwhile
    BufferedReader in = new BufferedReader(new InputStreamReader(socket.inputStream(), UTF_8));
    String line;
    while ((line = in.readLine()) != null && !line.strip().equalsIgnoreCase("quit")) {
      socket.sendAll((line + "\r\n").getBytes(UTF_8));
      linesEchoed++;
    }
  } // returning ends the connection: the server closes the socket

  private void run() throws Exception {
    StreamServer server = new StreamServer(new InetSocketAddress("127.0.0.1", 0), this::echo);
    server.start(); // binds a free port and listens; it accepts whenever this thread waits in gevent4j
    int port = server.address().getPort();
    System.out.println("echo server on 127.0.0.1, three clients at once");

    List<Greenlet<List<String>>> clients = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      List<String> lines = List.of("hello from client " + n, "client " + n + " again");
      clients.add(spawn(() -> talk(port, lines)));
    }
    joinAll(clients); // main waits here; the hub runs the server and the three clients
    for (int n = 1; n <= 3; n++) {
      System.out.println("client " + n + " heard: " + String.join(" | ", clients.get(n - 1).get()));
    }

    server.stop(1); // stop accepting; the handlers have ended (each client said quit)
    System.out.printf("server: %d connections, %d lines echoed%n", connections, linesEchoed);
  }

  /** One client: reads the greeting, sends each line and reads its echo, then says quit. */
  private static List<String> talk(int port, List<String> lines) throws IOException {
    try (Socket socket = Socket.createConnection("127.0.0.1", port, 5.0)) { // 5 s bounds every wait
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.inputStream(), UTF_8));
      List<String> heard = new ArrayList<>();
      heard.add(in.readLine());
      for (String line : lines) {
        socket.sendAll((line + "\r\n").getBytes(UTF_8));
        heard.add(in.readLine());
      }
      socket.sendAll("quit\r\n".getBytes(UTF_8));
      heard.add(in.readLine() == null ? "(closed)" : "(still open?)");
      return heard;
    }
  }
}
