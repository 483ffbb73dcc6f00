package dev.gannet.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The {@code Date} header line, formatted once per second and shared: formatting a date per response would
 * cost more than the rest of a small response. Readers on any thread see a whole line (the array is replaced,
 * never written in place).
 */
final class DateHeader {
    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static volatile byte[] line = format(System.currentTimeMillis());
    private static volatile long second = System.currentTimeMillis() / 1000;

    private DateHeader() {
    }

    /** "Date: ...\r\n" for the current second. */
    static byte[] line() {
        long now = System.currentTimeMillis() / 1000;
        if (now != second) {
            line = format(now * 1000);
            second = now;
        }
        return line;
    }

    private static byte[] format(long millis) {
        // RFC 9110 wants a two-digit day ("Sun, 06 Nov 1994"); RFC_1123_DATE_TIME prints "6 Nov".
        String s = RFC_1123.format(Instant.ofEpochMilli(millis));
        if (s.charAt(6) == ' ') s = s.substring(0, 5) + "0" + s.substring(5);
        return ("Date: " + s + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
