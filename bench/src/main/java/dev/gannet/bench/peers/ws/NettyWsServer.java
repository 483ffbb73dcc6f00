package dev.gannet.bench.peers.ws;

import dev.gannet.bench.ws.ServerControl;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelMatchers;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;

/**
 * The Netty 4.2 contender of {@code bench ws}, written the way Netty's own WebSocket examples are, tuned: the epoll
 * transport, one event loop for accepting and serving, the pooled allocator, {@link WebSocketServerProtocolHandler}
 * for the handshake, close and ping, and compression off (no {@code WebSocketServerCompressionHandler}).
 *
 * <ul>
 *   <li>{@code /ws} writes each received data frame back as it is (no copy: the frame's buffer goes out again),
 *       with one flush per read batch;</li>
 *   <li>{@code /broadcast} writes each received text frame to a {@link ChannelGroup} holding every socket of the
 *       room: the group gives each channel a retained duplicate of the one frame, and with a void promise no
 *       future is made per recipient.</li>
 * </ul>
 *
 * <p>Usage: {@code NettyWsServer --port P}
 */
public final class NettyWsServer {
    private NettyWsServer() {}

    public static void main(String[] args) throws Exception {
        int port = args.length == 2 && args[0].equals("--port") ? Integer.parseInt(args[1]) : -1;
        if (port <= 0) {
            System.err.println("usage: NettyWsServer --port P");
            System.exit(2);
        }
        Epoll.ensureAvailability();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        // Every member's loop is the one loop, so the group's bookkeeping may run on whichever thread calls it.
        ChannelGroup room = new DefaultChannelGroup("all", ImmediateEventExecutor.INSTANCE);
        EchoHandler echo = new EchoHandler();
        BroadcastHandler broadcast = new BroadcastHandler(room);
        new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                new Router(echo, broadcast));
                    }
                })
                .bind(new InetSocketAddress(port)).sync();
        ServerControl.start();
        System.out.println("netty epoll ws listening on port " + port);
    }

    /**
     * Picks the endpoint from the first request's path, installs the protocol handler for exactly that path and the
     * endpoint's frame handler, and steps aside. One protocol handler cannot serve two paths by exact match.
     */
    static final class Router extends ChannelInboundHandlerAdapter {
        private final ChannelHandler echo;
        private final ChannelHandler broadcast;

        Router(ChannelHandler echo, ChannelHandler broadcast) {
            this.echo = echo;
            this.broadcast = broadcast;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FullHttpRequest req)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            String uri = req.uri();
            int q = uri.indexOf('?');
            String path = q < 0 ? uri : uri.substring(0, q);
            ChannelHandler frames = switch (path) {
                case "/ws" -> echo;
                case "/broadcast" -> broadcast;
                default -> null;
            };
            if (frames == null) {
                req.release();
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            String me = ctx.name();
            ctx.pipeline().addAfter(me, "ws", new WebSocketServerProtocolHandler(path))
                    .addAfter("ws", "aggregate", new WebSocketFrameAggregator(64 * 1024))
                    .addAfter("aggregate", "frames", frames)
                    .remove(this);
            ctx.fireChannelRead(req);
        }
    }

    /** Data frames go back as they came; one flush per read batch. */
    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                ctx.write(msg, ctx.voidPromise());
            } else {
                ReferenceCountUtil.release(msg);
            }
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

    /** Joins the room when the handshake completes (the group drops closed channels by itself); fans text out. */
    @ChannelHandler.Sharable
    static final class BroadcastHandler extends ChannelInboundHandlerAdapter {
        private final ChannelGroup room;

        BroadcastHandler(ChannelGroup room) {
            this.room = room;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                room.add(ctx.channel());
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame frame) {
                // The group writes a retained duplicate of this one frame to each member, then releases the frame.
                // No flush here: a read batch of several messages goes out in one flush per member (below), the
                // usual Netty tuning, so each socket gets a burst in one write as Gannet's topics do.
                room.write(frame, ChannelMatchers.all(), true);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            room.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
