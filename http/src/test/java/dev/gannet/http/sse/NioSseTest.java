package dev.gannet.http.sse;

class NioSseTest extends SseSuite {
    @Override
    String engine() {
        return "nio";
    }
}
