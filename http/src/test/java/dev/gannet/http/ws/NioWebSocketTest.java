package dev.gannet.http.ws;

class NioWebSocketTest extends WebSocketSuite {
    @Override
    String engine() {
        return "nio";
    }
}
