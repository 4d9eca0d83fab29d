package io.gevent4j.threading;

import static io.gevent4j.threading.HubGroupTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import io.gevent4j.http.HttpServer;
import io.gevent4j.hub.Hub;
import io.gevent4j.server.DatagramServer;
import io.gevent4j.server.StreamServer;
import io.gevent4j.socket.Socket;
import io.gevent4j.testing.Leaks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HubGroup.serve on both backends: one StreamServer, HttpServer or DatagramServer per hub on
 * one port, the kernel spreading connections (SO_REUSEPORT hashes each connection's addresses
 * and ports, so enough connections reach every hub). Leak-checked.
 */
@Timeout(120)
class HubGroupServeTest {
  static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  /** Connections per try, and tries at most, until every hub has answered. */
  private static final int BATCH = 200;
  private static final int MAX_BATCHES = 20;

  static void echo(Socket socket, InetSocketAddress peer) throws IOException {
    byte[] buf = new byte[4096];
    int n;
    while ((n = socket.recv(buf, 0, buf.length)) > 0) socket.sendAll(buf, 0, n);
  }

  /** The owner thread's name of the hub this code runs on: {@code hubgroup-<n>-<i>}. */
  static String hubName() {
    return Hub.current().owner().getName();
  }

  /** An HTTP handler that answers with the name of the hub serving it. */
  static void hubIndexHandler(HttpExchange exchange) throws IOException {
    byte[] body = hubName().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Reads a response head, up to and with its blank line. */
  static String readResponseHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) throw new IOException("the connection ended inside a response head: " + head);
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** Everything a connection to {@code address} sends until it closes. */
  static String readAll(InetSocketAddress address) throws IOException {
    try (java.net.Socket s = new java.net.Socket(address.getAddress(), address.getPort())) {
      s.setSoTimeout(30_000);
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** An HTTP/1.1 GET that closes; the status line and the body. */
  static String[] httpGet(InetSocketAddress address) throws IOException {
    try (java.net.Socket s = new java.net.Socket(address.getAddress(), address.getPort())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String head = readResponseHead(s.getInputStream());
      String body = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new String[] {head.substring(0, head.indexOf('\r')), body};
    }
  }

  /**
   * Asks {@code request} (one new connection or sender each time, answered with the serving
   * hub's name) in batches until every hub of {@code group} has answered, or the cap.
   *
   * @return answers per hub name
   */
  static Map<String, Integer> untilEveryHubAnswered(HubGroup group, Callable<String> request) throws Exception {
    Map<String, Integer> answers = new TreeMap<>();
    for (int batch = 0; batch < MAX_BATCHES && answers.size() < group.size(); batch++) {
      for (int i = 0; i < BATCH; i++) answers.merge(request.call(), 1, Integer::sum);
    }
    List<String> names = new ArrayList<>();
    for (Hub hub : group.hubs()) names.add(hub.owner().getName());
    assertEquals(names, new ArrayList<>(answers.keySet()), "every hub answered: " + answers);
    return answers;
  }

  @Test
  void aStreamServerOnEveryHubOfFourEachGetsConnectionsAndCrashesDoNotStopThem() throws Exception {
    Leaks leaks = Leaks.snapshot();
    HubGroup group = HubGroup.start(4);
    try (Logs quiet = Logs.of(HubGroup.class)) {
      Map<Integer, InetSocketAddress> given = new ConcurrentHashMap<>();
      HubGroup.Servers<StreamServer> servers = group.serve(LOOPBACK_ANY_PORT, address -> {
        given.put(group.indexOf(Hub.current()), address);
        return new StreamServer(address, (socket, peer) -> socket.sendAll(hubName().getBytes(StandardCharsets.UTF_8)));
      });
      InetSocketAddress common = servers.address();
      assertTrue(common.getPort() > 0);
      assertEquals(InetAddress.getLoopbackAddress(), common.getAddress());
      assertEquals(4, given.size());
      assertEquals(0, given.get(0).getPort(), "the first server binds the port the kernel picks");
      for (int i = 1; i < 4; i++) assertEquals(common, given.get(i), "the others get that port");
      assertEquals(4, servers.servers().size());
      for (int i = 0; i < 4; i++) {
        assertSame(servers.servers().get(i), servers.server(i));
        assertEquals(common, servers.server(i).address());
        assertTrue(servers.server(i).started());
      }
      assertThrows(IndexOutOfBoundsException.class, () -> servers.server(4));
      Map<String, Integer> answers = untilEveryHubAnswered(group, () -> readAll(common));
      assertTrue(answers.values().stream().allMatch(n -> n >= 1), answers.toString());

      // a VirtualMachineError escaping a greenlet of every hub: the hubs, and their servers, go on
      for (int i = 0; i < 4; i++) group.execute(i, () -> { throw new StackOverflowError("crash"); });
      for (int i = 0; i < 4; i++) assertEquals(i, get(group.submit(i, () -> group.indexOf(Hub.current()))));
      untilEveryHubAnswered(group, () -> readAll(common));
      assertEquals(4, quiet.lines().stream().filter(l -> l.contains("StackOverflowError")).count(), quiet.lines().toString());

      servers.stop(5);
      assertTrue(servers.isStopped());
      for (int i = 0; i < 4; i++) assertFalse(servers.server(i).started());
      assertThrows(ConnectException.class, () -> readAll(common));
      servers.stop(5); // idempotent
      assertEquals(3, get(group.submit(() -> 3)), "the group serves on without its servers");
    } finally {
      group.close();
    }
    leaks.assertNoLeak();
  }

  @Test
  void anHttpServerOnEveryHubEachGetsRequests() throws Exception {
    Leaks leaks = Leaks.snapshot();
    HubGroup group = HubGroup.start(4);
    try {
      HubGroup.Servers<HttpServer> servers = group.serve(LOOPBACK_ANY_PORT, a -> new HttpServer(a, HubGroupServeTest::hubIndexHandler));
      Map<String, Integer> answers = untilEveryHubAnswered(group, () -> {
        String[] response = httpGet(servers.address());
        assertEquals("HTTP/1.1 200 OK", response[0]);
        return response[1];
      });
      assertTrue(answers.values().stream().mapToInt(Integer::intValue).sum() >= 4);
      for (HttpServer s : servers.servers()) assertEquals(servers.address(), s.address());
    } finally {
      group.close(); // stops the servers too
    }
    leaks.assertNoLeak();
  }

  @Test
  void aDatagramServerOnEveryHubEachGetsSenders() throws Exception {
    Leaks leaks = Leaks.snapshot();
    HubGroup group = HubGroup.start(4);
    try {
      HubGroup.Servers<DatagramServer> servers = group.serve(LOOPBACK_ANY_PORT, address -> {
        byte[] name = hubName().getBytes(StandardCharsets.UTF_8);
        AtomicReference<DatagramServer> self = new AtomicReference<>();
        self.set(new DatagramServer(address, (data, peer) -> self.get().sendTo(name, peer)));
        return self.get();
      });
      InetSocketAddress address = servers.address();
      untilEveryHubAnswered(group, () -> {
        try (DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress())) { // a new source port each time
          sender.setSoTimeout(10_000);
          sender.send(new DatagramPacket(new byte[] {1}, 1, address));
          DatagramPacket reply = new DatagramPacket(new byte[64], 64);
          sender.receive(reply);
          return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
        }
      });
      servers.stop(5);
    } finally {
      group.close();
    }
    leaks.assertNoLeak();
  }

  @Test
  void aFixedPortIsSharedAndABusyPortIsABindException() throws Exception {
    Leaks leaks = Leaks.snapshot();
    HubGroup group = HubGroup.start(2);
    try {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      InetSocketAddress fixed = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      HubGroup.Servers<StreamServer> servers = group.serve(fixed, a -> new StreamServer(a, HubGroupServeTest::echo));
      assertEquals(fixed, servers.address());
      servers.close();

      // taken by a socket without SO_REUSEPORT: the first hub's start fails, nothing is left behind
      try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        InetSocketAddress busy = new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
        BindException e = assertThrows(BindException.class, () -> group.serve(busy, a -> new StreamServer(a, HubGroupServeTest::echo)));
        assertTrue(e.getMessage().contains(String.valueOf(taken.getLocalPort())), e.getMessage());
      }
    } finally {
      group.close();
    }
    leaks.assertNoLeak();
  }

  @Test
  void aFactoryThatFailsOrMakesTheWrongThingStopsWhatStartedAndSaysWhy() throws Exception {
    Leaks leaks = Leaks.snapshot();
    HubGroup group = HubGroup.start(3);
    try {
      // fails on hub 2: the servers of hubs 0 and 1 are stopped, their port is free again
      Map<Integer, InetSocketAddress> given = new ConcurrentHashMap<>();
      IllegalStateException boom = assertThrows(IllegalStateException.class, () -> group.serve(LOOPBACK_ANY_PORT, a -> {
        int i = group.indexOf(Hub.current());
        given.put(i, a);
        if (i == 2) throw new IllegalStateException("boom on hub 2");
        return new StreamServer(a, HubGroupServeTest::echo);
      }));
      assertEquals("boom on hub 2", boom.getMessage());
      int port = given.get(2).getPort();
      try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertEquals(port, again.getLocalPort(), "no listener was left on the port");
      }

      NullPointerException none = assertThrows(NullPointerException.class, () -> group.serve(LOOPBACK_ANY_PORT, a -> null));
      assertTrue(none.getMessage().contains("returned null on hub 0"), none.getMessage());

      IllegalArgumentException notAServer = assertThrows(IllegalArgumentException.class,
          () -> group.serve(LOOPBACK_ANY_PORT, a -> (AutoCloseable) () -> {}));
      assertTrue(notAServer.getMessage().contains("StreamServer, DatagramServer or HttpServer"), notAServer.getMessage());

      AtomicReference<StreamServer> one = new AtomicReference<>();
      IllegalArgumentException same = assertThrows(IllegalArgumentException.class, () -> group.serve(LOOPBACK_ANY_PORT, a -> {
        one.compareAndSet(null, new StreamServer(a, HubGroupServeTest::echo));
        return one.get();
      }));
      assertTrue(same.getMessage().contains("same server") || same.getMessage().contains("cannot take reusePort"), same.getMessage());
      assertFalse(one.get().started());

      Socket mine = Socket.tcp(); // a server on a socket of one's own cannot be given SO_REUSEPORT by the group
      IllegalArgumentException given2 = assertThrows(IllegalArgumentException.class,
          () -> group.serve(LOOPBACK_ANY_PORT, a -> new StreamServer(mine, HubGroupServeTest::echo)));
      assertTrue(given2.getMessage().contains("reusePort"), given2.getMessage());
      mine.close();
      assertEquals(1, get(group.submit(() -> 1)));
    } finally {
      group.close();
    }
    leaks.assertNoLeak();
  }

  @Test
  void aHandlerMayStopTheServersItIsPartOf() throws Exception {
    Leaks leaks = Leaks.snapshot();
    HubGroup group = HubGroup.start(3);
    try {
      AtomicReference<HubGroup.Servers<StreamServer>> handle = new AtomicReference<>();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      handle.set(group.serve(LOOPBACK_ANY_PORT, a -> new StreamServer(a, (socket, peer) -> {
        byte[] request = socket.recv(16);
        if (new String(request, StandardCharsets.US_ASCII).equals("stop")) {
          try {
            handle.get().stop(5); // neither waited for nor killed: this handler goes on
            socket.sendAll("stopped".getBytes(StandardCharsets.US_ASCII));
          } catch (Throwable t) {
            failure.set(t);
          }
        }
      })));
      InetSocketAddress address = handle.get().address();
      try (java.net.Socket s = new java.net.Socket(address.getAddress(), address.getPort())) {
        s.setSoTimeout(30_000);
        s.getOutputStream().write("stop".getBytes(StandardCharsets.US_ASCII));
        assertEquals("stopped", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
      }
      assertNull(failure.get());
      assertTrue(handle.get().isStopped());
      for (StreamServer s : handle.get().servers()) assertFalse(s.started());
      assertThrows(ConnectException.class, () -> readAll(address));
    } finally {
      group.close();
    }
    leaks.assertNoLeak();
  }
}
