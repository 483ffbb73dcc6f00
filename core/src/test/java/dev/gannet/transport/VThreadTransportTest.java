package dev.gannet.transport;

/** The transport suite on the vthread engine. */
class VThreadTransportTest extends TransportSuite {
    @Override
    String engine() {
        return "vthread";
    }
}
