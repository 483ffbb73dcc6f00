package dev.gannet.http.ws.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A Jazzer target for {@link MessageDecoder}. The first input byte picks the setup (bit 0: role, bit 1: inflation on,
 * bit 2: no_context_takeover, bits 3-7: a read size of 1..32), the rest is what the peer sent. Without
 * {@code JAZZER_FUZZ=1} the inputs under
 * {@code src/test/resources/dev/gannet/http/ws/codec/MessageDecoderFuzzTestInputs/} are replayed in every build.
 *
 * <p>What must hold: no exception, only the three error codes, nothing reported after onError/onClose, every message
 * within the limits, control payloads within 125 bytes, text valid UTF-8, and the same events whether the bytes
 * come whole or in reads of the chosen size.
 */
class MessageDecoderFuzzTest {
    private static final int MAX_FRAME = 4096;
    private static final int MAX_MESSAGE = 8192;

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] data) {
        if (data.length == 0) return;
        int setup = data[0] & 0xFF;
        Role role = (setup & 1) == 0 ? Role.SERVER : Role.CLIENT;
        boolean deflate = (setup & 2) != 0;
        boolean noContextTakeover = (setup & 4) != 0;
        int step = 1 + (setup >>> 3);
        byte[] wire = Arrays.copyOfRange(data, 1, data.length);
        String whole = run(role, deflate, noContextTakeover, wire, wire.length);
        String split = run(role, deflate, noContextTakeover, wire, step);
        if (!whole.equals(split)) throw new AssertionError("split decode differs:\n" + whole + "\nvs\n" + split);
    }

    private static String run(Role role, boolean deflate, boolean noContextTakeover, byte[] wire, int step) {
        Inflation inflation = deflate ? new Inflation(noContextTakeover, MAX_MESSAGE) : null;
        MessageDecoder decoder = new MessageDecoder(role, MAX_FRAME, MAX_MESSAGE, inflation);
        Checker checker = new Checker();
        ByteBuffer pending = ByteBuffer.allocate(wire.length + 1);
        byte[] copy = wire.clone();                      // the decoder unmasks in place
        try {
            for (int off = 0; off < copy.length; off += step) {
                pending.put(copy, off, Math.min(step, copy.length - off)).flip();
                int before = pending.position();
                decoder.decode(pending, checker);
                if (pending.position() < before) throw new AssertionError("position went back");
                pending.compact();
                // Only an incomplete header (at most 14 bytes) may be left for the next read.
                if (!decoder.isDone() && pending.position() >= 14) throw new AssertionError("kept " + pending.position() + " bytes");
            }
        } finally {
            if (inflation != null) inflation.end();
        }
        return checker.out.toString();
    }

    /** Checks each report as it comes and records a summary of it. */
    private static final class Checker implements MessageDecoder.Listener {
        final StringBuilder out = new StringBuilder();
        boolean ended;

        private void event(String s) {
            if (ended) throw new AssertionError("report after the end: " + s);
            out.append(s).append('\n');
        }

        @Override public void onText(String text) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            if (utf8.length > MAX_MESSAGE) throw new AssertionError("text of " + utf8.length + " bytes");
            if (!Utf8Validator.isValid(ByteBuffer.wrap(utf8), 0, utf8.length)) throw new AssertionError("bad text");
            event("text " + text.hashCode());
        }

        @Override public void onBinary(ByteBuffer data) {
            if (data.remaining() > MAX_MESSAGE) throw new AssertionError("binary of " + data.remaining() + " bytes");
            event("binary " + data.remaining() + " " + data.hashCode());
        }

        @Override public void onPing(ByteBuffer payload) {
            if (payload.remaining() > 125) throw new AssertionError("ping of " + payload.remaining());
            event("ping " + payload.hashCode());
        }

        @Override public void onPong(ByteBuffer payload) {
            if (payload.remaining() > 125) throw new AssertionError("pong of " + payload.remaining());
            event("pong " + payload.hashCode());
        }

        @Override public void onClose(int code, String reason) {
            if (code != 1005 && !MessageDecoder.validOnWire(code)) throw new AssertionError("close code " + code);
            event("close " + code + " " + reason);
            ended = true;
        }

        @Override public void onError(int closeCode, String reason) {
            if (closeCode != 1002 && closeCode != 1007 && closeCode != 1009) throw new AssertionError("error code " + closeCode);
            if (reason == null || reason.isEmpty()) throw new AssertionError("no reason");
            event("error " + closeCode);
            ended = true;
        }
    }
}
