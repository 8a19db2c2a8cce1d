package io.github.smmap4j.core;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Objects;

/**
 * The regions of one file version, sorted by offset, with the size and identity of the file
 * seen when it was first opened. Guarded by the manager's lock.
 */
final class MapRegionList {
    final Path path;
    final long fileSize;
    final Object fileKey;
    final FileTime modified;
    final ArrayList<MapRegion> regions = new ArrayList<>();
    /** Open cursors on this file version; the list is forgotten when this and regions are empty. */
    int cursors;
    /** Set when the file on disk no longer matches; regions are unmapped as soon as unused. */
    boolean retired;
    private long maxRegionSize;

    MapRegionList(Path path, long fileSize, Object fileKey, FileTime modified) {
        this.path = path;
        this.fileSize = fileSize;
        this.fileKey = fileKey;
        this.modified = modified;
    }

    boolean matches(long size, Object key, FileTime mtime) {
        return size == fileSize && Objects.equals(key, fileKey) && Objects.equals(mtime, modified);
    }

    /** Returns a region holding {@code [begin, end)}, or null. */
    MapRegion find(long begin, long end) {
        int i = lastStartingAtOrBefore(begin);
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

    void add(MapRegion r) {
        int i = lastStartingAtOrBefore(r.ofs) + 1;
        regions.add(i, r);
        maxRegionSize = Math.max(maxRegionSize, r.size);
    }

    void remove(MapRegion r) {
        regions.remove(r);
    }

    private int lastStartingAtOrBefore(long ofs) {
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
