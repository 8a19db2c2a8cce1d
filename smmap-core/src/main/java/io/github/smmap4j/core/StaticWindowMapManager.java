package io.github.smmap4j.core;

/**
 * Maps each file whole, once, and keeps it mapped until the limits force unused files out.
 * Fastest when address space is plentiful: every read after the first is a pinned-region hit.
 */
public final class StaticWindowMapManager extends MapManager {
    private StaticWindowMapManager(RegionManager core) {
        super(core);
    }

    /** Returns a builder with the defaults: 8 GiB mapped, 8192 regions. */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link StaticWindowMapManager}. */
    public static final class Builder extends MapManager.Builder<Builder> {
        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** Builds the manager. */
        public StaticWindowMapManager build() {
            return new StaticWindowMapManager(new RegionManager(0, maxMappedMemory, maxOpenRegions, readThrough, mapper));
        }
    }
}
