package io.github.smmap4j.core;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Objects;

/**
 * The regions of one file version, sorted by offset, with the size and identity of the file
 * seen when it was first opened. The identity is immutable; the region array is replaced (never
 * changed in place) under the owning {@link RegionManager}'s lock and read without it by the hit
 * path ({@link #find}); everything else is guarded by that lock, so the {@code …Locked} methods
 * must be called holding it.
 */
final class MapRegionList {
    private static final MapRegion[] NONE = {};

    /** Immutable: absolute, normalized path of the file. */
    final Path path;
    /** Immutable: size of this file version. */
    final long fileSize;
    /** Immutable: file key of this version (may be null). */
    final Object fileKey;
    /** Immutable: modification time of this version. */
    final FileTime modified;
    /** Immutable reference (thread-safe itself): the descriptor for reads of unmapped windows under map pressure. */
    final ReadThroughChannel readThrough;
    /** Written under RegionManager.lock, read without it (volatile): the regions in the bookkeeping, by offset. */
    private volatile MapRegion[] regions = NONE;
    /** Written under RegionManager.lock, read without it (volatile): size of the largest region ever added, bounds the leftward walk of find. */
    private volatile long maxRegionSize;
    /** Guarded by RegionManager.lock: open cursors on this file version; the list is forgotten when this and regions are empty. */
    int cursors;
    /**
     * Written under RegionManager.lock, read without it (volatile, by an unpin that must unmap a
     * retired version's region): set when the file on disk no longer matches; regions are
     * unmapped as soon as unused.
     */
    volatile boolean retired;
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

    /** Returns true if the given attributes describe this file version (reads immutable fields only). */
    boolean matches(long size, Object key, FileTime mtime) {
        return size == fileSize && Objects.equals(key, fileKey) && Objects.equals(mtime, modified);
    }

    /**
     * Returns a region holding {@code [begin, end)}, or null; without the lock (a region it returns
     * may be taken out of the bookkeeping at any moment, which {@link MapRegion#tryPin} tells).
     */
    MapRegion find(long begin, long end) {
        MapRegion[] rs = regions;
        long reach = maxRegionSize;
        // Regions may overlap, so walk left while a region could still reach `end`.
        for (int i = lastStartingAtOrBefore(rs, begin); i >= 0; i--) {
            MapRegion r = rs[i];
            if (r.includes(begin, end)) {
                return r;
            }
            if (r.ofs + reach < end) {
                break;
            }
        }
        return null;
    }

    /** Returns the regions in the bookkeeping, by offset (a snapshot: never changed in place). */
    MapRegion[] regions() {
        return regions;
    }

    void addLocked(MapRegion r) {
        MapRegion[] rs = regions;
        int i = lastStartingAtOrBefore(rs, r.ofs) + 1;
        MapRegion[] next = new MapRegion[rs.length + 1];
        System.arraycopy(rs, 0, next, 0, i);
        next[i] = r;
        System.arraycopy(rs, i, next, i + 1, rs.length - i);
        maxRegionSize = Math.max(maxRegionSize, r.size);
        regions = next;
    }

    void removeLocked(MapRegion r) {
        MapRegion[] rs = regions;
        for (int i = 0; i < rs.length; i++) {
            if (rs[i] == r) {
                MapRegion[] next = Arrays.copyOf(rs, rs.length - 1);
                System.arraycopy(rs, i + 1, next, i, rs.length - i - 1);
                regions = next;
                return;
            }
        }
    }

    void clearLocked() {
        regions = NONE;
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

    private static int lastStartingAtOrBefore(MapRegion[] rs, long ofs) {
        int lo = 0;
        int hi = rs.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (rs[mid].ofs <= ofs) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
