package dev.gannet.http.ws;

import java.util.concurrent.Executor;

/** Placeholder: the server side of one WebSocket connection. */
abstract class WsSession implements WebSocket {
    abstract Executor loop();

    abstract boolean join(Topic t);

    abstract boolean leave(Topic t);

    abstract void topicSlot(Object group, int slot);

    abstract int topicSlot(Object group);
}
