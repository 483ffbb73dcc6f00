package dev.gannet.http.ws;

class VThreadWebSocketKeepAliveTest extends WebSocketKeepAliveSuite {
    @Override
    String engine() {
        return "vthread";
    }
}
