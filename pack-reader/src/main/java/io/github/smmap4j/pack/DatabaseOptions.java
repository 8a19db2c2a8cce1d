package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import io.github.smmap4j.core.SlidingWindowMapManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The settings of an {@link ObjectDatabase}, as its {@link ObjectDatabase.Builder} collects and
 * checks them: map manager, caches, the resource caps on what untrusted files may make the
 * reader allocate or map, and how damaged files are treated. Defaults never refuse a real
 * repository; each cap refuses only what a file's own size cannot back or what exceeds the
 * setting. Not thread-safe: filled by one builder, then read by the database it opens.
 */
final class DatabaseOptions {
    /** Default cap on a file read whole (packed-refs, a reflog, the config): 1 GiB. */
    static final long DEFAULT_MAX_METADATA_FILE = 1L << 30;
    /** Default and largest object count of one index: the formats' own limit, 2^31 - 1. */
    static final long DEFAULT_MAX_OBJECT_COUNT = Integer.MAX_VALUE;
    /** Default cap on the layers of a multi-pack-index chain. */
    static final int DEFAULT_MAX_MIDX_LAYERS = 1000;

    MapManager manager;
    long windowSize = -1;
    long maxMappedMemory = -1;
    long baseCacheBytes = ObjectDatabase.DEFAULT_BASE_CACHE;
    long streamThreshold = ObjectDatabase.DEFAULT_STREAM_THRESHOLD;
    long maxObjectSize = Limits.MAX_ARRAY;
    int maxObjectCount = (int) DEFAULT_MAX_OBJECT_COUNT;
    int maxMidxLayers = DEFAULT_MAX_MIDX_LAYERS;
    long maxMetadataFile = DEFAULT_MAX_METADATA_FILE;
    ObjectFormat format;
    boolean lenientPacks;
    /** Null: as the repository's {@code core.multiPackIndex} says (default true). */
    Boolean multiPackIndex;
    Consumer<String> warnings = message -> { };

    /** A new sliding-window manager of these window and mapped-memory settings, for the database to own. */
    MapManager newManager() {
        SlidingWindowMapManager.Builder mb = SlidingWindowMapManager.builder();
        if (windowSize >= 0) {
            mb.windowSize(windowSize);
        }
        if (maxMappedMemory > 0) {
            mb.maxMappedMemory(maxMappedMemory);
        }
        return mb.build();
    }

    /** The parts the database's readers share, under these settings. */
    Storage storage(MapManager m, List<Path> objectDirs, ObjectFormat format, boolean readMidx) {
        return new Storage(new PackDirectory(m, format, objectDirs, readMidx, this), new LooseObjects(objectDirs, format),
                new DeltaBaseCache(baseCacheBytes), format, streamThreshold, maxObjectSize);
    }

    /** A copy, so that a database keeps its settings when its builder is used again. */
    DatabaseOptions copy() {
        DatabaseOptions c = new DatabaseOptions();
        c.manager = manager;
        c.windowSize = windowSize;
        c.maxMappedMemory = maxMappedMemory;
        c.baseCacheBytes = baseCacheBytes;
        c.streamThreshold = streamThreshold;
        c.maxObjectSize = maxObjectSize;
        c.maxObjectCount = maxObjectCount;
        c.maxMidxLayers = maxMidxLayers;
        c.maxMetadataFile = maxMetadataFile;
        c.format = format;
        c.lenientPacks = lenientPacks;
        c.multiPackIndex = multiPackIndex;
        c.warnings = warnings;
        return c;
    }

    void deltaBaseCache(long bytes) {
        baseCacheBytes = atLeast("deltaBaseCache", bytes, 0);
    }

    void streamThreshold(long bytes) {
        streamThreshold = atLeast("streamThreshold", bytes, 0);
    }

    void maxObjectSize(long bytes) {
        maxObjectSize = Math.min(atLeast("maxObjectSize", bytes, 1), Limits.MAX_ARRAY);
    }

    void maxObjectCount(long count) {
        maxObjectCount = (int) Math.min(atLeast("maxObjectCount", count, 1), DEFAULT_MAX_OBJECT_COUNT);
    }

    void maxMidxLayers(int layers) {
        maxMidxLayers = (int) atLeast("maxMidxLayers", layers, 1);
    }

    void maxMetadataFile(long bytes) {
        maxMetadataFile = Math.min(atLeast("maxMetadataFileSize", bytes, 1), Limits.MAX_ARRAY);
    }

    void warnings(Consumer<String> sink) {
        warnings = Objects.requireNonNull(sink, "sink");
    }

    private static long atLeast(String name, long v, long min) {
        if (v < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ": " + v);
        }
        return v;
    }
}
