package dev.gannet.transport;

/**
 * Socket options for listening and connected sockets.
 *
 * @param tcpNoDelay        disable Nagle (on by default: request/response traffic wants it)
 * @param reuseAddress      SO_REUSEADDR on listening sockets
 * @param reusePort         SO_REUSEPORT: each event loop gets its own listening socket and the kernel spreads
 *                          connections across them
 * @param keepAlive         SO_KEEPALIVE
 * @param receiveBufferSize SO_RCVBUF in bytes, 0 for the kernel default
 * @param sendBufferSize    SO_SNDBUF in bytes, 0 for the kernel default
 * @param backlog           the listen backlog (the kernel caps it at somaxconn)
 * @param fastOpenQueue     TCP_FASTOPEN queue length on listening sockets, 0 for off (Linux, through FFM)
 * @param deferAcceptSeconds TCP_DEFER_ACCEPT: wake the acceptor only once data arrived, 0 for off (Linux, through FFM)
 */
public record SocketOptions(
        boolean tcpNoDelay,
        boolean reuseAddress,
        boolean reusePort,
        boolean keepAlive,
        int receiveBufferSize,
        int sendBufferSize,
        int backlog,
        int fastOpenQueue,
        int deferAcceptSeconds) {

    public static final int DEFAULT_BACKLOG = 4096;
    public static final SocketOptions DEFAULTS = builder().build();

    public SocketOptions {
        if (receiveBufferSize < 0 || sendBufferSize < 0) throw new IllegalArgumentException("buffer sizes must be >= 0");
        if (backlog < 1) throw new IllegalArgumentException("backlog must be >= 1");
        if (fastOpenQueue < 0 || deferAcceptSeconds < 0) throw new IllegalArgumentException("fastOpenQueue and deferAcceptSeconds must be >= 0");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().tcpNoDelay(tcpNoDelay).reuseAddress(reuseAddress).reusePort(reusePort).keepAlive(keepAlive)
                .receiveBufferSize(receiveBufferSize).sendBufferSize(sendBufferSize).backlog(backlog)
                .fastOpenQueue(fastOpenQueue).deferAcceptSeconds(deferAcceptSeconds);
    }

    public static final class Builder {
        private boolean tcpNoDelay = true;
        private boolean reuseAddress = true;
        private boolean reusePort;
        private boolean keepAlive;
        private int receiveBufferSize;
        private int sendBufferSize;
        private int backlog = DEFAULT_BACKLOG;
        private int fastOpenQueue;
        private int deferAcceptSeconds;

        public Builder tcpNoDelay(boolean v) { tcpNoDelay = v; return this; }
        public Builder reuseAddress(boolean v) { reuseAddress = v; return this; }
        public Builder reusePort(boolean v) { reusePort = v; return this; }
        public Builder keepAlive(boolean v) { keepAlive = v; return this; }
        public Builder receiveBufferSize(int v) { receiveBufferSize = v; return this; }
        public Builder sendBufferSize(int v) { sendBufferSize = v; return this; }
        public Builder backlog(int v) { backlog = v; return this; }
        public Builder fastOpenQueue(int v) { fastOpenQueue = v; return this; }
        public Builder deferAcceptSeconds(int v) { deferAcceptSeconds = v; return this; }

        public SocketOptions build() {
            return new SocketOptions(tcpNoDelay, reuseAddress, reusePort, keepAlive, receiveBufferSize, sendBufferSize,
                    backlog, fastOpenQueue, deferAcceptSeconds);
        }
    }
}
