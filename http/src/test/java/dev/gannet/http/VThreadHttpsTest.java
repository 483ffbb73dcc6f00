package dev.gannet.http;

/** HTTP over TLS on the vthread engine. */
class VThreadHttpsTest extends HttpsSuite {
    @Override
    String engine() {
        return "vthread";
    }
}
