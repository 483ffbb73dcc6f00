package dev.gannet.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header line, formatted once per second and shared: formatting a date per response would
 * cost more than the rest of a small response. Readers on any thread see a whole line (the array is replaced,
 * never written in place).
 */
final class DateHeader {
    /**
     * RFC 9110's IMF-fixdate, the one format a server sends dates in ("Sun, 06 Nov 1994 08:49:37 GMT"): always two
     * digits for the day, where {@link DateTimeFormatter#RFC_1123_DATE_TIME} prints one ("6 Nov"). English names
     * whatever the default locale.
     */
    static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    /** A formatted line and the {@link System#nanoTime()} at which its second ends. */
    private record Line(byte[] bytes, long endsAt) {}

    private static volatile Line current = refresh();

    private DateHeader() {
    }

    /**
     * "Date: ...\r\n" for the second that {@code nanoNow} (a {@link System#nanoTime()}, such as the connection's
     * event time) falls in. Comparing against the end of the second costs no clock read on the hot path.
     */
    static byte[] line(long nanoNow) {
        Line l = current;
        if (nanoNow - l.endsAt >= 0) l = refresh();
        return l.bytes;
    }

    private static Line refresh() {
        long nanos = System.nanoTime();
        long millis = System.currentTimeMillis();
        Line l = new Line(format(millis), nanos + (1000 - millis % 1000) * 1_000_000L);
        current = l;
        return l;
    }

    private static byte[] format(long millis) {
        return ("Date: " + IMF_FIXDATE.format(Instant.ofEpochMilli(millis)) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
