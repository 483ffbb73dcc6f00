package dev.gannet.bench.peers.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.DefaultFileRegion;
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
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Netty 4.2 peer for {@code bench http}, written the way Netty's TechEmpower entry is: one event loop that
 * accepts and serves, {@link HttpRequestDecoder} with header validation off, response header sets built once a
 * second (when the Date changes) and shared by every response, {@code write(msg, voidPromise())} per request and
 * one {@code flush()} per read batch, an encoder fast path for {@link DefaultFullHttpResponse}, and the pooled
 * allocator. The JVM flags that go with it are the orchestrator's.
 *
 * <p>Beyond TechEmpower's two URLs it serves the bench's others as a Netty user would: a 16 KB file with
 * {@link DefaultFileRegion} (sendfile/splice, no copy into Java) or, under TLS, which must encrypt in user space,
 * {@link ChunkedNioFile}; and a blocking route on a thread pool, handing the response back to the event loop.
 *
 * <p>Usage: {@code NettyHttpServer --transport epoll|io_uring|nio --port P --static DIR [--tls CERT KEY]
 * [--blocking-threads N]}
 */
public final class NettyHttpServer {

    static final String USAGE = "usage: NettyHttpServer --transport epoll|io_uring|nio --port P --static DIR "
            + "[--tls CERT KEY] [--blocking-threads N]";

    private NettyHttpServer() {}

    public static void main(String[] args) throws Exception {
        PeerOptions options = PeerOptions.parse(args, USAGE, "epoll");
        IoHandlerFactory ioHandler;
        Class<? extends ServerChannel> channelType;
        switch (options.transport()) {
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
                PeerOptions.fail("unknown transport " + options.transport() + "\n" + USAGE);
                return;
            }
        }
        // The JDK's SSLEngine, as Gannet and Vert.x use by default: the TLS run then compares the frameworks
        // around the same cipher code rather than BoringSSL against the JDK.
        SslContext ssl = options.tls()
                ? SslContextBuilder.forServer(options.tlsCert().toFile(), options.tlsKey().toFile())
                        .sslProvider(SslProvider.JDK).build()
                : null;

        // One loop for the acceptor and the connections: the bench gives every server exactly one core.
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ioHandler);
        ExecutorService blocking = Executors.newFixedThreadPool(options.blockingThreads(), daemonThreads());
        Responses responses = new Responses();
        // Refreshed on the loop that reads the header sets, right after each second begins, so no response carries
        // a stale Date for long and no field needs to be volatile.
        group.next().scheduleAtFixedRate(responses::refresh, 1000 - System.currentTimeMillis() % 1000 + 1, 1000,
                TimeUnit.MILLISECONDS);
        HttpDecoderConfig decoderConfig = new HttpDecoderConfig()
                .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValidation(false));
        try {
            @SuppressWarnings("deprecation") // still honoured in 4.2; the TechEmpower entry sets it the same way
            ChannelOption<Integer> maxMessagesPerRead = ChannelOption.MAX_MESSAGES_PER_READ;
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 8192)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    // Accept every pending connection per wake-up: it decides the connection-rate workload.
                    .option(maxMessagesPerRead, Integer.MAX_VALUE)
                    .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(maxMessagesPerRead, Integer.MAX_VALUE)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ChannelPipeline p = ch.pipeline();
                            if (ssl != null) {
                                p.addLast(ssl.newHandler(ch.alloc()));
                            }
                            p.addLast(new FastResponseEncoder());
                            p.addLast(new HttpRequestDecoder(decoderConfig));
                            if (ssl != null) {
                                // Between the encoder and the handler: it turns the chunked file into HttpContents.
                                p.addLast(new ChunkedWriteHandler());
                            }
                            p.addLast(new BenchHandler(responses, options, blocking, ssl != null));
                        }
                    })
                    .bind(new InetSocketAddress(options.port()))
                    .sync()
                    .channel();
            System.out.println("netty-" + options.transport() + " http" + (ssl != null ? "s" : "")
                    + " listening on " + server.localAddress());
            server.closeFuture().sync();
        } finally {
            blocking.shutdownNow();
            group.shutdownGracefully();
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "blocking-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The message the JSON route serializes; a record, which Jackson maps without annotations. */
    record Message(String message) {}

    /**
     * The response header sets, one per route and connection mode, rebuilt once a second with the new Date and
     * otherwise shared by every response (the encoder only reads them).
     */
    static final class Responses {
        private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory()
                .withValidation(false);
        private static final AsciiString SERVER_NAME = AsciiString.cached("netty");
        private static final AsciiString OCTET_STREAM = AsciiString.cached("application/octet-stream");
        static final ObjectMapper MAPPER = JsonMapper.builder().build();

        private final int jsonLength;
        AsciiString date;
        HttpHeaders plaintext;
        HttpHeaders plaintextClose;
        HttpHeaders json;
        HttpHeaders jsonClose;
        HttpHeaders oneK;
        HttpHeaders oneKClose;
        HttpHeaders slept;
        HttpHeaders sleptClose;
        HttpHeaders notFound;

        Responses() {
            // The message never changes, so neither does its length; the body itself is serialized per request.
            jsonLength = json().length;
            refresh();
        }

        static byte[] json() {
            return MAPPER.writeValueAsBytes(new Message(PeerOptions.MESSAGE));
        }

        void refresh() {
            date = new AsciiString(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
            plaintext = headers(HttpHeaderValues.TEXT_PLAIN, PeerOptions.PLAINTEXT.length, true);
            plaintextClose = headers(HttpHeaderValues.TEXT_PLAIN, PeerOptions.PLAINTEXT.length, false);
            json = headers(HttpHeaderValues.APPLICATION_JSON, jsonLength, true);
            jsonClose = headers(HttpHeaderValues.APPLICATION_JSON, jsonLength, false);
            oneK = headers(HttpHeaderValues.TEXT_PLAIN, PeerOptions.ONE_K.length, true);
            oneKClose = headers(HttpHeaderValues.TEXT_PLAIN, PeerOptions.ONE_K.length, false);
            slept = headers(HttpHeaderValues.TEXT_PLAIN, PeerOptions.SLEPT.length, true);
            sleptClose = headers(HttpHeaderValues.TEXT_PLAIN, PeerOptions.SLEPT.length, false);
            notFound = headers(HttpHeaderValues.TEXT_PLAIN, 0, false);
        }

        HttpHeaders headers(CharSequence contentType, long length, boolean keepAlive) {
            HttpHeaders h = HEADERS.newHeaders()
                    .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                    .set(HttpHeaderNames.SERVER, SERVER_NAME)
                    .set(HttpHeaderNames.DATE, date)
                    .set(HttpHeaderNames.CONTENT_LENGTH, length);
            if (!keepAlive) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            return h;
        }

        HttpHeaders file(long length, boolean keepAlive) {
            return headers(OCTET_STREAM, length, keepAlive);
        }
    }

    /** Skips the type matcher for the one response class this server writes on its hot path. */
    static final class FastResponseEncoder extends HttpResponseEncoder {
        @Override
        public boolean acceptOutboundMessage(Object msg) throws Exception {
            return msg.getClass() == DefaultFullHttpResponse.class || super.acceptOutboundMessage(msg);
        }
    }

    /** One per connection: it remembers that the connection is closing, so later pipelined requests are dropped. */
    static final class BenchHandler extends ChannelInboundHandlerAdapter {
        private final Responses responses;
        private final PeerOptions options;
        private final ExecutorService blocking;
        private final boolean tls;
        private boolean closing;

        BenchHandler(Responses responses, PeerOptions options, ExecutorService blocking, boolean tls) {
            this.responses = responses;
            this.options = options;
            this.blocking = blocking;
            this.tls = tls;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                // A GET arrives as an HttpRequest and an empty LastHttpContent; only the first one matters here.
                if (msg instanceof HttpRequest request && !closing) {
                    if (request.decoderResult().isFailure()) {
                        respond(ctx, Unpooled.EMPTY_BUFFER, responses.notFound, false,
                                HttpResponseStatus.BAD_REQUEST);
                    } else {
                        serve(ctx, request);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void serve(ChannelHandlerContext ctx, HttpRequest request) {
            // Checked on every request, as any correct server must: it is how the connection-rate workload asks
            // for "Connection: close".
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            String uri = request.uri();
            Responses r = responses;
            switch (uri) {
                case "/plaintext" -> respond(ctx, Unpooled.wrappedBuffer(PeerOptions.PLAINTEXT),
                        keepAlive ? r.plaintext : r.plaintextClose, keepAlive, HttpResponseStatus.OK);
                case "/json" -> respond(ctx, Unpooled.wrappedBuffer(Responses.json()),
                        keepAlive ? r.json : r.jsonClose, keepAlive, HttpResponseStatus.OK);
                case "/bench/1k" -> respond(ctx, Unpooled.wrappedBuffer(PeerOptions.ONE_K),
                        keepAlive ? r.oneK : r.oneKClose, keepAlive, HttpResponseStatus.OK);
                case "/bench/sleep" -> sleepThenRespond(ctx, keepAlive);
                default -> {
                    if (uri.startsWith("/static/")) {
                        sendFile(ctx, uri, keepAlive);
                    } else {
                        respond(ctx, Unpooled.EMPTY_BUFFER, r.notFound, false, HttpResponseStatus.NOT_FOUND);
                    }
                }
            }
        }

        private void respond(ChannelHandlerContext ctx, ByteBuf body, HttpHeaders headers, boolean keepAlive,
                             HttpResponseStatus status) {
            DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body,
                    headers, EmptyHttpHeaders.INSTANCE);
            if (keepAlive) {
                // No future per response; channelReadComplete flushes the whole batch with one write call.
                ctx.write(response, ctx.voidPromise());
            } else {
                closing = true;
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        /**
         * The blocking route: the sleep runs on a pool thread so the event loop keeps serving, and the response is
         * written back on the loop, which owns the header sets and the handler's state.
         */
        private void sleepThenRespond(ChannelHandlerContext ctx, boolean keepAlive) {
            blocking.execute(() -> {
                try {
                    Thread.sleep(PeerOptions.SLEEP_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ctx.executor().execute(() -> {
                    if (closing || !ctx.channel().isActive()) {
                        return;
                    }
                    respond(ctx, Unpooled.wrappedBuffer(PeerOptions.SLEPT),
                            keepAlive ? responses.slept : responses.sleptClose, keepAlive, HttpResponseStatus.OK);
                    ctx.flush();
                });
            });
        }

        private void sendFile(ChannelHandlerContext ctx, String uri, boolean keepAlive) {
            Path path = options.staticFile(uri);
            FileChannel file;
            long length;
            try {
                if (path == null) {
                    throw new IOException("outside the static directory");
                }
                // Opened per request, as Netty's file server example does; the region or chunked input closes it.
                file = FileChannel.open(path, StandardOpenOption.READ);
                length = file.size();
            } catch (IOException | RuntimeException e) {
                respond(ctx, Unpooled.EMPTY_BUFFER, responses.notFound, false, HttpResponseStatus.NOT_FOUND);
                return;
            }
            ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    responses.file(length, keepAlive)), ctx.voidPromise());
            if (tls) {
                // TLS encrypts in user space, so the kernel cannot send the file itself: read it in 8 KB chunks.
                try {
                    ctx.write(new HttpChunkedInput(new ChunkedNioFile(file, 0, length, 8192)));
                } catch (IOException e) {
                    ctx.close();
                    return;
                }
            } else {
                ctx.write(new DefaultFileRegion(file, 0, length), ctx.voidPromise());
                ctx.write(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
            }
            if (!keepAlive) {
                closing = true;
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // One flush (one write system call) per read batch instead of one per request.
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
