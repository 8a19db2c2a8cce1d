package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    private final DatabaseResources res;

    private ObjectDatabase(DatabaseResources res) {
        this.res = res;
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
        return res.layout.gitDir();
    }

    /**
     * Returns the repository's own config file ({@code <gitDir>/config}) as read when the
     * database was opened (system and global configs are not read).
     */
    public GitConfig config() {
        return res.config;
    }

    /**
     * Returns why packs of the object directories could not be used at the last scan: an index
     * that cannot be read (its pack is skipped), or a pack that does not match its index (its
     * objects are listed, and reading them fails with this error), as git reports them.
     */
    public List<CorruptPackException> packErrors() {
        res.ensureOpen();
        return res.storage.packs().errors();
    }

    /** Returns the object format (from {@code extensions.objectFormat}). */
    public ObjectFormat format() {
        return res.storage.format();
    }

    /** Returns the object directories searched: this repository's, then its alternates'. */
    public List<Path> objectDirectories() {
        return res.layout.objectDirs();
    }

    /** Returns the packs currently known, in scan order. */
    public List<PackFile> packs() {
        return List.of(packArray());
    }

    /**
     * Returns the packs in the order git enumerates them for {@code --unordered} (packfile.c):
     * the packs of the multi-pack-indexes first (last pack number first, as git installs them),
     * then the others, local packs before alternates', newest {@code .pack} first, ties in
     * directory order. For a listing of every object while git may repack, use
     * {@link #listObjects}, which takes these together with the loose objects.
     */
    public List<PackFile> packsInGitOrder() throws IOException {
        res.ensureOpen();
        return res.storage.packs().current().inGitOrder();
    }

    /**
     * Returns the loose ids and the packs in git's order, taken together so that a listing of
     * them misses no object while git repacks underneath (see {@link ObjectListing}): the packs
     * are rescanned until a scan sees their directories hold still, the loose objects listed,
     * and all of it taken again if the pack directories changed meanwhile.
     *
     * @throws IOException naming the pack directories if they changed during each of 8 tries
     */
    public ObjectListing listObjects() throws IOException {
        res.ensureOpen();
        ListingScan l = ListingScan.take(res.storage);
        return new ObjectListing(l.loose(), l.packs().inGitOrder());
    }

    /** Returns a new single-thread reader; close it when done. */
    public ObjectReader newReader() {
        res.ensureOpen();
        return new ObjectReader(res.storage);
    }

    /** Returns true if some pack, loose object or alternate holds {@code id}. */
    public boolean has(ObjectId id) throws IOException {
        return withReader(r -> r.has(id));
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
        res.ensureOpen();
        return Abbreviation.resolve(res.storage, res.pool, name);
    }

    /** Calls {@code action} for every object id once, in id order (merging packs and loose objects). */
    public void forEachId(Consumer<ObjectId> action) throws IOException {
        forEachObject(l -> action.accept(l.id()));
    }

    /**
     * Calls {@code action} for every object once, in id order, with where it lives (where git's
     * id-order listing reads it: the pack a multi-pack-index chose, else, of the packs holding
     * it, the one git's lookup tries first, its most recently used, else loose): read each with {@link ObjectReader#open(ObjectLocation)}, which finds the
     * object again if git deleted its pack meanwhile. Complete while git repacks underneath:
     * every object there was at the start (and still is) is visited once, the ids taken as
     * {@link #listObjects} takes them; if the pack directories keep changing, it fails before
     * visiting anything, never visits a short list.
     *
     * @throws IOException naming the pack directories if they changed during each of 8 tries
     */
    public void forEachObject(IOConsumer<ObjectLocation> action) throws IOException {
        res.ensureOpen();
        ListingScan l = ListingScan.take(res.storage);
        IdOrderMerge.forEach(l.packs().idRuns(), l.packs().inGitOrder(), new ArrayList<>(l.loose()), action);
    }

    /**
     * Visits every object of the database exactly once, in no particular order, on
     * {@code parallelism} threads: the fastest way to read everything when the order does not
     * matter (indexers, scanners, analytics). Each pack's delta trees are resolved depth-first
     * from their roots, so every entry is inflated once; objects above the stream threshold come
     * as streams. The visitor is called concurrently from the traversal's threads and must be
     * thread-safe; the first exception of any thread stops the traversal and is thrown here.
     * While git repacks underneath it visits every object there was at the start, as
     * {@link #forEachObject} does, or fails (a pack it walks deleted before it was read): never
     * visits a short list.
     *
     * @param parallelism threads to use, e.g. {@code Runtime.getRuntime().availableProcessors()}
     */
    public void forEachObjectInAnyOrder(int parallelism, ObjectVisitor visitor) throws IOException {
        res.ensureOpen();
        new AnyOrderTraversal(res.storage, parallelism, visitor).run();
    }

    /** Calls {@code action} for every packed object, pack by pack (scan order), in offset order. */
    public void forEachInPackOrder(IOConsumer<ObjectLocation> action) throws IOException {
        for (PackFile p : packArray()) {
            p.forEachInOffsetOrder(action);
        }
    }

    /**
     * Calls {@code action} for every loose object id of this repository and its alternates, as
     * git meets them: object directories in order, {@code 00..ff}, directory-listing order.
     */
    public void forEachLooseId(Consumer<ObjectId> action) throws IOException {
        res.ensureOpen();
        res.storage.loose().forEach(action);
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
        res.ensureOpen();
        return res.storage.packs().rescan();
    }

    /** Runs {@code call} with a pooled reader (the database's own calls are thread-safe this way). */
    private <T> T withReader(ReaderPool.ReaderCall<T> call) throws IOException {
        res.ensureOpen();
        return res.pool.with(call);
    }

    PackFile[] packArray() {
        res.ensureOpen();
        return res.storage.packs().packs();
    }

    /** The map manager (for tests: the CLI and users keep the manager they pass in). */
    MapManager manager() {
        return res.manager;
    }

    /** The settings it was opened with (the caps refs and names are read under). */
    DatabaseOptions options() {
        return res.options;
    }

    /** The parts every reader shares (for the verifier and tests). */
    Storage storage() {
        return res.storage;
    }

    /** Closes every pack and reader, and the manager if this database made it. */
    @Override
    public void close() {
        res.close();
    }

    @Override
    public String toString() {
        return "ObjectDatabase[" + gitDir() + ", " + res.storage.packs().packs().length + " packs, " + format().configName() + "]";
    }

    /** Configures an {@link ObjectDatabase}. */
    public static final class Builder {
        private final Path repo;
        private final DatabaseOptions o = new DatabaseOptions();

        private Builder(Path repo) {
            this.repo = repo;
        }

        /** Reads through {@code m}, which the caller keeps and closes; overrides window settings. */
        public Builder mapManager(MapManager m) {
            o.manager = m;
            return this;
        }

        /**
         * Sets the window size of the database's own sliding manager (0 maps whole files).
         * Default: chosen from the map limit, 1/1024 of it between 1 MiB and 64 MiB (8 MiB under
         * the default 8 GiB, 1 MiB for limits up to 1 GiB; see
         * {@link io.github.smmap4j.core.SlidingWindowMapManager.Builder#windowSize}).
         */
        public Builder windowSize(long bytes) {
            o.windowSize = bytes;
            return this;
        }

        /**
         * Sets the mapped-memory limit of the database's own manager (default 8 GiB); unless
         * {@link #windowSize} is set too, the windows are 1/1024 of it (1 MiB to 64 MiB).
         */
        public Builder maxMappedMemory(long bytes) {
            o.maxMappedMemory = bytes;
            return this;
        }

        /** Sets the delta base cache size in bytes (0 disables it). */
        public Builder deltaBaseCache(long bytes) {
            o.deltaBaseCache(bytes);
            return this;
        }

        /** Objects larger than this are returned as streaming loaders. */
        public Builder streamThreshold(long bytes) {
            o.streamThreshold(bytes);
            return this;
        }

        /**
         * Refuses to materialize objects and deltas larger than this, before allocating: a pack
         * entry, delta or loose object declaring more fails with {@link CorruptPackException}
         * naming file and offset. Default: the largest array (~2 GiB); servers should set less.
         */
        public Builder maxObjectSize(long bytes) {
            o.maxObjectSize(bytes);
            return this;
        }

        /**
         * The most objects one pack index or multi-pack-index may declare (default and most:
         * 2^31 - 1, the formats' limit); more: {@link CorruptPackException} naming the index and
         * offset, a multi-pack-index ignored with a warning. Bounds a pack's heap per object.
         */
        public Builder maxObjectCount(long count) {
            o.maxObjectCount(count);
            return this;
        }

        /**
         * The most layers of a multi-pack-index chain used (default 1000); the layers above are
         * left out with a warning, their packs searched one by one.
         */
        public Builder maxMidxLayers(int layers) {
            o.maxMidxLayers(layers);
            return this;
        }

        /**
         * The largest {@code config}, {@code packed-refs}, reflog, alternates or {@code .git} file,
         * each read whole (default 1 GiB); a longer one fails with {@link CorruptPackException} naming it.
         */
        public Builder maxMetadataFileSize(long bytes) {
            o.maxMetadataFile(bytes);
            return this;
        }

        /**
         * With true, packs that cannot be used do not make the database fail to open, as in git:
         * a pack whose index cannot be read is left out, a pack that does not match its index
         * keeps its ids listed and every read of it fails with {@link CorruptPackException};
         * {@link ObjectDatabase#packErrors()} tells why. Default false: such a pack is refused
         * at open (and at a rescan).
         */
        public Builder lenientPacks(boolean lenient) {
            o.lenientPacks = lenient;
            return this;
        }

        /**
         * Whether lookups go through {@code objects/pack/multi-pack-index} (or git 2.47+'s
         * incremental chain) where there is one: one search for all the packs it covers, and
         * the pack git chose for objects stored in several. False searches every pack's index, as
         * {@code git -c core.multiPackIndex=false} does. Default: the repository config's
         * {@code core.multiPackIndex} (true when it is not set); this call wins over it.
         */
        public Builder multiPackIndex(boolean read) {
            o.multiPackIndex = read;
            return this;
        }

        /**
         * Receives a message for each file the database ignores because it is damaged or does
         * not match (a multi-pack-index whose checksum, layout or hash is wrong), where git
         * prints an error or a warning. Called from whichever thread (re)scans the packs.
         * Default: discarded.
         */
        public Builder warnings(Consumer<String> sink) {
            o.warnings(sink);
            return this;
        }

        /** Forces the object format instead of reading {@code extensions.objectFormat}. */
        public Builder format(ObjectFormat f) {
            o.format = f;
            return this;
        }

        /**
         * Opens the database, after git's checks of the repository's format.
         *
         * @throws java.io.FileNotFoundException if {@code repo} is not a git repository
         * @throws RepositoryFormatException if git would refuse the repository: a malformed config,
         *         a {@code core.repositoryformatversion} above 1 or an extension not understood
         *         (see the README for the list), or a {@code core.multiPackIndex} that is not a
         *         boolean (unless {@link #multiPackIndex} was called)
         */
        public ObjectDatabase build() throws IOException {
            return new ObjectDatabase(DatabaseResources.open(repo, o));
        }
    }
}
