package io.github.smmap4j.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One mapping of {@code [ofs, ofs + size)} of a file. The arena is owned by this region alone:
 * closing it unmaps the segment at once. The mutable fields are guarded by the owning
 * {@link RegionManager}'s lock; the arena is closed outside that lock, by the one thread that took
 * the region out of the bookkeeping.
 */
final class MapRegion {
    /** Immutable: the file version this region maps. */
    final MapRegionList file;
    /** Immutable: file offset of the first mapped byte. */
    final long ofs;
    /** Immutable: number of mapped bytes. */
    final long size;
    /** Immutable: the mapping; its scope dies when {@link #closeArena()} runs. */
    final MemorySegment segment;
    /** Immutable: owns {@link #segment}; closed exactly once, outside the lock. */
    private final Arena arena;
    /** Guarded by RegionManager.lock: cursors pointing at this region; a region with clients is never evicted. */
    int clients;
    /**
     * Guarded by RegionManager.lock: set when the region is taken out of the bookkeeping (its arena
     * is closed right after the lock is released); such a region is never handed to a cursor again.
     */
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

    /**
     * Unmaps the segment. Call without the manager's lock (closing a shared arena is a handshake
     * with every thread), once, after {@link #unmapped} was set under the lock or for a fresh region
     * that never entered the bookkeeping.
     */
    void closeArena() {
        arena.close();
    }

    @Override
    public String toString() {
        return "MapRegion[" + file.path + " @" + ofs + "+" + size + ", clients=" + clients + "]";
    }
}
