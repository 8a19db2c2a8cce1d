package io.github.smmap4j.core;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Owns every mapped region of every file it was asked about and keeps them within its limits.
 * The two kinds differ only in their window geometry; both run on one {@link RegionManager}.
 *
 * <p>Thread-safe. Cursors and buffers it hands out are single-thread objects. After
 * {@link #close()} every region is unmapped and every call fails with {@link IllegalStateException}.
 */
public abstract sealed class MapManager implements AutoCloseable
        permits StaticWindowMapManager, SlidingWindowMapManager {
    /** The engine every call goes to. */
    final RegionManager core;

    MapManager(RegionManager core) {
        this.core = core;
    }

    /**
     * Returns a new cursor on {@code path}; it maps nothing until {@link WindowCursor#useRegion}.
     * The file is checked now: a file whose size or identity changed since earlier cursors were
     * made gets fresh regions, and regions of the old file are not reused.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException if {@code path} is a directory or cannot be read
     */
    public final WindowCursor cursor(Path path) throws IOException {
        return core.cursor(path);
    }

    /** Returns a random-access view of the whole file that spans windows transparently. */
    public final MappedFileBuffer buffer(Path path) throws IOException {
        return new MappedFileBuffer(core.cursor(path));
    }

    /** Returns a snapshot of the current state and counters. */
    public final ManagerStats stats() {
        return core.stats();
    }

    /** Unmaps every region that no cursor uses and returns how many were unmapped. */
    public final int collect() {
        return core.collect();
    }

    /** Unmaps every region, including those in use; later reads of their segments fail. */
    @Override
    public final void close() {
        core.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + core.stats();
    }

    /**
     * The limits both managers' builders share.
     *
     * @param <B> the concrete builder, returned by every setter
     */
    public abstract static sealed class Builder<B extends Builder<B>>
            permits SlidingWindowMapManager.Builder, StaticWindowMapManager.Builder {
        long maxMappedMemory = Limits.DEFAULT_MAX_MAPPED_MEMORY;
        int maxOpenRegions = Limits.DEFAULT_MAX_OPEN_REGIONS;
        RegionManager.Mapper mapper = RegionManager.FILE_CHANNEL_MAPPER;
        boolean readThrough = true;

        Builder() {
        }

        abstract B self();

        /** Sets the limit of mapped bytes (soft: exceeded only when every region is in use). */
        public B maxMappedMemory(long bytes) {
            this.maxMappedMemory = Limits.positive("maxMappedMemory", bytes);
            return self();
        }

        /** Sets the limit of mapped regions (soft: exceeded only when every region is in use). */
        public B maxOpenRegions(int regions) {
            this.maxOpenRegions = (int) Limits.positive("maxOpenRegions", regions);
            return self();
        }

        /**
         * Sets whether copies ({@link WindowCursor#copyTo}) may bypass mapping under map pressure
         * (default true): when mapping the window of a miss would evict another window or overrun a
         * limit, the bytes come from a positional read, until the window has been read so often that
         * mapping it pays off (see {@link ManagerStats#readThroughs}). Such reads use one descriptor
         * per file version, kept while the file has cursors. With false every miss maps, evicting as
         * needed, and no descriptor is ever kept.
         */
        public B readThrough(boolean enabled) {
            this.readThrough = enabled;
            return self();
        }

        B mapper(RegionManager.Mapper m) {
            this.mapper = m;
            return self();
        }
    }
}
