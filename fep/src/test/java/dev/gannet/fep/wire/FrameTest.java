package dev.gannet.fep.wire;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import static dev.gannet.fep.wire.MsgType.*;
import static dev.gannet.fep.wire.RejectReason.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The wire layer against its specification: every message type through {@link Frame} and back, the byte order,
 * the ASCII writer and each {@link Validator} reason. {@link ProtocolDocTest} holds the document to the same layout
 * ({@link #LAYOUT}).
 */
class FrameTest {
    static final long SESSION = 0x1001;
    /** 2026-01-01T00:00:00Z in ns since the epoch: the examples' sending time. */
    static final long TIME = 1_767_225_600_000_000_000L;

    // ---- the layout of every body, with one legal sample value per field ---------------------------------------

    /** One body field: its name and wire type as docs/fep-protocol.md spells them, and a legal sample value. */
    record Field(String name, int offset, String type, Object sample) {
        int width() {
            return switch (type) {
                case "u8" -> 1;
                case "u16" -> 2;
                case "u32" -> 4;
                case "u64", "i64" -> 8;
                default -> Integer.parseInt(type.substring("char[".length(), type.length() - 1));
            };
        }

        boolean text() {
            return type.startsWith("char[");
        }
    }

    static final Map<Integer, List<Field>> LAYOUT = new LinkedHashMap<>();

    private static Field f(String name, int offset, String type, Object sample) {
        return new Field(name, offset, type, sample);
    }

    private static void layout(int type, Field... fields) {
        LAYOUT.put(type, List.of(fields));
    }

    static {
        layout(LOGON,
                f("heartbeatMs", MsgType.Logon.HEARTBEAT_MS, "u32", 30_000L),
                f("nextExpectedSeq", MsgType.Logon.NEXT_EXPECTED_SEQ, "u64", 1L),
                f("memberId", MsgType.Logon.MEMBER_ID, "char[" + MsgType.Logon.MEMBER_ID_LENGTH + "]", "MEMBER01"),
                f("credential", MsgType.Logon.CREDENTIAL, "char[" + MsgType.Logon.CREDENTIAL_LENGTH + "]",
                        "correct-horse-battery-staple-42!"));
        layout(LOGON_ACK,
                f("heartbeatMs", MsgType.LogonAck.HEARTBEAT_MS, "u32", 30_000L),
                f("nextExpectedSeq", MsgType.LogonAck.NEXT_EXPECTED_SEQ, "u64", 2L));
        layout(LOGOUT,
                f("reason", MsgType.Logout.REASON, "u16", (long) SHUTTING_DOWN),
                f("text", MsgType.Logout.TEXT, "char[" + MsgType.Logout.TEXT_LENGTH + "]", "gateway shutting down"));
        layout(HEARTBEAT,
                f("testReqId", MsgType.Heartbeat.TEST_REQ_ID, "u64", 0x0102_0304_0506_0708L));
        layout(TEST_REQUEST,
                f("testReqId", MsgType.Heartbeat.TEST_REQ_ID, "u64", 0x0102_0304_0506_0708L));
        layout(RESEND_REQUEST,
                f("beginSeq", MsgType.ResendRequest.BEGIN_SEQ, "u64", 5L),
                f("endSeq", MsgType.ResendRequest.END_SEQ, "u64", 9L));
        layout(SEQUENCE_RESET,
                f("newSeq", MsgType.SequenceReset.NEW_SEQ, "u64", 12L),
                f("gapFill", MsgType.SequenceReset.GAP_FILL, "u8", 1L));
        layout(REJECT,
                f("refSeq", MsgType.Reject.REF_SEQ, "u64", 7L),
                f("refType", MsgType.Reject.REF_TYPE, "u16", (long) NEW_ORDER),
                f("reason", MsgType.Reject.REASON, "u16", (long) INVALID_FIELD),
                f("text", MsgType.Reject.TEXT, "char[" + MsgType.Reject.TEXT_LENGTH + "]", "side must be 1 or 2"));
        layout(NEW_ORDER,
                f("clOrdId", MsgType.NewOrder.CL_ORD_ID, "u64", 1001L),
                f("account", MsgType.NewOrder.ACCOUNT, "char[16]", "ACC-0001"),
                f("symbol", MsgType.NewOrder.SYMBOL, "char[12]", "7203"),
                f("side", MsgType.NewOrder.SIDE, "u8", 1L),
                f("ordType", MsgType.NewOrder.ORD_TYPE, "u8", 2L),
                f("timeInForce", MsgType.NewOrder.TIME_IN_FORCE, "u8", 0L),
                f("price", MsgType.NewOrder.PRICE, "i64", 25_125_000L),
                f("quantity", MsgType.NewOrder.QUANTITY, "u64", 100L),
                f("destination", MsgType.NewOrder.DESTINATION, "u16", 7L));
        layout(CANCEL_ORDER,
                f("clOrdId", MsgType.CancelOrder.CL_ORD_ID, "u64", Validator.MAX_CLIENT_ID),
                f("origClOrdId", MsgType.CancelOrder.ORIG_CL_ORD_ID, "u64", 1001L),
                f("account", MsgType.CancelOrder.ACCOUNT, "char[16]", "ACC-0001"),
                f("symbol", MsgType.CancelOrder.SYMBOL, "char[12]", "7203"),
                f("destination", MsgType.CancelOrder.DESTINATION, "u16", 0xffffL));
        layout(EXECUTION_REPORT,
                f("clOrdId", MsgType.ExecutionReport.CL_ORD_ID, "u64", 1001L),
                f("orderId", MsgType.ExecutionReport.ORDER_ID, "u64", Long.MAX_VALUE),
                f("execType", MsgType.ExecutionReport.EXEC_TYPE, "u8", (long) MsgType.ExecutionReport.EXEC_PARTIAL_FILL),
                f("side", MsgType.ExecutionReport.SIDE, "u8", 1L),
                f("rejectReason", MsgType.ExecutionReport.REJECT_REASON, "u16", 0L),
                f("source", MsgType.ExecutionReport.SOURCE, "u16", 7L),
                f("lastPx", MsgType.ExecutionReport.LAST_PX, "i64", 25_125_000L),
                f("lastQty", MsgType.ExecutionReport.LAST_QTY, "u64", 40L),
                f("cumQty", MsgType.ExecutionReport.CUM_QTY, "u64", 40L),
                f("leavesQty", MsgType.ExecutionReport.LEAVES_QTY, "u64", 60L),
                f("symbol", MsgType.ExecutionReport.SYMBOL, "char[12]", "7203"),
                f("transactTime", MsgType.ExecutionReport.TRANSACT_TIME, "i64", TIME + 1_500_000L));
        layout(FUND_TRANSFER,
                f("transferId", MsgType.FundTransfer.TRANSFER_ID, "u64", 42L),
                f("fromAccount", MsgType.FundTransfer.FROM_ACCOUNT, "char[16]", "ACC-0001"),
                f("toAccount", MsgType.FundTransfer.TO_ACCOUNT, "char[16]", "ACC-0002-SETTLE!"),
                f("amount", MsgType.FundTransfer.AMOUNT, "i64", 10_000_000_000L),
                f("currency", MsgType.FundTransfer.CURRENCY, "char[4]", "JPY"),
                f("destination", MsgType.FundTransfer.DESTINATION, "u16", 3L),
                f("valueDate", MsgType.FundTransfer.VALUE_DATE, "u32", 20_260_105L));
        layout(TRANSFER_RESULT,
                f("transferId", MsgType.TransferResult.TRANSFER_ID, "u64", 42L),
                f("status", MsgType.TransferResult.STATUS, "u8", 2L),
                f("rejectReason", MsgType.TransferResult.REJECT_REASON, "u16", 0L),
                f("source", MsgType.TransferResult.SOURCE, "u16", 3L),
                f("reference", MsgType.TransferResult.REFERENCE, "u64", 0x0a0b_0c0d_0e0f_1011L),
                f("settledTime", MsgType.TransferResult.SETTLED_TIME, "i64", TIME));
        layout(ACCOUNT_STATUS_QUERY,
                f("queryId", MsgType.AccountStatusQuery.QUERY_ID, "u64", 77L),
                f("account", MsgType.AccountStatusQuery.ACCOUNT, "char[16]", "ACC-0001"),
                f("destination", MsgType.AccountStatusQuery.DESTINATION, "u16", 3L));
        layout(ACCOUNT_STATUS,
                f("queryId", MsgType.AccountStatus.QUERY_ID, "u64", 77L),
                f("account", MsgType.AccountStatus.ACCOUNT, "char[16]", "ACC-0001"),
                f("status", MsgType.AccountStatus.STATUS, "u8", 0L),
                f("source", MsgType.AccountStatus.SOURCE, "u16", 3L),
                f("currency", MsgType.AccountStatus.CURRENCY, "char[4]", "JPY"),
                f("balance", MsgType.AccountStatus.BALANCE, "i64", 1_234_567_890_000L),
                f("available", MsgType.AccountStatus.AVAILABLE, "i64", -50_000L),
                f("asOf", MsgType.AccountStatus.AS_OF, "i64", TIME));
    }

    static void write(Frame f, Field field, Object value) {
        switch (field.type()) {
            case "u8" -> f.u8(field.offset(), (int) (long) value);
            case "u16" -> f.u16(field.offset(), (int) (long) value);
            case "u32" -> f.u32(field.offset(), (long) value);
            case "u64", "i64" -> f.i64(field.offset(), (long) value);
            default -> f.ascii(field.offset(), field.width(), (String) value);
        }
    }

    /** Reads a field through {@link Frame}: a Long for numbers, a String for text. */
    static Object read(Frame f, Field field) {
        return switch (field.type()) {
            case "u8" -> (long) f.u8(field.offset());
            case "u16" -> (long) f.u16(field.offset());
            case "u32" -> f.u32(field.offset());
            case "u64", "i64" -> f.i64(field.offset());
            default -> f.ascii(field.offset(), field.width());
        };
    }

    /** Writes a frame of {@code type} with every field set to its sample value. */
    static Frame sample(Frame f, int type, int flags, long seq, long time) {
        f.begin(type, flags, SESSION, seq, time);
        for (Field field : LAYOUT.get(type)) write(f, field, field.sample());
        return f;
    }

    static ByteBuffer sample(int type) {
        ByteBuffer b = ByteBuffer.allocate(frameLength(type));
        sample(new Frame().wrap(b, 0), type, 0, 1, TIME);
        return b;
    }

    static byte[] bytes(ByteBuffer b, int offset, int length) {
        byte[] out = new byte[length];
        b.get(offset, out);
        return out;
    }

    /** The header step, then (when it passes) the frame step, as a receiver runs them. */
    static int validate(ByteBuffer b) {
        Frame f = new Frame();
        int r = Validator.header(b, 0, f);
        return r != 0 ? r : Validator.frame(f);
    }

    // ---- round trips -------------------------------------------------------------------------------------------

    record Buffers(String name, IntFunction<ByteBuffer> allocate, int offset) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> everyTypeInEveryBuffer() {
        List<Buffers> buffers = List.of(
                new Buffers("heap", ByteBuffer::allocate, 0),
                new Buffers("heap, little-endian order, offset 5", n -> ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN), 5),
                new Buffers("direct", ByteBuffer::allocateDirect, 0),
                new Buffers("direct, offset 13", ByteBuffer::allocateDirect, 13),
                new Buffers("heap slice, offset 3", n -> ByteBuffer.allocate(n + 7).slice(7, n), 3));
        List<Arguments> out = new ArrayList<>();
        for (Buffers b : buffers) for (int type : LAYOUT.keySet()) out.add(Arguments.of(b, type));
        return out.stream();
    }

    @ParameterizedTest(name = "{1} in {0}")
    @MethodSource("everyTypeInEveryBuffer")
    void everyFieldRoundTrips(Buffers kind, int type) {
        int length = frameLength(type);
        ByteBuffer buf = kind.allocate().apply(kind.offset() + length + 9);
        for (int i = 0; i < buf.capacity(); i++) buf.put(i, (byte) 0xa5);   // begin must clear the body itself
        buf.position(2).limit(buf.capacity() - 1);
        Frame f = new Frame().wrap(buf, kind.offset());
        sample(f, type, Header.FLAG_POSS_DUP, 0x1122_3344_5566_7788L, TIME);

        assertThat(buf.position()).as("position untouched").isEqualTo(2);
        assertThat(buf.limit()).as("limit untouched").isEqualTo(buf.capacity() - 1);
        buf.clear();
        Frame r = new Frame().wrap(buf, kind.offset());
        assertThat(r.length()).isEqualTo(length);
        assertThat(r.type()).isEqualTo(type);
        assertThat(r.version()).isEqualTo(Header.VERSION);
        assertThat(r.flags()).isEqualTo(Header.FLAG_POSS_DUP);
        assertThat(r.possDup()).isTrue();
        assertThat(r.sessionId()).isEqualTo(SESSION);
        assertThat(r.seq()).isEqualTo(0x1122_3344_5566_7788L);
        assertThat(r.sendingTime()).isEqualTo(TIME);
        for (Field field : LAYOUT.get(type)) assertThat(read(r, field)).as(field.name()).isEqualTo(field.sample());
        assertThat(Validator.frame(r)).isZero();
        assertThat(Validator.header(buf, kind.offset(), new Frame())).isZero();

        // The exact bytes, built here without Frame: little-endian fields at their offsets, zero elsewhere.
        assertThat(bytes(buf, kind.offset(), length))
                .isEqualTo(expectedBytes(type, Header.FLAG_POSS_DUP, SESSION, 0x1122_3344_5566_7788L, TIME));
        // Nothing outside the frame was written.
        for (int i = 0; i < kind.offset(); i++) assertThat(buf.get(i)).isEqualTo((byte) 0xa5);
        for (int i = kind.offset() + length; i < buf.capacity(); i++) assertThat(buf.get(i)).isEqualTo((byte) 0xa5);

        // copyTo moves the frame elsewhere intact.
        ByteBuffer copy = ByteBuffer.allocateDirect(length + 4);
        assertThat(r.copyTo(copy, 4)).isEqualTo(length);
        assertThat(bytes(copy, 4, length)).isEqualTo(bytes(buf, kind.offset(), length));
    }

    /** A frame of {@code type} with the sample values, encoded by hand (little-endian, byte by byte). */
    static byte[] expectedBytes(int type, int flags, long session, long seq, long time) {
        byte[] b = new byte[frameLength(type)];
        le(b, Header.OFF_LENGTH, 4, b.length);
        le(b, Header.OFF_TYPE, 2, type);
        b[Header.OFF_VERSION] = (byte) Header.VERSION;
        b[Header.OFF_FLAGS] = (byte) flags;
        le(b, Header.OFF_SESSION, 8, session);
        le(b, Header.OFF_SEQ, 8, seq);
        le(b, Header.OFF_TIME, 8, time);
        for (Field field : LAYOUT.get(type)) {
            int at = Header.LENGTH + field.offset();
            if (field.text()) {
                String s = (String) field.sample();
                for (int i = 0; i < s.length(); i++) b[at + i] = (byte) s.charAt(i);
            } else {
                le(b, at, field.width(), (long) field.sample());
            }
        }
        return b;
    }

    private static void le(byte[] b, int at, int width, long v) {
        for (int i = 0; i < width; i++) b[at + i] = (byte) (v >>> (8 * i));
    }

    @Test
    void layoutsFitTheirBodiesWithoutOverlap() {
        for (int type = 0; type < MsgType.LIMIT; type++) {
            assertThat(LAYOUT.containsKey(type)).as(MsgType.name(type)).isEqualTo(known(type));
        }
        for (var e : LAYOUT.entrySet()) {
            boolean[] used = new boolean[bodyLength(e.getKey())];
            for (Field field : e.getValue()) {
                if (!field.text()) assertThat(field.offset() % field.width()).as(field.name() + " aligned").isZero();
                for (int i = field.offset(); i < field.offset() + field.width(); i++) {
                    assertThat(i).as(MsgType.name(e.getKey()) + "." + field.name()).isLessThan(used.length);
                    assertThat(used[i]).as(MsgType.name(e.getKey()) + "." + field.name() + " overlaps").isFalse();
                    used[i] = true;
                }
            }
            assertThat(bodyLength(e.getKey()) % 8).isZero();
            assertThat(frameLength(e.getKey())).isLessThanOrEqualTo(Header.MAX_FRAME);
        }
        assertThat(LAYOUT.keySet().stream().mapToInt(MsgType::frameLength).max().orElseThrow()).isEqualTo(Header.MAX_FRAME);
    }

    @Test
    void littleEndianWhateverTheBufferOrder() {
        ByteBuffer big = ByteBuffer.allocate(96).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer little = ByteBuffer.allocateDirect(96).order(ByteOrder.LITTLE_ENDIAN);
        sample(new Frame().wrap(big, 0), NEW_ORDER, 0, 0x0102, TIME);
        sample(new Frame().wrap(little, 0), NEW_ORDER, 0, 0x0102, TIME);
        assertThat(bytes(big, 0, 96)).isEqualTo(bytes(little, 0, 96));
        assertThat(bytes(big, 0, 8)).containsExactly(0x60, 0, 0, 0, NEW_ORDER, 0, 1, 0);
        assertThat(bytes(big, Header.OFF_SEQ, 8)).containsExactly(2, 1, 0, 0, 0, 0, 0, 0);
        assertThat(big.order()).isEqualTo(ByteOrder.BIG_ENDIAN);

        Frame f = new Frame().wrap(big, 0);
        f.u16(0, 0xabcd).u32(2, 0xfedc_ba98L).i64(8, -2L);
        assertThat(bytes(big, 32, 16)).containsExactly(0xcd, 0xab, 0x98, 0xba, 0xdc, 0xfe, 0, 0,
                0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
        assertThat(f.u16(0)).isEqualTo(0xabcd);
        assertThat(f.u32(2)).isEqualTo(0xfedc_ba98L);   // unsigned
        assertThat(f.i64(8)).isEqualTo(-2L);
        f.u8(0, 0xff);
        assertThat(f.u8(0)).isEqualTo(0xff);
        big.putInt(0, 0xffff_ffff);
        assertThat(f.length()).isEqualTo(-1);   // a u32 read as a Java int
    }

    @Test
    void headerSettersWriteInPlace() {
        ByteBuffer b = sample(HEARTBEAT);
        Frame f = new Frame().wrap(b, 0).seq(99).sessionId(-1).sendingTime(5).flags(Header.FLAG_POSS_DUP);
        assertThat(f.seq()).isEqualTo(99);
        assertThat(f.sessionId()).isEqualTo(-1);
        assertThat(f.sendingTime()).isEqualTo(5);
        assertThat(f.possDup()).isTrue();
        assertThat(f.buffer()).isSameAs(b);
        assertThat(f.offset()).isZero();
        assertThat(f).hasToString("Heartbeat[session=-1 seq=99 length=40 possDup]");
        assertThat(new Frame()).hasToString("Frame[unwrapped]");
    }

    // ---- the ASCII writer --------------------------------------------------------------------------------------

    @Test
    void asciiPadsWithNulAndOverwritesOldContent() {
        ByteBuffer b = sample(NEW_ORDER);
        Frame f = new Frame().wrap(b, 0);
        f.ascii(MsgType.NewOrder.ACCOUNT, 16, "0123456789ABCDEF");    // exactly the width: no NUL at all
        assertThat(f.ascii(MsgType.NewOrder.ACCOUNT, 16)).isEqualTo("0123456789ABCDEF");
        assertThat(b.get(32 + MsgType.NewOrder.SYMBOL)).isEqualTo((byte) '7');   // the next field is untouched
        f.ascii(MsgType.NewOrder.ACCOUNT, 16, "AB");
        assertThat(bytes(b, 32 + MsgType.NewOrder.ACCOUNT, 16))
                .isEqualTo(new byte[] {'A', 'B', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertThat(f.asciiEquals(MsgType.NewOrder.ACCOUNT, 16, "AB".getBytes())).isTrue();
        assertThat(f.asciiEquals(MsgType.NewOrder.ACCOUNT, 16, "ABC".getBytes())).isFalse();
        assertThat(f.asciiEquals(MsgType.NewOrder.ACCOUNT, 16, "A".getBytes())).isFalse();
        byte[] raw = new byte[16];
        f.asciiBytes(MsgType.NewOrder.ACCOUNT, 16, raw);
        assertThat(raw).startsWith('A', 'B', 0);
        f.ascii(MsgType.NewOrder.ACCOUNT, 16, " ~");                  // the ends of the printable range
        assertThat(f.ascii(MsgType.NewOrder.ACCOUNT, 16)).isEqualTo(" ~");
        f.ascii(MsgType.NewOrder.ACCOUNT, 16, "");
        assertThat(f.ascii(MsgType.NewOrder.ACCOUNT, 16)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0123456789ABCDEFG", "ACC\u00c9", "ACC\u3042", "tab\there", "nul\0in", "del\u007f", "\n"})
    void asciiRefusesTooLongAndNonPrintable(String value) {
        Frame f = new Frame().wrap(sample(NEW_ORDER), 0);
        assertThatThrownBy(() -> f.ascii(MsgType.NewOrder.ACCOUNT, 16, value))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- Validator ---------------------------------------------------------------------------------------------

    @Test
    void everyWellFormedSampleIsAccepted() {
        for (int type : LAYOUT.keySet()) {
            assertThat(validate(sample(type))).as(MsgType.name(type)).isZero();
            ByteBuffer dup = sample(type);
            new Frame().wrap(dup, 0).flags(Header.FLAG_POSS_DUP);
            assertThat(validate(dup)).as(MsgType.name(type) + " possDup").isZero();
        }
    }

    @Test
    void headerNeedsOnlyTheLengthField() {
        ByteBuffer four = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        Frame f = new Frame();
        for (int length : new int[] {Header.LENGTH, 40, Header.MAX_FRAME}) {
            four.putInt(0, length);
            assertThat(Validator.header(four, 0, f)).as("length " + length).isZero();
            assertThat(f.length()).isEqualTo(length);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, 31, -1, Integer.MIN_VALUE})
    void lengthBelowTheHeaderOrWithTheTopBitSetIsMalformed(int length) {
        ByteBuffer b = sample(LOGON);
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(0, length);
        assertThat(Validator.header(b, 0, new Frame())).isEqualTo(MALFORMED_HEADER);
    }

    @ParameterizedTest
    @ValueSource(ints = {Header.MAX_FRAME + 1, 4096, Integer.MAX_VALUE})
    void lengthAboveMaxFrameIsTooLarge(int length) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, length);
        assertThat(Validator.header(b, 0, new Frame())).isEqualTo(FRAME_TOO_LARGE);
    }

    @Test
    void lengthDisagreeingWithTheTypeIsAMismatch() {
        ByteBuffer b = ByteBuffer.allocate(Header.MAX_FRAME);
        Frame f = new Frame().wrap(b, 0).begin(HEARTBEAT, 0, SESSION, 1, TIME);
        for (int length : new int[] {Header.LENGTH, 48, Header.MAX_FRAME}) {
            b.order(ByteOrder.LITTLE_ENDIAN).putInt(0, length);
            assertThat(validate(b)).as("length " + length).isEqualTo(LENGTH_MISMATCH);
        }
        b.putInt(0, 40);
        assertThat(validate(b)).isZero();
        ByteBuffer report = sample(EXECUTION_REPORT);
        report.order(ByteOrder.LITTLE_ENDIAN).putShort(Header.OFF_TYPE, (short) NEW_ORDER);   // 112 bytes typed NewOrder
        assertThat(validate(report)).isEqualTo(LENGTH_MISMATCH);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 9, 13, 22, 29, 32, 33, 255, 0x100 | LOGON, 0xffff})
    void unknownTypeIsRejected(int type) {
        ByteBuffer b = sample(HEARTBEAT);
        b.order(ByteOrder.LITTLE_ENDIAN).putShort(Header.OFF_TYPE, (short) type);
        assertThat(validate(b)).isEqualTo(UNKNOWN_TYPE);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 255})
    void otherVersionsAreUnsupported(int version) {
        ByteBuffer b = sample(NEW_ORDER);
        b.put(Header.OFF_VERSION, (byte) version);
        assertThat(validate(b)).isEqualTo(UNSUPPORTED_VERSION);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 0x80, 0xff, 0x03})
    void unknownFlagBitsAreMalformed(int flags) {
        ByteBuffer b = sample(NEW_ORDER);
        new Frame().wrap(b, 0).flags(flags);
        assertThat(validate(b)).isEqualTo(MALFORMED_HEADER);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void sequenceNumbersStartAtOne(long seq) {
        ByteBuffer b = sample(HEARTBEAT);
        new Frame().wrap(b, 0).seq(seq);
        assertThat(validate(b)).isEqualTo(MALFORMED_HEADER);
        new Frame().wrap(b, 0).seq(Long.MAX_VALUE);
        assertThat(validate(b)).isZero();
    }

    @Test
    void checksRunInTheDocumentedOrder() {
        ByteBuffer b = sample(NEW_ORDER);
        Frame f = new Frame().wrap(b, 0);
        f.u8(MsgType.NewOrder.SIDE, 9);
        assertThat(Validator.frame(f)).isEqualTo(INVALID_FIELD);
        f.seq(0);
        assertThat(Validator.frame(f)).isEqualTo(MALFORMED_HEADER);
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(Header.OFF_LENGTH, 40);
        assertThat(Validator.frame(f)).isEqualTo(LENGTH_MISMATCH);
        b.putShort(Header.OFF_TYPE, (short) 9);
        assertThat(Validator.frame(f)).isEqualTo(UNKNOWN_TYPE);
        b.put(Header.OFF_VERSION, (byte) 2);
        assertThat(Validator.frame(f)).isEqualTo(UNSUPPORTED_VERSION);
    }

    /** Takes a valid sample of {@code type}, applies {@code change}, and returns what the two steps say. */
    private static int mutated(int type, Consumer<Frame> change) {
        ByteBuffer b = sample(type);
        change.accept(new Frame().wrap(b, 0));
        return validate(b);
    }

    private static void invalid(int type, Consumer<Frame> change) {
        assertThat(mutated(type, change)).isEqualTo(INVALID_FIELD);
    }

    private static void valid(int type, Consumer<Frame> change) {
        assertThat(mutated(type, change)).isZero();
    }

    @Test
    void sideOrdTypeTimeInForce() {
        invalid(NEW_ORDER, f -> f.u8(MsgType.NewOrder.SIDE, 0));
        invalid(NEW_ORDER, f -> f.u8(MsgType.NewOrder.SIDE, 3));
        valid(NEW_ORDER, f -> f.u8(MsgType.NewOrder.SIDE, 2));
        invalid(NEW_ORDER, f -> f.u8(MsgType.NewOrder.ORD_TYPE, 0));
        invalid(NEW_ORDER, f -> f.u8(MsgType.NewOrder.ORD_TYPE, 3));
        invalid(NEW_ORDER, f -> f.u8(MsgType.NewOrder.TIME_IN_FORCE, 3));
        valid(NEW_ORDER, f -> f.u8(MsgType.NewOrder.TIME_IN_FORCE, 2));
    }

    @Test
    void priceIsPositiveForLimitOrdersOnly() {
        invalid(NEW_ORDER, f -> f.i64(MsgType.NewOrder.PRICE, 0));
        invalid(NEW_ORDER, f -> f.i64(MsgType.NewOrder.PRICE, -1));
        valid(NEW_ORDER, f -> f.i64(MsgType.NewOrder.PRICE, 1));
        valid(NEW_ORDER, f -> f.u8(MsgType.NewOrder.ORD_TYPE, 1).i64(MsgType.NewOrder.PRICE, 0));
        // The wire layer does not look at a market order's price (the spec says senders write 0).
        valid(NEW_ORDER, f -> f.u8(MsgType.NewOrder.ORD_TYPE, 1).i64(MsgType.NewOrder.PRICE, -5));
    }

    @Test
    void quantitiesAndAmountsArePositive() {
        invalid(NEW_ORDER, f -> f.i64(MsgType.NewOrder.QUANTITY, 0));
        invalid(NEW_ORDER, f -> f.i64(MsgType.NewOrder.QUANTITY, Long.MIN_VALUE));   // a u64 of 2^63
        valid(NEW_ORDER, f -> f.i64(MsgType.NewOrder.QUANTITY, Long.MAX_VALUE));
        invalid(FUND_TRANSFER, f -> f.i64(MsgType.FundTransfer.AMOUNT, 0));
        invalid(FUND_TRANSFER, f -> f.i64(MsgType.FundTransfer.AMOUNT, -1));
    }

    @Test
    void correlationIdsAreOneToMaxClientId() {
        int[][] ids = {{NEW_ORDER, MsgType.NewOrder.CL_ORD_ID}, {CANCEL_ORDER, MsgType.CancelOrder.CL_ORD_ID},
                {CANCEL_ORDER, MsgType.CancelOrder.ORIG_CL_ORD_ID}, {FUND_TRANSFER, MsgType.FundTransfer.TRANSFER_ID},
                {ACCOUNT_STATUS_QUERY, MsgType.AccountStatusQuery.QUERY_ID}};
        for (int[] id : ids) {
            invalid(id[0], f -> f.i64(id[1], 0));
            invalid(id[0], f -> f.i64(id[1], Validator.MAX_CLIENT_ID + 1));
            invalid(id[0], f -> f.i64(id[1], -1));
            valid(id[0], f -> f.i64(id[1], 1));
            valid(id[0], f -> f.i64(id[1], Validator.MAX_CLIENT_ID));
        }
        assertThat(Validator.MAX_CLIENT_ID).isEqualTo(0xffff_ffff_ffffL);
        // Replies carry whatever 64-bit id came back: the wire layer does not range-check them.
        valid(EXECUTION_REPORT, f -> f.i64(MsgType.ExecutionReport.CL_ORD_ID, (3L << 48) | 1001));
        valid(TRANSFER_RESULT, f -> f.i64(MsgType.TransferResult.TRANSFER_ID, 0));
        valid(ACCOUNT_STATUS, f -> f.i64(MsgType.AccountStatus.QUERY_ID, -1));
    }

    @Test
    void textFields() {
        int acc = MsgType.NewOrder.ACCOUNT;
        invalid(NEW_ORDER, f -> f.u8(acc + 2, 0x1f));                     // control character
        invalid(NEW_ORDER, f -> f.u8(acc + 2, 0x7f));                     // DEL
        invalid(NEW_ORDER, f -> f.u8(acc + 2, 0x80));                     // not ASCII
        invalid(NEW_ORDER, f -> f.u8(acc, 0xc3).u8(acc + 1, 0x89));        // UTF-8 É
        invalid(NEW_ORDER, f -> f.u8(acc + 15, 'X'));                     // a character after the NUL padding
        invalid(NEW_ORDER, f -> f.u8(acc + 8, 0x01));                     // non-NUL padding
        invalid(NEW_ORDER, f -> f.ascii(acc, 16, ""));                     // required and empty
        invalid(NEW_ORDER, f -> f.ascii(MsgType.NewOrder.SYMBOL, 12, "")); // required and empty
        valid(NEW_ORDER, f -> f.ascii(acc, 16, "0123456789ABCDEF"));       // full width, no NUL
        valid(NEW_ORDER, f -> f.ascii(acc, 16, " "));                      // a space counts as a character
        invalid(LOGON, f -> f.ascii(MsgType.Logon.MEMBER_ID, 16, ""));
        invalid(LOGON, f -> f.ascii(MsgType.Logon.CREDENTIAL, 32, ""));
        invalid(LOGON, f -> f.u8(MsgType.Logon.CREDENTIAL + 20, 0));      // a NUL inside the value
        invalid(CANCEL_ORDER, f -> f.ascii(MsgType.CancelOrder.ACCOUNT, 16, ""));
        invalid(CANCEL_ORDER, f -> f.u8(MsgType.CancelOrder.SYMBOL, 0x0a));
        invalid(FUND_TRANSFER, f -> f.ascii(MsgType.FundTransfer.FROM_ACCOUNT, 16, ""));
        invalid(FUND_TRANSFER, f -> f.ascii(MsgType.FundTransfer.TO_ACCOUNT, 16, ""));
        invalid(ACCOUNT_STATUS_QUERY, f -> f.ascii(MsgType.AccountStatusQuery.ACCOUNT, 16, ""));
        // Optional text: empty is fine, bad characters are not.
        valid(LOGOUT, f -> f.ascii(MsgType.Logout.TEXT, 48, ""));
        invalid(LOGOUT, f -> f.u8(MsgType.Logout.TEXT + 47, 0xff));
        valid(REJECT, f -> f.ascii(MsgType.Reject.TEXT, 48, ""));
        invalid(REJECT, f -> f.u8(MsgType.Reject.TEXT, 0x1b));
        valid(EXECUTION_REPORT, f -> f.ascii(MsgType.ExecutionReport.SYMBOL, 12, ""));
        invalid(EXECUTION_REPORT, f -> f.u8(MsgType.ExecutionReport.SYMBOL + 11, '!'));
        valid(ACCOUNT_STATUS, f -> f.ascii(MsgType.AccountStatus.ACCOUNT, 16, ""));
        invalid(ACCOUNT_STATUS, f -> f.u8(MsgType.AccountStatus.ACCOUNT, 0x7f));
    }

    @Test
    void currency() {
        int cur = MsgType.FundTransfer.CURRENCY;
        invalid(FUND_TRANSFER, f -> f.ascii(cur, 4, "jpy"));
        invalid(FUND_TRANSFER, f -> f.ascii(cur, 4, "JP1"));
        invalid(FUND_TRANSFER, f -> f.ascii(cur, 4, "JP"));
        invalid(FUND_TRANSFER, f -> f.ascii(cur, 4, "JPYX"));
        invalid(FUND_TRANSFER, f -> f.ascii(cur, 4, ""));
        valid(FUND_TRANSFER, f -> f.ascii(cur, 4, "USD"));
        valid(FUND_TRANSFER, f -> f.ascii(cur, 4, "AZZ"));
    }

    @Test
    void valueDate() {
        int d = MsgType.FundTransfer.VALUE_DATE;
        for (long bad : new long[] {0, 19_691_231, 20_261_301, 20_260_001, 20_260_100, 20_260_132, 100_000_101,
                0xffff_ffffL, 2026_01_05_0L}) {
            assertThat(mutated(FUND_TRANSFER, f -> f.u32(d, bad))).as("date " + bad).isEqualTo(INVALID_FIELD);
        }
        for (long good : new long[] {19_700_101, 99_991_231, 20_261_231, 20_240_229}) {
            assertThat(mutated(FUND_TRANSFER, f -> f.u32(d, good))).as("date " + good).isZero();
        }
        // Only the ranges of month and day are checked, not the calendar.
        valid(FUND_TRANSFER, f -> f.u32(d, 20_250_231));
    }

    @Test
    void sessionBodies() {
        invalid(LOGON, f -> f.u32(MsgType.Logon.HEARTBEAT_MS, 99));
        valid(LOGON, f -> f.u32(MsgType.Logon.HEARTBEAT_MS, 100));
        valid(LOGON, f -> f.u32(MsgType.Logon.HEARTBEAT_MS, 600_000));
        invalid(LOGON, f -> f.u32(MsgType.Logon.HEARTBEAT_MS, 600_001));
        invalid(LOGON, f -> f.u32(MsgType.Logon.HEARTBEAT_MS, 0xffff_ffffL));
        invalid(LOGON, f -> f.i64(MsgType.Logon.NEXT_EXPECTED_SEQ, 0));
        invalid(LOGON, f -> f.i64(MsgType.Logon.NEXT_EXPECTED_SEQ, -1));
        invalid(LOGON_ACK, f -> f.u32(MsgType.LogonAck.HEARTBEAT_MS, 99));
        valid(LOGON_ACK, f -> f.u32(MsgType.LogonAck.HEARTBEAT_MS, 0xffff_ffffL));   // no upper bound here
        invalid(LOGON_ACK, f -> f.i64(MsgType.LogonAck.NEXT_EXPECTED_SEQ, 0));
        valid(LOGOUT, f -> f.u16(MsgType.Logout.REASON, 0xffff));                   // reasons are not range-checked
        invalid(HEARTBEAT, f -> f.i64(MsgType.Heartbeat.TEST_REQ_ID, -1));
        valid(HEARTBEAT, f -> f.i64(MsgType.Heartbeat.TEST_REQ_ID, 0));
        invalid(TEST_REQUEST, f -> f.i64(MsgType.Heartbeat.TEST_REQ_ID, Long.MIN_VALUE));
        valid(TEST_REQUEST, f -> f.i64(MsgType.Heartbeat.TEST_REQ_ID, 0));
        invalid(SEQUENCE_RESET, f -> f.i64(MsgType.SequenceReset.NEW_SEQ, 0));
        invalid(SEQUENCE_RESET, f -> f.u8(MsgType.SequenceReset.GAP_FILL, 2));
        valid(SEQUENCE_RESET, f -> f.u8(MsgType.SequenceReset.GAP_FILL, 0));
        valid(REJECT, f -> f.i64(MsgType.Reject.REF_SEQ, 0).u16(MsgType.Reject.REF_TYPE, 0xffff));
    }

    @Test
    void resendRange() {
        int b = MsgType.ResendRequest.BEGIN_SEQ, e = MsgType.ResendRequest.END_SEQ;
        invalid(RESEND_REQUEST, f -> f.i64(b, 0));
        invalid(RESEND_REQUEST, f -> f.i64(b, 0).i64(e, 0));
        invalid(RESEND_REQUEST, f -> f.i64(b, -1).i64(e, 0));
        invalid(RESEND_REQUEST, f -> f.i64(b, 10).i64(e, 9));
        invalid(RESEND_REQUEST, f -> f.i64(b, 10).i64(e, -1));
        valid(RESEND_REQUEST, f -> f.i64(b, 10).i64(e, 10));
        valid(RESEND_REQUEST, f -> f.i64(b, 10).i64(e, 0));
    }

    @Test
    void enumeratedReplyFields() {
        invalid(EXECUTION_REPORT, f -> f.u8(MsgType.ExecutionReport.EXEC_TYPE, 5));
        valid(EXECUTION_REPORT, f -> f.u8(MsgType.ExecutionReport.EXEC_TYPE, MsgType.ExecutionReport.EXEC_CANCELLED));
        invalid(TRANSFER_RESULT, f -> f.u8(MsgType.TransferResult.STATUS, 3));
        invalid(ACCOUNT_STATUS, f -> f.u8(MsgType.AccountStatus.STATUS, 4));
        valid(ACCOUNT_STATUS, f -> f.u8(MsgType.AccountStatus.STATUS, 3));
    }

    @Test
    void reservedBytesAreNotChecked() {
        // Senders write 0 (begin does); receivers ignore them, so a later version may use them.
        valid(NEW_ORDER, f -> f.u8(39, 0xff).u8(58, 0xff).u8(63, 0xff));
        valid(LOGON, f -> f.u32(4, 0xffff_ffffL));
    }
}
