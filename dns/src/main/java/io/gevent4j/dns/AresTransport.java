package io.gevent4j.dns;

import io.gevent4j.hub.BlockingSwitchOutError;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.RawGreenlet;
import io.gevent4j.hub.internal.HubAccess;
import io.gevent4j.loop.IoWatcher;
import io.gevent4j.loop.Loop;
import io.gevent4j.loop.TimerWatcher;
import io.gevent4j.loop.Watcher;
import io.gevent4j.loop.internal.Ares;
import io.gevent4j.loop.internal.Closed;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code ares} transport (gevent's {@code gevent.resolver.ares}): a c-ares channel of the
 * native module ({@link Ares}) driven by its hub's own watchers, with no thread of its own. An io
 * watcher on each descriptor c-ares asks to watch and one timer for {@code ares_timeout} run on
 * the hub's loop; each calls {@code ares_process_fd} when it fires. A query goes out with
 * {@code ares_send} and its caller waits cooperatively for the reply. Concurrent exchanges share the
 * channel: c-ares sends them over one socket per server and tells the replies apart by ID and
 * question.
 *
 * <p>What c-ares does with the {@link DnsConfig}: its nameservers in order (IPv4 and IPv6, with
 * their ports; a scoped IPv6 address is refused, c-ares 1.18 has no scope ids), {@code timeout}
 * per try, doubled at each round over the servers ({@code 0.1 s} and 2 attempts: 0.1 s, then
 * 0.2 s), {@code attempts} tries per server; a truncated UDP reply is asked again over TCP; a reply
 * whose ID or question differs is dropped; a reply is returned whatever its RCODE. The search list,
 * {@code ndots} and the hosts file are {@link DnsResolver}'s, not c-ares's.
 *
 * <p>Threads: any thread may call {@link #exchange}. On the hub (its greenlets, its owner) the
 * query is sent at once; from elsewhere (another hub's greenlet or owner, a plain thread) it is
 * handed to the hub, which sends it when it next runs (its owner must be waiting, or its
 * greenlets running), and the caller waits: cooperatively when it has a hub of its own, blocking
 * otherwise. Not from inside a hub callback ({@link BlockingSwitchOutError}).
 *
 * <p>Closing: {@link #close()} fails the exchanges waiting, then destroys the channel and frees the
 * watchers on the hub; the hub closing does the same. The channel is made on the hub with the
 * first exchange.
 */
final class AresTransport implements Transport {
  private final Hub hub;
  private final DnsConfig config;
  private final int timeoutMillis;
  private final String description;
  private final Runnable hubClosing = this::hubClosing;
  /** The exchanges under way, by token; completed (and removed) by the hub, or by a close on any thread. */
  private final ConcurrentHashMap<Integer, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger tokens = new AtomicInteger();
  /** Why the transport is closed ("closed", "its hub closed"), or null while open. */
  private volatile String closed;

  // the hub's only
  /** The hub's loop, taken when the channel is made (Hub.loop() throws once the hub is closing). */
  private Loop loop;
  private Ares channel;
  private final Map<Integer, IoWatcher> watchers = new HashMap<>();
  private TimerWatcher timer;
  private final Ares.Listener listener = new Ares.Listener() {
    @Override
    public void socket(int fd, int events) {
      watch(fd, events);
    }

    @Override
    public void done(int token, byte[] reply, IOException failure) {
      complete(token, reply, failure);
    }
  };

  /**
   * A transport on {@code hub} for {@code config}'s nameservers; any thread. The channel itself is
   * made on the hub with the first exchange.
   *
   * @throws IllegalArgumentException for a nameserver c-ares cannot use (unresolved, port 0, a
   *     scoped IPv6 address)
   * @throws IllegalStateException when the hub is closed
   */
  AresTransport(Hub hub, DnsConfig config) {
    this.hub = Objects.requireNonNull(hub, "hub");
    this.config = Objects.requireNonNull(config, "config");
    this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, Math.round(config.timeout() * 1000)));
    StringJoiner servers = new StringJoiner(", ");
    for (InetSocketAddress server : config.nameservers()) {
      if (server.isUnresolved() || server.getPort() == 0) {
        throw new IllegalArgumentException("ares: nameserver " + server + " needs an IP address and a port");
      }
      if (server.getAddress() instanceof Inet6Address a && a.getScopeId() != 0) {
        throw new IllegalArgumentException("ares: nameserver " + server + " is a scoped IPv6 address, which c-ares "
            + "cannot use; give a global address");
      }
      String host = server.getAddress().getHostAddress();
      servers.add((server.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + server.getPort());
    }
    this.description = "AresTransport(" + servers + ", " + config.timeout() + " s x " + config.attempts() + ")";
    if (!HubAccess.get().onClose(hub, hubClosing)) {
      throw new IllegalStateException("ares: the hub (" + hub.owner().getName() + ") is closed");
    }
  }

  /**
   * Sends {@code query} and waits for its reply, cooperatively (see the class comment for threads).
   *
   * @throws java.net.SocketTimeoutException when no server answered within the tries, naming the
   *     servers and the time per try
   * @throws java.net.ConnectException when no server could be reached (a refused UDP port)
   * @throws java.nio.channels.ClosedChannelException when the transport or its hub is closed, or
   *     closes meanwhile
   * @throws InterruptedIOException when a plain thread is interrupted while it waits (the query
   *     goes on, its reply is dropped)
   * @throws IllegalArgumentException when {@code query} has fewer than 12 or more than 65535 bytes
   * @throws BlockingSwitchOutError from inside a hub callback
   */
  @Override
  public byte[] exchange(byte[] query) throws IOException {
    Objects.requireNonNull(query, "query");
    if (query.length < 12 || query.length > 65535) {
      throw new IllegalArgumentException("ares exchange: a DNS message of " + query.length + " bytes (a query has 12 to 65535)");
    }
    checkOpen();
    if (HubAccess.get().ofHubThread() != null) {
      throw new BlockingSwitchOutError("ares exchange: cannot wait for a reply inside a hub callback on "
          + Thread.currentThread().getName());
    }
    byte[] message = query.clone(); // the caller's array may change while the query waits to be sent
    int token = tokens.incrementAndGet();
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    pending.put(token, result);
    String closedMeanwhile = closed;
    if (closedMeanwhile != null) fail(token, closedException("exchange", closedMeanwhile));
    else if (hub.isCurrent()) send(token, message);
    else {
      try {
        hub.callSoon(() -> send(token, message));
      } catch (IllegalStateException hubClosed) {
        fail(token, closedException("exchange", "its hub is closed"));
      }
    }
    return await(result);
  }

  private byte[] await(CompletableFuture<byte[]> result) throws IOException {
    try {
      if (RawGreenlet.current() != null || hub.isCurrent() || HubAccess.get().ownsHub(Thread.currentThread())) {
        return Hub.await(result); // parks the greenlet, or runs the owner's hub meanwhile
      }
      return result.get(); // a thread without a hub
    } catch (CompletionException | ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) throw io;
      if (cause instanceof RuntimeException r) throw r;
      if (cause instanceof Error err) throw err;
      throw new IOException("ares exchange failed", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("ares exchange: interrupted while waiting for a reply from " + config.nameservers());
    }
  }

  private void checkOpen() throws IOException {
    String why = closed;
    if (why != null) throw closedException("exchange", why);
    if (hub.isClosed()) throw closedException("exchange", "its hub is closed");
  }

  private Closed closedException(String call, String why) {
    return new Closed("ares " + call + ": " + description + " is closed (" + why + ")");
  }

  /**
   * Fails every exchange still waiting, then frees the channel and the watchers on the hub (at once
   * on the hub, else through it). Idempotent; any thread.
   */
  @Override
  public void close() {
    if (!markClosed("by close()")) return;
    HubAccess.get().removeOnClose(hub, hubClosing);
    if (hub.isCurrent()) {
      free();
      return;
    }
    try {
      hub.callSoon(this::free);
    } catch (IllegalStateException hubClosed) {
      // the hub closed meanwhile: closing its loop destroyed the channel and freed the watchers
    }
  }

  /** The hub closes (on the thread that closes it, which may use the loop). */
  private void hubClosing() {
    markClosed("its hub closed");
    free();
  }

  /** Sets the close reason once and fails what waits; false when it was closed already. */
  private boolean markClosed(String why) {
    synchronized (pending) {
      if (closed != null) return false;
      closed = why;
    }
    for (Integer token : pending.keySet()) fail(token, closedException("exchange", why));
    return true;
  }

  // ---- on the hub ---------------------------------------------------------------------------

  private void send(int token, byte[] message) {
    String why = closed;
    if (why != null) {
      fail(token, closedException("exchange", why));
      return;
    }
    try {
      if (channel == null) {
        loop = hub.loop();
        channel = Ares.open(loop, config.nameservers(), timeoutMillis, config.attempts(), listener);
      }
      channel.send(message, token);
    } catch (RuntimeException | Error failure) {
      // not sent (the channel could not be made, out of memory): the caller gets why
      CompletableFuture<byte[]> f = pending.remove(token);
      if (f != null) f.completeExceptionally(failure);
      if (failure instanceof VirtualMachineError vme && !(failure instanceof OutOfMemoryError)) throw vme;
    }
    rearm();
  }

  private void fail(int token, IOException failure) {
    CompletableFuture<byte[]> f = pending.remove(token);
    if (f != null) f.completeExceptionally(failure);
  }

  private void complete(int token, byte[] reply, IOException failure) {
    CompletableFuture<byte[]> f = pending.remove(token);
    if (f == null) return; // its caller was failed by a close already
    if (failure != null) f.completeExceptionally(failure);
    else f.complete(reply);
  }

  /** c-ares wants {@code fd} watched for {@code events}, or (0) no longer. */
  private void watch(int fd, int events) {
    IoWatcher w = watchers.get(fd);
    if (events == 0) {
      if (w != null) {
        watchers.remove(fd);
        w.close();
      }
      return;
    }
    try {
      if (w == null) {
        w = loop.io(fd, events);
        watchers.put(fd, w);
        w.start(revents -> ready(fd, revents));
      } else {
        w.set(fd, events);
        if (!w.isActive()) w.start(w.callback());
      }
    } catch (IllegalArgumentException | IllegalStateException notWatchable) {
      // The descriptor cannot be watched (closed meanwhile): c-ares finds out when it reads it,
      // or its timeout ends the queries on it.
    }
  }

  /** An io watcher fired: c-ares reads or writes. */
  private void ready(int fd, int revents) {
    if (channel == null || channel.isClosed()) return;
    int read = (revents & (Watcher.READ | Watcher.ERROR)) != 0 ? fd : Ares.NO_FD;
    int write = (revents & Watcher.WRITE) != 0 ? fd : Ares.NO_FD;
    channel.process(read, write);
    rearm();
  }

  /** The timer fired: c-ares tries again or ends what timed out. */
  private void timedOut(int revents) {
    if (channel == null || channel.isClosed()) return;
    channel.process(Ares.NO_FD, Ares.NO_FD);
    rearm();
  }

  /** The timer set to c-ares's next timeout, or stopped when no query is under way. */
  private void rearm() {
    if (channel == null || channel.isClosed()) return;
    int millis = channel.nextTimeout();
    if (millis < 0) {
      if (timer != null) timer.stop();
      return;
    }
    loop.updateNow(); // the loop's clock is read at each poll; the hub may have run since
    double seconds = Math.max(1, millis) / 1000.0; // at least 1 ms: an early firing would spin
    if (timer == null) timer = loop.timer(seconds, 0);
    else timer.set(seconds, 0);
    if (!timer.isActive()) timer.start(this::timedOut);
  }

  /** Destroys the channel (its queries end, its sockets close) and frees the watchers; on the hub. */
  private void free() {
    Ares c = channel;
    channel = null;
    try {
      if (c != null) c.close(); // the listener closes each socket's watcher
    } finally {
      for (IoWatcher w : watchers.values()) w.close();
      watchers.clear();
      if (timer != null) timer.close();
      timer = null;
    }
  }

  /** The exchanges under way (sent, or handed to the hub): for tests. */
  int waiting() {
    return pending.size();
  }

  @Override
  public String toString() {
    return description + (closed != null ? " closed" : "");
  }
}
