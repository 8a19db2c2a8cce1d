package io.github.smmap4j.core;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Objects;

/**
 * The regions of one file version, sorted by offset, with the size and identity of the file
 * seen when it was first opened. The identity is immutable; everything else is guarded by the
 * owning {@link RegionManager}'s lock, so the {@code …Locked} methods must be called holding it.
 */
final class MapRegionList {
    /** Immutable: absolute, normalized path of the file. */
    final Path path;
    /** Immutable: size of this file version. */
    final long fileSize;
    /** Immutable: file key of this version (may be null). */
    final Object fileKey;
    /** Immutable: modification time of this version. */
    final FileTime modified;
    /** Immutable reference; contents guarded by RegionManager.lock: the regions in the bookkeeping, by offset. */
    final ArrayList<MapRegion> regions = new ArrayList<>();
    /** Guarded by RegionManager.lock: open cursors on this file version; the list is forgotten when this and regions are empty. */
    int cursors;
    /** Guarded by RegionManager.lock: set when the file on disk no longer matches; regions are unmapped as soon as unused. */
    boolean retired;
    /** Guarded by RegionManager.lock: size of the largest region ever added, bounds the leftward walk of find. */
    private long maxRegionSize;
    /** Immutable reference (thread-safe itself): the descriptor for reads of unmapped windows under map pressure. */
    final ReadThroughChannel readThrough;
    /**
     * Guarded by RegionManager.lock: read-throughs per window since it was last mapped, direct-mapped
     * by window index (windows that collide share a count); null until the first read-through.
     */
    private short[] readThroughs;

    MapRegionList(Path path, long fileSize, Object fileKey, FileTime modified) {
        this.path = path;
        this.fileSize = fileSize;
        this.fileKey = fileKey;
        this.modified = modified;
        this.readThrough = new ReadThroughChannel(path);
    }

    /**
     * Counts one more read-through of the window starting at {@code start} and returns true when it
     * is the {@code readsBeforeMap}-th (the count restarts): the window has been read often enough
     * that mapping it, evicting another, pays off.
     */
    boolean readThroughLocked(long start, long windowSize, int readsBeforeMap) {
        short[] t = readThroughs;
        if (t == null) {
            long windows = windowSize == 0 ? 1 : Math.ceilDiv(fileSize, windowSize);
            t = readThroughs = new short[(int) Math.min(4096, Long.highestOneBit(Math.max(1, windows - 1)) << 1)];
        }
        int i = (int) ((windowSize == 0 ? 0 : start / windowSize) & (t.length - 1));
        if (++t[i] >= readsBeforeMap) {
            t[i] = 0;
            return true;
        }
        return false;
    }

    /** Returns true if the given attributes describe this file version (reads immutable fields only). */
    boolean matches(long size, Object key, FileTime mtime) {
        return size == fileSize && Objects.equals(key, fileKey) && Objects.equals(mtime, modified);
    }

    /** Returns a region holding {@code [begin, end)}, or null. */
    MapRegion findLocked(long begin, long end) {
        int i = lastStartingAtOrBeforeLocked(begin);
        // Regions may overlap, so walk left while a region could still reach `end`.
        for (; i >= 0; i--) {
            MapRegion r = regions.get(i);
            if (r.includes(begin, end)) {
                return r;
            }
            if (r.ofs + maxRegionSize < end) {
                break;
            }
        }
        return null;
    }

    void addLocked(MapRegion r) {
        int i = lastStartingAtOrBeforeLocked(r.ofs) + 1;
        regions.add(i, r);
        maxRegionSize = Math.max(maxRegionSize, r.size);
    }

    void removeLocked(MapRegion r) {
        regions.remove(r);
    }

    private int lastStartingAtOrBeforeLocked(long ofs) {
        int lo = 0;
        int hi = regions.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (regions.get(mid).ofs <= ofs) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
