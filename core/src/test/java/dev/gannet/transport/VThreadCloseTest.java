package dev.gannet.transport;

/** The close suite on the vthread engine. */
class VThreadCloseTest extends CloseSuite {
    @Override
    String engine() {
        return "vthread";
    }
}
