package dev.gannet.testing;

import dev.gannet.http.HttpConfig;
import dev.gannet.http.HttpServer;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * What the extension does around tests, seen from outside them: each fixture class below is run through a nested JUnit
 * launcher, and only once it has finished do these tests look at what it recorded. That is the one place where
 * "stopped after the class" can be checked without trusting the extension's own callbacks, and where a misuse can be
 * shown to fail with a useful message. Fixtures record the live objects (servers, ports, clients) they were given, and
 * every check first asserts that the fixture really ran, so none can pass on an empty record.
 *
 * <p>Fixture names end in {@code Fixture} and they are static nested classes, so neither surefire nor JUnit runs
 * them on their own.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LifecycleTest {

    // ---- a static @GannetApp: one server per class, stopped after it ----

    @GannetTest
    static class PerClassFixture {
        static final List<Server> SERVERS = Collections.synchronizedList(new ArrayList<>());
        static final List<Integer> PORTS = Collections.synchronizedList(new ArrayList<>());
        static volatile TestClient client;

        @GannetApp
        static HttpServer app(HttpConfig config) {
            return HttpServer.create(config).get("/ping", (req, res) -> res.text("pong"));
        }

        @Test
        void first(Server server, @GannetPort int port, TestClient c) {
            record(server, port, c);
        }

        @Test
        void second(Server server, @GannetPort int port, TestClient c) {
            record(server, port, c);
        }

        private static void record(Server server, int port, TestClient c) {
            assertThat(c.get("/ping").body()).isEqualTo("pong"); // it really served, here, on this port
            SERVERS.add(server);
            PORTS.add(port);
            client = c;
        }
    }

    @Test
    void aPerClassServerIsSharedAndIsStoppedAfterTheClass() throws Exception {
        Results results = run(PerClassFixture.class);
        results.assertSucceeded(2);
        assertThat(PerClassFixture.SERVERS).hasSize(2);
        assertThat(PerClassFixture.SERVERS.get(0)).isSameAs(PerClassFixture.SERVERS.get(1));
        Server server = PerClassFixture.SERVERS.getFirst();
        int port = PerClassFixture.PORTS.getFirst();
        assertThat(port).isPositive().isEqualTo(server.port());
        assertThat(server.terminationFuture()).isDone();
        assertNothingListensOn(port);
        assertThatThrownBy(() -> PerClassFixture.client.get("/ping"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped");
    }

    // ---- an instance @GannetApp: a fresh app per test, stopped after each ----

    @GannetTest
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerTestFixture {
        static final List<Server> SERVERS = Collections.synchronizedList(new ArrayList<>());
        static final List<HttpServer> APPS = Collections.synchronizedList(new ArrayList<>());
        private final String name = "instance-" + System.identityHashCode(this);

        /** Built on the test instance, so it can use instance state; takes the builder form of the config. */
        @GannetApp
        HttpServer app(HttpConfig.Builder config) {
            return HttpServer.create(config.maxKeepAliveRequests(100).build()).get("/who", (req, res) -> res.text(name));
        }

        @BeforeEach
        void everyEarlierServerIsAlreadyStopped(Server current) {
            for (Server earlier : SERVERS) assertThat(earlier.terminationFuture()).isDone();
            assertThat(current.terminationFuture()).isNotDone();
        }

        @Test
        @Order(1)
        void one(Server server, HttpServer app, TestClient client) {
            check(server, app, client);
        }

        @Test
        @Order(2)
        void two(Server server, HttpServer app, TestClient client) {
            check(server, app, client);
        }

        private void check(Server server, HttpServer app, TestClient client) {
            assertThat(client.get("/who").body()).isEqualTo(name);
            assertThat(app.config().maxKeepAliveRequests()).isEqualTo(100);
            SERVERS.add(server);
            APPS.add(app);
        }

        @AfterEach
        void stillRunningInAfterEach(Server server) {
            assertThat(server.terminationFuture()).isNotDone();
        }
    }

    @Test
    void anInstanceAppIsFreshForEveryTestAndStoppedAfterIt() throws Exception {
        run(PerTestFixture.class).assertSucceeded(2);
        assertThat(PerTestFixture.SERVERS).hasSize(2);
        assertThat(PerTestFixture.SERVERS.get(0)).isNotSameAs(PerTestFixture.SERVERS.get(1));
        assertThat(PerTestFixture.APPS.get(0)).isNotSameAs(PerTestFixture.APPS.get(1));
        for (Server s : PerTestFixture.SERVERS) {
            assertThat(s.terminationFuture()).isDone();
            assertNothingListensOn(s.port());
        }
    }

    // ---- @Nested: inherit the enclosing app, or declare one's own (even in another mode) ----

    @GannetTest
    @TestClassOrder(ClassOrderer.OrderAnnotation.class)
    static class NestedFixture {
        static volatile Server outer;
        static volatile Server seenFromNested;
        static volatile TestClient innerClient;
        static volatile HttpServer innerApp;

        @GannetApp
        static HttpServer app(HttpConfig config) {
            return HttpServer.create(config).get("/where", (req, res) -> res.text("outer"));
        }

        @Test
        void outerTest(Server server) {
            outer = server;
        }

        @Nested
        @Order(1)
        @GannetTest(mode = Mode.LOCAL)
        class OwnLocalApp {
            @GannetApp
            static HttpServer app(HttpConfig config) {
                return HttpServer.create(config).get("/where", (req, res) -> res.text("inner"));
            }

            @Test
            void usesItsOwnAppInItsOwnMode(TestClient client, HttpServer app) {
                assertThat(client.mode()).isEqualTo(Mode.LOCAL);
                assertThat(client.get("/where").body()).isEqualTo("inner");
                innerClient = client;
                innerApp = app;
            }
        }

        /** Runs after {@link OwnLocalApp} has stopped its app: the enclosing server must not have gone with it. */
        @Nested
        @Order(2)
        class InheritsTheOuterApp {
            @Test
            void seesTheOuterServer(Server server, TestClient client) {
                assertThat(client.mode()).isEqualTo(Mode.SERVER);
                assertThat(client.get("/where").body()).isEqualTo("outer");
                seenFromNested = server;
            }
        }
    }

    @Test
    void nestedClassesInheritTheEnclosingAppOrUseTheirOwn() throws Exception {
        run(NestedFixture.class).assertSucceeded(3);
        assertThat(NestedFixture.outer).isNotNull().isSameAs(NestedFixture.seenFromNested);
        assertThat(NestedFixture.outer.terminationFuture()).isDone();
        assertNothingListensOn(NestedFixture.outer.port());
        assertThat(NestedFixture.innerApp).isNotNull();
        assertThatThrownBy(() -> NestedFixture.innerClient.get("/where")).isInstanceOf(IllegalStateException.class);
    }

    // ---- a per-class test instance is built before beforeAll: its constructor starts the app early ----

    @GannetTest
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class PerClassInstanceFixture {
        static volatile Server server;
        private final TestClient client;

        PerClassInstanceFixture(TestClient client, Server server) {
            this.client = client;
            PerClassInstanceFixture.server = server;
        }

        @GannetApp
        static HttpServer app(HttpConfig config) {
            return HttpServer.create(config).get("/ping", (req, res) -> res.text("pong"));
        }

        @Test
        void constructorInjectionWorks(Server s) {
            assertThat(s).isSameAs(server);
            assertThat(client.get("/ping").body()).isEqualTo("pong");
        }
    }

    @Test
    void aPerClassInstanceCanTakeTheClientInItsConstructor() throws Exception {
        run(PerClassInstanceFixture.class).assertSucceeded(1);
        assertThat(PerClassInstanceFixture.server.terminationFuture()).isDone();
        assertNothingListensOn(PerClassInstanceFixture.server.port());
    }

    // ---- misuse fails, with a message that says what to do ----

    @GannetTest(mode = Mode.LOCAL)
    static class ServerParameterInLocalModeFixture {
        @GannetApp
        static HttpServer app() {
            return HttpServer.create(); // fine in LOCAL mode: nothing is bound, so its port 8080 does not matter
        }

        @Test
        void wantsAServer(Server server) {
        }

        @Test
        void wantsAPort(@GannetPort int port) {
        }
    }

    @GannetTest
    static class FixedPortFixture {
        @GannetApp
        static HttpServer app() {
            return HttpServer.create(); // the default config: port 8080 on every interface
        }

        @Test
        void neverRuns(TestClient client) {
        }
    }

    @GannetTest(engine = "nio")
    static class WrongEngineFixture {
        @GannetApp
        static HttpServer app() {
            return HttpServer.create(HttpConfig.builder()
                    .server(ServerConfig.builder().host("127.0.0.1", 0).engine("vthread").build()).build());
        }

        @Test
        void neverRuns(TestClient client) {
        }
    }

    @GannetTest
    static class NoAppFixture {
        @Test
        void wantsAClient(TestClient client) {
        }
    }

    @GannetTest
    static class InstanceAppInConstructorFixture {
        InstanceAppInConstructorFixture(TestClient client) {
        }

        @GannetApp
        HttpServer app(HttpConfig config) {
            return HttpServer.create(config);
        }

        @Test
        void neverRuns() {
        }
    }

    @GannetTest
    static class TwoAppsFixture {
        @GannetApp
        static HttpServer one(HttpConfig config) {
            return HttpServer.create(config);
        }

        @GannetApp
        static HttpServer two(HttpConfig config) {
            return HttpServer.create(config);
        }

        @Test
        void neverRuns(TestClient client) {
        }
    }

    @Test
    void misuseFailsWithAMessageThatSaysWhatToDo() {
        Results local = run(ServerParameterInLocalModeFixture.class);
        assertThat(local.succeeded).isZero();
        assertThat(local.failures).hasSize(2).allSatisfy(m -> assertThat(m).contains("Mode.LOCAL", "TestClient"));

        assertThat(run(FixedPortFixture.class).failures).singleElement().asString().contains("port 0", "HttpConfig parameter");
        assertThat(run(WrongEngineFixture.class).failures).singleElement().asString().contains("'vthread'", "'nio'");
        assertThat(run(NoAppFixture.class).failures).singleElement().asString().contains("no @GannetApp method");
        assertThat(run(InstanceAppInConstructorFixture.class).failures).singleElement().asString().contains("instance method", "static");
        assertThat(run(TwoAppsFixture.class).failures).singleElement().asString().contains("more than one @GannetApp");
    }

    // ---- helpers ----

    private static void assertNothingListensOn(int port) throws Exception {
        assertThat(port).isPositive();
        try (Socket s = new Socket()) {
            assertThatThrownBy(() -> s.connect(new InetSocketAddress("127.0.0.1", port), 2000))
                    .as("a connection to 127.0.0.1:%d after the app was stopped", port)
                    .isInstanceOf(ConnectException.class);
        }
    }

    private static Results run(Class<?> fixture) {
        Results results = new Results();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(fixture)).build(), results);
        return results;
    }

    /** Tests that passed, and the message of every test or container that failed (a failed beforeAll fails the class). */
    private static final class Results implements TestExecutionListener {
        volatile int succeeded;
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                if (id.isTest()) succeeded++;
                return;
            }
            Throwable t = result.getThrowable().orElse(null);
            errors.add(t);
            failures.add(id.getDisplayName() + ": " + (t == null ? result.getStatus() : t));
        }

        void assertSucceeded(int tests) {
            if (!errors.isEmpty()) {
                AssertionError e = new AssertionError("the fixture failed: " + failures);
                errors.forEach(t -> { if (t != null) e.addSuppressed(t); });
                throw e;
            }
            assertThat(succeeded).as("tests that ran and passed").isEqualTo(tests);
        }
    }
}
