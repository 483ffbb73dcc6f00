package dev.gannet.http.ws;

/** The close codes of RFC 6455 section 7.4.1 that this implementation sends or checks. */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int UNSUPPORTED_DATA = 1003;
    /** Reported to onClose when a close frame had no code; never sent. */
    public static final int NO_STATUS = 1005;
    /** Reported to onClose when the connection dropped without a close frame; never sent. */
    public static final int ABNORMAL = 1006;
    public static final int INVALID_PAYLOAD = 1007;
    public static final int POLICY_VIOLATION = 1008;
    public static final int TOO_BIG = 1009;
    public static final int MANDATORY_EXTENSION = 1010;
    public static final int INTERNAL_ERROR = 1011;

    private CloseCodes() {
    }

    /** Whether a code may appear in a close frame on the wire (RFC 6455 7.4.1, 7.4.2). */
    public static boolean validOnWire(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }
}
