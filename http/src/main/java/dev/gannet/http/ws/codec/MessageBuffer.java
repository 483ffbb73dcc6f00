package dev.gannet.http.ws.codec;

import java.nio.ByteBuffer;

/**
 * A growable byte array for a message that could not be handed over in place: one that spans frames or reads, or
 * one that was inflated. The array exists only while it is needed: {@link #clear} keeps a small one for the next
 * message of the same read and drops a large one, and the decoder calls {@link #release} when a read ends between
 * messages, so a connection that once received a big message, or now sits idle, does not keep the memory.
 */
final class MessageBuffer {
    /** Largest array kept between messages. */
    static final int RETAIN = 8 * 1024;
    private static final int MIN = 256;

    byte[] array;
    int length;
    /** A view of {@link #array}, made once per array so handing a message out does not allocate. */
    private ByteBuffer view;

    int capacity() {
        return array == null ? 0 : array.length;
    }

    /** Makes room for at least {@code extra} more bytes, never beyond {@code cap} in total. */
    void reserve(int extra, int cap) {
        long need = (long) length + extra;
        if (need <= capacity()) return;
        long grown = Math.max(Math.max(need, MIN), (long) capacity() * 2);
        int size = (int) Math.min(grown, Math.max(need, cap));
        byte[] a = new byte[size];
        if (length > 0) System.arraycopy(array, 0, a, 0, length);
        array = a;
        view = null;
    }

    /** Appends src[from..from+n) (absolute; src's position untouched). */
    void append(ByteBuffer src, int from, int n, int cap) {
        if (n == 0) return;
        reserve(n, cap);
        src.get(from, array, length, n);
        length += n;
    }

    /** array[from..length) as a buffer (for the UTF-8 check); valid until the array changes. */
    ByteBuffer view() {
        if (view == null) view = ByteBuffer.wrap(array);
        return view;
    }

    /** The message as a buffer from 0 to its length. */
    ByteBuffer message() {
        if (array == null) return ByteBuffer.allocate(0);
        ByteBuffer v = view();
        v.limit(length).position(0);
        return v;
    }

    void clear() {
        length = 0;
        if (array != null && array.length > RETAIN) {
            array = null;
            view = null;
        } else if (view != null) {
            view.clear();
        }
    }

    void release() {
        length = 0;
        array = null;
        view = null;
    }
}
