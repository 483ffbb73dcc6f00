package dev.gannet.fep.wire;

import java.nio.ByteBuffer;

/**
 * Strict checks of frames as they arrive, in two steps: {@link #header} on the first bytes (can the stream be
 * split at all, and where), then {@link #frame} on the whole frame (is every field legal). Each returns 0 or a
 * {@link RejectReason}; neither allocates.
 */
public final class Validator {
    private Validator() {}

    /** The largest correlation id a member may use: the gateway keeps the top 16 bits for its member index. */
    public static final long MAX_CLIENT_ID = (1L << 48) - 1;

    /**
     * Checks the length field of a frame starting at {@code offset}, with at least 4 bytes readable: a reason when
     * the stream cannot be framed any further (the peer must be disconnected), else 0. The length is the frame's,
     * so a caller can skip a frame it rejects later and stay in step.
     */
    public static int header(ByteBuffer in, int offset, Frame f) {
        f.wrap(in, offset);
        int length = f.length();
        if (length < Header.LENGTH || length < 0) return RejectReason.MALFORMED_HEADER;
        if (length > Header.MAX_FRAME) return RejectReason.FRAME_TOO_LARGE;
        return 0;
    }

    /** Checks a whole frame (its length already accepted by {@link #header}); 0 when it is legal. */
    public static int frame(Frame f) {
        return frame(f, MAX_CLIENT_ID);
    }

    /**
     * As {@link #frame(Frame)}, with request correlation ids legal up to {@code maxRequestId}: {@link #MAX_CLIENT_ID}
     * from a member; up to 2^63 - 1 at an institution, which gets them from the gateway with the member's session
     * number in the top 16 bits (docs/fep-protocol.md 8.1).
     */
    public static int frame(Frame f, long maxRequestId) {
        if (f.version() != Header.VERSION) return RejectReason.UNSUPPORTED_VERSION;
        int type = f.type();
        if (!MsgType.known(type)) return RejectReason.UNKNOWN_TYPE;
        if (f.length() != MsgType.frameLength(type)) return RejectReason.LENGTH_MISMATCH;
        if ((f.flags() & ~Header.KNOWN_FLAGS) != 0 || f.seq() <= 0) return RejectReason.MALFORMED_HEADER;
        return body(f, type, maxRequestId) ? 0 : RejectReason.INVALID_FIELD;
    }

    private static boolean body(Frame f, int type, long maxId) {
        return switch (type) {
            case MsgType.LOGON -> f.u32(MsgType.Logon.HEARTBEAT_MS) >= 100 && f.u32(MsgType.Logon.HEARTBEAT_MS) <= 600_000
                    && f.i64(MsgType.Logon.NEXT_EXPECTED_SEQ) >= 1
                    && text(f, MsgType.Logon.MEMBER_ID, MsgType.Logon.MEMBER_ID_LENGTH, true)
                    && text(f, MsgType.Logon.CREDENTIAL, MsgType.Logon.CREDENTIAL_LENGTH, true);
            case MsgType.LOGON_ACK -> f.u32(MsgType.LogonAck.HEARTBEAT_MS) >= 100
                    && f.i64(MsgType.LogonAck.NEXT_EXPECTED_SEQ) >= 1;
            case MsgType.LOGOUT -> text(f, MsgType.Logout.TEXT, MsgType.Logout.TEXT_LENGTH, false);
            case MsgType.HEARTBEAT, MsgType.TEST_REQUEST -> f.i64(MsgType.Heartbeat.TEST_REQ_ID) >= 0;
            case MsgType.RESEND_REQUEST -> {
                long begin = f.i64(MsgType.ResendRequest.BEGIN_SEQ), end = f.i64(MsgType.ResendRequest.END_SEQ);
                yield begin >= 1 && (end == 0 || end >= begin);
            }
            case MsgType.SEQUENCE_RESET -> f.i64(MsgType.SequenceReset.NEW_SEQ) >= 1
                    && f.u8(MsgType.SequenceReset.GAP_FILL) <= 1;
            case MsgType.REJECT -> text(f, MsgType.Reject.TEXT, MsgType.Reject.TEXT_LENGTH, false);
            case MsgType.NEW_ORDER -> id(f, MsgType.NewOrder.CL_ORD_ID, maxId)
                    && text(f, MsgType.NewOrder.ACCOUNT, 16, true) && text(f, MsgType.NewOrder.SYMBOL, 12, true)
                    && (f.u8(MsgType.NewOrder.SIDE) == 1 || f.u8(MsgType.NewOrder.SIDE) == 2)
                    && (f.u8(MsgType.NewOrder.ORD_TYPE) == 1
                        || (f.u8(MsgType.NewOrder.ORD_TYPE) == 2 && f.i64(MsgType.NewOrder.PRICE) > 0))
                    && f.u8(MsgType.NewOrder.TIME_IN_FORCE) <= 2
                    && f.i64(MsgType.NewOrder.QUANTITY) > 0;
            case MsgType.CANCEL_ORDER -> id(f, MsgType.CancelOrder.CL_ORD_ID, maxId) && id(f, MsgType.CancelOrder.ORIG_CL_ORD_ID, maxId)
                    && text(f, MsgType.CancelOrder.ACCOUNT, 16, true) && text(f, MsgType.CancelOrder.SYMBOL, 12, true);
            case MsgType.EXECUTION_REPORT -> f.u8(MsgType.ExecutionReport.EXEC_TYPE) <= MsgType.ExecutionReport.EXEC_CANCELLED
                    && text(f, MsgType.ExecutionReport.SYMBOL, 12, false);
            case MsgType.FUND_TRANSFER -> id(f, MsgType.FundTransfer.TRANSFER_ID, maxId)
                    && text(f, MsgType.FundTransfer.FROM_ACCOUNT, 16, true)
                    && text(f, MsgType.FundTransfer.TO_ACCOUNT, 16, true)
                    && f.i64(MsgType.FundTransfer.AMOUNT) > 0
                    && currency(f, MsgType.FundTransfer.CURRENCY)
                    && date(f.u32(MsgType.FundTransfer.VALUE_DATE));
            case MsgType.TRANSFER_RESULT -> f.u8(MsgType.TransferResult.STATUS) <= 2;
            case MsgType.ACCOUNT_STATUS_QUERY -> id(f, MsgType.AccountStatusQuery.QUERY_ID, maxId)
                    && text(f, MsgType.AccountStatusQuery.ACCOUNT, 16, true);
            case MsgType.ACCOUNT_STATUS -> f.u8(MsgType.AccountStatus.STATUS) <= 3
                    && text(f, MsgType.AccountStatus.ACCOUNT, 16, false);
            default -> false;
        };
    }

    /** A member's correlation id: 1 .. {@link #MAX_CLIENT_ID}. */
    private static boolean id(Frame f, int field, long max) {
        long v = f.i64(field);
        return v >= 1 && v <= max;
    }

    /** Printable ASCII, then only NULs; {@code required}: at least one character. */
    private static boolean text(Frame f, int field, int width, boolean required) {
        int n = 0;
        while (n < width && f.u8(field + n) != 0) {
            int c = f.u8(field + n);
            if (c < 0x20 || c > 0x7e) return false;
            n++;
        }
        for (int i = n; i < width; i++) if (f.u8(field + i) != 0) return false;
        return !required || n > 0;
    }

    private static boolean currency(Frame f, int field) {
        for (int i = 0; i < 3; i++) {
            int c = f.u8(field + i);
            if (c < 'A' || c > 'Z') return false;
        }
        return f.u8(field + 3) == 0;
    }

    private static boolean date(long yyyymmdd) {
        long month = yyyymmdd / 100 % 100, day = yyyymmdd % 100;
        return yyyymmdd >= 19700101 && yyyymmdd <= 99991231 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
    }
}
