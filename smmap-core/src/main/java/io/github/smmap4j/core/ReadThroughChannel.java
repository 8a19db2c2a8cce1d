package io.github.smmap4j.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The descriptor of one file version for reads that bypass mapping: under map pressure a small
 * copy of an unmapped window is one positional read ({@code pread}) into the cursor's buffer,
 * instead of a map that would evict another window (a map plus the later unmap of a shared arena
 * costs about as much as 40 such reads here). Opened on the first read-through, after the manager
 * checked that the file on disk is still this version; closed when the version's last cursor closes,
 * when it is retired and when the manager closes, so only files read through under pressure, and
 * only while they have cursors, hold a descriptor (mapped windows never do).
 *
 * <p>Thread-safe: positional reads on one {@link FileChannel} run concurrently.
 */
final class ReadThroughChannel {
    /**
     * Immutable: a read-through checks the file on disk (one {@code stat}) when the descriptor opens
     * and every this many reads after, so a file deleted or replaced while it is read through is
     * noticed (and its version retired) as a map would notice it, not read from the old inode forever.
     */
    static final int CHECK_EVERY = 64;

    /** Immutable. */
    private final Path path;
    /** Guarded by this (writes); volatile for the lock-free read of the hit path: the open channel, or null. */
    private volatile FileChannel channel;
    /** Thread-safe: reads through the current and earlier descriptors, for {@link #checkDue}. */
    private final AtomicInteger reads = new AtomicInteger();

    ReadThroughChannel(Path path) {
        this.path = path;
    }

    /** Returns the open channel, or null if none is open (the caller checks the file, then calls {@link #open}). */
    FileChannel current() {
        return channel;
    }

    /** Counts a read and returns true if the file on disk is to be checked before it. */
    boolean checkDue() {
        return reads.incrementAndGet() % CHECK_EVERY == 0;
    }

    /** Opens the channel unless another thread did; the caller checked the file version first. */
    FileChannel open() throws IOException {
        synchronized (this) { // taken by read-through misses of this file only, never by a window hit
            FileChannel ch = channel;
            if (ch == null || !ch.isOpen()) {
                ch = FileChannel.open(path, StandardOpenOption.READ);
                channel = ch;
            }
            return ch;
        }
    }

    /**
     * Reads {@code [pos, pos + len)} into {@code dst[off, off + len)} through {@code ch}, all of it.
     *
     * @return false if the file ends first (it was truncated since this version was seen)
     */
    static boolean readFully(FileChannel ch, long pos, byte[] dst, int off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(dst, off, len);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position() - off) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Closes the channel if it is {@code ch} (or any, when {@code ch} is null); a later read-through opens a new one. */
    void close(FileChannel ch) {
        FileChannel old;
        synchronized (this) {
            old = channel;
            if (old == null || (ch != null && old != ch)) {
                return;
            }
            channel = null;
        }
        try {
            old.close();
        } catch (IOException ignored) {
            // a read-only descriptor has nothing to flush: a failed close loses nothing
        }
    }
}
