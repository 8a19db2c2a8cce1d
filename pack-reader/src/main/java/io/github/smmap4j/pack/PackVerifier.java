package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Checks a pack and its index as {@code git verify-pack -v} does, on several threads, and reports
 * every entry with its delta chain depth.
 *
 * <p>What is checked:
 * <ol>
 *   <li>the index: its layout, its own trailing checksum and that its ids are strictly sorted
 *       ({@link PackIndex#verify()});</li>
 *   <li>the pack header (signature, version, object count equal to the index's) and that the
 *       pack checksum recorded in the index equals the pack's trailer;</li>
 *   <li>on one thread ({@link PackChecksumPass}), reading the pack once from start to end in 1 MiB
 *       heap chunks: the hash of everything before the trailer, and for an index of version 2 the
 *       CRC32 of every entry's packed bytes against the index;</li>
 *   <li>meanwhile every entry header and delta base (an OFS_DELTA base must be an entry, a
 *       REF_DELTA base an object of this pack: a thin pack does not verify), and that no delta
 *       chain is cyclic ({@link DeltaForest});</li>
 *   <li>on {@code threads} workers ({@link TreeWorker}), gitoxide-style: the entries form delta
 *       trees (each base with the deltas built on it), each tree is resolved depth-first from
 *       its root, so every entry is inflated exactly once (its zlib stream must end where the
 *       next entry begins) and each delta is applied to its parent's content while that is in
 *       memory; the hash of {@code "<type> <size>\0"} and the content must equal the index's id
 *       for that offset, and (SHA-1, {@link CollisionDetection#ON} by default, as in git) must not
 *       be part of a collision attack.</li>
 * </ol>
 * Objects of any size verify: one above 256 MiB, and every delta built on it, is hashed while it
 * streams (its root inflated as read, the deltas of its chain held, the content never), so memory
 * is bounded by the objects up to 256 MiB on the workers' stacks (one delta chain each), per-entry
 * arrays of a few bytes, and 1 MiB for the trailer pass. A delta's own instructions must fit in a
 * Java array (2 GiB).
 *
 * <p>Any failure throws {@link CorruptPackException} naming the file, the offset and the problem
 * ({@link Sha1CollisionException} for an object of a collision attack, with its id).
 * The reported problem does not depend on thread timing: a trailer or CRC32 mismatch wins over a
 * header problem, which wins over a failure while resolving objects.
 */
public final class PackVerifier {
    /**
     * One entry of a verified pack, as {@code git verify-pack -v} lists it.
     *
     * @param id         the object id
     * @param type       the object's type (a delta's resolved type)
     * @param size       the size in the entry header: the object's size, or for a delta the delta's size
     * @param sizeInPack bytes the entry occupies in the pack (header and compressed data)
     * @param offset     the entry's offset in the pack
     * @param depth      delta chain depth: 0 for a whole object
     * @param base       the id of the delta's immediate base, or null for a whole object
     * @param crc32      CRC32 of the entry's packed bytes
     */
    public record Entry(ObjectId id, ObjectType type, long size, long sizeInPack, long offset, int depth,
                        ObjectId base, int crc32) {
    }

    /** Receives the entries of a verified pack, in offset order, on the calling thread. */
    @FunctionalInterface
    public interface EntryConsumer {
        /** Accepts one entry. */
        void accept(Entry e) throws IOException;
    }

    /**
     * Whether the SHA-1 of each object is computed with collision detection (Marc Stevens'
     * counter-cryptanalysis, as git's sha1dc and JGit do): an object whose content holds a block
     * of a SHAttered-style collision attack fails with {@link Sha1CollisionException}. The id is
     * plain SHA-1 either way. Detection is Java code, several times slower than the JDK's SHA-1
     * (which uses the CPU's SHA instructions where there are some). SHA-256 packs are hashed with
     * the JDK's digest whatever this says.
     */
    public enum CollisionDetection {
        /** Detect collision attacks (the default, as git's {@code verify-pack}). */
        ON,
        /** Plain SHA-1 (the JDK's digest): faster, for packs from a trusted source. */
        OFF
    }

    /** Receives progress (from the worker threads, one call at a time): objects checked so far, and the total. */
    @FunctionalInterface
    public interface ProgressListener {
        /** Reports progress. */
        void progress(long done, long total);
    }

    /**
     * The outcome of a verification.
     *
     * @param objects      number of objects
     * @param nonDelta     number of whole (non-delta) entries
     * @param chainLengths {@code chainLengths[d]} = number of objects at delta depth {@code d + 1}
     */
    public record Result(int objects, int nonDelta, long[] chainLengths) {
        /** Returns the deepest delta chain (0 if there are no deltas). */
        public int maxDepth() {
            return chainLengths.length;
        }

        /** Returns the number of entries stored as deltas. */
        public int deltas() {
            return objects - nonDelta;
        }
    }

    /** Objects above this size are verified while they stream (git's {@code core.bigFileThreshold} is 512 MiB). */
    static final long IN_MEMORY = 256L << 20;

    private final PackFile pack;
    private final ReverseIndex rev;
    /** The cap on objects held and on deltas: the caller's, within the largest array. */
    private final long maxObjectSize;
    /** Objects above this size are hashed while they stream (and so is everything built on them). */
    private final long inMemory;
    private final int threads;
    private final boolean list;
    private final ProgressListener progress;
    private final boolean detectCollisions;
    private final int n;

    PackVerifier(PackFile pack, long maxObjectSize, long inMemory, int threads, boolean list,
                 ProgressListener progress, CollisionDetection detection) throws CorruptPackException {
        this.pack = pack;
        this.rev = pack.reverseIndex();
        this.maxObjectSize = Math.min(maxObjectSize, Limits.MAX_ARRAY);
        this.inMemory = Math.min(inMemory, this.maxObjectSize);
        this.threads = Math.max(1, threads);
        this.list = list;
        this.progress = progress;
        this.detectCollisions = Objects.requireNonNull(detection, "detection") == CollisionDetection.ON;
        this.n = rev.size();
    }

    /**
     * Verifies the pack at {@code path} ({@code x.pack}, {@code x.idx} or {@code x}: the pack
     * and its index are found beside each other) and then hands every entry to {@code entries}
     * in offset order.
     *
     * @param manager  the map manager to read through
     * @param path     the pack, its index, or their common name without extension
     * @param format   the object format of the pack's ids
     * @param threads  worker threads resolving objects
     * @param entries  receives each entry after the whole pack verified; may be null
     * @param progress receives progress while ids are checked; may be null
     * @return the histogram of delta chain depths
     * @throws CorruptPackException on the problem found first in the order above
     */
    public static Result verify(MapManager manager, Path path, ObjectFormat format, int threads,
                                EntryConsumer entries, ProgressListener progress) throws IOException {
        return verify(manager, path, format, threads, entries, progress, CollisionDetection.ON);
    }

    /**
     * {@link #verify(MapManager, Path, ObjectFormat, int, EntryConsumer, ProgressListener)} with
     * SHA-1 collision detection on or off.
     *
     * @throws CorruptPackException on the problem found first in the order above
     */
    public static Result verify(MapManager manager, Path path, ObjectFormat format, int threads,
                                EntryConsumer entries, ProgressListener progress, CollisionDetection detection)
            throws IOException {
        String s = path.toString();
        String base = s.endsWith(".idx") ? s.substring(0, s.length() - 4)
                : s.endsWith(".pack") ? s.substring(0, s.length() - 5) : s;
        Path packPath = Path.of(base + ".pack");
        Path idxPath = Path.of(base + ".idx");
        try (PackIndex idx = PackIndex.open(manager, idxPath, format)) {
            idx.verify();
        }
        PackFile pack = PackFile.open(0, manager, idxPath, packPath, format);
        try {
            return new PackVerifier(pack, Limits.MAX_ARRAY, IN_MEMORY, threads, entries != null, progress, detection)
                    .run(entries);
        } finally {
            pack.close();
        }
    }

    /**
     * Verifies {@code pack} of {@code db} on {@code threads} threads, objects limited to the
     * database's maximum object size, then hands every entry to {@code entries} (may be null).
     *
     * @throws CorruptPackException on the problem found first in the order above
     */
    public static Result verify(ObjectDatabase db, PackFile pack, int threads, EntryConsumer entries) throws IOException {
        return verify(db, pack, threads, entries, CollisionDetection.ON);
    }

    /**
     * {@link #verify(ObjectDatabase, PackFile, int, EntryConsumer)} with SHA-1 collision detection on or off.
     *
     * @throws CorruptPackException on the problem found first in the order above
     */
    public static Result verify(ObjectDatabase db, PackFile pack, int threads, EntryConsumer entries,
                                CollisionDetection detection) throws IOException {
        pack.index.verify();
        return new PackVerifier(pack, db.storage().maxObjectSize(), IN_MEMORY, threads, entries != null, null, detection)
                .run(entries);
    }

    /**
     * Runs the checks: the {@link PackChecksumPass} on a thread of its own, meanwhile the
     * {@link #forest}, then the {@link TreeWorker}s over its trees; then reports the problem
     * found first in the documented order, or the result and the listing.
     */
    Result run(EntryConsumer entries) throws IOException {
        // The first failure of any thread (which stops the workers), and the trailer pass's own.
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Throwable> trailerFailure = new AtomicReference<>();
        PackChecksumPass sums = new PackChecksumPass(pack, rev, list);
        // The trailer pass reads the whole pack sequentially: it overlaps the header scan and the workers.
        Thread trailer = Thread.ofPlatform().name("verify-trailer").start(() -> {
            try {
                sums.run();
            } catch (Throwable e) {
                trailerFailure.set(e);
                failure.compareAndSet(null, e);
            }
        });
        VerifiedEntries found = new VerifiedEntries(n, list, progress);
        List<IdCheck> checks = new ArrayList<>();
        DeltaForest forest = null;
        boolean interrupted = false;
        try {
            forest = forest();
            int[] roots = forest.roots();
            AtomicInteger nextRoot = new AtomicInteger();
            List<Thread> started = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                IdCheck check = new IdCheck(pack, rev, found, forest, maxObjectSize, pack.format.idDigest(detectCollisions));
                checks.add(check);
                TreeWorker w = new TreeWorker(pack, rev, forest, roots, nextRoot, failure, check, maxObjectSize, inMemory, null);
                started.add(Thread.ofPlatform().name("verify-" + t).start(w));
            }
            for (Thread t : started) {
                t.join();
            }
        } catch (InterruptedException e) {
            interrupted = true;
            failure.compareAndSet(null, new InterruptedIOException("verification interrupted"));
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
        try {
            trailer.join();
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        // Not timing: a trailer or CRC32 problem wins over any other, the header scan's over the workers'.
        ThreadFailure.rethrow(trailerFailure.get() != null ? trailerFailure.get() : failure.get());
        int resolved = found.resolvedCount();
        if (resolved != n) {
            throw new CorruptPackException(pack.packPath, -1, (n - resolved) + " entries could not be resolved to a whole base");
        }
        long[] hist = new long[0];
        for (IdCheck c : checks) {
            long[] h = c.histogram();
            for (int d = h.length - 1; d > 0; d--) {
                if (h[d] != 0) {
                    if (d > hist.length) {
                        hist = Arrays.copyOf(hist, d);
                    }
                    hist[d - 1] += h[d];
                }
            }
        }
        long deltas = 0;
        for (long c : hist) {
            deltas += c;
        }
        if (entries != null) {
            PackIndex idx = pack.index;
            for (int i = 0; i < n; i++) {
                int b = forest.baseRank(i);
                ObjectId base = b < 0 ? null : idx.idAt(rev.positionAt(b));
                entries.accept(new Entry(idx.idAt(rev.positionAt(i)), found.type(i), found.headerSize(i),
                        rev.packedLength(i), rev.offsetAt(i), found.depth(i), base, sums.crc32(i)));
            }
        }
        return new Result(n, n - (int) deltas, hist);
    }

    /**
     * Every entry header and delta base ({@link DeltaForest.Policy#VERIFY}): the pack's delta
     * forest, every entry of which must be reachable from a whole entry.
     */
    private DeltaForest forest() throws IOException {
        DeltaForest forest;
        try (ReadContext ctx = new ReadContext()) {
            forest = DeltaForest.scan(pack, ctx, 0, n, DeltaForest.Policy.VERIFY);
        }
        int r = forest.firstUnreachable();
        if (r >= 0) {
            throw new CorruptPackException(pack.packPath, rev.offsetAt(r), "delta chain is cyclic");
        }
        return forest;
    }
}
