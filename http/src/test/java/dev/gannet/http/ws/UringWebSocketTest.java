package dev.gannet.http.ws;

class UringWebSocketTest extends WebSocketSuite {
    @Override
    String engine() {
        return "io_uring";
    }
}
