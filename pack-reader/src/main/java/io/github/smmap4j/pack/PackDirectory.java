package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The packs of a database's {@code objects/pack} directories (its own, then its alternates'):
 * every {@code *.idx} with a {@code .pack} beside it, whatever its name (as git). Scans them,
 * reopens a pack replaced under the same name, retires packs that went away (readers
 * may still be inside them: they are closed with the directory), and is the one place that
 * searches the packs for an id ({@link #find}): through each object directory's
 * multi-pack-index ({@link MidxChain}: one search for all the packs it covers, and the pack git
 * chose for an object stored twice), then the packs no multi-pack-index covers (the search
 * order of the last scan: {@link PackLookup}). Thread-safe.
 */
final class PackDirectory {
    private final MapManager manager;
    private final ObjectFormat format;
    private final List<Path> objectDirs;
    private final AtomicInteger packIds = new AtomicInteger();
    private final Object scanLock = new Object();
    /** The packs in scan order; written under {@code scanLock}, read without it. */
    private volatile PackFile[] packs = new PackFile[0];
    /** Guarded by {@code scanLock}: the open pack of each idx path. */
    private final Map<Path, PackFile> byIdx = new HashMap<>();
    /** Guarded by {@code scanLock}: packs no longer listed, closed with the directory. */
    private final List<PackFile> retired = new ArrayList<>();
    /** Guarded by {@code scanLock}: the pack directories' modification times at the last scan. */
    private List<Object> scannedStamps = List.of();
    /** Whether the last scan saw the pack directories hold still from its start to its end. */
    private volatile boolean settled = true;
    /** Guarded by {@code scanLock}: what the last scan listed. */
    private PackDirSnapshot lastListed;
    /** A scan that saw the directories change underneath is repeated, at most this many times in all. */
    static final int MAX_SCANS = 8;
    /** Whether a pack that cannot be used is left out (and reported) instead of failing the scan. */
    private final boolean lenient;
    /** Why indexes could not be read at the last scan (their packs are left out); lenient only. */
    private volatile List<CorruptPackException> unreadable = List.of();

    /** False: multi-pack-indexes are not read (git's {@code core.multiPackIndex=false}). */
    private final boolean readMidx;
    private final int maxObjectCount;
    private final MidxFiles midxFiles;
    /** Receives a message for each damaged file ignored: a multi-pack-index, a pack's {@code .rev}. */
    private final Consumer<String> warnings;
    /** What {@link #find} searches; written under {@code scanLock} after each scan, read without it. */
    private volatile PackLookup lookup = PackLookup.EMPTY;
    /** Where an object is when a multi-pack-index's answer is not confirmed: the first pack holding it. */
    private final MidxChain.Fallback everyPack = id -> PackLookup.firstPack(packs, id, List.of());

    PackDirectory(MapManager manager, ObjectFormat format, List<Path> objectDirs) {
        this(manager, format, objectDirs, false, true, message -> { });
    }

    /**
     * Creates the directory of {@code objectDirs}' packs (scanned by {@link #rescan}).
     *
     * @param lenient  as git: an index that cannot be read leaves its pack out, a pack that does
     *                 not match its index is kept unusable (see {@link #errors()}), instead of
     *                 failing the scan
     * @param readMidx whether to use multi-pack-indexes
     * @param warnings receives a message for each multi-pack-index or {@code .rev} file refused as damaged
     */
    PackDirectory(MapManager manager, ObjectFormat format, List<Path> objectDirs, boolean lenient, boolean readMidx,
                  Consumer<String> warnings) {
        this(manager, format, objectDirs, readMidx, options(lenient, warnings));
    }

    /**
     * Creates the directory of {@code objectDirs}' packs, with the database's leniency, warnings
     * and caps on the files ({@code maxObjectCount}, {@code maxMidxLayers}).
     */
    PackDirectory(MapManager manager, ObjectFormat format, List<Path> objectDirs, boolean readMidx, DatabaseOptions o) {
        this.manager = manager;
        this.format = format;
        this.objectDirs = objectDirs;
        this.lenient = o.lenientPacks;
        this.readMidx = readMidx;
        this.maxObjectCount = o.maxObjectCount;
        this.midxFiles = new MidxFiles(manager, format, o.warnings, o.maxObjectCount, o.maxMidxLayers);
        this.warnings = o.warnings;
    }

    private static DatabaseOptions options(boolean lenient, Consumer<String> warnings) {
        DatabaseOptions o = new DatabaseOptions();
        o.lenientPacks = lenient;
        o.warnings(warnings);
        return o;
    }

    /** Why packs could not be used at the last scan: unreadable indexes, then unusable packs. */
    List<CorruptPackException> errors() {
        List<CorruptPackException> out = new ArrayList<>(unreadable);
        for (PackFile p : packs) {
            if (p.unusable() != null) {
                out.add(p.unusable());
            }
        }
        return out;
    }

    /** The packs currently known, in scan order. */
    PackFile[] packs() {
        return packs;
    }

    /**
     * Returns where a pack other than {@code skip} holds {@code id}, or null: where the first
     * multi-pack-index holding it says (git's order), else the first other pack in scan order
     * holding it. An index truncated while mapped is reported as corruption.
     */
    ObjectLocation find(ObjectId id, PackFile skip) throws IOException {
        return findSkipping(id, skip == null ? List.of() : List.of(skip));
    }

    /**
     * Returns where a pack not in {@code skip} holds {@code id}, or null, in {@link #find}'s
     * order: the next copy to read when the copies in {@code skip} are damaged (git's
     * {@code mark_bad_packed_object}).
     */
    ObjectLocation findSkipping(ObjectId id, List<PackFile> skip) throws IOException {
        try {
            return lookup.find(id, skip, packs, everyPack);
        } catch (InternalError e) {
            throw faulted(e);
        }
    }

    /** Adds to {@code out} up to {@code limit} packed ids starting with {@code hexPrefix} (maybe some twice). */
    void resolve(String hexPrefix, List<ObjectId> out, int limit) {
        lookup.resolve(hexPrefix, out, limit);
    }

    /** Returns the multi-pack-indexes in use, in git's order. */
    List<MidxChain> multiPackIndexes() {
        return List.of(lookup.midx());
    }

    /**
     * A read of a mapping whose file shrank underneath faults (SIGBUS); for Java-side reads the
     * JVM reports it as an InternalError. Reported as corruption of the file that changed; an
     * InternalError with no changed file is rethrown.
     */
    CorruptPackException faulted(InternalError e) {
        for (PackFile p : packs) {
            if (p.changedOnDisk()) {
                return new CorruptPackException(p.index.path(), -1,
                        "index or pack file was truncated or replaced while mapped", e);
            }
        }
        Path midx = midxFiles.changedFile();
        if (midx != null) {
            return new CorruptPackException(midx, -1, "multi-pack-index was truncated or replaced while mapped", e);
        }
        throw e;
    }

    /** Looks for packs added or removed since the last scan; true if the set changed. */
    boolean rescan() throws IOException {
        synchronized (scanLock) {
            return scanLocked();
        }
    }

    /**
     * Rescans for a listing of every object and returns what the scan listed: a scan that saw
     * the directories hold still, or an exception after {@link #MAX_SCANS} scans that did not.
     *
     * @throws IOException naming the pack directories if they never held still
     */
    PackDirSnapshot settledScan() throws IOException {
        synchronized (scanLock) {
            scanLocked();
            if (!settled) {
                throw unsettled("scans");
            }
            return lastListed;
        }
    }

    /** Returns the packs as the scan of {@code at} left them if the directories still hold what {@code at} lists, else null. */
    PackSet stillAsAt(PackDirSnapshot at) throws IOException {
        synchronized (scanLock) {
            return PackDirSnapshot.take(objectDirs).equals(at) ? packSet() : null;
        }
    }

    /** The failure of a listing for which the directories never held still ({@code what}: scans or listings). */
    IOException unsettled(String what) {
        return new IOException(objectDirs.stream().map(d -> d.resolve("pack").toString()).toList() + " changed during each of "
                + MAX_SCANS + " " + what + " (a gc or repack at work?): a listing now could miss objects");
    }

    /** Rescans if {@code gone}, a pack that went away or changed on disk, is still among the packs. */
    void retire(PackFile gone) throws IOException {
        synchronized (scanLock) {
            if (byIdx.get(gone.index.path()) == gone) {
                scanLocked();
            }
        }
    }

    /** Rescans only if a pack directory changed since the last scan: a miss costs a stat, not a listing. */
    boolean rescanIfChanged() throws IOException {
        synchronized (scanLock) {
            return !PackDirSnapshot.times(objectDirs).equals(scannedStamps) && scanLocked();
        }
    }

    /**
     * Scans until one scan sees the pack directories hold still (the same {@link PackDirSnapshot}
     * before and after: a pack deleted before it could be opened shows there), at most {@link #MAX_SCANS}
     * times; the last scan stands either way ({@link #settled} says which). True if the set of
     * packs changed.
     */
    private boolean scanLocked() throws IOException {
        boolean changed = false;
        for (int scan = 1; ; scan++) {
            PackDirSnapshot before = PackDirSnapshot.take(objectDirs);
            scannedStamps = before.times();
            lastListed = before;
            changed |= scanOnceLocked(before);
            settled = PackDirSnapshot.take(objectDirs).equals(before);
            if (settled || scan == MAX_SCANS) {
                return changed;
            }
            try {
                Thread.sleep(scan); // let git finish the step it is at (a rename, the deletion of a pack's files)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while scanning " + objectDirs);
            }
        }
    }

    /** Opens the packs of {@code listed} not open yet and retires those gone. */
    private boolean scanOnceLocked(PackDirSnapshot listed) throws IOException {
        Map<Path, PackFile> seen = new HashMap<>();
        List<PackFile> order = new ArrayList<>();
        List<CorruptPackException> bad = new ArrayList<>();
        boolean changed = false;
        for (int k = 0; k < objectDirs.size(); k++) {
            Path packDir = objectDirs.get(k).resolve("pack");
            for (Path idx : listed.indexes(k, packDir)) {
                String n = idx.getFileName().toString();
                Path pack = packDir.resolve(n.substring(0, n.length() - 4) + ".pack");
                if (!Files.isRegularFile(pack)) {
                    continue; // an index without its pack (being written or deleted) is skipped, as git does
                }
                PackFile p = byIdx.get(idx);
                if (p != null && p.changedOnDisk()) {
                    p = null; // replaced or truncated under the same name: reopen (the old one is retired below)
                }
                if (p == null) {
                    try {
                        p = PackFile.open(packIds.getAndIncrement(), manager, idx, pack, format, lenient);
                        try {
                            p.index.checkCount(maxObjectCount);
                        } catch (CorruptPackException e) {
                            p.close();
                            throw e;
                        }
                    } catch (IOException e) {
                        if (e instanceof NoSuchFileException || !Files.exists(idx) || !Files.exists(pack)) {
                            continue; // deleted between listing and opening (gc/repack at work)
                        }
                        if (!lenient || !(e instanceof CorruptPackException c)) {
                            throw e;
                        }
                        bad.add(c); // an index git cannot read either: its objects are not there
                        continue;
                    }
                    p.warnings(warnings);
                    changed = true;
                }
                seen.put(idx, p);
                order.add(p);
            }
        }
        for (Map.Entry<Path, PackFile> e : byIdx.entrySet()) {
            if (seen.get(e.getKey()) != e.getValue()) {
                retired.add(e.getValue());
                changed = true;
            }
        }
        byIdx.clear();
        byIdx.putAll(seen);
        packs = order.toArray(new PackFile[0]);
        unreadable = List.copyOf(bad);
        lookup = readMidx ? PackLookup.of(packs, objectDirs, midxFiles) : new PackLookup(PackLookup.EMPTY.midx(), packs);
        return changed;
    }

    /** The packs as the last scan left them, with its search order. */
    PackSet current() {
        synchronized (scanLock) {
            return packSet();
        }
    }

    /** The packs and the search order of the last scan; call under {@code scanLock}. */
    private PackSet packSet() {
        return new PackSet(packs, List.of(lookup.midx()), List.of(lookup.uncovered()), objectDirs, everyPack);
    }

    /** Closes every pack, current and retired. */
    void close() {
        synchronized (scanLock) {
            for (PackFile p : byIdx.values()) {
                p.close();
            }
            for (PackFile p : retired) {
                p.close();
            }
            byIdx.clear();
            retired.clear();
            packs = new PackFile[0];
            lookup = PackLookup.EMPTY;
            midxFiles.close();
        }
    }
}
