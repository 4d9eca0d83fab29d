package io.gevent4j.examples;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.greenlet.Greenlet;
import io.gevent4j.hub.Hub;
import io.gevent4j.socket.Socket;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The demo's load client: {@code connections} greenlets of the calling thread's hub, each with a
 * keep-alive connection made with gevent4j's {@link Socket}, sending {@code GET /hello?c<i>-<n>}
 * one request after the other (closed loop) until the end time, and checking that each answer
 * is {@code 200} with the body {@link Demo#body the server's handler} makes for that very
 * request. The latency of each request answered within the measured window (from its start to
 * the end time) goes into a histogram, and the greenlets alive on the hub are noted at each such
 * answer, the process's open descriptors at the first; any failure (an I/O error, a timeout, a wrong status or
 * body) counts as an error and the greenlet starts over on a new connection.
 *
 * <p>The counters may be read from any thread while it runs; the histogram once {@link #run()}
 * has returned.
 */
final class LoadClient {
  /** Each socket operation waits at most this long: a stuck server is an error, not a hang. */
  private static final double SOCKET_TIMEOUT = 10;

  private final InetSocketAddress server;
  private final int connections;
  private final long measureFromNanos;
  private final long endNanos;
  private final Histogram latencies = new Histogram(2); // ns, 2 significant digits, grows as needed
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong measured = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile String firstError;
  /** Written by the greenlets, one at a time; read once run() has returned. */
  private int mostGreenlets;
  private volatile int fdsAtWindowStart = -1;

  /**
   * A client that has not started yet.
   *
   * @param port the server's port on 127.0.0.1
   * @param connections how many connections, each with a greenlet of its own
   * @param measureFromNanos from when ({@link System#nanoTime()}) answers are counted
   * @param endNanos when the greenlets stop sending
   */
  LoadClient(int port, int connections, long measureFromNanos, long endNanos) {
    this.server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    this.connections = connections;
    this.measureFromNanos = measureFromNanos;
    this.endNanos = endNanos;
  }

  /** Spawns the greenlets on the caller's hub and returns once every one has ended. */
  void run() {
    List<Greenlet<Void>> greenlets = new ArrayList<>(connections);
    for (int i = 0; i < connections; i++) {
      int id = i;
      greenlets.add(Gevent.spawn(() -> {
        connection(id);
        return null;
      }));
    }
    Gevent.joinAll(greenlets);
  }

  /** One connection's greenlet: requests until the end time, a new connection after a failure. */
  private void connection(int id) {
    Hub hub = Hub.current();
    long n = 0;
    while (System.nanoTime() < endNanos) {
      try (Socket socket = Socket.tcp()) {
        socket.setTimeout(SOCKET_TIMEOUT);
        socket.connect(server);
        ResponseReader reader = new ResponseReader(socket);
        while (System.nanoTime() < endNanos) {
          String query = "c" + id + "-" + n++;
          byte[] request = ("GET /hello?" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
          long start = System.nanoTime();
          socket.sendAll(request);
          reader.read();
          long end = System.nanoTime();
          if (reader.status != 200 || !reader.body.equals(Demo.body(query))) {
            error("request " + query + ": status " + reader.status + ", body \"" + reader.body + "\"");
            break; // the connection may be out of step: start over
          }
          answered.incrementAndGet();
          if (start >= measureFromNanos && end <= endNanos) {
            latencies.recordValue(end - start);
            measured.incrementAndGet();
            mostGreenlets = Math.max(mostGreenlets, hub.greenletCount()); // exact: read on the hub itself
            if (fdsAtWindowStart < 0) fdsAtWindowStart = BackendRun.openFds(); // the first answer of the window
          }
        }
      } catch (IOException | RuntimeException e) {
        if (System.nanoTime() < endNanos) {
          error(e.getClass().getSimpleName() + ": " + e.getMessage());
          Hub.sleep(0.01); // do not spin on a server that refuses
        }
      }
    }
  }

  private void error(String what) {
    if (errors.getAndIncrement() == 0) firstError = what;
  }

  /** {@return the answers so far, warm-up included} Any thread. */
  long answered() {
    return answered.get();
  }

  /** {@return the answers within the measured window so far} Any thread. */
  long measured() {
    return measured.get();
  }

  /** {@return the errors so far} Any thread. */
  long errors() {
    return errors.get();
  }

  /** {@return what the first error was, or null} */
  String firstError() {
    return firstError;
  }

  /** {@return the most greenlets alive on the client's hub at an answer in the window} Once {@link #run()} has returned. */
  int mostGreenlets() {
    return mostGreenlets;
  }

  /** {@return the process's open descriptors at the first answer in the window; -1 before} Any thread. */
  int fdsAtWindowStart() {
    return fdsAtWindowStart;
  }

  /** {@return the latencies of the measured window} Once {@link #run()} has returned. */
  Histogram latencies() {
    return latencies;
  }

  /**
   * Reads HTTP/1.1 responses from a keep-alive connection: the status line, the headers (only
   * {@code Content-Length} matters here: the demo's server always sends one) and the body.
   */
  private static final class ResponseReader {
    private final Socket socket;
    private final byte[] buf = new byte[8192];
    private int start;
    private int end;
    int status;
    String body;

    ResponseReader(Socket socket) {
      this.socket = socket;
    }

    void read() throws IOException {
      int headEnd;
      while ((headEnd = indexOfBlankLine()) < 0) fill();
      String head = new String(buf, start, headEnd - start, StandardCharsets.ISO_8859_1);
      start = headEnd + 4;
      if (!head.startsWith("HTTP/1.1 ") || head.length() < 12) throw new IOException("not an HTTP/1.1 response: " + firstLine(head));
      status = Integer.parseInt(head.substring(9, 12));
      int length = -1;
      for (String line : head.split("\r\n")) {
        if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) length = Integer.parseInt(line.substring(15).trim());
      }
      if (length < 0) throw new IOException("a response without Content-Length: " + firstLine(head));
      if (length > buf.length) throw new IOException("a body of " + length + " bytes, more than the demo expects");
      while (end - start < length) fill();
      body = new String(buf, start, length, StandardCharsets.UTF_8);
      start += length;
    }

    private int indexOfBlankLine() {
      for (int i = start; i + 3 < end; i++) {
        if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') return i;
      }
      return -1;
    }

    private void fill() throws IOException {
      if (start > 0) { // keep what is unread at the front
        System.arraycopy(buf, start, buf, 0, end - start);
        end -= start;
        start = 0;
      }
      if (end == buf.length) throw new IOException("a response head larger than " + buf.length + " bytes");
      int n = socket.recv(buf, end, buf.length - end);
      if (n < 0) throw new EOFException("the server closed the connection");
      end += n;
    }

    private static String firstLine(String head) {
      int eol = head.indexOf("\r\n");
      return eol < 0 ? head : head.substring(0, eol);
    }
  }
}
