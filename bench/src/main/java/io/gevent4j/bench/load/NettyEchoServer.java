package io.gevent4j.bench.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;

/**
 * Netty's echo server on its native epoll transport, for the load harness: Netty's own
 * example handler (write what is read, flush when the read burst is over) on one event loop
 * that accepts and serves every connection, as gevent4j's one hub does; with
 * {@code -Dbench.loops=N} (bench/hubgroup.sh), N event loops, one of which also accepts, the
 * connections spread over them round-robin.
 */
final class NettyEchoServer {
  private NettyEchoServer() {}

  @ChannelHandler.Sharable
  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // the client went away
    }
  }

  public static void main(String[] args) throws InterruptedException {
    ServerArgs a = ServerArgs.parse("NettyEchoServer", args);
    Epoll.ensureAvailability();
    int loops = Integer.getInteger("bench.loops", 1); // bench/hubgroup.sh: N event loops beside HubGroup(N)
    MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, EpollIoHandler.newFactory());
    try {
      var channel = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .option(ChannelOption.SO_REUSEADDR, true)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new Echo())
          .bind("127.0.0.1", a.port()).sync().channel();
      a.ready("netty epoll (" + loops + " event loop" + (loops == 1 ? "" : "s") + ") " + io.netty.util.Version.identify().get("netty-transport-native-epoll").artifactVersion());
      channel.closeFuture().sync();
    } finally {
      group.shutdownGracefully();
    }
  }
}
