package io.github.smmap4j.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One mapping of {@code [ofs, ofs + size)} of a file. The arena is owned by this region alone:
 * closing it unmaps the segment at once. Mutable fields are guarded by the manager's lock.
 */
final class MapRegion {
    final MapRegionList file;
    final long ofs;
    final long size;
    final MemorySegment segment;
    private final Arena arena;
    /** Number of cursors pointing at this region; a region with clients is never unmapped. */
    int clients;
    boolean unmapped;

    MapRegion(MapRegionList file, long ofs, long size, Arena arena, MemorySegment segment) {
        this.file = file;
        this.ofs = ofs;
        this.size = size;
        this.arena = arena;
        this.segment = segment;
    }

    long ofsEnd() {
        return ofs + size;
    }

    boolean includes(long begin, long end) {
        return ofs <= begin && end <= ofs + size;
    }

    void unmap() {
        if (!unmapped) {
            unmapped = true;
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "MapRegion[" + file.path + " @" + ofs + "+" + size + ", clients=" + clients + "]";
    }
}
