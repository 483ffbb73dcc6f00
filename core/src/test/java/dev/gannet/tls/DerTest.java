package dev.gannet.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DerTest {

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void encodesKnownValues() {
        assertThat(hex(Der.oid("1.2.840.10045.2.1"))).isEqualTo("06072a8648ce3d0201");
        assertThat(hex(Der.oid("2.5.29.17"))).isEqualTo("0603551d11");
        assertThat(hex(Der.integer(0))).isEqualTo("020100");
        assertThat(hex(Der.integer(128))).isEqualTo("02020080"); // a leading zero keeps it positive
        assertThat(hex(Der.integer(BigInteger.valueOf(-1)))).isEqualTo("0201ff");
        assertThat(hex(Der.bool(true))).isEqualTo("0101ff");
        assertThat(hex(Der.nul())).isEqualTo("0500");
        assertThat(hex(Der.bitString(new byte[] {1}))).isEqualTo("03020001");
        assertThat(hex(Der.explicit(0, Der.integer(2)))).isEqualTo("a003020102");
        assertThat(hex(Der.implicit(2, new byte[] {'a'}))).isEqualTo("820161");
    }

    @Test
    void usesLongLengthsWhenNeeded() {
        assertThat(hex(Der.octetString(new byte[127])).substring(0, 4)).isEqualTo("047f");
        assertThat(hex(Der.octetString(new byte[128])).substring(0, 6)).isEqualTo("048180");
        assertThat(hex(Der.octetString(new byte[300])).substring(0, 8)).isEqualTo("0482012c");
        assertThat(hex(Der.octetString(new byte[70_000])).substring(0, 10)).isEqualTo("0483011170");
    }

    @Test
    void encodesTimesPerRfc5280() {
        assertThat(new String(Der.time(Instant.parse("2030-01-02T03:04:05Z"))).substring(2)).isEqualTo("300102030405Z");
        assertThat(Der.time(Instant.parse("2030-01-02T03:04:05Z"))[0]).isEqualTo((byte) Der.UTC_TIME);
        assertThat(new String(Der.time(Instant.parse("2050-01-02T03:04:05Z"))).substring(2)).isEqualTo("20500102030405Z");
        assertThat(Der.time(Instant.parse("2050-01-02T03:04:05Z"))[0]).isEqualTo((byte) Der.GENERALIZED_TIME);
    }

    @Test
    void readsWhatItWrites() {
        byte[] encoded = Der.sequence(Der.integer(7), Der.octetString(new byte[200]), Der.explicit(1, Der.nul()));
        Der.Reader r = new Der.Reader(encoded).next(Der.SEQUENCE).children();
        assertThat(r.next().integer()).isEqualTo(BigInteger.valueOf(7));
        assertThat(r.next(Der.OCTET_STRING).content()).hasSize(200);
        Der.Element tagged = r.next();
        assertThat(tagged.tag()).isEqualTo(0xa1);
        assertThat(tagged.children().next(Der.NULL).content()).isEmpty();
        assertThat(r.hasMore()).isFalse();
    }

    @Test
    void rejectsMalformedInput() {
        assertThatThrownBy(() -> new Der.Reader(new byte[] {0x30, 0x05, 0x02}).next())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> new Der.Reader(new byte[] {0x30, (byte) 0x80, 0, 0}).next())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("indefinite");
        assertThatThrownBy(() -> new Der.Reader(new byte[] {0x02, 0x01, 0x00}).next(Der.SEQUENCE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected");
    }
}
