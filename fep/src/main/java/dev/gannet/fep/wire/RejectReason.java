package dev.gannet.fep.wire;

/** Reason codes carried by Reject, Logout and rejected replies (u16 on the wire). */
public final class RejectReason {
    private RejectReason() {}

    public static final int NONE = 0;
    public static final int MALFORMED_HEADER = 1;
    public static final int LENGTH_MISMATCH = 2;
    public static final int FRAME_TOO_LARGE = 3;
    public static final int UNKNOWN_TYPE = 4;
    public static final int UNSUPPORTED_VERSION = 5;
    public static final int SEQUENCE_TOO_LOW = 6;
    public static final int NOT_LOGGED_ON = 7;
    public static final int BAD_CREDENTIALS = 8;
    public static final int THROTTLED = 9;
    public static final int UPSTREAM_UNAVAILABLE = 10;
    public static final int QUEUE_FULL = 11;
    public static final int INVALID_FIELD = 12;
    public static final int UNKNOWN_DESTINATION = 13;
    public static final int SESSION_MISMATCH = 14;
    public static final int ALREADY_LOGGED_ON = 15;
    public static final int HEARTBEAT_TIMEOUT = 16;
    public static final int LOGON_FLOOD = 17;
    public static final int UNEXPECTED_TYPE = 18;
    public static final int SHUTTING_DOWN = 19;
    /** Institution-side business rejects (the simulator's): an order or a transfer it would not take. */
    public static final int BUSINESS_REJECT = 20;

    /** One past the largest code: counters indexed by reason have this many entries. */
    public static final int LIMIT = 21;

    private static final String[] NAMES = {"none", "malformed header", "length mismatch", "frame too large",
            "unknown type", "unsupported version", "sequence too low", "not logged on", "bad credentials", "throttled",
            "upstream unavailable", "queue full", "invalid field", "unknown destination", "session mismatch",
            "already logged on", "heartbeat timeout", "logon flood", "unexpected type", "shutting down",
            "business reject"};

    private static final String[] CONSTANTS = {"NONE", "MALFORMED_HEADER", "LENGTH_MISMATCH", "FRAME_TOO_LARGE",
            "UNKNOWN_TYPE", "UNSUPPORTED_VERSION", "SEQUENCE_TOO_LOW", "NOT_LOGGED_ON", "BAD_CREDENTIALS", "THROTTLED",
            "UPSTREAM_UNAVAILABLE", "QUEUE_FULL", "INVALID_FIELD", "UNKNOWN_DESTINATION", "SESSION_MISMATCH",
            "ALREADY_LOGGED_ON", "HEARTBEAT_TIMEOUT", "LOGON_FLOOD", "UNEXPECTED_TYPE", "SHUTTING_DOWN",
            "BUSINESS_REJECT"};

    public static String name(int reason) {
        return reason >= 0 && reason < NAMES.length ? NAMES[reason] : "reason " + reason;
    }

    /** The constant's name ({@code SEQUENCE_TOO_LOW}), for logs and status lines; {@code REASON_n} when unknown. */
    public static String constant(int reason) {
        return reason >= 0 && reason < CONSTANTS.length ? CONSTANTS[reason] : "REASON_" + reason;
    }

    /** The code of a constant's name, in any case, or -1. */
    public static int ofConstant(String name) {
        for (int i = 0; i < CONSTANTS.length; i++) if (CONSTANTS[i].equalsIgnoreCase(name)) return i;
        return -1;
    }
}
