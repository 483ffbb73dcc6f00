package dev.gannet.fep.journal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * {@code madvise(MADV_RANDOM)} on a journal mapping, through {@code java.lang.foreign}.
 *
 * <p>Why: the writer touches pages past the end of what the file has ever held. A write fault on such a hole goes
 * through the page cache's read-ahead, which zero-fills a whole window of large folios at once, synchronously: on
 * this machine single faults held the gateway's event loop for ~4 ms ({@code perf record} with
 * {@code sched:sched_switch}: runs of the loop thread made of {@code page_cache_ra_order} → {@code __pi_memset}),
 * which is what its p99 at a fixed rate was made of. Without read-ahead each fault fills only its own page.
 *
 * <p>Best effort: without native access, or on another OS, the mapping keeps the default advice.
 */
final class Madvise {
    private static final int MADV_RANDOM = 1;
    private static final MethodHandle MADVISE = lookup();

    private Madvise() {}

    private static MethodHandle lookup() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) return null;
        // A downcall without native access prints the JVM's restricted-method warning before it fails: ask first.
        if (!Madvise.class.getModule().isNativeAccessEnabled()) return null;
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("madvise").map(f -> linker.downcallHandle(f,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT))).orElse(null);
        } catch (RuntimeException | Error e) { // IllegalCallerException without native access
            return null;
        }
    }

    /** Turns read-ahead off for {@code mapping}; does nothing where it cannot. */
    static void noReadAhead(MemorySegment mapping) {
        if (MADVISE == null) return;
        try {
            int ignored = (int) MADVISE.invokeExact(mapping, mapping.byteSize(), MADV_RANDOM);
        } catch (Throwable t) {
            // advice only
        }
    }
}
