/** Fan-out of WebSocket topics across Gannet nodes over NATS ({@code io.nats.jnats}). */
module dev.gannet.nats {
    requires transitive dev.gannet.http;
    requires io.nats.jnats;

    exports dev.gannet.nats;
}
