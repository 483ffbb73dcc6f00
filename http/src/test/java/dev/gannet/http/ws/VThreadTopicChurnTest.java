package dev.gannet.http.ws;

class VThreadTopicChurnTest extends TopicChurnSuite {
    @Override
    String engine() {
        return "vthread";
    }
}
