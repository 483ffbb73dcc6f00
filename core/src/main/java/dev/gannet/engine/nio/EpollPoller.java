package dev.gannet.engine.nio;

import dev.gannet.transport.NativeSocketOptions;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.util.Arrays;

/**
 * Linux epoll through {@code java.lang.foreign}: one {@code epoll_wait} per turn writes the ready descriptors into
 * memory this class reads in place, and each event carries the registration's slot number, so dispatch is an array
 * lookup.
 *
 * <p>Why not the JDK's {@link java.nio.channels.Selector}, which is epoll too: per ready key it updates a hash set or
 * calls a consumer through several layers with locks and interrupt bookkeeping around each select, and it keeps a
 * map from descriptor to key. On keep-alive HTTP, where each request is one event, that was ~4% of the server's CPU
 * in {@code SelectorImpl.select/processReadyEvents}.
 *
 * <p>Semantics match the JDK's: level-triggered, interest changes are applied in one pass before the next wait, a
 * registration waiting for nothing is removed from the epoll set (an error or hang-up on it must not make every wait
 * return at once), and error or hang-up reports every operation the registration waits for, so the owner finds out
 * by reading or writing. The 64-bit event data holds a generation beside the slot, so an event for a registration
 * cancelled earlier in the same batch is dropped even if a new registration took the slot. A cross-thread wakeup
 * writes to an eventfd in the set.
 */
final class EpollPoller extends Poller {
    private static final int EPOLLIN = 0x1, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10;
    private static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
    private static final int EPOLL_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800, EFD_CLOEXEC = 0x80000;
    private static final int EINTR = 4, ENOENT = 2, EBADF = 9;
    private static final int MAX_EVENTS = 1024;
    /** The event data of the wakeup eventfd; registrations use (generation << 32 | slot) with slot ≥ 0. */
    private static final long WAKE_DATA = -1L;
    /** struct epoll_event is packed on x86-64 (12 bytes, data at 4) and naturally aligned elsewhere (16, data at 8). */
    private static final long EVENT_SIZE, DATA_OFFSET;

    static final boolean AVAILABLE;
    private static final MethodHandle EPOLL_CREATE1, EPOLL_CTL, EPOLL_WAIT, EVENTFD, FD_READ, FD_WRITE, CLOSE;
    /** Holds the 8-byte 1 that wakeups write; shared by all threads, which only read it. */
    private static final MemorySegment ONE;

    static {
        String arch = System.getProperty("os.arch");
        boolean packed = arch.equals("amd64") || arch.equals("x86_64");
        EVENT_SIZE = packed ? 12 : 16;
        DATA_OFFSET = packed ? 4 : 8;
        MethodHandle create = null, ctl = null, wait = null, eventfd = null, read = null, write = null, close = null;
        MemorySegment one = null;
        boolean ok = false;
        // SocketIo's availability covers native access, Linux and the descriptor lookup this needs as well, and its
        // errno capture serves these calls too.
        if (SocketIo.AVAILABLE) {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Linker.Option capture = Linker.Option.captureCallState("errno");
                ValueLayout i = ValueLayout.JAVA_INT, l = ValueLayout.JAVA_LONG;
                create = linker.downcallHandle(libc.find("epoll_create1").orElseThrow(), FunctionDescriptor.of(i, i));
                ctl = linker.downcallHandle(libc.find("epoll_ctl").orElseThrow(),
                        FunctionDescriptor.of(i, i, i, i, l), capture);
                wait = linker.downcallHandle(libc.find("epoll_wait").orElseThrow(),
                        FunctionDescriptor.of(i, i, l, i, i), capture);
                eventfd = linker.downcallHandle(libc.find("eventfd").orElseThrow(), FunctionDescriptor.of(i, i, i));
                read = linker.downcallHandle(libc.find("read").orElseThrow(), FunctionDescriptor.of(l, i, l, l));
                write = linker.downcallHandle(libc.find("write").orElseThrow(), FunctionDescriptor.of(l, i, l, l));
                close = linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(i, i));
                one = Arena.global().allocate(8, 8);
                one.set(ValueLayout.JAVA_LONG, 0, 1L);
                ok = true;
            } catch (RuntimeException | LinkageError e) {
                System.getLogger(EpollPoller.class.getName()).log(System.Logger.Level.DEBUG,
                        "epoll unavailable, using the JDK selector: " + e);
            }
        }
        AVAILABLE = ok;
        EPOLL_CREATE1 = create;
        EPOLL_CTL = ctl;
        EPOLL_WAIT = wait;
        EVENTFD = eventfd;
        FD_READ = read;
        FD_WRITE = write;
        CLOSE = close;
        ONE = one;
    }

    private final Arena arena = Arena.ofShared();
    private final int epfd;
    private final int wakeFd;
    private final MemorySegment events = arena.allocate(EVENT_SIZE * MAX_EVENTS, 8);
    private final long eventsAddress = events.address();
    private final MemorySegment ctlEvent = arena.allocate(16, 8);
    private final long ctlEventAddress = ctlEvent.address();
    private final MemorySegment capture = arena.allocate(SocketIo.CAPTURE_SIZE);
    private final MemorySegment drain = arena.allocate(8, 8);

    /** Per slot: the registration, or null when the slot is free. */
    private EpollKey[] keys = new EpollKey[64];
    private int[] freeSlots = new int[64];
    private int freeCount;
    private int slotsUsed;
    /** Registrations whose interest changed since the last wait. */
    private EpollKey[] dirty = new EpollKey[64];
    private int dirtyCount;
    private int generation;
    /** Guarded by this: a wakeup from another thread must never write to the descriptor number after close. */
    private boolean closed;

    EpollPoller() throws IOException {
        int ep, wake;
        try {
            ep = (int) EPOLL_CREATE1.invokeExact(EPOLL_CLOEXEC);
            if (ep < 0) throw new IOException("epoll_create1 failed");
            wake = (int) EVENTFD.invokeExact(0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (wake < 0) {
                int ignored = (int) CLOSE.invokeExact(ep);
                throw new IOException("eventfd failed");
            }
        } catch (IOException e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new IOException(t);
        }
        epfd = ep;
        wakeFd = wake;
        ctl(EPOLL_CTL_ADD, wakeFd, EPOLLIN, WAKE_DATA);
    }

    /** One channel's registration: its slot, its generation in that slot, and the events it is in the set for. */
    private final class EpollKey extends Key {
        final SelectableChannel channel;
        final int fd;
        final int slot;
        final long data;
        Selectable target;
        int interest;
        /** The epoll events the descriptor is registered for, 0 when it is out of the set. */
        int registered;
        boolean dirtyQueued;
        boolean valid = true;

        EpollKey(SelectableChannel channel, int fd, int slot, int generation, Selectable target) {
            this.channel = channel;
            this.fd = fd;
            this.slot = slot;
            this.data = (long) generation << 32 | slot;
            this.target = target;
        }

        @Override
        void interestOps(int ops) {
            if (!valid || ops == interest) return;
            interest = ops;
            if (!dirtyQueued) {
                dirtyQueued = true;
                if (dirtyCount == dirty.length) dirty = Arrays.copyOf(dirty, dirtyCount * 2);
                dirty[dirtyCount++] = this;
            }
        }

        @Override
        void attach(Selectable target) {
            this.target = target;
        }

        @Override
        void cancel() {
            if (!valid) return;
            valid = false;
            if (registered != 0) {
                registered = 0;
                try {
                    ctl(EPOLL_CTL_DEL, fd, 0, 0);
                } catch (IOException ignored) {
                    // the descriptor is about to be closed, which removes it as well
                }
            }
            keys[slot] = null;
            if (freeCount == freeSlots.length) freeSlots = Arrays.copyOf(freeSlots, freeCount * 2);
            freeSlots[freeCount++] = slot;
        }

        @Override
        boolean isValid() {
            return valid;
        }

        /** Brings the epoll set in line with the interest. */
        void apply() throws IOException {
            dirtyQueued = false;
            if (!valid) return;
            int want = events(interest);
            if (want == registered) return;
            int op = registered == 0 ? EPOLL_CTL_ADD : want == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
            ctl(op, fd, want, data);
            registered = want;
        }
    }

    private static int events(int ops) {
        return ((ops & (READ | ACCEPT)) != 0 ? EPOLLIN : 0) | ((ops & (WRITE | CONNECT)) != 0 ? EPOLLOUT : 0);
    }

    @Override
    Key register(SelectableChannel channel, int ops, Selectable target) throws IOException {
        if (closed) throw new java.nio.channels.ClosedSelectorException();
        int fd = NativeSocketOptions.fd((NetworkChannel) channel);
        if (fd < 0) throw new java.nio.channels.ClosedChannelException();
        int slot;
        if (freeCount > 0) {
            slot = freeSlots[--freeCount];
        } else {
            if (slotsUsed == keys.length) keys = Arrays.copyOf(keys, slotsUsed * 2);
            slot = slotsUsed++;
        }
        // The generation only has to differ from the slot's previous holder's within one batch of events.
        EpollKey k = new EpollKey(channel, fd, slot, generation++, target);
        keys[slot] = k;
        k.interest = ops;
        k.dirtyQueued = true;
        try {
            k.apply();
        } catch (IOException e) {
            k.cancel();
            throw e;
        }
        return k;
    }

    @Override
    int poll(long timeoutMillis, Dispatcher dispatcher) throws IOException {
        int failed = applyInterest(dispatcher);
        if (failed > 0) timeoutMillis = 0;
        int timeout = timeoutMillis < 0 ? -1 : (int) Math.min(timeoutMillis, Integer.MAX_VALUE);
        int n;
        try {
            n = (int) EPOLL_WAIT.invokeExact(capture, epfd, eventsAddress, MAX_EVENTS, timeout);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (n < 0) {
            int errno = SocketIo.errno(capture);
            if (errno == EINTR) return 0;
            throw new IOException("epoll_wait failed: " + SocketIo.describe(errno));
        }
        int dispatched = failed;
        for (int i = 0; i < n; i++) {
            long at = i * EVENT_SIZE;
            int ev = events.get(ValueLayout.JAVA_INT_UNALIGNED, at);
            long data = events.get(ValueLayout.JAVA_LONG_UNALIGNED, at + DATA_OFFSET);
            if (data == WAKE_DATA) {
                drainWakeups();
                continue;
            }
            EpollKey k = keys[(int) data];
            if (k == null || k.data != data) continue;  // cancelled while this batch was being dispatched
            int ops = k.interest;
            int ready = (ev & (EPOLLERR | EPOLLHUP)) != 0 ? ops
                    : ((ev & EPOLLIN) != 0 ? ops & (READ | ACCEPT) : 0) | ((ev & EPOLLOUT) != 0 ? ops & (WRITE | CONNECT) : 0);
            if (ready == 0) continue;
            dispatched++;
            dispatcher.dispatch(k.target, ready);
        }
        return dispatched;
    }

    /** Applies the interest changes made since the last wait; returns how many failed and were dispatched. */
    private int applyInterest(Dispatcher dispatcher) {
        int failed = 0;
        for (int i = 0; i < dirtyCount; i++) {
            EpollKey k = dirty[i];
            dirty[i] = null;
            try {
                k.apply();
            } catch (IOException e) {
                // A descriptor the kernel refuses (closed behind the poller's back): report it ready, as an error
                // would be, so its owner's next read or write fails and closes it.
                failed++;
                dispatcher.dispatch(k.target, k.interest);
            }
        }
        dirtyCount = 0;
        return failed;
    }

    private void drainWakeups() {
        try {
            long ignored = (long) FD_READ.invokeExact(wakeFd, drain.address(), 8L);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    synchronized void wakeup() {
        if (closed) return;
        try {
            long ignored = (long) FD_WRITE.invokeExact(wakeFd, ONE.address(), 8L);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private void ctl(int op, int fd, int events, long data) throws IOException {
        ctlEvent.set(ValueLayout.JAVA_INT_UNALIGNED, 0, events);
        ctlEvent.set(ValueLayout.JAVA_LONG_UNALIGNED, DATA_OFFSET, data);
        int r;
        try {
            r = (int) EPOLL_CTL.invokeExact(capture, epfd, op, fd, ctlEventAddress);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            int errno = SocketIo.errno(capture);
            if (op == EPOLL_CTL_DEL && (errno == ENOENT || errno == EBADF)) return;
            throw new IOException("epoll_ctl(" + op + ", fd " + fd + ") failed: " + SocketIo.describe(errno));
        }
    }

    @Override
    void closeChannels() {
        for (int i = 0; i < slotsUsed; i++) {
            EpollKey k = keys[i];
            if (k == null) continue;
            k.cancel();
            try {
                k.channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            int ignored = (int) CLOSE.invokeExact(epfd);
            ignored = (int) CLOSE.invokeExact(wakeFd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        arena.close();
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        throw new IllegalStateException(t);
    }
}
