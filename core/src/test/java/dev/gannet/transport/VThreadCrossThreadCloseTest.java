package dev.gannet.transport;

/** Closes asked for from other threads, on the vthread engine. */
class VThreadCrossThreadCloseTest extends CrossThreadCloseSuite {
    @Override
    String engine() {
        return "vthread";
    }
}
