package dev.gannet.bench.peers;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;

/**
 * The Netty 4.2 peer for the FEP bench: the least a gateway has to do, so the FEP gateway's cost can be read
 * against it. For each member connection it opens one connection to the upstream (the institution simulator) on
 * the same event loop and forwards whole frames both ways: a length-field decoder on the 4-byte little-endian length
 * at offset 0 (the whole frame, header included; at most 112 bytes), each frame written on with the void promise
 * and one flush per read batch. No session layer, no journal, no routing: the simulator sees the members' own logons.
 *
 * <p>Tuned like {@link NettyEchoServer}: epoll, one event loop for the acceptor and every connection, the pooled
 * (direct) allocator, TCP_NODELAY on both sides. The JVM flags that go with it are set by the orchestrator.
 *
 * <p>Usage: {@code NettyFepRelay --port P --upstream HOST:PORT}
 */
public final class NettyFepRelay {

    /** Header.MAX_FRAME of the FEP wire format (ExecutionReport); a longer length field is a broken stream. */
    static final int MAX_FRAME = 112;

    private NettyFepRelay() {}

    public static void main(String[] args) throws Exception {
        int port = -1;
        InetSocketAddress upstream = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--upstream" -> {
                    String v = args[i + 1];
                    int colon = v.lastIndexOf(':');
                    if (colon <= 0) fail("--upstream needs host:port, got " + v);
                    upstream = new InetSocketAddress(v.substring(0, colon), Integer.parseInt(v.substring(colon + 1)));
                }
                default -> fail("unknown option " + args[i]);
            }
        }
        if (args.length % 2 != 0 || port <= 0 || upstream == null) {
            fail("usage: NettyFepRelay --port P --upstream HOST:PORT");
        }
        Epoll.ensureAvailability();

        // One loop for the acceptor, the member connections and their upstream connections: one core, no hand-off.
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        InetSocketAddress to = upstream;
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 8192)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    // Nothing is read from a member until its upstream connection is up (see MemberInit).
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childHandler(new MemberInit(to))
                    .bind(new InetSocketAddress(port))
                    .sync()
                    .channel();
            System.out.println("netty-epoll fep relay listening on " + server.localAddress() + ", upstream " + to);
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(2);
    }

    /** The frame decoder: whole frames out, failing at once on a length beyond {@link #MAX_FRAME}. */
    static LengthFieldBasedFrameDecoder frames() {
        // Length at offset 0, 4 bytes, little-endian, counting the whole frame (so -4 for the field itself),
        // nothing stripped: the frame goes on byte for byte.
        return new LengthFieldBasedFrameDecoder(ByteOrder.LITTLE_ENDIAN, MAX_FRAME, 0, 4, -4, 0, true);
    }

    /** For each accepted member: connect upstream on the member's own loop, then start reading both. */
    static final class MemberInit extends ChannelInitializer<SocketChannel> {
        private final InetSocketAddress upstream;

        MemberInit(InetSocketAddress upstream) {
            this.upstream = upstream;
        }

        @Override
        protected void initChannel(SocketChannel member) {
            Forward toUpstream = new Forward();
            Forward toMember = new Forward();
            member.pipeline().addLast(frames(), toUpstream);
            ChannelFuture f = new Bootstrap()
                    .group(member.eventLoop())
                    .channel(EpollSocketChannel.class)
                    .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel up) {
                            up.pipeline().addLast(frames(), toMember);
                        }
                    })
                    .connect(upstream);
            Channel up = f.channel();
            toUpstream.peer = up;
            toMember.peer = member;
            f.addListener((ChannelFutureListener) done -> {
                if (done.isSuccess()) {
                    member.config().setAutoRead(true);
                } else {
                    member.close();
                }
            });
            // Either side closing closes the other.
            member.closeFuture().addListener(x -> up.close());
            up.closeFuture().addListener(x -> member.close());
        }
    }

    /**
     * Writes each decoded frame to the peer channel (no copy: the decoder's retained slice is written and
     * released by the write), flushes once per read batch, and stops reading while the peer's outbound buffer is
     * above its high-water mark.
     */
    static final class Forward extends ChannelInboundHandlerAdapter {
        Channel peer;
        private boolean pending;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!peer.isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            peer.write(msg, peer.voidPromise());
            pending = true;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (pending) {
                pending = false;
                peer.flush();
                if (!peer.isWritable()) {
                    // Back-pressure: read again when the peer drains (its channelWritabilityChanged below).
                    ctx.channel().config().setAutoRead(false);
                }
            }
        }

        /** This channel drained below its low-water mark: the peer, which feeds it, may read again. */
        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && peer.isActive()) {
                peer.config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A broken frame or a reset: drop both connections, as a gateway would.
            ctx.close();
        }
    }
}
