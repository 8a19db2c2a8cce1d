package io.github.smmap4j.core;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bookkeeping of one {@link RegionManager}: which file versions and regions exist, the mapped
 * and reserved totals checked against the limits, the choice of what to evict (the unpinned region
 * used least recently), and the statistics counters.
 *
 * <p>Not thread-safe on its own: every {@code …Locked} method is called, and every field not
 * marked otherwise read or written, with the owning manager's lock held. Cursors pin and unpin
 * regions without it ({@link MapRegion#tryPin}); eviction claims a region only if nothing pins it
 * ({@link MapRegion#tryRetire}). It never maps, unmaps or touches a file: a region it takes out of
 * the bookkeeping is marked {@link MapRegion#unmapped} and appended to the caller's {@code dead},
 * which the caller unmaps after releasing the lock.
 */
final class RegionLedger {
    /** Immutable: the owning manager's lock; only asserted to be held (tests run with -ea). */
    private final Object lock;
    /** Immutable: configured limit of mapped bytes (soft). */
    private final long maxMappedMemory;
    /** Immutable: configured limit of mapped regions (soft). */
    private final int maxOpenRegions;
    /** Immutable reference; contents guarded by RegionManager.lock: the current version of each file with cursors or regions. */
    private final HashMap<Path, MapRegionList> files = new HashMap<>();
    /** Immutable reference; contents guarded by RegionManager.lock: in-use regions of retired file versions, so close finds them. */
    private final List<MapRegion> retiredPinned = new ArrayList<>();
    /** Immutable reference; contents guarded by RegionManager.lock: every region in the bookkeeping, pinned or not. */
    private final LinkedHashSet<MapRegion> live = new LinkedHashSet<>();
    /** Guarded by RegionManager.lock: bytes of the regions in the bookkeeping. */
    private long mappedBytes;
    /** Guarded by RegionManager.lock: number of regions in the bookkeeping. */
    private int openRegions;
    /** Guarded by RegionManager.lock: bytes of maps in flight outside the lock (room was made for them). */
    private long reservedBytes;
    /** Guarded by RegionManager.lock: number of maps in flight outside the lock. */
    private int reservedRegions;
    /**
     * Written under RegionManager.lock, read without it (volatile): true while the regions and
     * reservations exceed a limit (an overrun), so an unpin that leaves a region unused takes the
     * lock to give the excess back.
     */
    private volatile boolean overLimit;
    /** Thread-safe: requests served by a region that was already mapped, with or without the lock. */
    private final LongAdder hits = new LongAdder();
    /** Guarded by RegionManager.lock: regions that entered the bookkeeping. */
    private long maps;
    /** Guarded by RegionManager.lock: regions taken out of the bookkeeping (evicted, collected, stale). */
    private long unmaps;
    /** Guarded by RegionManager.lock: regions that entered although room could not be made for them. */
    private long overruns;
    /** Guarded by RegionManager.lock: failed maps retried after a collect. */
    private long retries;
    /** Guarded by RegionManager.lock: file versions retired because the file on disk changed. */
    private long stale;
    /** Guarded by RegionManager.lock: copies served by a positional read instead of a map (map pressure). */
    private long readThroughs;

    RegionLedger(Object lock, long maxMappedMemory, int maxOpenRegions) {
        this.lock = lock;
        this.maxMappedMemory = maxMappedMemory;
        this.maxOpenRegions = maxOpenRegions;
    }

    /** Returns the current version of {@code p} with one more cursor, retiring a version that {@code a} no longer matches. */
    MapRegionList openLocked(Path p, BasicFileAttributes a, Doomed dead) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        MapRegionList list = files.get(p);
        if (list != null && !list.matches(a.size(), a.fileKey(), a.lastModifiedTime())) {
            retireLocked(list, dead);
            list = null;
        }
        if (list == null) {
            list = new MapRegionList(p, a.size(), a.fileKey(), a.lastModifiedTime());
            files.put(p, list);
        }
        list.cursors++;
        return list;
    }

    /** Counts a request served without the lock by a region already mapped (the hit path). Thread-safe. */
    void countHit() {
        hits.increment();
    }

    /** Returns true while a limit is exceeded (see {@link #overLimit}). Thread-safe. */
    boolean overLimit() {
        return overLimit;
    }

    /** Returns a region of {@code file} holding {@code [begin, end)}, pinned and counted as a hit; null on a miss. */
    MapRegion hitLocked(MapRegionList file, long begin, long end) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        MapRegion r = file.find(begin, end);
        if (r != null && r.tryPin()) { // a region in the bookkeeping can always be pinned under the lock
            hits.increment();
            return r;
        }
        return null;
    }

    /**
     * Makes room for a map of {@code len} bytes now going in flight outside the lock (evicting least
     * recently used unused regions) and reserves it; returns true if it will overrun a limit anyway.
     */
    boolean reserveLocked(long len, Doomed dead) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        evictWhileOverLocked(len, 1, dead);
        boolean overrun = overLocked(len, 1);
        reservedBytes += len;
        reservedRegions++;
        updateOverLimitLocked();
        return overrun;
    }

    /** Returns true if a map of {@code len} more bytes fits the limits without evicting anything. */
    boolean fitsLocked(long len) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        return !overLocked(len, 1);
    }

    /** Returns true if evicting unused regions can make room for a map of {@code len} more bytes. */
    boolean evictableLocked(long len) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        long bytes = len;
        int regions = 1;
        for (MapRegion r : live) {
            if (!overLocked(bytes, regions)) {
                return true;
            }
            if (r.clients() == 0) {
                bytes -= r.size;
                regions--;
            }
        }
        return !overLocked(bytes, regions);
    }

    /** Counts a copy served by a positional read. */
    void readThroughLocked() {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        readThroughs++;
    }

    /** Ends a reservation of {@link #reserveLocked}, whether its map landed or was dropped. */
    void unreserveLocked(long len) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        reservedBytes -= len;
        reservedRegions--;
        updateOverLimitLocked();
    }

    /** Enters the freshly mapped {@code r} (its reservation already ended) and pins it. */
    void addLocked(MapRegion r, boolean overrun) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        r.tryPin(); // fresh: nothing else can hold or claim it yet
        r.file.addLocked(r);
        live.add(r);
        if (r.file.retired) {
            // A cursor of a retired version mapped: track the region so close still unmaps it.
            retiredPinned.add(r);
        }
        mappedBytes += r.size;
        openRegions++;
        maps++;
        if (overrun) {
            overruns++;
        }
        updateOverLimitLocked();
    }

    /**
     * After an unpin left {@code r} unused while its file is retired or a limit is exceeded: unmaps
     * it (retired) or gives the excess back, least recently used first (an overrun).
     */
    void unusedLocked(MapRegion r, Doomed dead) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        if (r.unmapped) {
            return;
        }
        if (r.file.retired) {
            if (r.tryRetire()) {
                takeOutLocked(r, dead);
            }
        } else {
            evictWhileOverLocked(0, 0, dead);
        }
    }

    /** Detaches a closing cursor (its region already unpinned) and forgets the file if nothing uses it. */
    void closeCursorLocked(MapRegionList file, Doomed dead) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        if (--file.cursors == 0) {
            dead.closeChannel(file); // no cursor can read through any more
        }
        forgetIfUnusedLocked(file);
    }

    /** Counts a failed map about to be retried. */
    void retryLocked() {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        retries++;
    }

    /** Takes every unused region out of the bookkeeping. */
    void collectLocked(Doomed dead) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        for (MapRegion r : new ArrayList<>(live)) {
            if (r.tryRetire()) {
                takeOutLocked(r, dead);
            }
        }
    }

    /** Marks {@code list} stale: its unused regions go now, its pinned ones when released. */
    void retireLocked(MapRegionList list, Doomed dead) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        stale++;
        list.retired = true; // before the claims below: an unpin that follows them sees it and unmaps
        files.remove(list.path, list);
        dead.closeChannel(list);
        for (MapRegion r : list.regions()) {
            if (r.tryRetire()) {
                takeOutLocked(r, dead);
            } else {
                retiredPinned.add(r);
            }
        }
    }

    /** Returns a snapshot of the totals and counters. */
    ManagerStats statsLocked(long windowSize) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        int openFiles = 0;
        for (MapRegionList l : files.values()) {
            if (l.regions().length > 0) {
                openFiles++;
            }
        }
        return new ManagerStats(openFiles, openRegions, mappedBytes, windowSize, maxMappedMemory,
                maxOpenRegions, hits.sum(), maps, unmaps, overruns, retries, stale, readThroughs);
    }

    /** Takes every region, in use or not, out of the bookkeeping (not counted as unmaps) and resets the totals. */
    void closeLocked(Doomed dead) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        for (MapRegionList l : files.values()) {
            l.clearLocked();
            dead.closeChannel(l);
        }
        // Retired files' regions are not in `files`: every region is in `live`.
        for (MapRegion r : live) {
            r.forceRetire();
            doomLocked(r, dead);
        }
        for (MapRegion r : retiredPinned) {
            r.forceRetire();
            doomLocked(r, dead);
        }
        retiredPinned.clear();
        live.clear();
        files.clear();
        mappedBytes = 0;
        openRegions = 0;
        updateOverLimitLocked();
    }

    /** Returns true if {@code extraBytes} more bytes in {@code extraRegions} more regions would break a limit. */
    private boolean overLocked(long extraBytes, int extraRegions) {
        return mappedBytes + reservedBytes + extraBytes > maxMappedMemory
                || openRegions + reservedRegions + extraRegions > maxOpenRegions;
    }

    private void updateOverLimitLocked() {
        boolean over = overLocked(0, 0);
        if (over != overLimit) {
            overLimit = over;
        }
    }

    /**
     * Takes unpinned regions out, least recently used first, while {@code extraBytes} more bytes in
     * {@code extraRegions} more regions would break a limit. One scan per victim: evictions are rare
     * next to hits, and the scan is what lets pins and unpins run without the lock.
     */
    private void evictWhileOverLocked(long extraBytes, int extraRegions, Doomed dead) {
        while (overLocked(extraBytes, extraRegions)) {
            MapRegion victim = null;
            for (int attempt = 0; attempt < 3 && victim == null; attempt++) {
                MapRegion oldest = null;
                for (MapRegion r : live) {
                    if (r.clients() == 0 && (oldest == null || r.lastUse - oldest.lastUse < 0)) {
                        oldest = r;
                    }
                }
                if (oldest == null) {
                    return; // everything is pinned: an overrun
                }
                if (oldest.tryRetire()) { // else pinned since the scan: look again
                    victim = oldest;
                }
            }
            if (victim == null) {
                return;
            }
            takeOutLocked(victim, dead);
        }
    }

    /** Takes the claimed {@code r} out of the bookkeeping and appends it to {@code dead}, to be unmapped after the lock. */
    private void takeOutLocked(MapRegion r, Doomed dead) {
        live.remove(r);
        if (r.unmapped) {
            return;
        }
        doomLocked(r, dead);
        r.file.removeLocked(r);
        if (r.file.retired) {
            retiredPinned.remove(r);
        }
        mappedBytes -= r.size;
        openRegions--;
        unmaps++;
        forgetIfUnusedLocked(r.file);
        updateOverLimitLocked();
    }

    /** Marks {@code r} unmapped (never handed out again) and appends it to {@code dead}, once. */
    private static void doomLocked(MapRegion r, Doomed dead) {
        if (!r.unmapped) {
            r.unmapped = true;
            dead.add(r);
        }
    }

    private void forgetIfUnusedLocked(MapRegionList file) {
        if (file.cursors == 0 && file.regions().length == 0 && files.get(file.path) == file) {
            files.remove(file.path);
        }
    }
}
