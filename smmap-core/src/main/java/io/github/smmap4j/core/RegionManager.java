package io.github.smmap4j.core;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The engine behind both managers: window geometry, the lock discipline, and the file I/O (stat,
 * map, unmap); the bookkeeping itself (regions, LRU order, limits, counters) is the
 * {@link RegionLedger}.
 *
 * <p>Lock rule: one lock, {@link #lock}, guards all bookkeeping (the ledger and the mutable fields
 * of every {@link MapRegionList} and {@link MapRegion}) except pins: every method that must be called
 * holding it is named {@code …Locked}. A cursor moving to a region that is already mapped takes no
 * lock: it finds the region in its file's region array (replaced, never changed in place, under the
 * lock) and pins it with a compare-and-set that fails once eviction has claimed the region;
 * unpinning is lock-free too, unless it leaves a region of a retired file, or one beyond a limit
 * (an overrun), unused. Under the lock only bookkeeping happens, never file I/O (stat, open,
 * mmap) nor unmapping ({@code Arena.close}, a handshake with every thread for a shared arena), so a
 * thread that misses never stalls threads that hit. A miss takes the lock twice: first to look up,
 * pick the window, make room (victims are taken out of the bookkeeping and marked unmapped) and
 * reserve the window's bytes against the limits; then, after the stat and the map ran unlocked, to
 * end the reservation and enter the region, or to drop it if the manager was closed or the file
 * retired meanwhile, or if another thread entered a region holding the same request first (the
 * request then counts as a hit and the duplicate mapping is counted nowhere). Regions taken out
 * under the lock go to a local list that the same thread unmaps right after releasing the lock.
 * A cursor's reads inside its pinned region take no lock at all.
 *
 * <p>Map pressure: a copy ({@link WindowCursor#copyTo}) that misses when mapping its window would
 * evict another or overrun a limit is served by a positional read instead (one lock, for the
 * decision; the read runs without it, on the file version's {@link ReadThroughChannel}), until the
 * window has been read through {@link #READS_BEFORE_MAP} times; then it is mapped. Random reads of
 * a file larger than the limit so stop paying a map and an unmap per miss, while windows read
 * often still get mapped.
 */
final class RegionManager {
    /** Immutable: alignment of window starts; mappings of any alignment work, this only avoids waste. */
    static final long PAGE_SIZE = 4096;

    /** Maps {@code [ofs, ofs+len)} of {@code path} into {@code arena}; replaceable for tests. Called without the lock. */
    @FunctionalInterface
    interface Mapper {
        MemorySegment map(Path path, long ofs, long len, Arena arena) throws IOException;
    }

    /** Immutable: the real mapper (open, map, close the channel). */
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

    /** Immutable: bytes a read-through copies into a cursor's buffer (a small copy of an unmapped window under map pressure). */
    static final int READ_THROUGH_SIZE = 8 * 1024;
    /** Immutable: the largest positional read made straight into a caller's array. */
    static final int READ_THROUGH_MAX = 1 << 20;
    /**
     * Immutable: read-throughs of one window after which it is mapped (evicting): a map plus the
     * later unmap of a shared arena costs about as much as 16 to 40 positional reads of 8 KiB here.
     */
    static final int READS_BEFORE_MAP = 16;

    /** Immutable: a window being mapped outside the lock; its bytes stay reserved until it lands or is dropped. */
    private record Reservation(MapRegionList file, long start, long len, boolean overrun, boolean wasRetired) {
    }

    /** Immutable: a multiple of PAGE_SIZE; 0 = map whole files. */
    private final long windowSize;
    /** Immutable; called without the lock. */
    private final Mapper mapper;
    /** Immutable: whether copies may read through under map pressure. */
    private final boolean readThrough;
    /** Immutable: the one lock (see the class comment). */
    private final Object lock = new Object();
    /** Immutable reference; its state is guarded by lock. */
    private final RegionLedger ledger;
    /** Volatile: written under lock by close(), read without it by ensureOpen/isOpen; never reset. */
    private volatile boolean closed;

    RegionManager(long windowSize, long maxMappedMemory, int maxOpenRegions, boolean readThrough, Mapper mapper) {
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
        this.ledger = new RegionLedger(lock, maxMappedMemory, maxOpenRegions);
        this.mapper = mapper;
        this.readThrough = readThrough;
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
        Doomed dead = new Doomed();
        try {
            synchronized (lock) {
                ensureOpen();
                return new WindowCursor(this, ledger.openLocked(p, a, dead));
            }
        } finally {
            afterLock(dead);
        }
    }

    /**
     * Releases {@code current} (may be null) and returns a pinned region holding
     * {@code [begin, end)} of {@code file}; with {@code mayReadThrough} (a copy), returns null
     * instead when the window is not mapped, mapping it would evict or overrun, and it has not been
     * read through {@link #READS_BEFORE_MAP} times (or unused windows cannot make room for it
     * without an overrun): the caller then reads through
     * ({@link #readThrough}).
     */
    MapRegion acquire(MapRegionList file, MapRegion current, long begin, long end, boolean mayReadThrough)
            throws IOException {
        ensureOpen();
        if (current != null) {
            release(current);
        }
        MapRegion hit = file.find(begin, end); // the hit path: no lock
        if (hit != null && hit.tryPin()) {
            ledger.countHit();
            return hit;
        }
        Doomed dead = new Doomed();
        Reservation res;
        try {
            synchronized (lock) {
                ensureOpen();
                MapRegion r = ledger.hitLocked(file, begin, end);
                if (r != null) {
                    return r;
                }
                long start = windowStart(begin, end);
                long len = windowEnd(file, end) - start;
                if (mayReadThrough && readThrough && !file.retired && !ledger.fitsLocked(len)
                        && (!file.readThroughLocked(start, windowSize, READS_BEFORE_MAP) || !ledger.evictableLocked(len))) {
                    ledger.readThroughLocked();
                    return null; // not read often enough to be worth an eviction, or nothing to evict
                }
                res = reserveLocked(file, start, len, dead);
            }
        } finally {
            afterLock(dead);
        }
        MapRegion fresh;
        try {
            checkUnchanged(file);
            fresh = mapWithRetry(res);
        } catch (Throwable t) {
            synchronized (lock) {
                ledger.unreserveLocked(res.len());
            }
            throw t;
        }
        return insert(res, fresh, begin, end);
    }

    /**
     * Reads {@code [pos, pos + len)} of {@code file} into {@code dst[off, off + len)} with positional
     * reads, without mapping and without the lock (what {@link #acquire} returned null for).
     *
     * @throws MappedFileTruncatedException if the file ends first (it was truncated)
     * @throws IOException if the file changed on disk since this version was seen, or cannot be read
     */
    void readThrough(MapRegionList file, long pos, byte[] dst, int off, int len) throws IOException {
        assert !Thread.holdsLock(lock) : "read under the manager's lock";
        ReadThroughChannel rt = file.readThrough;
        for (int attempt = 0; ; attempt++) {
            FileChannel ch = rt.current();
            if (ch == null || rt.checkDue()) {
                checkUnchanged(file); // the descriptor must be this file version's, and the file still there
            }
            if (ch == null) {
                ch = rt.open();
                if (closed) { // close() may have swept the channels before this one opened
                    rt.close(ch);
                    ensureOpen();
                }
            }
            try {
                if (!ReadThroughChannel.readFully(ch, pos, dst, off, len)) {
                    throw new MappedFileTruncatedException(file.path, pos, null);
                }
                return;
            } catch (ClosedByInterruptException e) {
                rt.close(ch); // this thread was interrupted, which closed the shared channel: others reopen
                throw e;
            } catch (ClosedChannelException e) { // closed by retire, close() or another thread's interrupt
                ensureOpen();
                if (file.retired) {
                    throw new IOException(file.path + ": file changed on disk while it was being read", e);
                }
                if (attempt > 0) {
                    throw e;
                }
                rt.close(ch);
            }
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

    /** Pins {@code r} once more (cursor copy); no lock. */
    void share(MapRegion r) {
        ensureOpen();
        if (!r.tryPin()) {
            throw new IllegalStateException("map manager is closed");
        }
    }

    /** Unpins {@code r}; takes the lock only if that leaves it unused while its file is retired or a limit is exceeded. */
    void release(MapRegion r) {
        if (r.unpin() != 0 || !(r.file.retired || ledger.overLimit())) {
            return;
        }
        Doomed dead = new Doomed();
        synchronized (lock) {
            if (!closed) {
                ledger.unusedLocked(r, dead);
            }
        }
        afterLock(dead);
    }

    void closeCursor(MapRegionList file, MapRegion current) {
        if (current != null) {
            release(current);
        }
        Doomed dead = new Doomed();
        synchronized (lock) {
            if (!closed) {
                ledger.closeCursorLocked(file, dead);
            }
        }
        afterLock(dead);
    }

    int collect() {
        Doomed dead = new Doomed();
        synchronized (lock) {
            ensureOpen();
            ledger.collectLocked(dead);
        }
        afterLock(dead);
        return dead.size();
    }

    ManagerStats stats() {
        synchronized (lock) {
            ensureOpen();
            return ledger.statsLocked(windowSize);
        }
    }

    /**
     * Unmaps every region, in use or not, before returning. A map in flight on another thread is
     * unmapped by that thread as soon as its mapper returns (that thread then gets IllegalStateException).
     */
    void close() {
        Doomed dead = new Doomed();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            ledger.closeLocked(dead);
        }
        afterLock(dead);
    }

    boolean isOpen() {
        return !closed;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("map manager is closed");
        }
    }

    /** Returns the start of the window a miss on {@code [begin, end)} maps. */
    private long windowStart(long begin, long end) {
        if (windowSize == 0) {
            return 0;
        }
        // Windows sit on a grid of windowSize: nearby requests share one window instead of
        // mapping overlapping near-copies that waste the memory budget.
        long grid = begin - begin % windowSize;
        // A request crossing a grid line gets one region from its page to the next grid line.
        return end - grid <= windowSize ? grid : alignDown(begin);
    }

    /** Returns the end of the window a miss ending at {@code end} maps. */
    private long windowEnd(MapRegionList file, long end) {
        return windowSize == 0 ? file.fileSize : Math.min(file.fileSize, Math.ceilDiv(end, windowSize) * windowSize);
    }

    /** Makes room for the window {@code [start, start + len)} of a miss and reserves its bytes. */
    private Reservation reserveLocked(MapRegionList file, long start, long len, Doomed dead) {
        // If everything is in use the window is mapped anyway (an overrun) rather than fail or block a reader.
        boolean overrun = ledger.reserveLocked(len, dead);
        return new Reservation(file, start, len, overrun, file.retired);
    }

    /** Refuses to map a file version that is no longer the one on disk (replaced, truncated, deleted). Stats without the lock. */
    private void checkUnchanged(MapRegionList file) throws IOException {
        assert !Thread.holdsLock(lock) : "stat under the manager's lock";
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file.path, BasicFileAttributes.class);
        } catch (IOException e) {
            retire(file);
            throw new IOException(file.path + ": file vanished since it was opened: " + e.getMessage(), e);
        }
        if (!file.matches(a.size(), a.fileKey(), a.lastModifiedTime())) {
            retire(file);
            throw new IOException(file.path + ": file changed on disk since it was opened (size "
                    + file.fileSize + " -> " + a.size() + ")");
        }
    }

    /** Retires {@code file} unless it already is (or the manager is closed), unmapping after the lock. Call without the lock. */
    private void retire(MapRegionList file) {
        Doomed dead = new Doomed();
        synchronized (lock) {
            if (!closed && !file.retired) {
                ledger.retireLocked(file, dead);
            }
        }
        afterLock(dead);
    }

    /** Maps the reserved window without the lock; on failure, as smmap does, collects and retries once. */
    private MapRegion mapWithRetry(Reservation res) throws IOException {
        try {
            return mapOnce(res);
        } catch (IOException | OutOfMemoryError | RuntimeException first) {
            Doomed dead = new Doomed();
            synchronized (lock) {
                ensureOpen();
                ledger.retryLocked();
                ledger.collectLocked(dead);
            }
            afterLock(dead);
            try {
                return mapOnce(res);
            } catch (IOException | OutOfMemoryError | RuntimeException second) {
                if (second != first) { // a mapper may rethrow one instance; self-suppression would throw
                    second.addSuppressed(first);
                }
                throw new IOException("cannot map " + res.file().path + " at offset " + res.start() + " size "
                        + res.len() + ": " + second.getMessage(), second);
            }
        }
    }

    /** Opens and maps the reserved window into a fresh arena. Call without the lock. */
    private MapRegion mapOnce(Reservation res) throws IOException {
        assert !Thread.holdsLock(lock) : "map under the manager's lock";
        Arena arena = Arena.ofShared();
        try {
            MemorySegment seg = mapper.map(res.file().path, res.start(), res.len(), arena);
            return new MapRegion(res.file(), res.start(), res.len(), arena, seg);
        } catch (Throwable t) {
            arena.close();
            throw t;
        }
    }

    /** Ends the reservation: enters {@code fresh} and returns it pinned, or drops it (unmapped after the lock). */
    private MapRegion insert(Reservation res, MapRegion fresh, long begin, long end) throws IOException {
        MapRegionList file = res.file();
        Doomed dead = new Doomed();
        try {
            synchronized (lock) {
                ledger.unreserveLocked(res.len());
                if (closed) {
                    dead.add(fresh);
                    throw new IllegalStateException("map manager is closed");
                }
                if (file.retired && !res.wasRetired()) {
                    dead.add(fresh); // found stale by cursor() while we mapped: it may show the new file
                    throw new IOException(file.path + ": file changed on disk while it was being mapped");
                }
                MapRegion other = ledger.hitLocked(file, begin, end);
                if (other != null) {
                    dead.add(fresh); // another thread entered a region for this request meanwhile: share it
                    return other;
                }
                ledger.addLocked(fresh, res.overrun());
                return fresh;
            }
        } finally {
            afterLock(dead);
        }
    }

    /** Unmaps the regions and closes the descriptors this thread took out of the bookkeeping (or never entered). Call without the lock. */
    private void afterLock(Doomed dead) {
        assert !Thread.holdsLock(lock) : "unmap under the manager's lock";
        for (MapRegionList f : dead.channels) {
            f.readThrough.close(null);
        }
        RuntimeException failure = null;
        for (MapRegion r : dead.regions) {
            try {
                r.closeArena();
            } catch (RuntimeException e) { // e.g. an arena still acquired by native code: unmap the rest
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    static long alignDown(long v) {
        return v & -PAGE_SIZE;
    }

    static long alignUp(long v) {
        return (v + PAGE_SIZE - 1) & -PAGE_SIZE;
    }
}
