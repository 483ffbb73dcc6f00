package dev.gannet.nats;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Maps topic names to NATS subjects: the prefix, then the name as one subject token.
 *
 * <p>Topic names are arbitrary strings (often a path parameter), but a NATS subject token may not contain
 * {@code .} (the token separator), {@code *} or {@code >} (wildcards) or whitespace, and some clients choke on other
 * punctuation. So the name is percent-encoded over its UTF-8 bytes, keeping only {@code A-Z a-z 0-9 - _} as they
 * are: {@code lobby} stays {@code gannet.topic.lobby} (readable with {@code nats sub 'gannet.topic.>'}), and
 * {@code a.b *} becomes {@code gannet.topic.a%2Eb%20%2A}. The mapping is injective (the {@code %} itself is
 * escaped), so two topics never share a subject. The empty name, which percent-encoding would turn into an empty
 * (invalid) token, is {@code %} alone, which no encoding produces otherwise.
 *
 * <p>NATS bounds a protocol line (4 KiB by default), so a name whose encoding is longer than
 * {@link #MAX_TOKEN} characters is replaced by {@code ~} and the base64url SHA-256 of its UTF-8 bytes: still the same
 * on every node, still distinct in practice, and {@code ~} is escaped in the readable form so the two never meet.
 */
final class TopicSubjects {
    /** The longest readable token; longer names are hashed. */
    static final int MAX_TOKEN = 200;

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private TopicSubjects() {
    }

    /** The subject for {@code topic} under {@code prefix} (which ends with a dot). */
    static String subject(String prefix, String topic) {
        return prefix + token(topic);
    }

    /** One subject token for {@code topic}: percent-encoded, or hashed when long. */
    static String token(String topic) {
        if (topic.isEmpty()) return "%";
        byte[] utf8 = topic.getBytes(StandardCharsets.UTF_8);
        int len = 0;
        for (byte b : utf8) len += plain(b) ? 1 : 3;
        if (len > MAX_TOKEN) return "~" + Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(utf8));
        if (len == utf8.length) return topic; // the common case: nothing to escape
        byte[] out = new byte[len];
        int o = 0;
        for (byte b : utf8) {
            if (plain(b)) {
                out[o++] = b;
            } else {
                out[o++] = '%';
                out[o++] = HEX[(b >>> 4) & 0xF];
                out[o++] = HEX[b & 0xF];
            }
        }
        return new String(out, StandardCharsets.US_ASCII);
    }

    private static boolean plain(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-' || b == '_';
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
