package dev.gannet.http.h1;

/** The protocol versions an HTTP/1 request may carry; any other is refused with 505. */
public enum HttpVersion {
    HTTP_1_0("HTTP/1.0"),
    HTTP_1_1("HTTP/1.1");

    private final String text;

    HttpVersion(String text) {
        this.text = text;
    }

    /** As it appears on the wire, e.g. {@code HTTP/1.1}. */
    public String text() {
        return text;
    }
}
