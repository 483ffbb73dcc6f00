package dev.gannet.http;

import dev.gannet.testsupport.ExternalTool;
import dev.gannet.http.ws.WebSocket;
import dev.gannet.http.ws.WebSocketHandler;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Python's {@code websockets} (Debian python3-websockets), an independent implementation, against the server:
 * echo of text, binary and fragmented messages with permessage-deflate on, a ping, and the close handshake.
 */
class WebSocketThirdPartyClientTest {
    private static final String SCRIPT = """
            import asyncio, sys, websockets
            async def main(uri):
                async with websockets.connect(uri, compression="deflate", max_size=2**20) as ws:
                    ext = ws.response_headers.get("Sec-WebSocket-Extensions")
                    assert ext and ext.startswith("permessage-deflate"), ext
                    await ws.send("hello from python")
                    assert await ws.recv() == "hello from python"
                    big = "abc" * 20000
                    await ws.send(big)
                    assert await ws.recv() == big
                    blob = bytes(range(256)) * 10
                    await ws.send(blob)
                    assert await ws.recv() == blob
                    await ws.send(["frag", "ment", "ed"])
                    got = await ws.recv()
                    assert got == "fragmented", got
                    await asyncio.wait_for(await ws.ping(b"p"), 5)
                    await ws.close(code=1000, reason="bye")
                    print("OK", ws.close_code)
            asyncio.run(main(sys.argv[1]))
            """;

    /** A python3 that has the module: Debian's, which pyenv or a venv earlier on PATH may hide. */
    static String pythonWithWebsockets() throws Exception {
        for (String candidate : new String[] {"/usr/bin/python3", "python3"}) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import websockets").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor() == 0) return candidate;
            } catch (java.io.IOException notThere) {
                // try the next one
            }
        }
        String why = "python3 with the websockets module is not installed (Debian: apt-get install python3-websockets)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(why + "; .ci/run should have installed it");
        Assumptions.abort(why);
        return null;
    }

    @Test
    void pythonWebsocketsEchoesWithCompressionAndClosesCleanly() throws Exception {
        String python = pythonWithWebsockets();
        Server server = HttpServer.create(HttpConfig.builder()
                        .server(ServerConfig.builder().host("127.0.0.1", 0).engine("nio").threads(1).build()).build())
                .ws("/echo", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.send(text);
                    }

                    @Override
                    public void onBinary(WebSocket ws, ByteBuffer data) {
                        ws.send(data);
                    }
                })
                .start();
        Path script = Files.createTempFile("gannet-ws", ".py");
        try {
            Files.writeString(script, SCRIPT);
            String out = ExternalTool.run(python, script.toString(), "ws://127.0.0.1:" + server.port() + "/echo");
            assertThat(out.trim()).isEqualTo("OK 1000");
        } finally {
            Files.deleteIfExists(script);
            server.shutdownGracefully(Duration.ofSeconds(1)).join();
        }
    }
}
