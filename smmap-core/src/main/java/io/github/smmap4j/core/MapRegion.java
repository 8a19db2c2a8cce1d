package io.github.smmap4j.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One mapping of {@code [ofs, ofs + size)} of a file. The arena is owned by this region alone:
 * closing it unmaps the segment at once. Cursors pin and unpin a region without the manager's lock
 * ({@link #tryPin}, {@link #unpin}: a count that is -1 once the region is taken out of the
 * bookkeeping, so a pin and an eviction never both succeed); everything else that changes is
 * guarded by the owning {@link RegionManager}'s lock. The arena is closed outside that lock, by the
 * one thread that took the region out of the bookkeeping.
 */
final class MapRegion {
    private static final VarHandle CLIENTS;

    static {
        try {
            CLIENTS = MethodHandles.lookup().findVarHandle(MapRegion.class, "clients", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

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
    /**
     * Atomic (CAS through CLIENTS, no lock): cursors pointing at this region, or -1 once it is taken
     * out of the bookkeeping (then never pinned again). A region with clients is never evicted.
     */
    private volatile int clients;
    /** Volatile, written without the lock: {@link System#nanoTime} of the last unpin (or of the map), for the LRU choice. */
    volatile long lastUse;
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
        this.lastUse = System.nanoTime();
    }

    long ofsEnd() {
        return ofs + size;
    }

    boolean includes(long begin, long end) {
        return ofs <= begin && end <= ofs + size;
    }

    /** Returns the number of cursors pinning this region (-1 once taken out of the bookkeeping). */
    int clients() {
        return clients;
    }

    /** Pins the region for one more cursor unless it was taken out of the bookkeeping; no lock needed. */
    boolean tryPin() {
        for (int c = clients; c >= 0; c = clients) {
            if (CLIENTS.compareAndSet(this, c, c + 1)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Unpins the region for one cursor; no lock needed.
     *
     * @return the cursors left (0: now unused, its use time stamped), or -1 if it was not pinned or
     *         already taken out of the bookkeeping
     */
    int unpin() {
        for (int c = clients; c > 0; c = clients) {
            if (CLIENTS.compareAndSet(this, c, c - 1)) {
                if (c == 1) {
                    lastUse = System.nanoTime();
                }
                return c - 1;
            }
        }
        return -1;
    }

    /** Claims an unused region for eviction: true if no cursor pins it (and none can from now on). */
    boolean tryRetire() {
        return CLIENTS.compareAndSet(this, 0, -1);
    }

    /** Makes the region unpinnable whatever pins it (the manager is closing). */
    void forceRetire() {
        clients = -1;
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
