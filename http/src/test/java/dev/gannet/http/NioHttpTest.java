package dev.gannet.http;

class NioHttpTest extends HttpSuite {
    @Override
    String engine() {
        return "nio";
    }
}
