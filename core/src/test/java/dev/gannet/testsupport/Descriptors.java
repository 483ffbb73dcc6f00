package dev.gannet.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The descriptors this process holds, from /proc/self/fd: how the tests see that a close released a file at once. */
public final class Descriptors {
    private Descriptors() {
    }

    /** How many of this process's descriptors point at {@code file}. */
    public static int on(Path file) throws IOException {
        Path real = file.toRealPath();
        int n = 0;
        try (var fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).equals(real)) n++;
                } catch (IOException gone) {
                    // closed while listing
                }
            }
        }
        return n;
    }
}
