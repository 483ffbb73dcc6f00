package dev.gannet.http;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The request event is off unless a recording enables it, and then carries the request. */
class JfrEventsTest {
    @TempDir
    Path dir;

    @Test
    void requestEventIsRecordedWhenEnabled() throws Exception {
        LocalConnector local = LocalConnector.of(HttpServer.create().get("/items/{id}", (req, res) -> res.status(201).text("ok")));
        local.request("GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n"); // not recorded: off by default
        Path file = dir.resolve("r.jfr");
        try (Recording r = new Recording()) {
            r.enable("dev.gannet.HttpRequest");
            r.start();
            local.request("GET /items/7 HTTP/1.1\r\nHost: x\r\n\r\n");
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("dev.gannet.HttpRequest")).toList();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getString("path")).isEqualTo("/items/7");
        assertThat(events.get(0).getString("route")).isEqualTo("/items/{id}");
        assertThat(events.get(0).getInt("status")).isEqualTo(201);
    }
}
