package dev.gannet.http.ws.codec;

/**
 * Which end of a WebSocket connection a codec serves. RFC 6455 5.1/5.3: a client masks every frame it sends and a
 * server masks none, so a SERVER decoder expects masked frames and a CLIENT decoder unmasked ones.
 */
public enum Role {
    SERVER, CLIENT
}
