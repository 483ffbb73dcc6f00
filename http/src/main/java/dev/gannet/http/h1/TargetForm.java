package dev.gannet.http.h1;

/** The four shapes a request-target can take (RFC 9112 section 3.2). */
public enum TargetForm {
    /** {@code /path?query}: the usual form. */
    ORIGIN,
    /** {@code http://host/path?query}: sent to proxies, and accepted by servers. */
    ABSOLUTE,
    /** {@code host:port}: only with CONNECT. */
    AUTHORITY,
    /** {@code *}: only with OPTIONS. */
    ASTERISK
}
