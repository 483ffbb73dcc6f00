package dev.gannet.transport;

/** The transport suite on the nio engine in SO_REUSEPORT mode: one listening socket per loop. */
class NioReusePortTransportTest extends TransportSuite {
    @Override
    String engine() {
        return "nio";
    }

    @Override
    ServerConfig.Builder config() {
        return super.config().reusePort(true).balance(ServerConfig.Balance.LEAST_CONNECTIONS);
    }
}
