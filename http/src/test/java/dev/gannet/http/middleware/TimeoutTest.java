package dev.gannet.http.middleware;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimeoutTest {
    static TestServer server;
    static final AtomicBoolean interruptedLeaked = new AtomicBoolean();

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(app -> app
                .use(Recovery.create())
                .use(Timeout.of(Duration.ofMillis(200)))
                .blocking().get("/sleep", (req, res) -> {
                    Thread.sleep(2000);
                    res.text("woke up");
                })
                .blocking().get("/swallow", (req, res) -> {
                    try {
                        Thread.sleep(2000);
                    } catch (InterruptedException e) {
                        // A handler that ignores the interrupt and returns without answering.
                    }
                })
                .blocking().get("/quick", (req, res) -> {
                    Thread.sleep(10);
                    interruptedLeaked.compareAndSet(false, Thread.currentThread().isInterrupted());
                    res.text("quick");
                })
                .get("/loop", (req, res) -> {
                    // On the event loop Timeout passes through: this overruns the 200 ms and still answers.
                    Thread.sleep(300);
                    res.text("loop");
                }));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void slowBlockingHandlerGets503QuicklyAndTheServerStillServes() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = server.get("/sleep");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(took).isLessThan(Duration.ofMillis(1500));
        assertThat(server.get("/quick").body()).isEqualTo("quick");
    }

    @Test
    void handlerThatSwallowsTheInterruptStillGets503() throws Exception {
        assertThat(server.get("/swallow").statusCode()).isEqualTo(503);
    }

    @Test
    void fastHandlersAreUntouched() throws Exception {
        for (int i = 0; i < 20; i++) assertThat(server.get("/quick").statusCode()).isEqualTo(200);
        assertThat(interruptedLeaked).isFalse();
    }

    @Test
    void eventLoopHandlersPassThrough() throws Exception {
        HttpResponse<String> r = server.get("/loop");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("loop");
    }

    @Test
    void pipelinedRequestsAfterATimeoutStayInOrder() throws Exception {
        try (TestServer.Raw raw = server.raw()) {
            assertThat(raw.exchange("GET /sleep HTTP/1.1\r\nHost: x\r\n\r\n").status()).isEqualTo(503);
            assertThat(raw.exchange("GET /quick HTTP/1.1\r\nHost: x\r\n\r\n").text()).isEqualTo("quick");
        }
    }

    @Test
    void onTheVthreadEngineEveryRouteIsTimedAndTheConnectionSurvivesTheInterrupt() throws Exception {
        try (TestServer s = TestServer.start("vthread", app -> app
                .use(Timeout.of(Duration.ofMillis(200)))
                .get("/sleep", (req, res) -> {
                    Thread.sleep(2000);
                    res.text("woke up");
                })
                .get("/quick", (req, res) -> res.text("quick")))) {
            try (TestServer.Raw raw = s.raw()) {
                long start = System.nanoTime();
                assertThat(raw.exchange("GET /sleep HTTP/1.1\r\nHost: x\r\n\r\n").status()).isEqualTo(503);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
                // Same socket: the interrupt did not close the connection's channel.
                assertThat(raw.exchange("GET /quick HTTP/1.1\r\nHost: x\r\n\r\n").text()).isEqualTo("quick");
            }
        }
    }
}
