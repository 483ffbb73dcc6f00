package dev.gannet.transport;

/** Closes asked for from other threads, on the nio engine. */
class NioCrossThreadCloseTest extends CrossThreadCloseSuite {
    @Override
    String engine() {
        return "nio";
    }
}
