package dev.gannet.bench.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.net.InetSocketAddress;

/**
 * The Netty 4.2 peer for the TCP echo bench, tuned the way Netty's authors tune their own benchmark entries: one
 * event loop that both accepts and serves, the pooled allocator, TCP_NODELAY, a write per read with the void
 * promise (no future allocated per write) and a single flush per read batch. The JVM flags that go with it
 * (ParallelGC, bounds and accessibility checks off, leak detection off) are set by the orchestrator.
 *
 * <p>Usage: {@code NettyEchoServer --transport epoll|nio --port P}
 */
public final class NettyEchoServer {

    private NettyEchoServer() {}

    public static void main(String[] args) throws Exception {
        String transport = "epoll";
        int port = -1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--transport" -> transport = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                default -> fail("unknown option " + args[i]);
            }
        }
        if (args.length % 2 != 0 || port <= 0) {
            fail("usage: NettyEchoServer --transport epoll|io_uring|nio --port P");
        }

        IoHandlerFactory ioHandler;
        Class<? extends ServerChannel> channelType;
        switch (transport) {
            case "epoll" -> {
                // Fail now with Netty's reason (e.g. the native library did not load) rather than at bind.
                Epoll.ensureAvailability();
                ioHandler = EpollIoHandler.newFactory();
                channelType = EpollServerSocketChannel.class;
            }
            case "io_uring" -> {
                IoUring.ensureAvailability();
                ioHandler = IoUringIoHandler.newFactory();
                channelType = IoUringServerSocketChannel.class;
            }
            case "nio" -> {
                ioHandler = NioIoHandler.newFactory();
                channelType = NioServerSocketChannel.class;
            }
            default -> {
                fail("unknown transport " + transport + " (epoll, io_uring or nio)");
                return;
            }
        }

        // One loop for the acceptor and the connections: the bench gives every server exactly one core.
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ioHandler);
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 8192)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(EchoHandler.INSTANCE)
                    .bind(new InetSocketAddress(port))
                    .sync()
                    .channel();
            System.out.println("netty-" + transport + " echo listening on " + server.localAddress());
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(2);
    }

    /** Stateless, so one instance serves every connection; sharing it avoids a handler object per connection. */
    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        static final EchoHandler INSTANCE = new EchoHandler();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // The received buffer is written back as is: no copy; the write releases it.
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // One flush (one write system call) per read batch instead of one per read.
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
