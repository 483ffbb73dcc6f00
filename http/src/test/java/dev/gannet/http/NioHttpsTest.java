package dev.gannet.http;

/** HTTP over TLS on the nio engine. */
class NioHttpsTest extends HttpsSuite {
    @Override
    String engine() {
        return "nio";
    }
}
