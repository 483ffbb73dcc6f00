package dev.gannet.http.ws.codec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Test helpers: builds frames and feeds bytes to decoders the way a transport would. */
final class Decoding {
    static final int KEY = 0x37FA213D;
    private static final HexFormat HEX = HexFormat.of();

    private Decoding() {
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    /** A frame with the given first byte (FIN, RSV bits, opcode), the minimal length encoding, masked or not. */
    static byte[] frame(int b0, byte[] payload, boolean masked) {
        ByteBuffer b = ByteBuffer.allocate(FrameEncoder.headerLength(payload.length, masked) + payload.length);
        FrameEncoder.writeHeader(b, (b0 & 0x80) != 0, (b0 & 0x40) != 0, b0 & 0x0F, payload.length, masked, KEY);
        b.array()[0] = (byte) b0;                  // keep RSV2/RSV3 if a test sets them
        int h = b.position();
        b.put(payload);
        if (masked) FrameEncoder.mask(b, h, payload.length, KEY, 0);
        return b.array();
    }

    /** Records what a decoder reports, one string per call. */
    static class Recorder implements MessageDecoder.Listener {
        final List<String> events = new ArrayList<>();

        @Override public void onText(String text) {
            events.add("text:" + (text.length() > 64 ? text.length() + "#" + text.hashCode() : text));
        }

        @Override public void onBinary(ByteBuffer data) {
            events.add("binary:" + describe(data));
        }

        @Override public void onPing(ByteBuffer payload) {
            events.add("ping:" + describe(payload));
        }

        @Override public void onPong(ByteBuffer payload) {
            events.add("pong:" + describe(payload));
        }

        @Override public void onClose(int code, String reason) {
            events.add("close:" + code + ":" + reason);
        }

        @Override public void onError(int closeCode, String reason) {
            events.add("error:" + closeCode);
        }

        private static String describe(ByteBuffer b) {
            byte[] a = new byte[b.remaining()];
            b.duplicate().get(a);
            if (a.length <= 32) return HEX.formatHex(a);
            return a.length + "#" + java.util.Arrays.hashCode(a);
        }
    }

    static String hex(byte[] a) {
        return HEX.formatHex(a);
    }

    static String describe(byte[] a) {
        return a.length <= 32 ? HEX.formatHex(a) : a.length + "#" + java.util.Arrays.hashCode(a);
    }

    /**
     * Feeds data in pieces of the given sizes through a buffer that keeps what the decoder left unconsumed, as a
     * transport does (compact, append the next read, decode again).
     */
    static List<String> feed(MessageDecoder d, byte[] data, int[] pieces, boolean direct) {
        Recorder r = new Recorder();
        ByteBuffer pending = direct ? ByteBuffer.allocateDirect(data.length + 1) : ByteBuffer.allocate(data.length + 1);
        int off = 0;
        for (int n : pieces) {
            pending.put(data, off, n).flip();
            off += n;
            d.decode(pending, r);
            pending.compact();
        }
        assertThat(off).isEqualTo(data.length);
        return r.events;
    }

    static List<String> feedWhole(MessageDecoder d, byte[] data) {
        return feed(d, data, new int[]{data.length}, false);
    }

    /**
     * Decodes data whole, byte by byte, in random pieces and into a direct buffer, with a fresh decoder each time,
     * asserts that all give the same events, and returns them.
     */
    static List<String> decodeEverySplit(Supplier<MessageDecoder> decoders, byte[] data) {
        List<String> whole = feedWhole(decoders.get(), data.clone());
        if (data.length <= 70_000) {
            int[] ones = new int[data.length];
            java.util.Arrays.fill(ones, 1);
            assertThat(feed(decoders.get(), data.clone(), ones, false)).as("byte by byte").isEqualTo(whole);
        }
        Random random = new Random(data.length * 31L + 7);
        for (int round = 0; round < 8; round++) {
            List<Integer> sizes = new ArrayList<>();
            int left = data.length;
            while (left > 0) {
                int n = 1 + random.nextInt(Math.min(left, round < 4 ? 7 : Math.max(1, data.length / 3)));
                sizes.add(n);
                left -= n;
            }
            int[] pieces = sizes.stream().mapToInt(Integer::intValue).toArray();
            assertThat(feed(decoders.get(), data.clone(), pieces, round % 2 == 1)).as("random split %s", round).isEqualTo(whole);
        }
        return whole;
    }

    static Supplier<MessageDecoder> decoders(Role role) {
        return () -> new MessageDecoder(role, 1 << 20, 1 << 20, null);
    }

    static Supplier<MessageDecoder> deflateDecoders(Role role, boolean noContextTakeover, int max) {
        return () -> new MessageDecoder(role, max, max, new Inflation(noContextTakeover, max));
    }
}
