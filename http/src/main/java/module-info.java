/**
 * Gannet's HTTP server: HTTP/1.1, routing, middleware, static files, WebSocket and server-sent events. Pure Java:
 * it needs native access only through {@code dev.gannet.core} and the engines.
 */
module dev.gannet.http {
    requires transitive dev.gannet.core;
    requires tools.jackson.databind;
    requires dsl.json;
    // DSL-JSON is an automatic module and cannot say that it loads java.sql's date types when it starts.
    requires java.sql;
    requires HdrHistogram;
    requires jdk.jfr;

    exports dev.gannet.http;
    exports dev.gannet.http.middleware;
    exports dev.gannet.http.router;
    exports dev.gannet.http.sse;
    exports dev.gannet.http.ws;
    exports dev.gannet.http.ws.codec;
    exports dev.gannet.http.h1;
}
