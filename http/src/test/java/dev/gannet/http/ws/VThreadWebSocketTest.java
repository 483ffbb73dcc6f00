package dev.gannet.http.ws;

class VThreadWebSocketTest extends WebSocketSuite {
    @Override
    String engine() {
        return "vthread";
    }
}
