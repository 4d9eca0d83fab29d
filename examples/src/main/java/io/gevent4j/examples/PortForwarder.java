package io.gevent4j.examples;

import static io.gevent4j.greenlet.Gevent.joinAll;
import static io.gevent4j.greenlet.Gevent.killAll;
import static io.gevent4j.greenlet.Gevent.spawn;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.server.StreamServer;
import io.gevent4j.socket.Socket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * gevent's {@code examples/portforwarder.py}: a {@link StreamServer} that connects each client
 * on to another address and copies bytes both ways, one greenlet per direction. The far end here
 * is a local echo server; three clients push 256 KiB each through the forwarder, reading the
 * echo while they still send, and check that the same bytes came back.
 *
 * <p>Run it with {@code ./dev example port-forwarder}.
 */
public final class PortForwarder {
  private static final int SIZE = 256 * 1024;

  // bytes moved by the forwarder each way; its greenlets share one hub, so plain fields
  private long toBackend;
  private long toClients;
  private int connections;

  private PortForwarder() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0) throw new IllegalArgumentException("port-forwarder takes no arguments, got " + List.of(args));
    new PortForwarder().run();
  }

  /** The forwarder's handler (gevent's {@code PortForwarder.handle}): one greenlet per connection. */
  private void forward(Socket client, InetSocketAddress backend) throws IOException {
    connections++;
    try (Socket server = Socket.createConnection(backend.getHostString(), backend.getPort(), 5.0)) {
      Greenlet<Long> up = spawn(() -> copy(client, server));
      Greenlet<Long> down = spawn(() -> copy(server, client));
      try {
        // returning would close the sockets under the two copiers: wait for both (gevent's joinall)
        joinAll(List.of(up, down));
        toBackend += up.get();
        toClients += down.get();
      } finally {
        killAll(List.of(up, down)); // one side failed: stop the other too (nothing to do when both ended)
      }
    }
  }

  /** Copies until end of stream, then passes the end on: the other direction keeps going (a half-close). */
  private static long copy(Socket from, Socket to) throws IOException {
    byte[] buf = new byte[16 * 1024];
    long total = 0;
    for (int n; (n = from.recv(buf, 0, buf.length)) > 0; total += n) to.sendAll(buf, 0, n);
    to.shutdownOutput();
    return total;
  }

  private void run() throws Exception {
    StreamServer echo = new StreamServer(new InetSocketAddress("127.0.0.1", 0), (socket, peer) -> copy(socket, socket));
    echo.start();
    StreamServer forwarder = new StreamServer(new InetSocketAddress("127.0.0.1", 0),
        (socket, peer) -> forward(socket, echo.address()));
    forwarder.start();
    System.out.println("client -> forwarder -> echo server, all on 127.0.0.1; three clients at once");

    List<Greenlet<String>> clients = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      byte[] data = new byte[SIZE];
      new Random(n).nextBytes(data);
      clients.add(spawn(() -> roundTrip(forwarder.address().getPort(), data)));
    }
    joinAll(clients);
    for (int n = 1; n <= 3; n++) System.out.println("client " + n + ": " + clients.get(n - 1).get());

    forwarder.stop(5); // waits for its handlers to end: the counts are final then
    echo.stop(5);
    System.out.printf("forwarder: %d connections, %d bytes to the echo server, %d bytes back to the clients%n",
        connections, toBackend, toClients);
  }

  /** A client: sends {@code data} from a greenlet of its own while reading the echo here. */
  private static String roundTrip(int port, byte[] data) throws IOException {
    try (Socket socket = Socket.createConnection("127.0.0.1", port, 5.0)) {
      // sending and reading at once: with both in one greenlet, full buffers would deadlock
      Greenlet<Void> sender = spawn(() -> {
        socket.sendAll(data);
        socket.shutdownOutput(); // the echo server sees the end, passed on by the forwarder
        return null;
      });
      ByteArrayOutputStream back = new ByteArrayOutputStream();
      byte[] buf = new byte[16 * 1024];
      for (int n; (n = socket.recv(buf, 0, buf.length)) > 0; ) back.write(buf, 0, n);
      sender.get();
      boolean same = Arrays.equals(data, back.toByteArray());
      return "sent " + data.length + " bytes, got " + back.size() + " back, " + (same ? "identical" : "DIFFERENT");
    }
  }
}
