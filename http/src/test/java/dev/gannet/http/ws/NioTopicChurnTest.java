package dev.gannet.http.ws;

class NioTopicChurnTest extends TopicChurnSuite {
    @Override
    String engine() {
        return "nio";
    }
}
