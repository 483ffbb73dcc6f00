package dev.gannet.tls;

import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two in-memory connections joined back to back, standing in for a transport in unit tests: the bytes one
 * side writes reach the other side's handler in chunks of random size (down to one byte), with the
 * transport's contracts — unconsumed input handed back with the next bytes, an exception from a callback
 * closes the connection with it as the cause, water marks drive writability, and a fake clock drives
 * scheduled tasks. Everything runs on the test thread, which is the owner of both connections; or, with
 * {@link #freshThreads}, each callback and task runs on a new virtual thread (one at a time), as the
 * vthread engine does for ticks and executed tasks. Delegated TLS tasks given to a {@link HeldTasks} run at
 * random points among the deliveries, as if on another thread.
 */
final class MemoryPipe {

    private static final AtomicLong IDS = new AtomicLong();

    final Random random;
    final int maxChunk;
    final End client;
    final End server;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<HeldTasks> delegated = new ArrayList<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(Comparator.<Timer>comparingLong(t -> t.due).thenComparingLong(t -> t.seq));
    private long nowNanos;
    private long timerSeq;
    /** Run every callback and task on a fresh virtual thread, joined before going on. */
    boolean freshThreads;

    /**
     * @param maxChunk the largest chunk delivered at once; each delivery takes 1 to maxChunk bytes
     */
    MemoryPipe(Handler clientHandler, Handler serverHandler, long seed, int maxChunk) {
        this.random = new Random(seed);
        this.maxChunk = maxChunk;
        this.client = new End("client", clientHandler, InetSocketAddress.createUnresolved("localhost", 8443));
        this.server = new End("server", serverHandler, InetSocketAddress.createUnresolved("127.0.0.1", 50000));
        client.peer = server;
        server.peer = client;
        for (Handler h : List.of(clientHandler, serverHandler)) {
            if (h instanceof TlsHandler t && t.config().delegatedTaskExecutor() instanceof HeldTasks held
                    && !delegated.contains(held)) {
                delegated.add(held);
            }
        }
    }

    /** Opens both ends (server first, as an accept precedes the client's connect completing) and runs. */
    MemoryPipe open() {
        server.call(() -> server.handler.onOpen(server));
        client.call(() -> client.handler.onOpen(client));
        run();
        return this;
    }

    /** Delivers bytes and runs tasks until nothing moves. */
    void run() {
        for (int guard = 0; guard < 50_000_000; guard++) {
            Runnable task = tasks.poll();
            if (task != null) {
                onFreshThread(task);
                continue;
            }
            End from = pickSender();
            HeldTasks held = pickDelegated();
            if (held != null && (from == null || random.nextInt(3) == 0)) {
                onFreshThread(held::runOne);
                continue;
            }
            if (from == null) return;
            from.deliverChunk();
        }
        throw new AssertionError("the pipe did not settle");
    }

    /** Moves the fake clock forward, running what comes due. */
    void advance(Duration d) {
        long target = nowNanos + d.toNanos();
        while (!timers.isEmpty() && timers.peek().due <= target) {
            Timer t = timers.poll();
            nowNanos = t.due;
            if (!t.cancelled) onFreshThread(t.task);
            run();
        }
        nowNanos = target;
        run();
    }

    private void onFreshThread(Runnable r) {
        if (!freshThreads) {
            r.run();
            return;
        }
        try {
            Thread.ofVirtual().start(r).join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private HeldTasks pickDelegated() {
        for (HeldTasks h : delegated) {
            if (!h.hold && !h.queue.isEmpty()) return h;
        }
        return null;
    }

    private End pickSender() {
        boolean c = client.hasOutput();
        boolean s = server.hasOutput();
        if (c && s) return random.nextBoolean() ? client : server;
        return c ? client : s ? server : null;
    }

    private final class Timer implements Connection.Cancellable {
        final long due;
        final long seq = timerSeq++;
        final Runnable task;
        boolean cancelled;

        Timer(long due, Runnable task) {
            this.due = due;
            this.task = task;
        }

        @Override
        public boolean cancel() {
            boolean was = !cancelled;
            cancelled = true;
            return was;
        }
    }

    /** One side: what its handler sees as the raw connection. */
    final class End implements Connection {
        final String name;
        final Handler handler;
        final long id = IDS.incrementAndGet();
        final SocketAddress remote;
        End peer;
        Object context;

        private ByteBuffer out = ByteBuffer.allocate(1024);  // written, not yet delivered (write mode)
        private ByteBuffer in = ByteBuffer.allocate(1024);   // delivered, not yet consumed (write mode)
        long bytesWritten;
        final List<Integer> writeSizes = new ArrayList<>();
        int lowWaterMark = 32 * 1024;
        int highWaterMark = 64 * 1024;
        boolean writable = true;
        boolean open = true;
        boolean closing;
        boolean outputShutdown;
        boolean peerEofDelivered;
        boolean paused;
        boolean eofHeld; // the peer's end of stream, not reported while reading is paused
        boolean shutdownRequested;
        Throwable closeCause;
        Throwable pendingCause; // a callback threw: closing with this cause once output is flushed
        boolean closeReported;

        End(String name, Handler handler, SocketAddress remote) {
            this.name = name;
            this.handler = handler;
            this.remote = remote;
        }

        boolean hasOutput() {
            if (out.position() > 0 && !peer.open) out.clear(); // nobody left to read it
            if (out.position() > 0) return !peer.paused;
            // A close or shutdown waiting for its output to drain.
            return out.position() == 0 && (closing || outputShutdown) && !peerEofDelivered;
        }

        void deliverChunk() {
            if (out.position() == 0) {
                peerEofDelivered = true;
                if (closing) finishClose(pendingCause);
                if (peer.open) peer.endOfInput();
                return;
            }
            int n = Math.min(out.position(), 1 + random.nextInt(maxChunk));
            out.flip();
            byte[] bytes = new byte[n];
            out.get(bytes).compact();
            ByteBuffer chunk = ByteBuffer.wrap(bytes);
            peer.receive(chunk);
            if (!writable && out.position() <= lowWaterMark) {
                writable = true;
                call(() -> {
                    handler.onWritabilityChanged(this, true);
                    return Action.KEEP;
                });
            }
        }

        private void receive(ByteBuffer chunk) {
            in = ensure(in, chunk.remaining());
            in.put(chunk);
            offerInput();
        }

        /** Shows the handler everything received and not yet consumed. */
        private void offerInput() {
            call(() -> {
                in.flip();
                try {
                    return handler.onData(this, in);
                } finally {
                    in.compact();
                }
            });
        }

        /** Runs a callback as the transport would: an exception closes with it as the cause. */
        void call(java.util.concurrent.Callable<Action> callback) {
            if (!open || closing) return; // a closing connection reads no more
            Object[] result = new Object[1];
            onFreshThread(() -> {
                try {
                    result[0] = callback.call();
                } catch (Throwable t) {
                    result[0] = t;
                }
            });
            Action a;
            if (result[0] instanceof Action action) {
                a = action;
            } else {
                Throwable t = (Throwable) result[0];
                // Like the transport: close with the exception as the cause. Pending output (a TLS alert)
                // is still flushed first.
                pendingCause = t;
                close();
                return;
            }
            if (a == Action.CLOSE || a == Action.SHUTDOWN) {
                if (a == Action.SHUTDOWN) shutdownRequested = true;
                close();
            }
        }

        private void finishClose(Throwable cause) {
            if (closeReported) return;
            closeReported = true;
            open = false;
            closeCause = cause;
            onFreshThread(() -> handler.onClose(this, cause));
        }

        private ByteBuffer ensure(ByteBuffer b, int more) {
            if (b.remaining() >= more) return b;
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + more));
            b.flip();
            bigger.put(b);
            return bigger;
        }

        /** Everything written by this side so far and not yet delivered. */
        int undelivered() {
            return out.position();
        }

        @Override public long id() { return id; }
        @Override public SocketAddress remoteAddress() { return remote; }
        @Override public SocketAddress localAddress() { return InetSocketAddress.createUnresolved("local", 1); }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T context() {
            return (T) context;
        }

        @Override
        public void context(Object context) {
            this.context = context;
        }

        @Override
        public void write(ByteBuffer src) {
            int n = src.remaining();
            if (!open || closing || outputShutdown) {
                src.position(src.limit());
                return;
            }
            out = ensure(out, n);
            out.put(src);
            bytesWritten += n;
            writeSizes.add(n);
            if (writable && out.position() > highWaterMark) {
                // From inside write, as both engines do.
                writable = false;
                call(() -> {
                    handler.onWritabilityChanged(this, false);
                    return Action.KEEP;
                });
            }
        }

        @Override
        public void write(byte[] src, int offset, int length) {
            write(ByteBuffer.wrap(src, offset, length));
        }

        @Override
        public void sendFile(FileChannel file, long position, long count, Runnable onSent) {
            throw new UnsupportedOperationException("raw sendFile is not used under TLS");
        }

        @Override public void flush() { }
        @Override public boolean isWritable() { return writable; }
        @Override public long pendingOutputBytes() { return out.position(); }
        @Override public void pauseReading() { paused = true; }

        @Override
        public void resumeReading() {
            paused = false;
            // As the engines do: input left unconsumed is handed back even if nothing more arrives, and an end of
            // stream read after it is reported after it.
            if (in.position() > 0 || eofHeld) tasks.add(this::redeliver);
        }

        private void redeliver() {
            if (paused) return;
            if (in.position() > 0) offerInput();
            if (eofHeld && !paused) {
                eofHeld = false;
                call(() -> handler.onEndOfInput(this));
            }
        }

        /** The peer's end of stream: a paused connection does not read, so it learns of it once it resumes. */
        private void endOfInput() {
            if (paused) eofHeld = true;
            else call(() -> handler.onEndOfInput(this));
        }

        @Override
        public void close() {
            if (!open || closing) return;
            closing = true;
        }

        @Override
        public void close(Throwable cause) {
            if (!open || closing) return;
            pendingCause = cause;
            close();
        }

        @Override
        public void abort(Throwable cause) {
            if (!open) return;
            out.clear();
            peerEofDelivered = true;
            finishClose(cause);
            if (peer.open) peer.abortFromPeer();
        }

        private void abortFromPeer() {
            out.clear();
            finishClose(new IOException("connection reset by peer"));
        }

        @Override
        public void shutdownOutput() {
            outputShutdown = true;
        }

        @Override public boolean isOpen() { return open && !closing; }

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        @Override
        public Cancellable schedule(Runnable task, Duration delay) {
            Timer t = new Timer(nowNanos + delay.toNanos(), () -> {
                if (open) task.run();
            });
            timers.add(t);
            return t;
        }

        @Override
        public String toString() {
            return "End[" + name + "]";
        }
    }
}
