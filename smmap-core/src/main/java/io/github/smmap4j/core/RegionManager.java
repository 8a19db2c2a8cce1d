package io.github.smmap4j.core;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The engine behind both managers: region lookup, mapping, LRU eviction and statistics.
 * One lock guards all mutable state; a cursor's reads inside its pinned region take no lock.
 */
final class RegionManager {
    /** Alignment of window starts; mappings of any alignment work, this only avoids waste. */
    static final long PAGE_SIZE = 4096;

    /** Maps {@code [ofs, ofs+len)} of {@code path} into {@code arena}; replaceable for tests. */
    @FunctionalInterface
    interface Mapper {
        MemorySegment map(Path path, long ofs, long len, Arena arena) throws IOException;
    }

    static final Mapper FILE_CHANNEL_MAPPER = (path, ofs, len, arena) -> {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long now = ch.size();
            if (ofs + len > now) {
                // Mapping past EOF would turn reads into SIGBUS-backed InternalErrors: refuse early.
                throw new IOException(path + ": file shrank to " + now + " bytes, cannot map offset "
                        + ofs + " size " + len);
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, ofs, len, arena);
        } // the channel closes here: a live mapping holds no file descriptor
    };

    private final long windowSize; // 0 = map whole files
    private final long maxMappedMemory;
    private final int maxOpenRegions;
    private final Mapper mapper;

    private final Object lock = new Object();
    private final HashMap<Path, MapRegionList> files = new HashMap<>();
    /** Unused regions, least recently used first. */
    private final LinkedHashSet<MapRegion> idle = new LinkedHashSet<>();
    private long mappedBytes;
    private int openRegions;
    private long hits;
    private long maps;
    private long unmaps;
    private long overruns;
    private long retries;
    private long stale;
    private volatile boolean closed;

    RegionManager(long windowSize, long maxMappedMemory, int maxOpenRegions, Mapper mapper) {
        if (windowSize < 0) {
            throw new IllegalArgumentException("windowSize must be >= 0: " + windowSize);
        }
        if (maxMappedMemory <= 0) {
            throw new IllegalArgumentException("maxMappedMemory must be > 0: " + maxMappedMemory);
        }
        if (maxOpenRegions <= 0) {
            throw new IllegalArgumentException("maxOpenRegions must be > 0: " + maxOpenRegions);
        }
        this.windowSize = windowSize == 0 ? 0 : alignUp(windowSize);
        this.maxMappedMemory = maxMappedMemory;
        this.maxOpenRegions = maxOpenRegions;
        this.mapper = mapper;
    }

    long windowSize() {
        return windowSize;
    }

    WindowCursor cursor(Path path) throws IOException {
        ensureOpen();
        if (path == null) {
            throw new NullPointerException("path");
        }
        Path p = path.toAbsolutePath().normalize();
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        if (a.isDirectory()) {
            throw new IOException(p + ": is a directory, not a file");
        }
        if (!a.isRegularFile()) {
            throw new IOException(p + ": not a regular file");
        }
        synchronized (lock) {
            ensureOpen();
            MapRegionList list = files.get(p);
            if (list != null && !list.matches(a.size(), a.fileKey(), a.lastModifiedTime())) {
                retire(list);
                list = null;
            }
            if (list == null) {
                list = new MapRegionList(p, a.size(), a.fileKey(), a.lastModifiedTime());
                files.put(p, list);
            }
            list.cursors++;
            return new WindowCursor(this, list);
        }
    }

    /**
     * Releases {@code current} (may be null) and returns a pinned region holding
     * {@code [begin, end)} of {@code file}.
     */
    MapRegion acquire(MapRegionList file, MapRegion current, long begin, long end) throws IOException {
        synchronized (lock) {
            ensureOpen();
            if (current != null) {
                releaseLocked(current);
            }
            MapRegion r = file.find(begin, end);
            if (r != null && !r.unmapped) {
                hits++;
                pin(r);
                return r;
            }
            long start;
            long stop;
            if (windowSize == 0) {
                start = 0;
                stop = file.fileSize;
            } else {
                // Windows sit on a grid of windowSize: nearby requests share one window instead of
                // mapping overlapping near-copies that waste the memory budget.
                long grid = begin - begin % windowSize;
                // A request crossing a grid line gets one region from its page to the next grid line.
                start = end - grid <= windowSize ? grid : alignDown(begin);
                stop = Math.min(file.fileSize, Math.ceilDiv(end, windowSize) * windowSize);
            }
            r = mapLocked(file, start, stop - start);
            pin(r);
            return r;
        }
    }

    /** Returns a new cursor on the same file version (no region yet). */
    WindowCursor copyCursor(MapRegionList file) {
        synchronized (lock) {
            ensureOpen();
            file.cursors++;
            return new WindowCursor(this, file);
        }
    }

    /** Pins {@code r} once more (cursor copy). */
    void share(MapRegion r) {
        synchronized (lock) {
            ensureOpen();
            pin(r);
        }
    }

    void release(MapRegion r) {
        synchronized (lock) {
            if (!closed) {
                releaseLocked(r);
            }
        }
    }

    void closeCursor(MapRegionList file, MapRegion current) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (current != null) {
                releaseLocked(current);
            }
            file.cursors--;
            forgetIfUnused(file);
        }
    }

    int collect() {
        synchronized (lock) {
            ensureOpen();
            return collectLocked();
        }
    }

    ManagerStats stats() {
        synchronized (lock) {
            ensureOpen();
            int open = 0;
            for (MapRegionList l : files.values()) {
                if (!l.regions.isEmpty()) {
                    open++;
                }
            }
            return new ManagerStats(open, openRegions, mappedBytes, windowSize, maxMappedMemory,
                    maxOpenRegions, hits, maps, unmaps, overruns, retries, stale);
        }
    }

    void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (MapRegionList l : files.values()) {
                for (MapRegion r : l.regions) {
                    r.unmap();
                }
                l.regions.clear();
            }
            // Retired files' regions are not in `files`; the idle set and pinned ones are found here.
            for (MapRegion r : idle) {
                r.unmap();
            }
            for (MapRegion r : retiredPinned) {
                r.unmap();
            }
            retiredPinned.clear();
            idle.clear();
            files.clear();
            mappedBytes = 0;
            openRegions = 0;
        }
    }

    boolean isOpen() {
        return !closed;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("map manager is closed");
        }
    }

    /** Regions of retired files that were still in use when the file was found stale. */
    private final List<MapRegion> retiredPinned = new ArrayList<>();

    private void retire(MapRegionList list) {
        stale++;
        list.retired = true;
        files.remove(list.path, list);
        for (MapRegion r : new ArrayList<>(list.regions)) {
            if (r.clients == 0) {
                unmapLocked(r);
            } else {
                retiredPinned.add(r);
            }
        }
    }

    private MapRegion mapLocked(MapRegionList file, long start, long len) throws IOException {
        checkUnchanged(file);
        makeRoom(len);
        MemorySegment seg;
        Arena arena = Arena.ofShared();
        try {
            seg = mapper.map(file.path, start, len, arena);
        } catch (IOException | OutOfMemoryError | RuntimeException first) {
            arena.close();
            // As smmap does: free what nobody uses and try once more.
            retries++;
            collectLocked();
            arena = Arena.ofShared();
            try {
                seg = mapper.map(file.path, start, len, arena);
            } catch (IOException | OutOfMemoryError | RuntimeException second) {
                arena.close();
                if (second != first) { // a mapper may rethrow one instance; self-suppression would throw
                    second.addSuppressed(first);
                }
                throw new IOException("cannot map " + file.path + " at offset " + start + " size " + len
                        + ": " + second.getMessage(), second);
            }
        }
        MapRegion r = new MapRegion(file, start, len, arena, seg);
        file.add(r);
        if (file.retired) {
            // A cursor raced a replacement check: track the region so close() still unmaps it.
            retiredPinned.add(r);
        }
        mappedBytes += len;
        openRegions++;
        maps++;
        return r;
    }

    /** Refuses to map a file version that is no longer the one on disk (replaced, truncated, deleted). */
    private void checkUnchanged(MapRegionList file) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file.path, BasicFileAttributes.class);
        } catch (IOException e) {
            if (!file.retired) {
                retire(file);
            }
            throw new IOException(file.path + ": file vanished since it was opened: " + e.getMessage(), e);
        }
        if (!file.matches(a.size(), a.fileKey(), a.lastModifiedTime())) {
            if (!file.retired) {
                retire(file);
            }
            throw new IOException(file.path + ": file changed on disk since it was opened (size "
                    + file.fileSize + " -> " + a.size() + ")");
        }
    }

    /** Evicts least recently used idle regions until a mapping of {@code len} fits the limits. */
    private void makeRoom(long len) {
        evictWhileOver(len, 1);
        if (mappedBytes + len > maxMappedMemory || openRegions + 1 > maxOpenRegions) {
            overruns++; // everything is in use: map anyway rather than fail or block a reader
        }
    }

    /** Unmaps least recently used idle regions while {@code extraBytes} more bytes in {@code extraRegions} more regions would break a limit. */
    private void evictWhileOver(long extraBytes, int extraRegions) {
        Iterator<MapRegion> it = idle.iterator();
        while ((mappedBytes + extraBytes > maxMappedMemory || openRegions + extraRegions > maxOpenRegions) && it.hasNext()) {
            MapRegion victim = it.next();
            it.remove();
            unmapRegion(victim);
        }
    }

    private int collectLocked() {
        int n = idle.size();
        for (MapRegion r : idle) {
            unmapRegion(r);
        }
        idle.clear();
        return n;
    }

    private void pin(MapRegion r) {
        if (r.clients++ == 0) {
            idle.remove(r);
        }
    }

    private void releaseLocked(MapRegion r) {
        if (r.unmapped || r.clients <= 0) {
            return;
        }
        if (--r.clients == 0) {
            if (r.file.retired) {
                retiredPinned.remove(r);
                unmapRegion(r);
            } else {
                idle.add(r); // most recently used goes last
                // A region mapped during an overrun is given back as soon as it is unused.
                evictWhileOver(0, 0);
            }
        }
    }

    private void unmapLocked(MapRegion r) {
        idle.remove(r);
        unmapRegion(r);
    }

    /** Unmaps {@code r}; the caller has already taken it out of {@code idle}. */
    private void unmapRegion(MapRegion r) {
        if (r.unmapped) {
            return;
        }
        r.unmap();
        r.file.remove(r);
        mappedBytes -= r.size;
        openRegions--;
        unmaps++;
        forgetIfUnused(r.file);
    }

    private void forgetIfUnused(MapRegionList file) {
        if (file.cursors == 0 && file.regions.isEmpty() && files.get(file.path) == file) {
            files.remove(file.path);
        }
    }

    static long alignDown(long v) {
        return v & -PAGE_SIZE;
    }

    static long alignUp(long v) {
        return (v + PAGE_SIZE - 1) & -PAGE_SIZE;
    }
}
