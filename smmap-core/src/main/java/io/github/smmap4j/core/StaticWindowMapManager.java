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
    public static final class Builder {
        private long maxMappedMemory = Limits.DEFAULT_MAX_MAPPED_MEMORY;
        private int maxOpenRegions = Limits.DEFAULT_MAX_OPEN_REGIONS;
        private RegionManager.Mapper mapper = RegionManager.FILE_CHANNEL_MAPPER;

        private Builder() {
        }

        /** Sets the limit of mapped bytes (soft: exceeded only when every file is in use). */
        public Builder maxMappedMemory(long bytes) {
            this.maxMappedMemory = Limits.positive("maxMappedMemory", bytes);
            return this;
        }

        /** Sets the limit of mapped files (soft: exceeded only when every file is in use). */
        public Builder maxOpenRegions(int regions) {
            this.maxOpenRegions = (int) Limits.positive("maxOpenRegions", regions);
            return this;
        }

        Builder mapper(RegionManager.Mapper m) {
            this.mapper = m;
            return this;
        }

        /** Builds the manager. */
        public StaticWindowMapManager build() {
            return new StaticWindowMapManager(new RegionManager(0, maxMappedMemory, maxOpenRegions, mapper));
        }
    }
}
