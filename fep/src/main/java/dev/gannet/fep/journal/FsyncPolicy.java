package dev.gannet.fep.journal;

/**
 * When a {@link Journal} asks the kernel to write its mapped pages to the device.
 *
 * <p>Every policy survives a process kill: an append is a copy into a shared file mapping, so the bytes sit in
 * the page cache the moment {@code append} returns, whatever happens to the process afterwards. The policies only
 * differ in what survives a machine crash or power loss.
 */
public enum FsyncPolicy {
    /** Never force; the kernel writes dirty pages back on its own schedule. Durable position == appended. */
    NONE,
    /**
     * Group commit: one background daemon thread forces whatever was appended since its last force, at most once
     * per interval and only when something was appended. The writer never makes a system call.
     */
    GROUP,
    /** Force on the writer thread after every append. An {@code msync} per record: slow, for completeness. */
    EVERY
}
