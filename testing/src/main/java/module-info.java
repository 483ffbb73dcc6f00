/** JUnit 5 support: a real Gannet server on an ephemeral port, or an in-memory connector, with a client injected. */
module dev.gannet.testing {
    requires transitive dev.gannet.http;
    requires transitive org.junit.jupiter.api;
    requires org.junit.platform.commons;
    requires java.net.http;

    exports dev.gannet.testing;
}
