package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The packs of a database's {@code objects/pack} directories (its own, then its alternates'):
 * every {@code *.idx} with a {@code .pack} beside it, whatever its name (as git). Scans them,
 * reopens a pack replaced under the same name, retires packs that went away (readers
 * may still be inside them: they are closed with the directory), and is the one place that
 * searches every pack for an id ({@link #find}). Thread-safe.
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
    /** Whether a pack that cannot be used is left out (and reported) instead of failing the scan. */
    private final boolean lenient;
    /** Why indexes could not be read at the last scan (their packs are left out); lenient only. */
    private volatile List<CorruptPackException> unreadable = List.of();

    PackDirectory(MapManager manager, ObjectFormat format, List<Path> objectDirs) {
        this(manager, format, objectDirs, false);
    }

    /**
     * A directory of the packs of {@code objectDirs}; when {@code lenient}, as git: an index that
     * cannot be read leaves its pack out, a pack that does not match its index is kept unusable
     * (see {@link #errors()}), instead of failing the scan.
     */
    PackDirectory(MapManager manager, ObjectFormat format, List<Path> objectDirs, boolean lenient) {
        this.manager = manager;
        this.format = format;
        this.objectDirs = objectDirs;
        this.lenient = lenient;
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
     * Returns where the first pack (in scan order) other than {@code skip} holds {@code id}, or
     * null. An index truncated while mapped is reported as corruption.
     */
    ObjectLocation find(ObjectId id, PackFile skip) throws IOException {
        try {
            for (PackFile p : packs) {
                int pos = p.index.findPosition(id);
                if (pos >= 0 && p != skip) {
                    return new ObjectLocation(id, p, p.index.offsetAt(pos));
                }
            }
            return null;
        } catch (InternalError e) {
            throw faulted(e);
        }
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
        throw e;
    }

    /** Looks for packs added or removed since the last scan; true if the set changed. */
    boolean rescan() throws IOException {
        synchronized (scanLock) {
            return scanLocked();
        }
    }

    /** Rescans only if a pack directory changed since the last scan: a miss costs a stat, not a listing. */
    boolean rescanIfChanged() throws IOException {
        synchronized (scanLock) {
            return !stamps().equals(scannedStamps) && scanLocked();
        }
    }

    private List<Object> stamps() {
        List<Object> stamps = new ArrayList<>();
        for (Path d : objectDirs) {
            try {
                stamps.add(Files.getLastModifiedTime(d.resolve("pack")));
            } catch (IOException e) {
                stamps.add(null); // no pack directory (yet)
            }
        }
        return stamps;
    }

    /** Lists the pack directories and opens new packs. */
    private boolean scanLocked() throws IOException {
        scannedStamps = stamps();
        Map<Path, PackFile> seen = new HashMap<>();
        List<PackFile> order = new ArrayList<>();
        List<CorruptPackException> bad = new ArrayList<>();
        boolean changed = false;
        for (Path d : objectDirs) {
            Path packDir = d.resolve("pack");
            if (!Files.isDirectory(packDir)) {
                continue;
            }
            List<Path> idxs = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(packDir, "*.idx")) {
                ds.forEach(idxs::add);
            }
            idxs.sort(null);
            for (Path idx : idxs) {
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
                    } catch (NoSuchFileException gone) {
                        continue; // deleted between listing and opening (gc/repack at work)
                    } catch (CorruptPackException e) {
                        if (!lenient) {
                            throw e;
                        }
                        bad.add(e); // an index git cannot read either: its objects are not there
                        continue;
                    }
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
        return changed;
    }

    /**
     * The packs in git's order (packfile.c), the order of {@code --unordered}: each object
     * directory's packs as readdir lists them, each put at the head of the list, then a stable
     * sort: local packs first, then newest {@code .pack} mtime (seconds) first.
     */
    List<PackFile> inGitOrder() throws IOException {
        Map<Path, PackFile> byPath = new HashMap<>();
        for (PackFile p : packs) {
            byPath.put(p.index.path().toAbsolutePath().normalize(), p);
        }
        List<PackFile> list = new ArrayList<>();
        Map<PackFile, long[]> key = new HashMap<>();
        for (int k = 0; k < objectDirs.size(); k++) {
            Path packDir = objectDirs.get(k).resolve("pack");
            if (!Files.isDirectory(packDir)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(packDir)) {
                for (Path f : ds) {
                    PackFile p = byPath.remove(f.toAbsolutePath().normalize());
                    if (p != null) {
                        list.addFirst(p);
                        long mtime = Files.getLastModifiedTime(p.packPath()).toMillis() / 1000;
                        key.put(p, new long[] {k == 0 ? 1 : 0, mtime});
                    }
                }
            }
        }
        for (PackFile p : byPath.values()) { // not seen by the listing (raced): keep them, last
            list.addLast(p);
            key.put(p, new long[] {0, 0});
        }
        list.sort(Comparator.<PackFile>comparingLong(p -> -key.get(p)[0]).thenComparingLong(p -> -key.get(p)[1]));
        return list;
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
        }
    }
}
