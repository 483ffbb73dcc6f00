package dev.gannet.testing;

import dev.gannet.http.HttpServer;
import dev.gannet.http.LocalConnector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared contract with no socket, plus what the raw connector offers on its own. */
@GannetTest(mode = Mode.LOCAL)
class LocalModeTest extends AppContract {
    private final TestClient constructorClient;
    private final HttpServer constructorApp;

    LocalModeTest(TestClient client, HttpServer app) {
        this.constructorClient = client;
        this.constructorApp = app;
    }

    @Override
    Mode expectedMode() {
        return Mode.LOCAL;
    }

    @Test
    void constructorAndMethodGetTheSameClientAndApp(TestClient client, HttpServer app) {
        assertThat(constructorClient).isSameAs(client);
        assertThat(constructorApp).isSameAs(app);
    }

    @Test
    void rawPipelinedRequestsThroughTheInjectedConnector(LocalConnector local) {
        String out = local.request("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(out.indexOf("slept on a virtual thread")).isPositive().isLessThan(out.indexOf("Hello, World!"));
        assertThat(local.isOpen()).isTrue();
    }

    @Test
    void aConnectionTheServerClosedDoesNotBreakTheClient(LocalConnector local, TestClient client) {
        // A framing error closes that connection; the client opens a fresh one per request, so it carries on.
        String out = local.request("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertThat(out).startsWith("HTTP/1.1 400 ");
        assertThat(local.isOpen()).isFalse();
        assertThat(client.get("/hello").status()).isEqualTo(200);
    }
}
