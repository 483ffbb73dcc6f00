package dev.gannet.http.ws;

class NioWebSocketKeepAliveTest extends WebSocketKeepAliveSuite {
    @Override
    String engine() {
        return "nio";
    }
}
