package dev.gannet.tls;

/** Placeholder: the TLS package is being written. */
public record TlsConfig() {
}
