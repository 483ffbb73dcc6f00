package dev.gannet.fep.wire;

/**
 * Message types and the layout of each body: every body has a fixed length, so a frame's length field is checked
 * against its type before any field is read. Field offsets are relative to the start of the body (the byte after
 * the 32-byte header); docs/fep-protocol.md is the normative description and this class must agree with it.
 *
 * <p>Request bodies that are routed upstream (NewOrder, CancelOrder, FundTransfer, AccountStatusQuery) and the
 * replies to them (ExecutionReport, TransferResult, AccountStatus) all begin with the u64 correlation id the
 * member chose (clOrdId, transferId, queryId).
 */
public final class MsgType {
    private MsgType() {}

    // Session messages.
    public static final int LOGON = 1;
    public static final int LOGON_ACK = 2;
    public static final int LOGOUT = 3;
    public static final int HEARTBEAT = 4;
    public static final int TEST_REQUEST = 5;
    public static final int RESEND_REQUEST = 6;
    public static final int SEQUENCE_RESET = 7;
    public static final int REJECT = 8;
    // Application messages.
    public static final int NEW_ORDER = 10;
    public static final int CANCEL_ORDER = 11;
    public static final int EXECUTION_REPORT = 12;
    public static final int FUND_TRANSFER = 20;
    public static final int TRANSFER_RESULT = 21;
    public static final int ACCOUNT_STATUS_QUERY = 30;
    public static final int ACCOUNT_STATUS = 31;

    /** One past the largest type: tables indexed by type have this many entries. */
    public static final int LIMIT = 32;

    private static final int[] BODY = new int[LIMIT];
    private static final String[] NAME = new String[LIMIT];

    static {
        java.util.Arrays.fill(BODY, -1);
        define(LOGON, 64, "Logon");
        define(LOGON_ACK, 16, "LogonAck");
        define(LOGOUT, 56, "Logout");
        define(HEARTBEAT, 8, "Heartbeat");
        define(TEST_REQUEST, 8, "TestRequest");
        define(RESEND_REQUEST, 16, "ResendRequest");
        define(SEQUENCE_RESET, 16, "SequenceReset");
        define(REJECT, 64, "Reject");
        define(NEW_ORDER, 64, "NewOrder");
        define(CANCEL_ORDER, 48, "CancelOrder");
        define(EXECUTION_REPORT, 80, "ExecutionReport");
        define(FUND_TRANSFER, 64, "FundTransfer");
        define(TRANSFER_RESULT, 32, "TransferResult");
        define(ACCOUNT_STATUS_QUERY, 32, "AccountStatusQuery");
        define(ACCOUNT_STATUS, 64, "AccountStatus");
    }

    private static void define(int type, int bodyLength, String name) {
        BODY[type] = bodyLength;
        NAME[type] = name;
    }

    /** The body length of {@code type}, or -1 for a type this version does not define. */
    public static int bodyLength(int type) {
        return type >= 0 && type < LIMIT ? BODY[type] : -1;
    }

    public static boolean known(int type) {
        return bodyLength(type) >= 0;
    }

    /** Whole frame length of {@code type}: header plus body. */
    public static int frameLength(int type) {
        return Header.LENGTH + bodyLength(type);
    }

    public static String name(int type) {
        return type >= 0 && type < LIMIT && NAME[type] != null ? NAME[type] : "type " + type;
    }

    /** Session-level messages, handled by the session layer itself. */
    public static boolean isSession(int type) {
        return type >= LOGON && type <= REJECT;
    }

    /** Requests a member sends that the gateway routes to an institution. */
    public static boolean isRoutedRequest(int type) {
        return type == NEW_ORDER || type == CANCEL_ORDER || type == FUND_TRANSFER || type == ACCOUNT_STATUS_QUERY;
    }

    /** Replies an institution sends back, correlated to a member's request by their first field. */
    public static boolean isReply(int type) {
        return type == EXECUTION_REPORT || type == TRANSFER_RESULT || type == ACCOUNT_STATUS;
    }

    // ---- body layouts (offsets within the body) ----------------------------------------------------------------

    /** Logon: heartbeat interval, the next sequence number the sender expects to receive, member id, credential. */
    public static final class Logon {
        public static final int HEARTBEAT_MS = 0;          // u32
        public static final int NEXT_EXPECTED_SEQ = 8;     // u64
        public static final int MEMBER_ID = 16;            // char[16]
        public static final int MEMBER_ID_LENGTH = 16;
        public static final int CREDENTIAL = 32;           // char[32]
        public static final int CREDENTIAL_LENGTH = 32;
        private Logon() {}
    }

    public static final class LogonAck {
        public static final int HEARTBEAT_MS = 0;          // u32
        public static final int NEXT_EXPECTED_SEQ = 8;     // u64
        private LogonAck() {}
    }

    public static final class Logout {
        public static final int REASON = 0;                // u16 (a RejectReason, 0 for a normal end)
        public static final int TEXT = 8;                  // char[48]
        public static final int TEXT_LENGTH = 48;
        private Logout() {}
    }

    /** Heartbeat and TestRequest share this body. */
    public static final class Heartbeat {
        public static final int TEST_REQ_ID = 0;           // u64, 0 for an unsolicited heartbeat
        private Heartbeat() {}
    }

    public static final class ResendRequest {
        public static final int BEGIN_SEQ = 0;             // u64
        public static final int END_SEQ = 8;               // u64, 0: up to the latest
        private ResendRequest() {}
    }

    public static final class SequenceReset {
        public static final int NEW_SEQ = 0;               // u64
        public static final int GAP_FILL = 8;              // u8, 1: fills a gap in a replay
        private SequenceReset() {}
    }

    public static final class Reject {
        public static final int REF_SEQ = 0;               // u64, 0 when the frame had no readable sequence
        public static final int REF_TYPE = 8;              // u16
        public static final int REASON = 10;               // u16
        public static final int TEXT = 16;                 // char[48]
        public static final int TEXT_LENGTH = 48;
        private Reject() {}
    }

    public static final class NewOrder {
        public static final int CL_ORD_ID = 0;             // u64
        public static final int ACCOUNT = 8;               // char[16]
        public static final int SYMBOL = 24;               // char[12]
        public static final int SIDE = 36;                 // u8: 1 buy, 2 sell
        public static final int ORD_TYPE = 37;             // u8: 1 market, 2 limit
        public static final int TIME_IN_FORCE = 38;        // u8: 0 day, 1 IOC, 2 FOK
        public static final int PRICE = 40;                // i64, units of 1e-4
        public static final int QUANTITY = 48;             // u64
        public static final int DESTINATION = 56;          // u16
        private NewOrder() {}
    }

    public static final class CancelOrder {
        public static final int CL_ORD_ID = 0;             // u64
        public static final int ORIG_CL_ORD_ID = 8;        // u64
        public static final int ACCOUNT = 16;              // char[16]
        public static final int SYMBOL = 32;               // char[12]
        public static final int DESTINATION = 44;          // u16
        private CancelOrder() {}
    }

    public static final class ExecutionReport {
        public static final int CL_ORD_ID = 0;             // u64
        public static final int ORDER_ID = 8;              // u64
        public static final int EXEC_TYPE = 16;            // u8: see EXEC_*
        public static final int SIDE = 17;                 // u8
        public static final int REJECT_REASON = 18;        // u16
        public static final int SOURCE = 20;               // u16
        public static final int LAST_PX = 24;              // i64
        public static final int LAST_QTY = 32;             // u64
        public static final int CUM_QTY = 40;              // u64
        public static final int LEAVES_QTY = 48;           // u64
        public static final int SYMBOL = 56;               // char[12]
        public static final int TRANSACT_TIME = 72;        // i64, ns since the epoch
        public static final int EXEC_NEW = 0, EXEC_PARTIAL_FILL = 1, EXEC_FILL = 2, EXEC_REJECTED = 3,
                EXEC_CANCELLED = 4;
        private ExecutionReport() {}
    }

    public static final class FundTransfer {
        public static final int TRANSFER_ID = 0;           // u64
        public static final int FROM_ACCOUNT = 8;          // char[16]
        public static final int TO_ACCOUNT = 24;           // char[16]
        public static final int AMOUNT = 40;               // i64, units of 1e-4
        public static final int CURRENCY = 48;             // char[4]
        public static final int DESTINATION = 52;          // u16
        public static final int VALUE_DATE = 56;          // u32, yyyymmdd
        private FundTransfer() {}
    }

    public static final class TransferResult {
        public static final int TRANSFER_ID = 0;           // u64
        public static final int STATUS = 8;                // u8: 0 accepted, 1 rejected, 2 settled
        public static final int REJECT_REASON = 10;        // u16
        public static final int SOURCE = 12;               // u16
        public static final int REFERENCE = 16;            // u64
        public static final int SETTLED_TIME = 24;         // i64
        private TransferResult() {}
    }

    public static final class AccountStatusQuery {
        public static final int QUERY_ID = 0;              // u64
        public static final int ACCOUNT = 8;               // char[16]
        public static final int DESTINATION = 24;          // u16
        private AccountStatusQuery() {}
    }

    public static final class AccountStatus {
        public static final int QUERY_ID = 0;              // u64
        public static final int ACCOUNT = 8;               // char[16]
        public static final int STATUS = 24;               // u8: 0 active, 1 suspended, 2 closed, 3 unknown
        public static final int SOURCE = 26;               // u16
        public static final int CURRENCY = 28;             // char[4]
        public static final int BALANCE = 32;              // i64
        public static final int AVAILABLE = 40;            // i64
        public static final int AS_OF = 48;                // i64
        private AccountStatus() {}
    }

    /** Where a routed request names its institution (destination), or -1 for other types. */
    public static int destinationOffset(int type) {
        return switch (type) {
            case NEW_ORDER -> NewOrder.DESTINATION;
            case CANCEL_ORDER -> CancelOrder.DESTINATION;
            case FUND_TRANSFER -> FundTransfer.DESTINATION;
            case ACCOUNT_STATUS_QUERY -> AccountStatusQuery.DESTINATION;
            default -> -1;
        };
    }

    /** Where a reply names the institution that sent it, or -1 for other types. */
    public static int sourceOffset(int type) {
        return switch (type) {
            case EXECUTION_REPORT -> ExecutionReport.SOURCE;
            case TRANSFER_RESULT -> TransferResult.SOURCE;
            case ACCOUNT_STATUS -> AccountStatus.SOURCE;
            default -> -1;
        };
    }
}
