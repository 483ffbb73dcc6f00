package dev.gannet.engine.internal;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class FileTableTest {
    /** The descriptor table's size, from /proc: Linux grows it in powers of two and never shrinks it. */
    private static long fdSize() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("FDSize:")) return Long.parseLong(line.substring(7).trim());
        }
        throw new AssertionError("no FDSize in /proc/self/status");
    }

    @Test
    void theTableIsGrownToTheDescriptorLimitUpFront() throws Exception {
        long limit = ((com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getMaxFileDescriptorCount();
        org.junit.jupiter.api.Assumptions.assumeTrue(limit >= 1024, "descriptor limit " + limit + " is too low to matter");
        FileTable.reserve();
        assertThat(fdSize()).isGreaterThanOrEqualTo(Math.min(limit, 1 << 17));
        // The reservation is given back: the number is free again, so no descriptor is leaked.
        assertThat(Path.of("/proc/self/fd/" + (Math.min(limit, 1 << 17) - 1))).doesNotExist();
    }
}
