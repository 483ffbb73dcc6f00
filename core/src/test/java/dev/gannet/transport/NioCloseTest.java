package dev.gannet.transport;

/** The close suite on the nio engine. */
class NioCloseTest extends CloseSuite {
    @Override
    String engine() {
        return "nio";
    }
}
