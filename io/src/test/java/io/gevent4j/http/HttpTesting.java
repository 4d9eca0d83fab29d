package io.gevent4j.http;

import io.gevent4j.hub.Hub;
import io.gevent4j.socket.Socket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** What the HTTP tests share: a raw client over a cooperative socket with a strict response parser. */
final class HttpTesting {
  private HttpTesting() {}

  static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  /** Runs blocking code (a JDK client, a process) on the hub's thread pool, waiting cooperatively: the hub serves meanwhile. */
  static <T> T blocking(Callable<T> body) {
    return Hub.current().threadPool().apply(body);
  }

  private static boolean warmedUp;

  /**
   * Starts the JDK threads that stay once started (HttpClient's expect-continue timer starts the
   * common pool's delay scheduler), before a test's leak snapshot: they are not the test's leak.
   */
  static synchronized void warmUpJdkThreads() {
    if (warmedUp) return;
    warmedUp = true;
    java.util.concurrent.CompletableFuture.runAsync(() -> {},
        java.util.concurrent.CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.MILLISECONDS)).join();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A parsed response. Header names are lower-cased; repeated headers are joined with ", ". */
  record Response(String statusLine, int status, Map<String, String> headers, byte[] body, boolean chunked) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** A response that is not well-formed HTTP/1.1. */
  static final class MalformedResponse extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedResponse(String message) {
      super(message);
    }
  }

  /**
   * A client over a gevent4j socket that writes raw bytes and reads responses strictly: the
   * status line must be {@code HTTP/1.1 ddd ...}, headers well-formed, the body framed by
   * Content-Length or chunked (or by the close, when neither).
   */
  static final class RawClient implements AutoCloseable {
    final Socket socket;
    private final byte[] buffer = new byte[65536];
    private int start;
    private int end;
    private boolean eof;

    private RawClient(Socket socket) {
      this.socket = socket;
    }

    static RawClient connect(InetSocketAddress address) throws IOException {
      return connect(address, 5);
    }

    static RawClient connect(InetSocketAddress address, double timeout) throws IOException {
      Socket s = Socket.tcp();
      try {
        s.setTimeout(timeout);
        s.connect(address);
      } catch (IOException | RuntimeException e) {
        s.close();
        throw e;
      }
      return new RawClient(s);
    }

    RawClient send(String request) throws IOException {
      return send(ascii(request));
    }

    RawClient send(byte[] request) throws IOException {
      socket.sendAll(request);
      return this;
    }

    /** True when the server closed (end of stream) with nothing more to read. */
    boolean closedByServer() throws IOException {
      if (start < end) return false;
      return !fill();
    }

    private boolean fill() throws IOException {
      if (eof) return false;
      if (start == end) {
        start = 0;
        end = 0;
      } else if (end == buffer.length) {
        System.arraycopy(buffer, start, buffer, 0, end - start);
        end -= start;
        start = 0;
        if (end == buffer.length) throw new MalformedResponse("a response line longer than " + buffer.length + " bytes");
      }
      int n = socket.recv(buffer, end, buffer.length - end);
      if (n < 0) {
        eof = true;
        return false;
      }
      end += n;
      return true;
    }

    /** Everything until the server closes. */
    byte[] readToEnd() throws IOException {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      while (true) {
        all.write(buffer, start, end - start);
        start = end;
        if (!fill()) return all.toByteArray();
      }
    }

    private String line() throws IOException {
      int scan = start;
      while (true) {
        for (int i = scan; i < end; i++) {
          if (buffer[i] == '\n') {
            if (i == start || buffer[i - 1] != '\r') throw new MalformedResponse("a line not ended by CRLF");
            String line = new String(buffer, start, i - 1 - start, StandardCharsets.ISO_8859_1);
            start = i + 1;
            return line;
          }
        }
        int scanned = end - start; // fill may move the unread bytes to the front
        if (!fill()) throw new java.io.EOFException("the connection closed in the middle of a line");
        scan = start + scanned;
      }
    }

    private byte[] bytes(long count) throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      long left = count;
      while (left > 0) {
        if (start == end && !fill()) throw new java.io.EOFException("the connection closed " + left + " bytes before the end of the body");
        int n = (int) Math.min(left, end - start);
        body.write(buffer, start, n);
        start += n;
        left -= n;
      }
      return body.toByteArray();
    }

    /** Reads one response (skipping 1xx ones) to a request that was not HEAD. */
    Response read() throws IOException {
      return read(false);
    }

    /** Reads one final response; {@code head}: the request was HEAD (no body whatever the headers say). */
    Response read(boolean head) throws IOException {
      while (true) {
        Response r = readOne(head);
        if (r.status() >= 200) return r;
      }
    }

    /** Reads one response, interim (1xx) ones included. */
    Response readOne(boolean head) throws IOException {
      String statusLine = line();
      if (!statusLine.matches("HTTP/1\\.1 [1-9][0-9][0-9] [^\\r\\n]*")) throw new MalformedResponse("bad status line: " + statusLine);
      int status = Integer.parseInt(statusLine.substring(9, 12));
      Map<String, String> headers = new LinkedHashMap<>();
      while (true) {
        String line = line();
        if (line.isEmpty()) break;
        int colon = line.indexOf(':');
        if (colon <= 0) throw new MalformedResponse("bad header line: " + line);
        String name = line.substring(0, colon);
        if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) throw new MalformedResponse("bad header name: " + name);
        String value = line.substring(colon + 1).strip();
        headers.merge(name.toLowerCase(Locale.ROOT), value, (a, b) -> a + ", " + b);
      }
      if (status < 200) return new Response(statusLine, status, headers, new byte[0], false);
      if (status >= 200 && !headers.containsKey("date")) throw new MalformedResponse("no Date header");
      String te = headers.get("transfer-encoding");
      String cl = headers.get("content-length");
      if (te != null && cl != null) throw new MalformedResponse("both Transfer-Encoding and Content-Length");
      // X-Request-Method: set by test handlers so that a reader of many responses knows which answered a HEAD
      if (head || status == 204 || status == 304 || "HEAD".equals(headers.get("x-request-method"))) {
        return new Response(statusLine, status, headers, new byte[0], false);
      }
      if (te != null) {
        if (!te.equalsIgnoreCase("chunked")) throw new MalformedResponse("unexpected Transfer-Encoding: " + te);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
          String sizeLine = line();
          if (!sizeLine.matches("[0-9a-fA-F]{1,8}")) throw new MalformedResponse("bad chunk size line: " + sizeLine);
          int size = Integer.parseInt(sizeLine, 16);
          if (size == 0) {
            if (!line().isEmpty()) throw new MalformedResponse("trailers or garbage after the last chunk");
            break;
          }
          body.writeBytes(bytes(size));
          if (!line().isEmpty()) throw new MalformedResponse("no CRLF after a chunk");
        }
        return new Response(statusLine, status, headers, body.toByteArray(), true);
      }
      if (cl != null) {
        if (!cl.matches("[0-9]{1,18}")) throw new MalformedResponse("bad Content-Length: " + cl);
        return new Response(statusLine, status, headers, bytes(Long.parseLong(cl)), false);
      }
      // neither: the body runs to the close (HTTP/1.0 style)
      if (!"close".equalsIgnoreCase(headers.get("connection"))) throw new MalformedResponse("a body delimited by the close without Connection: close");
      return new Response(statusLine, status, headers, readToEnd(), false);
    }

    /** Reads responses until the server closes; each must be well-formed. */
    List<Response> readAll() throws IOException {
      List<Response> all = new ArrayList<>();
      while (!closedByServer()) all.add(readOne(false));
      return all;
    }

    /** True when nothing arrives within {@code seconds} (the connection is open and quiet). */
    boolean quietFor(double seconds) throws IOException {
      if (start < end) return false;
      double before = socket.getTimeout();
      socket.setTimeout(seconds);
      try {
        fill();
        return false;
      } catch (SocketTimeoutException e) {
        return true;
      } finally {
        socket.setTimeout(before);
      }
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
