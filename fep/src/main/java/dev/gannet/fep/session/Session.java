package dev.gannet.fep.session;

import dev.gannet.fep.wire.Frame;
import dev.gannet.fep.wire.Header;
import dev.gannet.fep.wire.MsgType;
import dev.gannet.fep.wire.RejectReason;
import dev.gannet.fep.wire.Validator;
import dev.gannet.transport.Connection;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One FEP session's protocol state: framing and validation of what arrives, logon, sequence numbers in and out,
 * gap detection and fill, duplicates, heartbeats and test requests, the throttle. docs/fep-protocol.md is the
 * contract this class implements.
 *
 * <p>An acceptor (the gateway's member side, the simulator) waits for a Logon; an initiator (the gateway's
 * upstream side, the load driver) sends one when {@link #attach} gives it a connection. A session outlives its
 * connections: its sequence numbers continue on the next one, from its {@link SessionStore}.
 *
 * <p>Not thread-safe: every call comes from the thread that owns the current connection.
 */
public final class Session {
    public enum Role { ACCEPTOR, INITIATOR }

    public enum State { DISCONNECTED, AWAIT_LOGON, LOGON_SENT, ACTIVE, CLOSING }

    /**
     * The time a connection has to complete its logon, from when it opened, not from the last byte: a peer that
     * trickles bytes is still cut off, with Logout(HEARTBEAT_TIMEOUT, "logon timeout"). An initiator whose own
     * heartbeat interval is longer waits that long.
     */
    public static final long LOGON_TIMEOUT_MILLIS = 5_000;

    /** What the session hands up. */
    public interface Listener {
        /**
         * Acceptor only: a Logon with valid fields arrived on a session not yet bound. Check the credential and
         * return 0 to accept (after {@link Session#bind}), or a reason to refuse with a Logout.
         */
        default int onLogon(Session session, Frame logon) {
            return RejectReason.UNEXPECTED_TYPE;
        }

        /** Logon completed; application messages may be sent. */
        default void onActive(Session session) {}

        /** An application message, in sequence, exactly once per sequence number. */
        void onApplication(Session session, Frame frame);

        /** The peer rejected one of our frames. */
        default void onReject(Session session, long refSeq, int refType, int reason) {}

        /** The connection went; {@code reason} is the RejectReason that ended it, or 0. */
        default void onDisconnected(Session session, int reason) {}

        /** The session's timer ran (every tick interval while connected), after its own heartbeat work. */
        default void onTick(Session session) {}
    }

    private final Role role;
    private final Listener listener;
    private final SessionCounters counters;
    private final Frame in = new Frame();
    private final Frame out = new Frame();
    private final Frame replay = new Frame();
    private final ByteBuffer outBuffer = ByteBuffer.allocateDirect(Header.MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer replayBuffer = ByteBuffer.allocateDirect(Header.MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);

    private SessionStore store;
    private long sessionId;
    private Connection connection;
    private State state = State.DISCONNECTED;
    private int heartbeatMs;
    /** The interval the peer declared in its Logon or LogonAck: its silence is measured against this. */
    private int peerHeartbeatMs;
    /** Initiator: what to log on with. */
    private byte[] memberId;
    private byte[] credential;
    /** Frames above the expected number are dropped until this one is reached: a replay is on its way. */
    private long awaitingReplayUntil;
    /** The largest request correlation id accepted: a member's, unless this is an institution's side. */
    private long maxRequestId = Validator.MAX_CLIENT_ID;
    private long lastReceived, lastSent, attachedAt;
    private String peerLogoutText;
    private long testRequestSent, testRequestId;
    private int closeReason;
    private final TokenBucket throttle = new TokenBucket();
    private Object attachment;
    private boolean recordAfterDelivery;
    /** Frames already read stay unhandled in the transport's buffer until {@link #releaseInput}. */
    private boolean inputHeld;

    public Session(Role role, Listener listener, SessionCounters counters) {
        this.role = role;
        this.listener = listener;
        this.counters = counters;
        out.wrap(outBuffer, 0);
        replay.wrap(replayBuffer, 0);
    }

    /** Binds the session to its identity and store: before attaching (initiator) or when a Logon is accepted. */
    public Session bind(long sessionId, SessionStore store, int heartbeatMs) {
        this.sessionId = sessionId;
        this.store = store;
        this.heartbeatMs = heartbeatMs;
        this.peerHeartbeatMs = heartbeatMs;
        return this;
    }

    /** Initiator: the member id and credential its Logon carries. */
    public Session credentials(byte[] memberId, byte[] credential) {
        this.memberId = memberId;
        this.credential = credential;
        return this;
    }

    /**
     * Accepts request correlation ids up to {@code max} (default {@link Validator#MAX_CLIENT_ID}, a member's): an
     * institution's acceptor (the simulator) takes {@link Long#MAX_VALUE}, since the gateway forwards requests
     * with the member's session number in the ids' top 16 bits (docs/fep-protocol.md 8.1).
     */
    public Session maxRequestId(long max) {
        this.maxRequestId = max;
        return this;
    }

    /**
     * Records an application message as received only after the listener handled it, instead of before. For a
     * session whose messages the listener hands on to a journal of its own (the gateway's upstream replies, which
     * go to their member's journal): a process killed between the two records then has the message where it went
     * and not here, and the peer's replay after the restart brings it again (a duplicate the listener can spot),
     * rather than the other way round, where it would be marked received but never handed on.
     */
    public Session recordAfterDelivery(boolean on) {
        recordAfterDelivery = on;
        return this;
    }

    /** At most {@code perSecond} application messages a second (bursts of a tenth of that); 0: no throttle. */
    public Session throttle(int perSecond) {
        throttle.set(perSecond, perSecond / 10);
        return this;
    }

    public Role role() { return role; }
    public State state() { return state; }
    public long sessionId() { return sessionId; }
    public SessionStore store() { return store; }
    public Connection connection() { return connection; }
    public boolean isActive() { return state == State.ACTIVE; }
    /** The text of the Logout the peer sent on the current or last connection, or null if it sent none. */
    public String peerLogoutText() { return peerLogoutText; }
    public <T> T attachment() {
        @SuppressWarnings("unchecked") T t = (T) attachment;
        return t;
    }
    public void attachment(Object a) { attachment = a; }

    // ---- connection events -------------------------------------------------------------------------------------

    /** A connection opened for this session; an initiator logs on at once. */
    public void attach(Connection c, long now) {
        connection = c;
        inputHeld = false;
        lastReceived = lastSent = attachedAt = now;
        peerLogoutText = null;
        testRequestSent = 0;
        awaitingReplayUntil = 0;
        closeReason = 0;
        if (role == Role.INITIATOR) {
            Frame f = prepare(MsgType.LOGON);
            f.u32(MsgType.Logon.HEARTBEAT_MS, heartbeatMs).i64(MsgType.Logon.NEXT_EXPECTED_SEQ, store.nextIn());
            f.buffer().put(Header.LENGTH + MsgType.Logon.MEMBER_ID, memberId, 0, memberId.length);
            f.buffer().put(Header.LENGTH + MsgType.Logon.CREDENTIAL, credential, 0, credential.length);
            state = State.LOGON_SENT;
            send();
        } else {
            state = State.AWAIT_LOGON;
        }
    }

    /** The connection closed (either side). */
    public void detached() {
        if (connection == null) return;
        connection = null;
        state = State.DISCONNECTED;
        listener.onDisconnected(this, closeReason);
    }

    /** Splits {@code in} into frames and handles each whole one; leaves a partial frame in place. */
    public void onData(ByteBuffer data, long now) {
        lastReceived = now;
        testRequestSent = 0;
        while (data.remaining() >= 4 && connection != null && state != State.CLOSING && !inputHeld) {
            int at = data.position();
            int reason = Validator.header(data, at, in);
            if (reason != 0) {
                counters.rejected(reason);
                disconnect(reason, false);
                data.position(data.limit());
                return;
            }
            int length = in.length();
            if (data.remaining() < length) return;
            data.position(at + length);
            reason = Validator.frame(in, maxRequestId);
            if (reason != 0) counters.rejected(reason);
            if (reason != 0 && state == State.AWAIT_LOGON) {
                disconnect(reason, true);
                return;
            }
            frame(reason, now);
        }
    }

    /** Timers: heartbeat when quiet, test request after silence, disconnect when that goes unanswered. */
    public void tick(long now) {
        if (connection == null || state == State.CLOSING) return;
        long hb = heartbeatMs * 1_000_000L;
        long peer = peerHeartbeatMs * 1_000_000L;
        if (state == State.ACTIVE) {
            if (now - lastSent >= hb) {
                prepare(MsgType.HEARTBEAT);
                send();
            }
            if (testRequestSent == 0 && now - lastReceived >= peer + peer / 2) {
                prepare(MsgType.TEST_REQUEST).i64(MsgType.Heartbeat.TEST_REQ_ID, ++testRequestId);
                send();
                testRequestSent = now;
            } else if (testRequestSent != 0 && now - testRequestSent >= peer) {
                counters.heartbeatTimeouts.increment();
                disconnect(RejectReason.HEARTBEAT_TIMEOUT, false);
            }
        } else if (now - attachedAt >= Math.max(hb, LOGON_TIMEOUT_MILLIS * 1_000_000L)) {
            counters.rejected(RejectReason.HEARTBEAT_TIMEOUT);
            disconnect(RejectReason.HEARTBEAT_TIMEOUT, false, "logon timeout");
        }
        if (state == State.ACTIVE) listener.onTick(this);
    }

    // ---- sending -----------------------------------------------------------------------------------------------

    /**
     * Starts an outgoing frame of {@code type} in the session's scratch buffer; fill its body, then {@link #send}.
     * The returned flyweight is the session's own: valid until the next prepare.
     */
    public Frame prepare(int type) {
        return out.begin(type, 0, sessionId, 0, 0);
    }

    /** Numbers, records and writes the prepared frame. Returns its sequence number. */
    public long send() {
        long seq = record();
        if (connection != null) {
            outBuffer.limit(out.length()).position(0);
            connection.write(outBuffer);
            outBuffer.clear();
            lastSent = connection.eventTime();
        }
        return seq;
    }

    /**
     * Numbers and records the prepared frame without writing it, as if it were lost on the way: the peer sees a
     * gap at the next frame and gets this one from the replay. For fault injection (the simulator) and tests.
     */
    public long sendLost() {
        return record();
    }

    /** Gives the prepared frame the next sequence number and the time, and keeps it in the store. */
    private long record() {
        long seq = store.nextOut();
        out.seq(seq).sendingTime(System.currentTimeMillis() * 1_000_000L);
        store.sent(out);
        return seq;
    }

    /**
     * Stops handling input, including frames already read, and pauses reading: what the peer sends waits in its
     * socket, so TCP pushes back on it. For a listener whose downstream is backed up. Undone by
     * {@link #releaseInput}, or by the next connection.
     */
    public void holdInput() {
        if (connection == null) return;
        inputHeld = true;
        connection.pauseReading();
    }

    /** Handles input again: the transport offers what was left unhandled, then reads on. */
    public void releaseInput() {
        if (!inputHeld) return;
        inputHeld = false;
        if (connection != null) connection.resumeReading();
    }

    /** Sends a Logout with {@code reason}, then closes. */
    public void logout(int reason, String text) {
        if (connection == null || state == State.CLOSING) return;
        Frame f = prepare(MsgType.LOGOUT).u16(MsgType.Logout.REASON, reason);
        if (text != null) f.ascii(MsgType.Logout.TEXT, MsgType.Logout.TEXT_LENGTH, clip(text, MsgType.Logout.TEXT_LENGTH));
        send();
        closeReason = reason;
        state = State.CLOSING;
        connection.close();
    }

    // ---- receiving ---------------------------------------------------------------------------------------------

    /** One frame that passed the header step; {@code invalid} is the frame step's reason, or 0. */
    private void frame(int invalid, long now) {
        int type = in.type();
        long seq = in.seq();
        if (state == State.AWAIT_LOGON) {
            if (type != MsgType.LOGON) {
                disconnect(RejectReason.NOT_LOGGED_ON, true);
                return;
            }
            acceptLogon(seq);
            return;
        }
        if (state == State.LOGON_SENT && type == MsgType.LOGOUT && invalid == 0) {
            // The answer to a refused Logon (spec 7.3), taken whatever its seq and session id: an acceptor that
            // refused before finding the session (a header it could not read) can only send 0. Not answered: the
            // acceptor has closed, and a Logout of ours would only use up a sequence number on every retry.
            peerLogoutText = in.ascii(MsgType.Logout.TEXT, MsgType.Logout.TEXT_LENGTH);
            counters.disconnects.increment();
            closeReason = in.u16(MsgType.Logout.REASON);
            state = State.CLOSING;
            connection.close();
            return;
        }
        if (in.version() == Header.VERSION && in.sessionId() != sessionId) {
            counters.rejected(RejectReason.SESSION_MISMATCH);
            disconnect(RejectReason.SESSION_MISMATCH, true);
            return;
        }
        if (state == State.LOGON_SENT) {
            if (type != MsgType.LOGON_ACK || invalid != 0) {
                disconnect(invalid != 0 ? invalid : RejectReason.NOT_LOGGED_ON, true);
                return;
            }
            logonAcknowledged(seq);
            return;
        }
        if (in.version() != Header.VERSION || seq < 1) {
            // No sequence number to trust: refused, and nothing consumed.
            reject(0, type, invalid);
            return;
        }
        long expected = store.nextIn();
        if (seq < expected) {
            if (in.possDup()) {
                counters.duplicates.increment();
                return;
            }
            disconnect(RejectReason.SEQUENCE_TOO_LOW, true);
            return;
        }
        if (seq > expected) {
            counters.gaps.increment();
            askForReplay(expected, seq);
            // Dropped (the replay brings it again, in order), except what must be answered even across a gap.
            if (invalid == 0 && type == MsgType.RESEND_REQUEST) {
                resendRequested(in.i64(MsgType.ResendRequest.BEGIN_SEQ), in.i64(MsgType.ResendRequest.END_SEQ), seq);
            } else if (invalid == 0 && type == MsgType.LOGOUT) {
                loggedOut();
            }
            return;
        }
        if (awaitingReplayUntil != 0 && seq >= awaitingReplayUntil) awaitingReplayUntil = 0;
        if (invalid != 0) {
            // A refused frame still uses up its number, or the next one would look like a gap and the peer's
            // replay would bring the bad frame back for ever.
            store.received(seq, in);
            reject(seq, type, invalid);
            return;
        }
        switch (type) {
            case MsgType.SEQUENCE_RESET -> {
                long next = in.i64(MsgType.SequenceReset.NEW_SEQ);
                if (in.u8(MsgType.SequenceReset.GAP_FILL) == 1 && next > seq) {
                    store.skipIn(next, in);
                    if (awaitingReplayUntil != 0 && next > awaitingReplayUntil) awaitingReplayUntil = 0;
                } else {
                    store.received(seq, in);
                    counters.rejected(RejectReason.INVALID_FIELD);
                    reject(seq, type, RejectReason.INVALID_FIELD);
                }
            }
            case MsgType.HEARTBEAT -> store.received(seq, in);
            case MsgType.REJECT -> {
                store.received(seq, in);
                listener.onReject(this, in.i64(MsgType.Reject.REF_SEQ), in.u16(MsgType.Reject.REF_TYPE),
                        in.u16(MsgType.Reject.REASON));
            }
            case MsgType.TEST_REQUEST -> {
                store.received(seq, in);
                long id = in.i64(MsgType.Heartbeat.TEST_REQ_ID);
                prepare(MsgType.HEARTBEAT).i64(MsgType.Heartbeat.TEST_REQ_ID, id);
                send();
            }
            case MsgType.RESEND_REQUEST -> {
                store.received(seq, in);
                resendRequested(in.i64(MsgType.ResendRequest.BEGIN_SEQ), in.i64(MsgType.ResendRequest.END_SEQ), seq);
            }
            case MsgType.LOGOUT -> {
                store.received(seq, in);
                loggedOut();
            }
            case MsgType.LOGON, MsgType.LOGON_ACK -> {
                store.received(seq, in);
                counters.rejected(RejectReason.UNEXPECTED_TYPE);
                reject(seq, type, RejectReason.UNEXPECTED_TYPE);
            }
            default -> {
                if (!recordAfterDelivery) store.received(seq, in);
                if (!throttle.take(now)) {
                    if (recordAfterDelivery) store.received(seq, in);
                    counters.rejected(RejectReason.THROTTLED);
                    reject(seq, type, RejectReason.THROTTLED);
                    return;
                }
                counters.applicationIn.increment();
                listener.onApplication(this, in);
                if (recordAfterDelivery) store.received(seq, in);
            }
        }
    }

    /** At most one ResendRequest outstanding: until {@code expected} passes {@code above}, gaps ask nothing more. */
    private void askForReplay(long expected, long above) {
        if (awaitingReplayUntil != 0) {
            if (above > awaitingReplayUntil) awaitingReplayUntil = above;
            return;
        }
        awaitingReplayUntil = above;
        prepare(MsgType.RESEND_REQUEST).i64(MsgType.ResendRequest.BEGIN_SEQ, expected);
        send();
    }

    private void resendRequested(long begin, long end, long requestSeq) {
        if (begin > store.nextOut() - 1) {
            counters.rejected(RejectReason.INVALID_FIELD);
            reject(requestSeq, MsgType.RESEND_REQUEST, RejectReason.INVALID_FIELD);
            return;
        }
        replay(begin, end);
    }

    /**
     * The peer logged out: close, answering a normal Logout (reason 0) with one of ours. A Logout with a reason
     * (an error, SHUTTING_DOWN) is not answered: its sender closes without waiting (docs/fep-protocol.md 7.7).
     */
    private void loggedOut() {
        closeReason = in.u16(MsgType.Logout.REASON);
        peerLogoutText = in.ascii(MsgType.Logout.TEXT, MsgType.Logout.TEXT_LENGTH);
        if (state != State.CLOSING && closeReason == 0) {
            prepare(MsgType.LOGOUT);
            send();
        }
        state = State.CLOSING;
        connection.close();
    }

    private void acceptLogon(long seq) {
        int reason = listener.onLogon(this, in);
        if (reason != 0 || store == null) {
            counters.rejected(reason == 0 ? RejectReason.BAD_CREDENTIALS : reason);
            disconnect(reason == 0 ? RejectReason.BAD_CREDENTIALS : reason, true);
            return;
        }
        if (in.sessionId() != sessionId) {
            counters.rejected(RejectReason.SESSION_MISMATCH);
            disconnect(RejectReason.SESSION_MISMATCH, true);
            return;
        }
        if (!sequenceOnLogon(seq, in.i64(MsgType.Logon.NEXT_EXPECTED_SEQ))) return;
        peerHeartbeatMs = (int) in.u32(MsgType.Logon.HEARTBEAT_MS);
        long expected = store.nextIn();
        state = State.ACTIVE;
        counters.logons.increment();
        prepare(MsgType.LOGON_ACK).u32(MsgType.LogonAck.HEARTBEAT_MS, heartbeatMs)
                .i64(MsgType.LogonAck.NEXT_EXPECTED_SEQ, expected);
        send();
        if (seq > expected) askForReplay(expected, seq);
        listener.onActive(this);
    }

    private void logonAcknowledged(long seq) {
        long expected = store.nextIn();
        if (!sequenceOnLogon(seq, in.i64(MsgType.LogonAck.NEXT_EXPECTED_SEQ))) return;
        peerHeartbeatMs = (int) in.u32(MsgType.LogonAck.HEARTBEAT_MS);
        state = State.ACTIVE;
        counters.logons.increment();
        if (seq > expected) askForReplay(expected, seq);
        listener.onActive(this);
    }

    /**
     * The sequence rules for Logon and LogonAck: a number too low ends the session, as does a peer claiming frames
     * we never sent; a number too high is accepted, and the gap is asked for once the session is up.
     */
    private boolean sequenceOnLogon(long seq, long peerExpects) {
        long expected = store.nextIn();
        if (seq < expected || peerExpects > store.nextOut()) {
            counters.rejected(RejectReason.SEQUENCE_TOO_LOW);
            disconnect(RejectReason.SEQUENCE_TOO_LOW, true);
            return false;
        }
        if (seq == expected) store.received(seq, in);
        return true;
    }

    /**
     * Sends again what we sent from {@code begin} to {@code end} (0: to the latest), with POSS_DUP and their own
     * numbers. Session frames and frames no longer kept are covered by gap-fill SequenceResets instead.
     */
    private void replay(long begin, long end) {
        long last = store.nextOut() - 1;
        if (end == 0 || end > last) end = last;
        long gapStart = 0;
        for (long s = begin; s <= end; s++) {
            int length = store.readSent(s, replayBuffer);
            int type = length > 0 ? replay.type() : -1;
            if (length <= 0 || MsgType.isSession(type)) {
                if (gapStart == 0) gapStart = s;
                continue;
            }
            if (gapStart != 0) {
                gapFill(gapStart, s);
                gapStart = 0;
            }
            replay.flags(replay.flags() | Header.FLAG_POSS_DUP);
            write(replayBuffer, length);
            counters.replayed.increment();
        }
        if (gapStart != 0) gapFill(gapStart, end + 1);
    }

    private void gapFill(long seq, long newSeq) {
        Frame f = out.begin(MsgType.SEQUENCE_RESET, Header.FLAG_POSS_DUP, sessionId, seq,
                System.currentTimeMillis() * 1_000_000L);
        f.i64(MsgType.SequenceReset.NEW_SEQ, newSeq).u8(MsgType.SequenceReset.GAP_FILL, 1);
        write(outBuffer, f.length());
    }

    private void write(ByteBuffer b, int length) {
        if (connection == null) return;
        b.limit(length).position(0);
        connection.write(b);
        b.clear();
    }

    /** Sends a Reject for the frame numbered {@code refSeq} of {@code refType}. */
    public void reject(long refSeq, int refType, int reason) {
        if (store == null) return;
        prepare(MsgType.REJECT).i64(MsgType.Reject.REF_SEQ, refSeq).u16(MsgType.Reject.REF_TYPE, refType)
                .u16(MsgType.Reject.REASON, reason)
                .ascii(MsgType.Reject.TEXT, MsgType.Reject.TEXT_LENGTH, RejectReason.name(reason));
        send();
    }

    /** Ends the connection for {@code reason}: a Logout when a session is bound, then close. */
    private void disconnect(int reason, boolean frameRead) {
        disconnect(reason, frameRead, RejectReason.name(reason));
    }

    /** Ends the connection for {@code reason}; {@code frameRead}: {@code in} holds the whole frame that caused it. */
    private void disconnect(int reason, boolean frameRead, String text) {
        if (connection == null) return;
        counters.disconnects.increment();
        if (store != null && state != State.AWAIT_LOGON) {
            logout(reason, text);
            return;
        }
        // Before a logon there are no sequence numbers to give a Logout: send it unnumbered (seq 1 of nothing), with
        // the session id of the frame refused when a whole version-1 frame was read (valid or not), else 0.
        long id = frameRead && in.version() == Header.VERSION ? in.sessionId() : 0;
        Frame f = out.begin(MsgType.LOGOUT, 0, id, 1, System.currentTimeMillis() * 1_000_000L)
                .u16(MsgType.Logout.REASON, reason)
                .ascii(MsgType.Logout.TEXT, MsgType.Logout.TEXT_LENGTH, clip(text, MsgType.Logout.TEXT_LENGTH));
        write(outBuffer, f.length());
        closeReason = reason;
        state = State.CLOSING;
        connection.close();
    }

    private static String clip(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width);
    }

    @Override
    public String toString() {
        return "Session[" + role + " " + sessionId + " " + state + " in=" + (store == null ? "-" : store.nextIn())
                + " out=" + (store == null ? "-" : store.nextOut()) + "]";
    }
}
