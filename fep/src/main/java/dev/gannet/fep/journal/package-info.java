/**
 * The FEP session journal: an append-only, memory-mapped file of the frames a session received and sent, used to
 * recover sequence numbers after a restart and to answer ResendRequests.
 *
 * <h2>File format</h2>
 * A {@link dev.gannet.fep.journal.Journal} file is a run of records, each starting at a multiple of 8, all
 * integers little-endian:
 * <pre>
 *  0  u32 recordLength   header + frame bytes, without the padding
 *  4  u32 checksum       CRC32C of bytes 8 .. recordLength
 *  8  u8  direction      0 in, 1 out
 *  9  7 reserved bytes   zero
 * 16  u64 seq
 * 24  frame bytes, then zero padding up to the next multiple of 8
 * </pre>
 * Recovery reads records from offset 0 and stops at the first one whose length is 0 or out of bounds, whose
 * checksum fails, whose direction is unknown or whose seq does not increase; the file is cut there, so a torn
 * tail (or anything after it) can never come back to life once new records are written over it.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>One writer thread — the session's event loop — calls {@code append}, {@code whenDurable},
 *       {@code readOut}, {@code forEach}, {@code lastSeq}, {@code count} and {@code close}. None of them lock
 *       or check the thread; calling them from two threads at once corrupts the journal. The writer may change
 *       from one thread to another only with a happens-before edge between them (a queue hand-off).</li>
 *   <li>With {@link dev.gannet.fep.journal.FsyncPolicy#GROUP} a daemon thread per journal forces the mapped
 *       range between the durable and the appended position, and runs the
 *       {@link dev.gannet.fep.journal.Journal#whenDurable whenDurable} callbacks that became due. Those
 *       callbacks run on that thread, so they must be short and hand the work back to the event loop.</li>
 *   <li>{@code appendedPosition()} and {@code durablePosition()} may be read from any thread.</li>
 * </ul>
 */
package dev.gannet.fep.journal;
