package dev.gannet.engine.nio;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/**
 * What an {@link NioLoop} waits on: which registered channels are ready. Two implementations with the same
 * level-triggered meaning as {@link Selector}: {@link EpollPoller}, Linux epoll driven directly through
 * {@code java.lang.foreign}, and {@link JdkPoller}, the JDK's {@link Selector}, used where the first is unavailable
 * or with {@code -Dgannet.nio.poller=jdk}.
 *
 * <p>Everything but {@link #wakeup} is called by the owning loop thread only.
 */
abstract class Poller implements AutoCloseable {
    /** Readiness bits, the same values as {@link SelectionKey}'s so the JDK implementation passes them through. */
    static final int READ = SelectionKey.OP_READ, WRITE = SelectionKey.OP_WRITE,
            CONNECT = SelectionKey.OP_CONNECT, ACCEPT = SelectionKey.OP_ACCEPT;

    /** Something registered with a poller: told which of its interest operations are ready. */
    interface Selectable {
        void ready(int readyOps) throws IOException;
    }

    /** Receives each ready registration during {@link #poll}. */
    interface Dispatcher {
        void dispatch(Selectable target, int readyOps);
    }

    /** A channel's registration. */
    abstract static class Key {
        /** Replaces the operations waited for; applied before the next wait. */
        abstract void interestOps(int ops);

        /** Sends further readiness to {@code target}. */
        abstract void attach(Selectable target);

        /** Ends the registration; call before closing the channel, so its descriptor can be reused safely. */
        abstract void cancel();

        abstract boolean isValid();
    }

    static Poller open() throws IOException {
        if (EpollPoller.AVAILABLE && !"jdk".equals(System.getProperty("gannet.nio.poller"))) return new EpollPoller();
        return new JdkPoller();
    }

    /** Registers a non-blocking channel waiting for {@code ops}. */
    abstract Key register(SelectableChannel channel, int ops, Selectable target) throws IOException;

    /**
     * Waits until something is ready, {@link #wakeup} is called, or {@code timeoutMillis} pass (negative: no
     * limit; 0: do not wait), and dispatches what is ready. Returns the number of registrations dispatched.
     */
    abstract int poll(long timeoutMillis, Dispatcher dispatcher) throws IOException;

    /** Makes a wait in progress, or the next one, return at once. Safe from any thread. */
    abstract void wakeup();

    /** Closes every channel still registered; for the loop's final cleanup. */
    abstract void closeChannels();

    @Override
    public abstract void close();

    /** The JDK's {@link Selector}: portable, with some bookkeeping per ready key. */
    static final class JdkPoller extends Poller {
        private final Selector selector = Selector.open();
        private Dispatcher dispatcher;
        private final Consumer<SelectionKey> onKey = k -> dispatcher.dispatch((Selectable) k.attachment(), k.readyOps());

        JdkPoller() throws IOException {
        }

        @Override
        Key register(SelectableChannel channel, int ops, Selectable target) throws ClosedChannelException {
            SelectionKey k = channel.register(selector, ops, target);
            return new Key() {
                @Override
                void interestOps(int ops) {
                    k.interestOps(ops);
                }

                @Override
                void attach(Selectable target) {
                    k.attach(target);
                }

                @Override
                void cancel() {
                    k.cancel();
                }

                @Override
                boolean isValid() {
                    return k.isValid();
                }
            };
        }

        @Override
        int poll(long timeoutMillis, Dispatcher dispatcher) throws IOException {
            this.dispatcher = dispatcher;
            if (timeoutMillis == 0) return selector.selectNow(onKey);
            return selector.select(onKey, Math.max(timeoutMillis, 0));
        }

        @Override
        void wakeup() {
            selector.wakeup();
        }

        @Override
        void closeChannels() {
            for (SelectionKey k : selector.keys()) {
                try {
                    k.channel().close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }

        @Override
        public void close() {
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
