package dev.gannet.transport;

/** The transport suite on the nio engine, acceptor mode with two loops. */
class NioTransportTest extends TransportSuite {
    @Override
    String engine() {
        return "nio";
    }
}
