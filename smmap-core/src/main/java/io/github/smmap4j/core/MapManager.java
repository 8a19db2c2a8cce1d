package io.github.smmap4j.core;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Owns every mapped region of every file it was asked about and keeps them within its limits.
 *
 * <p>Thread-safe. Cursors and buffers it hands out are single-thread objects. After
 * {@link #close()} every region is unmapped and every call fails with {@link IllegalStateException}.
 */
public sealed interface MapManager extends AutoCloseable
        permits StaticWindowMapManager, SlidingWindowMapManager {

    /**
     * Returns a new cursor on {@code path}; it maps nothing until {@link WindowCursor#useRegion}.
     * The file is checked now: a file whose size or identity changed since earlier cursors were
     * made gets fresh regions, and regions of the old file are not reused.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException if {@code path} is a directory or cannot be read
     */
    WindowCursor cursor(Path path) throws IOException;

    /** Returns a random-access view of the whole file that spans windows transparently. */
    MappedFileBuffer buffer(Path path) throws IOException;

    /** Returns a snapshot of the current state and counters. */
    ManagerStats stats();

    /** Unmaps every region that no cursor uses and returns how many were unmapped. */
    int collect();

    /** Unmaps every region, including those in use; later reads of their segments fail. */
    @Override
    void close();
}
