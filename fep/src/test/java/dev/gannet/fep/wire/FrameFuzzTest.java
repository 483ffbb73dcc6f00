package dev.gannet.fep.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.ByteBuffer;

/**
 * A Jazzer target for the wire layer: arbitrary bytes are split into frames the way a receiver does it
 * (docs/fep-protocol.md section 6). Without {@code JAZZER_FUZZ=1} the inputs under
 * {@code src/test/resources/dev/gannet/fep/wire/FrameFuzzTestInputs/} are replayed as regression tests in every
 * build; with it, Jazzer explores new inputs. Only typed outcomes may come out: a reason from the documented set
 * for each step, no exception, no read outside the frame (each step sees a buffer that ends where its input ends),
 * and a position that always moves forward.
 */
class FrameFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void frames(byte[] data) {
        ByteBuffer all = ByteBuffer.wrap(data);
        Frame f = new Frame();
        int pos = 0;
        while (data.length - pos >= 4) {
            // The header step is promised 4 bytes and nothing more.
            int r = Validator.header(all.slice(pos, 4), 0, f);
            if (r == RejectReason.MALFORMED_HEADER || r == RejectReason.FRAME_TOO_LARGE) return;   // disconnect
            if (r != 0) throw new AssertionError("header step gave " + RejectReason.name(r));
            int length = f.length();
            if (length < Header.LENGTH || length > Header.MAX_FRAME) throw new AssertionError("accepted length " + length);
            if (data.length - pos < length) return;   // the rest of the frame never arrives

            // The frame step sees exactly the frame, on a heap buffer and at an odd offset of a direct one.
            f.wrap(all.slice(pos, length), 0);
            r = Validator.frame(f);
            ByteBuffer direct = ByteBuffer.allocateDirect(length + 3);
            direct.put(3, data, pos, length);
            int again = Validator.frame(new Frame().wrap(direct.slice(3, length), 0));
            if (again != r) throw new AssertionError("heap and direct disagree: " + r + " vs " + again);
            switch (r) {
                case 0 -> readEveryField(f);
                case RejectReason.UNSUPPORTED_VERSION, RejectReason.UNKNOWN_TYPE, RejectReason.LENGTH_MISMATCH,
                     RejectReason.MALFORMED_HEADER, RejectReason.INVALID_FIELD -> { }
                default -> throw new AssertionError("frame step gave " + RejectReason.name(r));
            }
            int next = pos + length;   // skipped by its length, accepted or not
            if (next <= pos) throw new AssertionError("no progress at " + pos);
            pos = next;
        }
    }

    /** Reads every header and body field of an accepted frame, and checks what acceptance promises. */
    private static void readEveryField(Frame f) {
        int type = f.type();
        if (!MsgType.known(type) || f.length() != MsgType.frameLength(type)) throw new AssertionError(f.toString());
        if (f.version() != Header.VERSION || (f.flags() & ~Header.KNOWN_FLAGS) != 0 || f.seq() < 1) {
            throw new AssertionError("accepted header " + f);
        }
        f.possDup();
        f.sessionId();
        f.sendingTime();
        if (f.toString().isEmpty()) throw new AssertionError();
        byte[] raw = new byte[48];
        for (FrameTest.Field field : FrameTest.LAYOUT.get(type)) {
            Object v = FrameTest.read(f, field);
            if (field.text()) {
                String s = (String) v;
                if (s.length() > field.width() || s.indexOf('\0') >= 0) throw new AssertionError(field.name() + ": " + s);
                f.asciiBytes(field.offset(), field.width(), raw);
            }
        }
        if (MsgType.isRoutedRequest(type)) {
            long id = f.i64(0);
            if (id < 1 || id > Validator.MAX_CLIENT_ID) throw new AssertionError("accepted id " + id);
            if (MsgType.destinationOffset(type) < 0) throw new AssertionError();
            f.u16(MsgType.destinationOffset(type));
        }
        if (MsgType.isReply(type)) f.u16(MsgType.sourceOffset(type));
    }
}
