package dev.gannet.server;

import dev.gannet.engine.Engines;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The converters of {@code serve}'s flag values. They check a value when picocli parses it, so that a wrong one is a
 * usage error (exit 2) named after its flag before anything starts; picocli puts "Invalid value for option
 * '--port': " before each message.
 */
final class CliValues {
    private CliValues() {
    }

    /** A TCP port: 0 (any free port) to 65535. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int port = integer(value, "a port");
            if (port < 0 || port > 65_535) {
                throw new TypeConversionException(value + " is out of range; give 1 to 65535 (0 for any free port)");
            }
            return port;
        }
    }

    /** The event-loop count: 0 for one per core. */
    static final class Threads implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = integer(value, "a thread count");
            if (n < 0) throw new TypeConversionException(value + " is negative; give 1 or more, or 0 for one per core");
            return n;
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m)?");

    /** A duration: 500ms, 30s, 2m, or a bare number of seconds. */
    static final class DurationValue implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Matcher m = DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a duration; give a whole number with ms, s "
                        + "or m, e.g. 500ms, 30s or 2m");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            };
        }
    }

    /** An engine this build has: the names come from the engines themselves, so a new one needs no change here. */
    static final class Engine implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String name = value.strip().toLowerCase(Locale.ROOT);
            TreeSet<String> known = new TreeSet<>();
            Engines.names().forEach(known::add);
            if (name.equals("auto") || known.contains(name)) return name;
            throw new TypeConversionException("unknown engine '" + value + "'; choose auto, " + String.join(", ", known));
        }
    }

    /** What {@code serve} serves. */
    static final class Mode implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String mode = value.strip().toLowerCase(Locale.ROOT);
            if (mode.equals("http") || mode.equals("echo")) return mode;
            throw new TypeConversionException("unknown mode '" + value + "'; choose http or echo");
        }
    }

    /**
     * Comma-separated NATS URLs, each checked with the NATS client's own parser (so that what passes here is what
     * it accepts). Blank means no NATS, as an empty {@code NATS_URL} does.
     */
    static final class NatsUrls implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.isBlank()) return value;
            for (String url : value.split(",")) {
                String u = url.strip();
                try {
                    var parsed = new io.nats.client.support.NatsUri(u);
                    if (parsed.getHost() == null || parsed.getHost().isEmpty()) throw new java.net.URISyntaxException(u, "no host");
                } catch (java.net.URISyntaxException | RuntimeException e) {
                    throw new TypeConversionException("'" + u + "' is not a NATS URL; give nats://HOST:PORT (e.g. "
                            + "nats://127.0.0.1:4222), several separated by commas");
                }
            }
            return value;
        }
    }

    private static int integer(String value, String what) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not " + what + "; give a whole number");
        }
    }
}
