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

    /** Returns a builder with the defaults: 64 MiB windows, 8 GiB mapped, 8192 regions. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the window size in bytes (a multiple of the page size; 0 maps whole files). */
    public long windowSize() {
        return core.windowSize();
    }

    /** Configures a {@link SlidingWindowMapManager}. */
    public static final class Builder extends MapManager.Builder<Builder> {
        private long windowSize = DEFAULT_WINDOW_SIZE;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** Sets the window size in bytes, rounded up to the page size; 0 maps whole files. */
        public Builder windowSize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("windowSize must be >= 0: " + bytes);
            }
            this.windowSize = bytes;
            return this;
        }

        /** Builds the manager. */
        public SlidingWindowMapManager build() {
            return new SlidingWindowMapManager(new RegionManager(windowSize, maxMappedMemory, maxOpenRegions, mapper));
        }
    }
}
