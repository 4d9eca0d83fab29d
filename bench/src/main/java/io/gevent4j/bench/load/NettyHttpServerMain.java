package io.gevent4j.bench.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Netty's HTTP/1.1 codec on its native epoll transport for the HTTP load harness, written as
 * Netty's own hello-world example: {@code HttpServerCodec}, keep-alive handled by
 * {@code HttpServerKeepAliveHandler}, one response per request written on read and flushed when
 * the read burst is over, on one event loop (as gevent4j's one hub; {@code -Dbench.loops=N} for N,
 * bench/hubgroup.sh). The response is the one
 * {@link HelloHandler} sends: 13 bytes of text/plain with a Content-Length.
 */
final class NettyHttpServerMain {
  private NettyHttpServerMain() {}

  private static final ByteBuf BODY = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(HelloHandler.BODY)).asReadOnly();

  @ChannelHandler.Sharable
  private static final class Hello extends SimpleChannelInboundHandler<HttpObject> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (!(msg instanceof HttpRequest request)) return; // the (empty) body parts
      FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK, BODY.duplicate());
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, HelloHandler.BODY.length);
      HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
      ctx.write(response, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  public static void main(String[] args) throws InterruptedException {
    ServerArgs a = ServerArgs.parse("NettyHttpServerMain", args);
    Epoll.ensureAvailability();
    int loops = Integer.getInteger("bench.loops", 1); // bench/hubgroup.sh: N event loops beside HubGroup(N)
    MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, EpollIoHandler.newFactory());
    Hello hello = new Hello();
    try {
      var channel = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .option(ChannelOption.SO_REUSEADDR, true)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(), hello);
            }
          })
          .bind("127.0.0.1", a.port()).sync().channel();
      a.ready("netty http epoll (" + loops + " event loop" + (loops == 1 ? "" : "s") + ") " + io.netty.util.Version.identify().get("netty-transport-native-epoll").artifactVersion());
      channel.closeFuture().sync();
    } finally {
      group.shutdownGracefully();
    }
  }
}
