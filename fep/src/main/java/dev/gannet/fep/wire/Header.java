package dev.gannet.fep.wire;

/**
 * The 32-byte header every frame starts with, little-endian:
 *
 * <pre>
 *  0  u32  length        whole frame, header included
 *  4  u16  type          {@link MsgType}
 *  6  u8   version       {@link #VERSION}
 *  7  u8   flags         {@link #FLAG_POSS_DUP}
 *  8  u64  sessionId     the member's session, fixed by configuration
 * 16  u64  seq           the sender's sequence number, from 1, one per frame it sends
 * 24  i64  sendingTime   ns since the Unix epoch
 * </pre>
 */
public final class Header {
    private Header() {}

    public static final int LENGTH = 32;
    public static final int VERSION = 1;

    public static final int OFF_LENGTH = 0;
    public static final int OFF_TYPE = 4;
    public static final int OFF_VERSION = 6;
    public static final int OFF_FLAGS = 7;
    public static final int OFF_SESSION = 8;
    public static final int OFF_SEQ = 16;
    public static final int OFF_TIME = 24;

    /** The frame is a replay of one sent before (a resend from the journal); a receiver that has it drops it. */
    public static final int FLAG_POSS_DUP = 1;
    /** Flags this version defines; any other bit set is malformed. */
    public static final int KNOWN_FLAGS = FLAG_POSS_DUP;

    /** The longest frame of this version (ExecutionReport). */
    public static final int MAX_FRAME = 112;
}
