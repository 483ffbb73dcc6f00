package dev.gannet.http.ws.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Turns received bytes into messages (RFC 6455 5, with permessage-deflate of RFC 7692 when agreed). A pure push
 * parser: no I/O, not thread-safe, one per connection.
 *
 * <p>Memory: an idle decoder is about a hundred bytes of fields. A message is handed over in place, as a view of
 * the caller's buffer, when its single frame has fully arrived; only a message that spans frames or reads, or an
 * inflated one, is copied into a {@link MessageBuffer}. That array is reused by the following messages of the same
 * read (up to {@link MessageBuffer#RETAIN} bytes) and released when a {@link #decode} call ends between messages,
 * so a connection that goes quiet keeps none of it. A control frame split across reads gets a 125-byte array for
 * just that frame.
 *
 * <p>Every check is made as early as the bytes allow (the header before its payload, UTF-8 as fragments arrive), and
 * the outcome never depends on how the input was split.
 */
public final class MessageDecoder {
    private static final int MAX_CONTROL = 125;

    private final boolean expectMasked;
    private final int maxFramePayload;
    private final int maxMessageSize;
    private final Inflation inflation;
    /** Limit on an inflated message: the smaller of ours and the inflation's. */
    private final int inflatedLimit;

    // The frame being read; valid while inFrame.
    private boolean inFrame;
    private boolean fin;
    private boolean masked;
    private int opcode;
    private int maskKey;
    /** Payload bytes of the frame unmasked so far, mod 4: where the mask continues. */
    private int maskPos;
    private long remaining;

    // The data message being read, from its first frame's header to its last frame's end (0 = none).
    private int messageOpcode;
    private boolean compressed;
    /** Payload bytes of the message's earlier frames and of this frame so far (uncompressed messages). */
    private long messageLength;
    /** {@link Utf8Validator#scan} state of a text message. */
    private int utf8;
    private MessageBuffer message;

    // A control frame's payload that arrived in pieces.
    private byte[] control;
    private int controlLength;

    private boolean done;

    /**
     * @param maxFramePayload largest data frame payload accepted (more is 1009, decided from the header)
     * @param maxMessageSize  largest message accepted, after inflation if compressed (more is 1009)
     * @param inflation       null unless permessage-deflate was agreed; then RSV1 marks compressed messages
     */
    public MessageDecoder(Role role, int maxFramePayload, int maxMessageSize, Inflation inflation) {
        if (maxFramePayload < 0 || maxMessageSize < 0) throw new IllegalArgumentException("negative limit");
        this.expectMasked = role == Role.SERVER;
        this.maxFramePayload = maxFramePayload;
        this.maxMessageSize = maxMessageSize;
        this.inflation = inflation;
        this.inflatedLimit = inflation == null ? maxMessageSize : Math.min(maxMessageSize, inflation.maxMessageSize());
    }

    /** What the decoder reports; calls come in the order of the frames. */
    public interface Listener {
        /** A whole text message, fragments joined, valid UTF-8. */
        void onText(String text);

        /** A whole binary message; valid only during the call (may be a view of the decoder's input). */
        void onBinary(ByteBuffer data);

        /** Valid only during the call. */
        void onPing(ByteBuffer payload);

        /** Valid only during the call. */
        void onPong(ByteBuffer payload);

        /** A close frame; 1005 and "" for an empty body. Decoding stops. */
        void onClose(int code, String reason);

        /** The peer broke the protocol: 1002 protocol error, 1007 bad data (UTF-8, DEFLATE), 1009 too big. Decoding stops. */
        void onError(int closeCode, String reason);
    }

    /** Bytes of arrays the decoder holds on to right now (for tests of its memory use). */
    int retainedBytes() {
        return (message == null ? 0 : message.capacity()) + (control == null ? 0 : control.length);
    }

    /** True once a close frame or an error ended decoding. */
    public boolean isDone() {
        return done;
    }


    /**
     * Consumes as much of {@code in} as it can and calls the listener once per complete message or control frame, in
     * order. Bytes of an incomplete frame header are left in {@code in} for the caller to present again with what
     * follows; payload bytes are consumed as they come. Payload is unmasked in place in {@code in}. After onError
     * or onClose all further input is consumed and ignored.
     */
    public void decode(ByteBuffer in, Listener listener) {
        while (!done) {
            if (!inFrame && !header(in, listener)) break;
            if (!(Opcodes.isControl(opcode) ? controlPayload(in, listener) : dataPayload(in, listener))) break;
        }
        if (done) {
            in.position(in.limit());
        } else if (messageOpcode == 0 && message != null) {
            // Between messages at the end of a read: the connection may now sit idle, so keep no array.
            message.release();
        }
    }

    /** Reads a frame header if it has all arrived; false if it has not, or was rejected. */
    private boolean header(ByteBuffer in, Listener l) {
        int p = in.position();
        int avail = in.limit() - p;
        if (avail < 2) return false;
        int b0 = in.get(p) & 0xFF;
        int b1 = in.get(p + 1) & 0xFF;
        boolean f = (b0 & 0x80) != 0;
        boolean rsv1 = (b0 & 0x40) != 0;
        int op = b0 & 0x0F;
        // Everything the first two bytes decide is checked now, before the rest of the header arrives.
        if ((b0 & 0x30) != 0) return fail(l, 1002, "RSV2/RSV3 set without an extension that defines them");
        if (Opcodes.isControl(op)) {
            if (op > Opcodes.PONG) return fail(l, 1002, "reserved control opcode " + op);
            if (!f) return fail(l, 1002, "fragmented control frame");
            if ((b1 & 0x7F) > MAX_CONTROL) return fail(l, 1002, "control frame payload over 125 bytes");
            if (rsv1) return fail(l, 1002, "RSV1 on a control frame");
        } else if (op == Opcodes.CONTINUATION) {
            if (messageOpcode == 0) return fail(l, 1002, "continuation frame without a message in progress");
            if (rsv1) return fail(l, 1002, "RSV1 on a continuation frame");
        } else {
            if (op > Opcodes.BINARY) return fail(l, 1002, "reserved data opcode " + op);
            if (messageOpcode != 0) return fail(l, 1002, "new data message before the fragmented one ended");
            if (rsv1 && inflation == null) return fail(l, 1002, "RSV1 set but permessage-deflate not agreed");
        }
        boolean m = (b1 & 0x80) != 0;
        if (m != expectMasked) return fail(l, 1002, m ? "masked frame from the server" : "unmasked frame from the client");
        int len7 = b1 & 0x7F;
        int headerLength = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (m ? 4 : 0);
        if (avail < headerLength) return false;
        int q = p + 2;
        long len;
        if (len7 == 126) {
            len = (in.get(q) & 0xFF) << 8 | (in.get(q + 1) & 0xFF);
            q += 2;
        } else if (len7 == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) len = len << 8 | (in.get(q + i) & 0xFF);
            q += 8;
            if (len < 0) return fail(l, 1002, "64-bit payload length with the high bit set");
        } else {
            len = len7;
        }
        // Longer-than-needed length encodings are accepted: 5.2 asks senders for the minimal one but a receiver
        // loses nothing by reading the others.
        if (!Opcodes.isControl(op)) {
            if (len > maxFramePayload) return fail(l, 1009, "frame payload of " + len + " bytes over " + maxFramePayload);
            boolean comp = op == Opcodes.CONTINUATION ? compressed : rsv1;
            long before = op == Opcodes.CONTINUATION ? messageLength : 0;
            if (!comp && before + len > maxMessageSize) {
                return fail(l, 1009, "message of more than " + maxMessageSize + " bytes");
            }
            if (op != Opcodes.CONTINUATION) {
                messageOpcode = op;
                compressed = rsv1;
                messageLength = 0;
                utf8 = 0;
            }
        }
        maskKey = m ? (in.get(q) & 0xFF) << 24 | (in.get(q + 1) & 0xFF) << 16 | (in.get(q + 2) & 0xFF) << 8
                | (in.get(q + 3) & 0xFF) : 0;
        in.position(p + headerLength);
        inFrame = true;
        fin = f;
        masked = m;
        opcode = op;
        maskPos = 0;
        remaining = len;
        return true;
    }

    /** Consumes data payload; true when the frame is complete and decoding may go on to the next header. */
    private boolean dataPayload(ByteBuffer in, Listener l) {
        int p = in.position();
        int avail = in.limit() - p;
        // In place only if none of the frame went to the buffer in an earlier read.
        if (fin && opcode != Opcodes.CONTINUATION && !compressed && avail >= remaining
                && (message == null || message.length == 0)) {
            return wholeFrameInPlace(in, l, p, (int) remaining);
        }
        int n = (int) Math.min(remaining, avail);
        if (n > 0) {
            if (masked) FrameEncoder.mask(in, p, n, maskKey, maskPos);
            maskPos = (maskPos + n) & 3;
            remaining -= n;
            MessageBuffer buf = buffer();
            if (compressed) {
                int from = buf.length;
                int lim = in.limit();
                in.limit(p + n);
                int r = inflation.inflate(in, buf, inflatedLimit);
                in.limit(lim);
                in.position(p + n);
                if (r != 0) return fail(l, r, inflation.error());
                if (!checkText(buf, from)) return fail(l, 1007, "invalid UTF-8 in a text message");
            } else {
                if (messageOpcode == Opcodes.TEXT) {
                    utf8 = Utf8Validator.scan(in, p, p + n, utf8);
                    if (utf8 == Utf8Validator.INVALID) return fail(l, 1007, "invalid UTF-8 in a text message");
                }
                buf.append(in, p, n, maxMessageSize);
                in.position(p + n);
                messageLength += n;
            }
        }
        if (remaining > 0) return false;
        inFrame = false;
        return !fin || endMessage(l);
    }

    /** The common case: a whole single-frame message already in {@code in}, handed over without copying. */
    private boolean wholeFrameInPlace(ByteBuffer in, Listener l, int p, int n) {
        if (masked) FrameEncoder.mask(in, p, n, maskKey, 0);
        inFrame = false;
        int op = messageOpcode;
        messageOpcode = 0;
        int end = p + n;
        if (op == Opcodes.TEXT) {
            if (!Utf8Validator.isValid(in, p, end)) return fail(l, 1007, "invalid UTF-8 in a text message");
            String text;
            if (n == 0) {
                text = "";
            } else if (in.hasArray()) {
                text = new String(in.array(), in.arrayOffset() + p, n, StandardCharsets.UTF_8);
            } else {
                MessageBuffer buf = buffer();
                buf.append(in, p, n, n);
                text = new String(buf.array, 0, n, StandardCharsets.UTF_8);
                buf.clear();
            }
            in.position(end);
            l.onText(text);
        } else {
            handOver(in, p, end, l, Opcodes.BINARY);
        }
        return !done;
    }

    /** Delivers a finished data message from the message buffer. */
    private boolean endMessage(Listener l) {
        MessageBuffer buf = buffer();
        if (compressed) {
            int from = buf.length;
            int r = inflation.finish(buf, inflatedLimit);
            if (r != 0) return fail(l, r, inflation.error());
            if (!checkText(buf, from)) return fail(l, 1007, "invalid UTF-8 in a text message");
        }
        if (messageOpcode == Opcodes.TEXT && utf8 != 0) return fail(l, 1007, "text message ends inside a UTF-8 sequence");
        int op = messageOpcode;
        messageOpcode = 0;
        messageLength = 0;
        compressed = false;
        utf8 = 0;
        try {
            if (op == Opcodes.TEXT) {
                l.onText(buf.length == 0 ? "" : new String(buf.array, 0, buf.length, StandardCharsets.UTF_8));
            } else {
                l.onBinary(buf.message());
            }
        } finally {
            buf.clear();
        }
        return !done;
    }

    /** Checks bytes inflated into buf from {@code from} on, for a text message. */
    private boolean checkText(MessageBuffer buf, int from) {
        if (messageOpcode != Opcodes.TEXT || buf.length == from) return true;
        utf8 = Utf8Validator.scan(buf.view(), from, buf.length, utf8);
        return utf8 != Utf8Validator.INVALID;
    }

    /** Consumes control payload; true when the frame is complete and decoding may go on. */
    private boolean controlPayload(ByteBuffer in, Listener l) {
        int p = in.position();
        int avail = in.limit() - p;
        int len = (int) remaining;
        if (controlLength == 0 && avail >= len) {
            if (masked) FrameEncoder.mask(in, p, len, maskKey, 0);
            inFrame = false;
            control(in, p, p + len, l);
            return !done;
        }
        // Split across reads: collect the (at most 125) bytes.
        if (control == null) control = new byte[MAX_CONTROL];
        int n = Math.min(len, avail);
        if (masked) FrameEncoder.mask(in, p, n, maskKey, maskPos);
        maskPos = (maskPos + n) & 3;
        in.get(p, control, controlLength, n);
        in.position(p + n);
        controlLength += n;
        remaining -= n;
        if (remaining > 0) return false;
        inFrame = false;
        ByteBuffer payload = ByteBuffer.wrap(control, 0, controlLength);
        control = null;
        controlLength = 0;
        control(payload, 0, payload.limit(), l);
        return !done;
    }

    /** Acts on a control frame's payload src[p..end); leaves src's position at end. */
    private void control(ByteBuffer src, int p, int end, Listener l) {
        switch (opcode) {
            case Opcodes.PING, Opcodes.PONG -> handOver(src, p, end, l, opcode);
            default -> {
                src.position(end);
                close(src, p, end, l);
            }
        }
    }

    private void close(ByteBuffer src, int p, int end, Listener l) {
        int n = end - p;
        if (n == 0) {
            done = true;
            release();
            l.onClose(1005, "");
            return;
        }
        if (n == 1) {
            fail(l, 1002, "close frame with a 1-byte body");
            return;
        }
        int code = (src.get(p) & 0xFF) << 8 | (src.get(p + 1) & 0xFF);
        if (!validOnWire(code)) {
            fail(l, 1002, "close code " + code + " not allowed on the wire");
            return;
        }
        if (!Utf8Validator.isValid(src, p + 2, end)) {
            fail(l, 1007, "close reason is not valid UTF-8");
            return;
        }
        byte[] reason = new byte[n - 2];
        src.get(p + 2, reason);
        done = true;
        release();
        l.onClose(code, new String(reason, StandardCharsets.UTF_8));
    }

    /** RFC 6455 7.4: the codes a peer may send (1004-1006 and 1015 are reserved, 0-999 and 1016-2999 unassigned). */
    static boolean validOnWire(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /**
     * Hands src[p..end) to the listener as src itself with position and limit narrowed, which costs no allocation;
     * afterwards src's limit is restored and its position left at end whatever the listener did.
     */
    private static void handOver(ByteBuffer src, int p, int end, Listener l, int op) {
        int lim = src.limit();
        src.limit(end).position(p);
        try {
            switch (op) {
                case Opcodes.PING -> l.onPing(src);
                case Opcodes.PONG -> l.onPong(src);
                default -> l.onBinary(src);
            }
        } finally {
            src.limit(lim).position(end);
        }
    }

    private MessageBuffer buffer() {
        if (message == null) message = new MessageBuffer();
        return message;
    }

    private boolean fail(Listener l, int code, String reason) {
        done = true;
        if (compressed && inflation != null) inflation.abort();
        release();
        l.onError(code, reason);
        return false;
    }

    private void release() {
        message = null;
        control = null;
        controlLength = 0;
    }
}
