package dev.gannet.http;

/** A route's code: reads the request, fills in the response. Runs on the event loop unless the route is blocking. */
@FunctionalInterface
public interface HttpHandler {
    void handle(Request request, Response response) throws Exception;
}
