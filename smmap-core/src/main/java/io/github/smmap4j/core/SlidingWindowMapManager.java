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
     * Returns a builder with the defaults: 8 GiB mapped, 8192 regions, and windows of 64 MiB or a
     * sixty-fourth of the map limit if that is smaller (see {@link Builder#windowSize}).
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the window size in bytes (a multiple of the page size; 0 maps whole files). */
    public long windowSize() {
        return core.windowSize();
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
         * Sets the window size in bytes, rounded up to the page size; 0 maps whole files. Unset,
         * it is {@link #DEFAULT_WINDOW_SIZE} or a sixty-fourth of {@code maxMappedMemory} (rounded
         * down to the page size, at least one page), whichever is smaller: under a small map limit,
         * the windows that many threads' cursors keep pinned (which cannot be evicted) then fill a
         * small part of it, and random reads still find unused windows to evict instead of
         * mapping past the limit and unmapping again on every release.
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
            long w = windowSize >= 0 ? windowSize
                    : Math.max(RegionManager.PAGE_SIZE, Math.min(DEFAULT_WINDOW_SIZE, RegionManager.alignDown(maxMappedMemory / 64)));
            return new SlidingWindowMapManager(new RegionManager(w, maxMappedMemory, maxOpenRegions, mapper));
        }
    }
}
