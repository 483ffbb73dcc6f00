package dev.gannet.http;

class VThreadHttpTest extends HttpSuite {
    @Override
    String engine() {
        return "vthread";
    }
}
