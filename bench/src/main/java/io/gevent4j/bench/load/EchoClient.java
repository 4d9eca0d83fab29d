package io.gevent4j.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The load harness's client, the same for every server: N connections to 127.0.0.1:port, each
 * a closed loop of request and response (send {@code size} bytes, wait for all of them to come
 * back, record the latency, send again), for a warm-up and then a measured period. One Netty
 * epoll event loop drives every connection on one thread, so the client costs one core at
 * most and adds no thread switches of its own.
 *
 * <p>Prints one line: {@code RESULT label=.. connections=.. requests=.. seconds=.. rps=..
 * p50_us=.. p99_us=.. p999_us=.. max_us=.. client_cpu=.. server_cpu=.. server_cpu_us_per_req=..
 * others_cpu=..} (and {@code server_threads_cpu_us_per_req=..} with
 * {@code -Dbench.serverThreads=prefix,...}: the CPU per request of the server's threads whose
 * names start with one of the prefixes, e.g. its event loops). The CPU figures: the share of one core the client and the server (when its
 * pid is given; -1 otherwise) used over the measured period, the server's CPU time per request,
 * and the cores the rest of the machine used meanwhile (a run other processes disturbed shows
 * there). Since the client
 * does as much kernel work per request as the server, a fast server saturates the client's
 * core first: then requests/s is the client's limit, and the server's CPU per request is what
 * tells servers apart. Exits 1 on any error (a closed connection, a wrong echo, a connect
 * failure) and by itself at the latest 30 s after the planned end.
 *
 * <p>Usage: {@code EchoClient <label> <port> <connections> <warmupSeconds> <seconds> [size [serverPid]]}
 */
final class EchoClient {
  private EchoClient() {}

  private enum Phase { WARMUP, MEASURE, STOP }

  /** Shared by the connections; touched only on the event loop's thread. */
  private static final class Run {
    final Histogram histogram = new Histogram(3); // ns, 3 significant digits, grows as needed
    Phase phase = Phase.WARMUP;
    long measureStart;
    long measureEnd;
    long measured;
    final CpuClock server;
    /** The server's threads named by -Dbench.serverThreads; NONE without it. */
    final CpuClock serverThreads;
    long serverThreadsCpuStart;
    long serverThreadsCpuEnd;
    final CpuClock client = CpuClock.self();
    final CpuClock machine = CpuClock.machine();
    long machineCpuStart;
    long machineCpuEnd;
    long serverCpuStart;
    long serverCpuEnd;
    long clientCpuStart;
    long clientCpuEnd;
    final CountDownLatch done = new CountDownLatch(1);
    volatile String error;

    Run(CpuClock server, CpuClock serverThreads) {
      this.server = server;
      this.serverThreads = serverThreads;
    }

    void fail(String message) {
      if (error == null) error = message;
      done.countDown();
    }
  }

  /** One connection's closed loop. */
  private static final class Connection extends ChannelInboundHandlerAdapter {
    private final Run run;
    private final int size;
    private final ByteBuf request;
    private final byte[] echo;
    private int have;
    private long seq;
    private long sentAt;
    private ChannelHandlerContext ctx;

    Connection(Run run, int size, int id) {
      this.run = run;
      this.size = size;
      this.request = Unpooled.directBuffer(size, size);
      for (int i = 0; i < size; i++) request.writeByte('a' + (i + id) % 26);
      this.echo = new byte[size];
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      this.ctx = ctx;
      ctx.fireChannelActive();
    }

    void send() {
      request.setLong(0, ++seq); // each request tells itself apart: its echo must carry it back
      sentAt = System.nanoTime();
      ctx.writeAndFlush(request.retainedDuplicate(), ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        if (run.phase == Phase.STOP) return;
        while (in.isReadable()) {
          int n = Math.min(in.readableBytes(), size - have);
          in.readBytes(echo, have, n);
          have += n;
          if (have == size) {
            long now = System.nanoTime();
            have = 0;
            if (readLong(echo) != seq) {
              run.fail("wrong echo: request " + seq + " came back as " + readLong(echo));
              return;
            }
            if (run.phase == Phase.MEASURE) {
              run.histogram.recordValue(now - sentAt);
              run.measured++;
            }
            if (run.phase != Phase.STOP) send();
            // bytes beyond this echo would be taken for the next one and fail its check
          }
        }
      } finally {
        in.release();
      }
    }

    private static long readLong(byte[] b) {
      long v = 0;
      for (int i = 0; i < 8; i++) v = v << 8 | (b[i] & 0xff);
      return v;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (run.phase != Phase.STOP) run.fail("the server closed a connection");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (run.phase != Phase.STOP) run.fail("connection error: " + cause);
      ctx.close();
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      System.err.println("usage: EchoClient <label> <port> <connections> <warmupSeconds> <seconds> [size]");
      System.exit(2);
    }
    String label = args[0];
    int port = Integer.parseInt(args[1]);
    int connections = Integer.parseInt(args[2]);
    double warmup = Double.parseDouble(args[3]);
    double seconds = Double.parseDouble(args[4]);
    int size = args.length > 5 ? Integer.parseInt(args[5]) : 64;
    CpuClock server = args.length > 6 ? CpuClock.of(Long.parseLong(args[6])) : CpuClock.NONE;
    if (connections < 1 || size < 8 || warmup < 0 || seconds <= 0) throw new IllegalArgumentException("bad arguments");
    Epoll.ensureAvailability();

    // the watchdog: whatever happens, the client ends
    long deadlineMillis = (long) ((warmup + seconds) * 1000) + 30_000;
    Thread watchdog = Thread.ofPlatform().daemon().name("watchdog").start(() -> {
      try {
        Thread.sleep(deadlineMillis);
        System.err.println("EchoClient: still running " + deadlineMillis + " ms after the start; giving up");
        Runtime.getRuntime().halt(3);
      } catch (InterruptedException e) {
        // normal end
      }
    });

    MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    String threadPrefixes = System.getProperty("bench.serverThreads", "");
    CpuClock serverThreads = args.length > 6 && !threadPrefixes.isEmpty()
        ? CpuClock.threads(Long.parseLong(args[6]), List.of(threadPrefixes.split(","))) : CpuClock.NONE;
    Run run = new Run(server, serverThreads);
    List<Connection> handlers = new ArrayList<>();
    List<Channel> channels = new ArrayList<>();
    int exit = 0;
    try {
      EventLoop loop = group.next();
      for (int i = 0; i < connections; i++) {
        Connection c = new Connection(run, size, i);
        handlers.add(c);
        Channel ch = new Bootstrap().group(loop).channel(EpollSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
            .handler(c)
            .connect("127.0.0.1", port).sync().channel();
        channels.add(ch);
      }
      loop.execute(() -> handlers.forEach(Connection::send));
      loop.schedule(() -> {
        run.phase = Phase.MEASURE;
        run.measureStart = System.nanoTime();
        run.serverCpuStart = run.server.nanos();
        run.serverThreadsCpuStart = run.serverThreads.nanos();
        run.clientCpuStart = run.client.nanos();
        run.machineCpuStart = run.machine.nanos();
      }, (long) (warmup * 1e9), TimeUnit.NANOSECONDS);
      loop.schedule(() -> {
        run.measureEnd = System.nanoTime();
        run.serverCpuEnd = run.server.nanos();
        run.serverThreadsCpuEnd = run.serverThreads.nanos();
        run.clientCpuEnd = run.client.nanos();
        run.machineCpuEnd = run.machine.nanos();
        run.phase = Phase.STOP;
        run.done.countDown();
      }, (long) ((warmup + seconds) * 1e9), TimeUnit.NANOSECONDS);
      run.done.await();
      if (run.error != null) {
        System.err.println("EchoClient " + label + ": " + run.error);
        exit = 1;
      } else {
        // read the results on the loop, where they were written
        loop.submit(() -> print(label, connections, run)).sync();
      }
      for (Channel ch : channels) ch.close().awaitUninterruptibly(2000);
    } catch (Exception e) {
      System.err.println("EchoClient " + label + ": " + e);
      exit = 1;
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5000);
      watchdog.interrupt();
    }
    System.exit(exit);
  }

  private static void print(String label, int connections, Run run) {
    Histogram h = run.histogram;
    long wall = run.measureEnd - run.measureStart;
    double secs = wall / 1e9;
    boolean serverKnown = run.serverCpuStart >= 0 && run.serverCpuEnd >= 0;
    long serverCpu = run.serverCpuEnd - run.serverCpuStart;
    long clientCpu = run.clientCpuEnd - run.clientCpuStart;
    // what the rest of the machine used meanwhile: other processes, the kernel's own threads
    long othersCpu = run.machineCpuEnd - run.machineCpuStart - clientCpu - (serverKnown ? serverCpu : 0);
    System.out.printf(Locale.ROOT, "RESULT label=%s connections=%d requests=%d seconds=%.3f rps=%.0f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f"
            + " client_cpu=%.2f server_cpu=%.2f server_cpu_us_per_req=%.2f others_cpu=%.2f",
        label, connections, run.measured, secs, run.measured / secs,
        h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3,
        (double) clientCpu / wall,
        serverKnown ? (double) serverCpu / wall : -1.0,
        serverKnown && run.measured > 0 ? serverCpu / 1e3 / run.measured : -1.0,
        run.machineCpuStart >= 0 && run.machineCpuEnd >= 0 ? Math.max(0, othersCpu) / (double) wall : -1.0);
    if (run.serverThreadsCpuStart >= 0 && run.serverThreadsCpuEnd >= 0 && run.measured > 0) {
      // one more key at the end of the line: the scripts read RESULT lines by key
      System.out.printf(Locale.ROOT, " server_threads_cpu_us_per_req=%.2f",
          (run.serverThreadsCpuEnd - run.serverThreadsCpuStart) / 1e3 / run.measured);
    }
    System.out.println();
  }
}
