package io.github.smmap4j.core;

/**
 * Maps windows of {@link #windowSize()} bytes and slides them over files of any size, unmapping
 * least-recently-used unused windows when {@code maxMappedMemory} or {@code maxOpenRegions} would
 * be exceeded.
 *
 * <p>Windows start at multiples of the window size (a multiple of the page size), so cursors reading
 * nearby bytes share one window; the last window of a file ends at EOF. A request that crosses a
 * window boundary gets one region from its first page up to the next window boundary after its end.
 */
public final class SlidingWindowMapManager extends MapManager {
    /** Default window: 64 MiB. */
    public static final long DEFAULT_WINDOW_SIZE = 64L << 20;

    private SlidingWindowMapManager(RegionManager core) {
        super(core);
    }

    /**
     * Returns a builder with the defaults: 8 GiB mapped, 8192 regions, and windows chosen from the
     * map limit (8 MiB under the default limit; see {@link Builder#windowSize}).
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the window size in bytes (a multiple of the page size; 0 maps whole files). */
    public long windowSize() {
        return core.windowSize();
    }

    /** The window size for {@code maxMappedMemory} when none is set (see {@link Builder#windowSize}). */
    static long windowFor(long maxMappedMemory) {
        long w = Math.min(Math.min(DEFAULT_WINDOW_SIZE, maxMappedMemory / 64), Math.max(1L << 20, maxMappedMemory / 1024));
        return Math.max(RegionManager.PAGE_SIZE, RegionManager.alignDown(w));
    }

    /** Configures a {@link SlidingWindowMapManager}. */
    public static final class Builder extends MapManager.Builder<Builder> {
        /** -1: not set, chosen from the map limit at build time. */
        private long windowSize = -1;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Sets the window size in bytes, rounded up to the page size; 0 maps whole files. Unset, it
         * follows the map limit: 1/1024 of {@code maxMappedMemory}, at least 1 MiB, at most
         * {@link #DEFAULT_WINDOW_SIZE} (64 MiB) and at most 1/64 of the limit, rounded down to the
         * page size and at least one page (8 GiB: 8 MiB; 1 GiB or less down to 64 MiB: 1 MiB;
         * 64 GiB and more: 64 MiB). Windows small against the limit keep what is mapped to the
         * parts being read, not the bytes around them: random reads over a pack far larger than
         * the limit then stop mapping and unmapping on every read (a 5.9 GB pack under 1 GiB:
         * 8,213 maps per 20,000 reads with 64 MiB windows, 1,002 with 1 MiB), and the windows many
         * threads keep in use fill a small part of the limit.
         */
        public Builder windowSize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("windowSize must be >= 0: " + bytes);
            }
            this.windowSize = bytes;
            return this;
        }

        /** Builds the manager. */
        public SlidingWindowMapManager build() {
            long w = windowSize >= 0 ? windowSize : windowFor(maxMappedMemory);
            return new SlidingWindowMapManager(new RegionManager(w, maxMappedMemory, maxOpenRegions, readThrough, mapper));
        }
    }
}
