package dev.gannet.http;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * One HTTP request, as a JFR event. Off by default: enable {@code dev.gannet.HttpRequest} in a JFR configuration
 * (or {@code -XX:StartFlightRecording:settings=...}). While it is off the server checks one flag per request and
 * allocates nothing for it.
 */
@Name("dev.gannet.HttpRequest")
@Label("HTTP Request")
@Category({"Gannet", "HTTP"})
@Description("An HTTP request handled by Gannet, from routing to the end of its handler")
@Enabled(false)
@StackTrace(false)
final class RequestEvent extends Event {
    private static final EventType TYPE = EventType.getEventType(RequestEvent.class);

    @Label("Method")
    String method;
    @Label("Path")
    String path;
    @Label("Route")
    String route;
    @Label("Status")
    int status;

    static boolean enabled() {
        return TYPE.isEnabled();
    }
}
