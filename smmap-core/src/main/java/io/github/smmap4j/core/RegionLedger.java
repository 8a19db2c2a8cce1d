package io.github.smmap4j.core;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The bookkeeping of one {@link RegionManager}: which file versions and regions exist, which
 * regions are unused (in least-recently-used order), the mapped and reserved totals checked against
 * the limits, and the statistics counters.
 *
 * <p>Not thread-safe on its own: every method is called, and every field read or written, with the
 * owning manager's lock held, hence the {@code …Locked} names. It never maps, unmaps or touches a
 * file: a region it takes out of the bookkeeping is marked {@link MapRegion#unmapped} and appended
 * to the caller's {@code dead} list, which the caller unmaps after releasing the lock.
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
    /** Immutable reference; contents guarded by RegionManager.lock: unused regions, least recently used first. */
    private final LinkedHashSet<MapRegion> idle = new LinkedHashSet<>();
    /** Guarded by RegionManager.lock: bytes of the regions in the bookkeeping. */
    private long mappedBytes;
    /** Guarded by RegionManager.lock: number of regions in the bookkeeping. */
    private int openRegions;
    /** Guarded by RegionManager.lock: bytes of maps in flight outside the lock (room was made for them). */
    private long reservedBytes;
    /** Guarded by RegionManager.lock: number of maps in flight outside the lock. */
    private int reservedRegions;
    /** Guarded by RegionManager.lock: requests served by a region that was already mapped. */
    private long hits;
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

    /** Returns a region of {@code file} holding {@code [begin, end)}, pinned and counted as a hit; null on a miss. */
    MapRegion hitLocked(MapRegionList file, long begin, long end) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        MapRegion r = file.findLocked(begin, end);
        if (r != null) {
            hits++;
            pinLocked(r);
        }
        return r;
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
        long bytes = mappedBytes + reservedBytes + len;
        int regions = openRegions + reservedRegions + 1;
        for (MapRegion r : idle) {
            if (bytes <= maxMappedMemory && regions <= maxOpenRegions) {
                return true;
            }
            bytes -= r.size;
            regions--;
        }
        return bytes <= maxMappedMemory && regions <= maxOpenRegions;
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
    }

    /** Enters the freshly mapped {@code r} (its reservation already ended) and pins it. */
    void addLocked(MapRegion r, boolean overrun) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        r.file.addLocked(r);
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
        pinLocked(r);
    }

    void pinLocked(MapRegion r) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        if (r.clients++ == 0) {
            idle.remove(r);
        }
    }

    void releaseLocked(MapRegion r, Doomed dead) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        if (r.unmapped || r.clients <= 0) {
            return;
        }
        if (--r.clients == 0) {
            if (r.file.retired) {
                retiredPinned.remove(r);
                unmapRegionLocked(r, dead);
            } else {
                idle.add(r); // most recently used goes last
                // A region mapped during an overrun is given back as soon as it is unused.
                evictWhileOverLocked(0, 0, dead);
            }
        }
    }

    /** Detaches a closing cursor: releases its region (may be null) and forgets the file if nothing uses it. */
    void closeCursorLocked(MapRegionList file, MapRegion current, Doomed dead) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        if (current != null) {
            releaseLocked(current, dead);
        }
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
        while (!idle.isEmpty()) {
            unmapRegionLocked(idle.getFirst(), dead);
        }
    }

    /** Marks {@code list} stale: its unused regions go now, its pinned ones when released. */
    void retireLocked(MapRegionList list, Doomed dead) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        stale++;
        list.retired = true;
        files.remove(list.path, list);
        dead.closeChannel(list);
        for (MapRegion r : new ArrayList<>(list.regions)) {
            if (r.clients == 0) {
                unmapRegionLocked(r, dead);
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
            if (!l.regions.isEmpty()) {
                openFiles++;
            }
        }
        return new ManagerStats(openFiles, openRegions, mappedBytes, windowSize, maxMappedMemory,
                maxOpenRegions, hits, maps, unmaps, overruns, retries, stale, readThroughs);
    }

    /** Takes every region, in use or not, out of the bookkeeping (not counted as unmaps) and resets the totals. */
    void closeLocked(Doomed dead) {
        assert Thread.holdsLock(lock) : "RegionLedger used without RegionManager.lock";
        for (MapRegionList l : files.values()) {
            for (MapRegion r : l.regions) {
                doomLocked(r, dead);
            }
            l.regions.clear();
            dead.closeChannel(l);
        }
        // Retired files' regions are not in `files`; the idle set and pinned ones are found here.
        for (MapRegion r : idle) {
            doomLocked(r, dead);
        }
        for (MapRegion r : retiredPinned) {
            doomLocked(r, dead);
        }
        retiredPinned.clear();
        idle.clear();
        files.clear();
        mappedBytes = 0;
        openRegions = 0;
    }

    /** Returns true if {@code extraBytes} more bytes in {@code extraRegions} more regions would break a limit. */
    private boolean overLocked(long extraBytes, int extraRegions) {
        return mappedBytes + reservedBytes + extraBytes > maxMappedMemory
                || openRegions + reservedRegions + extraRegions > maxOpenRegions;
    }

    /** Takes least recently used unused regions out while {@code extraBytes} more bytes in {@code extraRegions} more regions would break a limit. */
    private void evictWhileOverLocked(long extraBytes, int extraRegions, Doomed dead) {
        while (overLocked(extraBytes, extraRegions) && !idle.isEmpty()) {
            unmapRegionLocked(idle.getFirst(), dead);
        }
    }

    /** Takes {@code r} out of the bookkeeping and appends it to {@code dead}, to be unmapped after the lock. */
    private void unmapRegionLocked(MapRegion r, Doomed dead) {
        idle.remove(r); // always, so an eviction loop cannot spin on a region already taken out
        if (r.unmapped) {
            return;
        }
        doomLocked(r, dead);
        r.file.removeLocked(r);
        mappedBytes -= r.size;
        openRegions--;
        unmaps++;
        forgetIfUnusedLocked(r.file);
    }

    /** Marks {@code r} unmapped (never handed out again) and appends it to {@code dead}, once. */
    private static void doomLocked(MapRegion r, Doomed dead) {
        if (!r.unmapped) {
            r.unmapped = true;
            dead.add(r);
        }
    }

    private void forgetIfUnusedLocked(MapRegionList file) {
        if (file.cursors == 0 && file.regions.isEmpty() && files.get(file.path) == file) {
            files.remove(file.path);
        }
    }
}
