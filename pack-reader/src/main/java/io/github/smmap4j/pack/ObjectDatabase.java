package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import io.github.smmap4j.core.SlidingWindowMapManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A repository's object database: every pack in {@code objects/pack}, the loose objects, and
 * those of {@code objects/info/alternates}. Thread-safe; packs that appear later are found by a
 * rescan when an id is not found.
 *
 * <pre>{@code
 * try (ObjectDatabase db = ObjectDatabase.open(Path.of("repo"))) {
 *     ObjectLoader o = db.open(db.resolve("a1b2c3d"));
 *     byte[] content = o.bytes();
 * }
 * }</pre>
 */
public final class ObjectDatabase implements AutoCloseable {
    /** Default delta base cache: 32 MiB. */
    public static final long DEFAULT_BASE_CACHE = 32L << 20;
    /** Default stream threshold: objects above 16 MiB are streamed by {@link #open}. */
    public static final long DEFAULT_STREAM_THRESHOLD = 16L << 20;
    /** Alternates nest at most this deep, as in git. */
    private static final int MAX_ALTERNATE_DEPTH = 5;

    private final Path gitDir;
    private final ObjectFormat format;
    private final MapManager manager;
    private final boolean ownsManager;
    private final DeltaBaseCache cache;
    private final long streamThreshold;
    private final long maxObjectSize;
    private final List<Path> objectDirs;
    private final List<LooseObjects> loose;
    private final AtomicInteger packIds = new AtomicInteger();
    private final ConcurrentLinkedQueue<ObjectReader> pool = new ConcurrentLinkedQueue<>();
    private final Object scanLock = new Object();
    private volatile PackFile[] packs = new PackFile[0];
    private final Map<Path, PackFile> packsByIdx = new HashMap<>();
    private final List<PackFile> retired = new ArrayList<>();
    private volatile boolean closed;
    private List<Object> scannedStamps = List.of();

    private ObjectDatabase(Builder b, Path gitDir, Path objects, ObjectFormat format) throws IOException {
        this.gitDir = gitDir;
        this.format = format;
        if (b.manager != null) {
            this.manager = b.manager;
            this.ownsManager = false;
        } else {
            SlidingWindowMapManager.Builder mb = SlidingWindowMapManager.builder();
            if (b.windowSize >= 0) {
                mb.windowSize(b.windowSize);
            }
            if (b.maxMappedMemory > 0) {
                mb.maxMappedMemory(b.maxMappedMemory);
            }
            this.manager = mb.build();
            this.ownsManager = true;
        }
        this.cache = new DeltaBaseCache(b.baseCacheBytes);
        this.streamThreshold = b.streamThreshold;
        this.maxObjectSize = b.maxObjectSize;
        Set<Path> dirs = new LinkedHashSet<>();
        collectAlternates(objects, dirs, 0);
        this.objectDirs = List.copyOf(dirs);
        List<LooseObjects> l = new ArrayList<>();
        for (Path d : objectDirs) {
            l.add(new LooseObjects(d, format));
        }
        this.loose = List.copyOf(l);
        try {
            rescan();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Opens the repository at {@code repo} (a work tree, its {@code .git}, a bare repository or an objects directory) with defaults. */
    public static ObjectDatabase open(Path repo) throws IOException {
        return builder(repo).build();
    }

    /** Returns a builder for the repository at {@code repo}. */
    public static Builder builder(Path repo) {
        return new Builder(repo);
    }

    /** Returns the git directory (or the objects directory's parent). */
    public Path gitDir() {
        return gitDir;
    }

    /** Returns the object format (from {@code extensions.objectFormat}). */
    public ObjectFormat format() {
        return format;
    }

    /** Returns the map manager all packs are read through. */
    public MapManager manager() {
        return manager;
    }

    /** Returns the object directories searched: this repository's, then its alternates'. */
    public List<Path> objectDirectories() {
        return objectDirs;
    }

    /** Returns the packs currently known, newest scan order. */
    public List<PackFile> packs() {
        return List.of(packArray());
    }

    /** Returns a new single-thread reader; close it when done. */
    public ObjectReader newReader() {
        ensureOpen();
        return new ObjectReader(this);
    }

    /** Returns true if some pack, loose object or alternate holds {@code id}. */
    public boolean has(ObjectId id) throws IOException {
        for (int attempt = 0; ; attempt++) {
            for (PackFile p : packArray()) {
                boolean found;
                try {
                    found = p.index.contains(id);
                } catch (InternalError e) {
                    throw ObjectReader.faulted(this, e); // idx truncated while mapped
                }
                if (found) {
                    return true;
                }
            }
            for (LooseObjects l : loose) {
                if (l.has(id)) {
                    return true;
                }
            }
            if (attempt > 0 || !rescanIfChanged()) {
                return false;
            }
        }
    }

    /** Loads {@code id} (see {@link ObjectReader#open}). */
    public ObjectLoader open(ObjectId id) throws IOException {
        return withReader(r -> r.open(id));
    }

    /** Returns the type and size of {@code id} without inflating its content. */
    public ObjectHeader header(ObjectId id) throws IOException {
        return withReader(r -> r.header(id));
    }

    /** Returns what {@code cat-file --batch-check} can print of {@code id}. */
    public ObjectInfo info(ObjectId id) throws IOException {
        return withReader(r -> r.info(id));
    }

    /** Opens a stream over {@code id}'s content; objects above the stream threshold are not held whole. */
    public InputStream stream(ObjectId id) throws IOException {
        return open(id).openStream();
    }

    /**
     * Resolves a full id or a unique abbreviation (at least 4 hex digits, as git requires).
     *
     * @throws MissingObjectException if nothing matches
     * @throws AmbiguousObjectException if several objects match
     * @throws IllegalArgumentException if {@code name} is not hex or too short/long
     */
    public ObjectId resolve(String name) throws IOException {
        if (!ObjectId.isHex(name) || name.length() > format.hexLength()) {
            throw new IllegalArgumentException("not an object id or abbreviation: " + name);
        }
        if (name.length() == format.hexLength()) {
            ObjectId id = ObjectId.fromHex(name);
            if (!has(id)) {
                throw new MissingObjectException(id);
            }
            return id;
        }
        if (name.length() < 4) {
            throw new IllegalArgumentException("abbreviation " + name + " is shorter than 4 hex digits");
        }
        List<ObjectId> found = candidates(name);
        if (found.isEmpty() && rescanIfChanged()) {
            found = candidates(name);
        }
        if (found.isEmpty()) {
            throw new MissingObjectException(name);
        }
        if (found.size() > 1) {
            throw new AmbiguousObjectException(name, found);
        }
        return found.getFirst();
    }

    private List<ObjectId> candidates(String prefix) throws IOException {
        List<ObjectId> out = new ArrayList<>();
        for (PackFile p : packArray()) {
            p.index.resolve(prefix, out, 1000);
        }
        for (LooseObjects l : loose) {
            l.resolve(prefix, out, 1000);
        }
        return out.stream().distinct().sorted().toList();
    }

    /** Calls {@code action} for every object id once, in id order (merging packs and loose objects). */
    public void forEachId(Consumer<ObjectId> action) throws IOException {
        PackFile[] ps = packArray();
        List<ObjectId> looseIds = new ArrayList<>();
        for (LooseObjects l : loose) {
            l.forEach(looseIds::add);
        }
        looseIds.sort(null);
        int[] next = new int[ps.length];
        ObjectId[] head = new ObjectId[ps.length];
        for (int i = 0; i < ps.length; i++) {
            head[i] = ps[i].objectCount() > 0 ? ps[i].index.idAt(0) : null;
        }
        int li = 0;
        ObjectId last = null;
        while (true) {
            ObjectId min = li < looseIds.size() ? looseIds.get(li) : null;
            for (ObjectId h : head) {
                if (h != null && (min == null || h.compareTo(min) < 0)) {
                    min = h;
                }
            }
            if (min == null) {
                return;
            }
            // Advance every source positioned at min: each id is reported once.
            for (int i = 0; i < ps.length; i++) {
                if (min.equals(head[i])) {
                    next[i]++;
                    head[i] = next[i] < ps[i].objectCount() ? ps[i].index.idAt(next[i]) : null;
                }
            }
            while (li < looseIds.size() && looseIds.get(li).equals(min)) {
                li++;
            }
            if (!min.equals(last)) {
                action.accept(min);
                last = min;
            }
        }
    }

    /** An entry visited by {@link #forEachInPackOrder}: the pack, its offset and id. */
    public record PackedObject(PackFile pack, long offset, ObjectId id) {
    }

    /** Calls {@code action} for every packed object, pack by pack, in offset order. */
    public void forEachInPackOrder(IOConsumer<PackedObject> action) throws IOException {
        for (PackFile p : packArray()) {
            ReverseIndex rev = p.reverseIndex();
            for (int i = 0; i < rev.size(); i++) {
                action.accept(new PackedObject(p, rev.offsetAt(i), p.index.idAt(rev.positionAt(i))));
            }
        }
    }

    /** Calls {@code action} for every loose object id of this repository and its alternates. */
    public void forEachLooseId(Consumer<ObjectId> action) throws IOException {
        for (LooseObjects l : loose) {
            l.forEach(action);
        }
    }

    /** A consumer that may throw {@link IOException}. */
    @FunctionalInterface
    public interface IOConsumer<T> {
        /** Accepts {@code t}. */
        void accept(T t) throws IOException;
    }

    /**
     * Looks for packs added or removed since the last scan.
     *
     * @return true if the set of packs changed
     */
    public boolean rescan() throws IOException {
        ensureOpen();
        synchronized (scanLock) {
            return scan();
        }
    }

    /** Rescans only if a pack directory changed since the last scan: a miss costs a stat, not a listing. */
    boolean rescanIfChanged() throws IOException {
        ensureOpen();
        synchronized (scanLock) {
            if (packDirStamps().equals(scannedStamps)) {
                return false;
            }
            return scan();
        }
    }

    private List<Object> packDirStamps() {
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

    /** Lists the pack directories and opens new packs; the caller holds {@code scanLock}. */
    private boolean scan() throws IOException {
        scannedStamps = packDirStamps();
        Map<Path, PackFile> seen = new HashMap<>();
        List<PackFile> order = new ArrayList<>();
        boolean changed = false;
        for (Path d : objectDirs) {
            Path packDir = d.resolve("pack");
            if (!Files.isDirectory(packDir)) {
                continue;
            }
            List<Path> idxs = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(packDir, "pack-*.idx")) {
                ds.forEach(idxs::add);
            }
            idxs.sort(null);
            for (Path idx : idxs) {
                String n = idx.getFileName().toString();
                Path pack = packDir.resolve(n.substring(0, n.length() - 4) + ".pack");
                if (!Files.isRegularFile(pack)) {
                    continue; // an index without its pack (being written or deleted) is skipped, as git does
                }
                PackFile p = packsByIdx.get(idx);
                if (p != null && p.changedOnDisk()) {
                    // Replaced or truncated under the same name: reopen (the old one is retired below).
                    p = null;
                }
                if (p == null) {
                    try {
                        p = PackFile.open(packIds.getAndIncrement(), manager, idx, pack, format);
                    } catch (java.nio.file.NoSuchFileException gone) {
                        continue; // deleted between listing and opening (gc/repack at work)
                    }
                    changed = true;
                }
                seen.put(idx, p);
                order.add(p);
            }
        }
        for (Map.Entry<Path, PackFile> e : packsByIdx.entrySet()) {
            if (seen.get(e.getKey()) != e.getValue()) {
                // Readers may still be inside it: close it when the database closes.
                retired.add(e.getValue());
                changed = true;
            }
        }
        packsByIdx.clear();
        packsByIdx.putAll(seen);
        packs = order.toArray(new PackFile[0]);
        return changed;
    }

    PackFile[] packArray() {
        ensureOpen();
        return packs;
    }

    DeltaBaseCache cache() {
        return cache;
    }

    long streamThreshold() {
        return streamThreshold;
    }

    long maxObjectSize() {
        return maxObjectSize;
    }

    ObjectLoader openLoose(ObjectId id) throws IOException {
        for (LooseObjects l : loose) {
            LooseObjects.Opened o = l.open(id);
            if (o == null) {
                continue;
            }
            Path f = l.fileOf(id);
            if (o.size > streamThreshold) {
                long size = o.size;
                ObjectType type = o.type;
                o.close();
                return new ObjectLoader(id, type, size, () -> {
                    LooseObjects.Opened s = l.open(id);
                    if (s == null) {
                        throw new MissingObjectException(id);
                    }
                    return new java.io.FilterInputStream(s.content) {
                        @Override
                        public void close() throws IOException {
                            s.close();
                        }
                    };
                });
            }
            try (o) {
                if (o.size > maxObjectSize) {
                    throw new CorruptPackException(f, 0, "object of " + o.size + " bytes exceeds the limit of " + maxObjectSize);
                }
                return new ObjectLoader(id, o.type, LooseObjects.readAll(o, f));
            }
        }
        return null;
    }

    ObjectHeader looseHeader(ObjectId id) throws IOException {
        for (LooseObjects l : loose) {
            try (LooseObjects.Opened o = l.open(id)) {
                if (o != null) {
                    return new ObjectHeader(o.type, o.size);
                }
            }
        }
        return null;
    }

    ObjectInfo looseInfo(ObjectId id) throws IOException {
        for (LooseObjects l : loose) {
            try (LooseObjects.Opened o = l.open(id)) {
                if (o != null) {
                    return new ObjectInfo(id, o.type, o.size, o.fileSize, format.zeroId());
                }
            }
        }
        return null;
    }

    /** A read done with a pooled reader. */
    @FunctionalInterface
    private interface ReaderCall<T> {
        T call(ObjectReader r) throws IOException;
    }

    /** Runs {@code call} with a reader from the pool and gives the reader back, unpinned. */
    private <T> T withReader(ReaderCall<T> call) throws IOException {
        ObjectReader r = borrow();
        try {
            return call.call(r);
        } finally {
            giveBack(r);
        }
    }

    private ObjectReader borrow() {
        ensureOpen();
        ObjectReader r = pool.poll();
        return r != null ? r : new ObjectReader(this);
    }

    private void giveBack(ObjectReader r) {
        r.release(); // an idle pooled reader pins no window
        if (closed || pool.size() >= 2 * Runtime.getRuntime().availableProcessors()) {
            r.close();
        } else {
            pool.offer(r);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("object database " + gitDir + " is closed");
        }
    }

    /** Closes every pack and reader, and the manager if this database made it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ObjectReader r;
        while ((r = pool.poll()) != null) {
            r.close();
        }
        synchronized (scanLock) {
            for (PackFile p : packsByIdx.values()) {
                p.close();
            }
            for (PackFile p : retired) {
                p.close();
            }
            packsByIdx.clear();
            retired.clear();
            packs = new PackFile[0];
        }
        cache.clear();
        if (ownsManager) {
            manager.close();
        }
    }

    @Override
    public String toString() {
        return "ObjectDatabase[" + gitDir + ", " + packs.length + " packs, " + format.configName() + "]";
    }

    private static void collectAlternates(Path objects, Set<Path> out, int depth) throws IOException {
        Path real = objects.toRealPath();
        if (!out.add(real) || depth > MAX_ALTERNATE_DEPTH) {
            return;
        }
        Path alt = real.resolve("info").resolve("alternates");
        if (!Files.isRegularFile(alt)) {
            return;
        }
        for (String line : Files.readAllLines(alt)) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            Path p = real.resolve(s).normalize();
            if (Files.isDirectory(p)) {
                collectAlternates(p, out, depth + 1);
            }
        }
    }

    /** Configures an {@link ObjectDatabase}. */
    public static final class Builder {
        private final Path repo;
        private MapManager manager;
        private long windowSize = -1;
        private long maxMappedMemory = -1;
        private long baseCacheBytes = DEFAULT_BASE_CACHE;
        private long streamThreshold = DEFAULT_STREAM_THRESHOLD;
        private long maxObjectSize = Integer.MAX_VALUE - 16;
        private ObjectFormat format;

        private Builder(Path repo) {
            this.repo = repo;
        }

        /** Reads through {@code m}, which the caller keeps and closes; overrides window settings. */
        public Builder mapManager(MapManager m) {
            this.manager = m;
            return this;
        }

        /** Sets the window size of the database's own sliding manager (0 maps whole files). */
        public Builder windowSize(long bytes) {
            this.windowSize = bytes;
            return this;
        }

        /** Sets the mapped-memory limit of the database's own manager. */
        public Builder maxMappedMemory(long bytes) {
            this.maxMappedMemory = bytes;
            return this;
        }

        /** Sets the delta base cache size in bytes (0 disables it). */
        public Builder deltaBaseCache(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("deltaBaseCache must be >= 0: " + bytes);
            }
            this.baseCacheBytes = bytes;
            return this;
        }

        /** Objects larger than this are returned as streaming loaders. */
        public Builder streamThreshold(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("streamThreshold must be >= 0: " + bytes);
            }
            this.streamThreshold = bytes;
            return this;
        }

        /** Refuses to materialize objects (and deltas) larger than this. */
        public Builder maxObjectSize(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxObjectSize must be > 0: " + bytes);
            }
            this.maxObjectSize = Math.min(bytes, Integer.MAX_VALUE - 16);
            return this;
        }

        /** Forces the object format instead of reading {@code extensions.objectFormat}. */
        public Builder format(ObjectFormat f) {
            this.format = f;
            return this;
        }

        /**
         * Opens the database.
         *
         * @throws java.io.FileNotFoundException if {@code repo} is not a git repository
         */
        public ObjectDatabase build() throws IOException {
            Path r = repo.toAbsolutePath().normalize();
            Path gitDir;
            Path objects;
            if (Files.isDirectory(r.resolve(".git").resolve("objects"))) {
                gitDir = r.resolve(".git");
                objects = gitDir.resolve("objects");
            } else if (Files.isRegularFile(r.resolve(".git"))) {
                gitDir = gitFileTarget(r);
                objects = gitDir.resolve("objects");
            } else if (Files.isDirectory(r.resolve("objects")) && Files.exists(r.resolve("HEAD"))) {
                gitDir = r;
                objects = r.resolve("objects");
            } else if (Files.isDirectory(r.resolve("pack")) && r.getFileName() != null
                    && r.getFileName().toString().equals("objects")) {
                gitDir = r.getParent();
                objects = r;
            } else {
                throw new java.io.FileNotFoundException("not a git repository (or objects directory): " + r);
            }
            ObjectFormat f = format != null ? format : readFormat(gitDir);
            return new ObjectDatabase(this, gitDir, objects, f);
        }

        private static Path gitFileTarget(Path workTree) throws IOException {
            String s = Files.readString(workTree.resolve(".git")).strip();
            if (!s.startsWith("gitdir:")) {
                throw new java.io.FileNotFoundException("not a git repository: " + workTree + " (bad .git file)");
            }
            return workTree.resolve(s.substring(7).strip()).normalize();
        }

        /** Reads {@code extensions.objectFormat} from the repository's config; SHA-1 if absent. */
        static ObjectFormat readFormat(Path gitDir) throws IOException {
            Path config = gitDir == null ? null : gitDir.resolve("config");
            if (config == null || !Files.isRegularFile(config)) {
                return ObjectFormat.SHA1;
            }
            String section = "";
            for (String line : Files.readAllLines(config)) {
                String s = line.strip();
                if (s.startsWith("[")) {
                    int end = s.indexOf(']');
                    section = (end > 0 ? s.substring(1, end) : s.substring(1)).strip().toLowerCase(Locale.ROOT);
                    s = end > 0 ? s.substring(end + 1).strip() : "";
                }
                if (section.equals("extensions") && !s.isEmpty()) {
                    int eq = s.indexOf('=');
                    if (eq > 0 && s.substring(0, eq).strip().equalsIgnoreCase("objectformat")) {
                        return ObjectFormat.fromConfig(s.substring(eq + 1).strip());
                    }
                }
            }
            return ObjectFormat.SHA1;
        }
    }
}
