package dev.gannet.http.sse;

class VThreadSseTest extends SseSuite {
    @Override
    String engine() {
        return "vthread";
    }
}
