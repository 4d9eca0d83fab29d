package io.gevent4j.examples;

import static io.gevent4j.greenlet.Gevent.joinAll;
import static io.gevent4j.greenlet.Gevent.spawn;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.queue.Queue;
import io.gevent4j.queue.QueueShutDown;
import io.gevent4j.server.StreamServer;
import io.gevent4j.socket.Socket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A chat room on a {@link StreamServer}: a client sends its name, then each line it sends goes
 * to everyone else. Every participant has a {@link Queue} of lines to send and a writer greenlet
 * that drains it to the socket, so whoever talks never waits for a slow listener. The clients
 * (alice, bob and carol, or the names given) are greenlets of the same hub: they join, wait until
 * everyone is in, each say two lines, and leave once they heard all the others' lines.
 *
 * <p>Run it with {@code ./dev example chat-server [NAME...]}.
 */
public final class ChatServer {
  /** A client this many lines behind is disconnected, rather than buffered for without end. */
  private static final int MAX_BACKLOG = 100;

  private record Participant(Socket socket, Queue<String> outbox) {}

  // The room is touched only by greenlets of one hub, which never run at once: no lock.
  private final Map<String, Participant> room = new LinkedHashMap<>();

  private ChatServer() {}

  public static void main(String[] args) throws Exception {
    List<String> names = args.length == 0 ? List.of("alice", "bob", "carol") : List.of(args);
    boolean ok = names.size() >= 2 && new HashSet<>(names).size() == names.size();
    if (!ok || !names.stream().allMatch(name -> name.matches("\\w+"))) {
      throw new IllegalArgumentException("chat-server takes two or more different names (letters, digits, _), got " + names);
    }
    new ChatServer().run(names);
  }

  /** One connection, in a greenlet of its own: the reader; the writer is a second greenlet. */
  private void handle(Socket socket, InetSocketAddress peer) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(socket.inputStream(), UTF_8));
    String name = in.readLine();
    if (name == null || name.isBlank() || room.containsKey(name)) {
      socket.sendAll(("* the name " + name + " is taken or empty\n").getBytes(UTF_8));
      return;
    }
    Participant me = new Participant(socket, new Queue<>(MAX_BACKLOG));
    Greenlet<Void> writer = spawn(() -> {
      try {
        while (true) socket.sendAll((me.outbox().get() + "\n").getBytes(UTF_8));
      } catch (QueueShutDown | IOException done) {
        // left (what was queued before has been sent), gone, or disconnected by broadcast
      }
    });
    room.put(name, me);
    broadcast("* " + name + " joined (" + room.size() + " here)", null);
    try {
      for (String line = in.readLine(); line != null && !line.equals("/quit"); line = in.readLine()) {
        broadcast(name + ": " + line, name);
      }
    } catch (ClosedChannelException disconnected) {
      // broadcast closed the socket: this client fell too far behind
    } finally {
      room.remove(name);
      me.outbox().shutdown(); // the writer sends what is queued, then ends
      writer.join();
      broadcast("* " + name + " left", null);
    }
  }

  /** Queues {@code line} for everyone but {@code from}: never waits, so a talker is never held up. */
  private void broadcast(String line, String from) {
    room.forEach((name, p) -> {
      if (!name.equals(from) && !p.outbox().offer(line)) p.socket().close();
    });
  }

  private void run(List<String> names) throws Exception {
    StreamServer server = new StreamServer(new InetSocketAddress("127.0.0.1", 0), this::handle);
    server.start();
    int port = server.address().getPort();
    System.out.println("chat server on 127.0.0.1; " + String.join(", ", names) + " join and say two lines each");

    Map<String, List<String>> said = new TreeMap<>();
    for (String name : names) said.put(name, List.of("hello from " + name, name + " says bye"));
    List<Greenlet<Map<String, List<String>>>> clients = new ArrayList<>();
    for (String name : names) clients.add(spawn(() -> chat(port, name, said.get(name), names.size())));
    joinAll(clients);

    boolean everyoneHeardAll = true;
    for (int i = 0; i < names.size(); i++) {
      Map<String, List<String>> heard = clients.get(i).get();
      System.out.println(names.get(i) + " heard " + heard);
      Map<String, List<String>> others = new TreeMap<>(said);
      others.remove(names.get(i));
      everyoneHeardAll &= heard.equals(others);
    }
    server.stop(1);
    System.out.println(everyoneHeardAll ? "every client heard every line of the others, in order" : "lines were lost");
  }

  /** A client: joins, waits for the whole room, says its lines, listens until it heard all the others'. */
  private static Map<String, List<String>> chat(int port, String name, List<String> lines, int people)
      throws IOException {
    try (Socket socket = Socket.createConnection("127.0.0.1", port, 5.0)) {
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.inputStream(), UTF_8));
      socket.sendAll((name + "\n").getBytes(UTF_8));
      String line;
      do {
        line = in.readLine(); // the join announcements; once everyone is in, nobody can miss a line
      } while (line != null && !line.endsWith("(" + people + " here)"));
      for (String text : lines) socket.sendAll((text + "\n").getBytes(UTF_8));

      Map<String, List<String>> heard = new TreeMap<>(); // sender -> lines, in the order heard
      for (int got = 0; got < (people - 1) * lines.size(); ) {
        line = in.readLine();
        if (line == null) throw new IOException(name + ": the server closed the connection");
        int colon = line.indexOf(": ");
        if (line.startsWith("* ") || colon < 0) continue; // someone joined or left
        heard.computeIfAbsent(line.substring(0, colon), k -> new ArrayList<>()).add(line.substring(colon + 2));
        got++;
      }
      socket.sendAll("/quit\n".getBytes(UTF_8));
      while (in.readLine() != null) {
        // what was still queued for us; the server closes once our writer sent it
      }
      return heard;
    }
  }
}
