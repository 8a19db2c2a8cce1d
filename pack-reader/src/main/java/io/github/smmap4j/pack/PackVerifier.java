package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

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
 *   <li>on one thread, reading the pack once from start to end in 1 MiB heap chunks: the hash of
 *       everything before the trailer, and for an index of version 2 the CRC32 of every entry's
 *       packed bytes against the index;</li>
 *   <li>meanwhile every entry header and delta base (an OFS_DELTA base must be an entry, a
 *       REF_DELTA base an object of this pack: a thin pack does not verify), and that no delta
 *       chain is cyclic;</li>
 *   <li>on {@code threads} workers, gitoxide-style: the entries form delta trees (each base with
 *       the deltas built on it), each tree is resolved depth-first from its root, so every entry
 *       is inflated exactly once (its zlib stream must end where the next entry begins) and each
 *       delta is applied to its parent's content while that is in memory; the hash of
 *       {@code "<type> <size>\0"} and the content must equal the index's id for that offset.</li>
 * </ol>
 * Memory is bounded by the objects on the workers' stacks (one delta chain each), per-entry
 * arrays of a few bytes, and 1 MiB for the trailer pass; objects must fit in a Java array.
 *
 * <p>Any failure throws {@link CorruptPackException} naming the file, the offset and the problem.
 * The reported problem does not depend on thread timing: a trailer or CRC32 mismatch wins over a
 * header problem, which wins over a failure while resolving objects.
 */
public final class PackVerifier {
    /** Deeper chains than git can write (its limit is 4095) are refused rather than held in memory. */
    static final int MAX_DEPTH = 10_000;
    private static final int CHUNK = 1 << 20;
    private static final long ARRAY_LIMIT = Limits.MAX_ARRAY;
    private static final int WHOLE = -1;

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

    private final PackFile pack;
    private final ObjectFormat format;
    private final ReverseIndex rev;
    private final long maxObjectSize;
    private final int threads;
    private final ProgressListener progress;
    private final int n;
    // Delta forest: per rank (offset order), the base's rank or WHOLE; children in CSR form.
    private int[] baseRank;
    private int[] childStart;
    private int[] childRanks;
    private int[] roots;
    // Per rank: resolved type code (0 until the object's id is checked); for the listing only:
    private final byte[] type;
    private final int[] depth;
    private final long[] headerSize;
    private final int[] crc;
    private final AtomicInteger nextRoot = new AtomicInteger();
    private final AtomicInteger visited = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Throwable trailerFailure;
    private long reported;

    private PackVerifier(PackFile pack, long maxObjectSize, int threads, boolean list,
                         ProgressListener progress) throws CorruptPackException {
        this.pack = pack;
        this.format = pack.format;
        this.rev = pack.reverseIndex();
        this.maxObjectSize = Math.min(maxObjectSize, ARRAY_LIMIT);
        this.threads = Math.max(1, threads);
        this.progress = progress;
        this.n = rev.size();
        this.type = new byte[n];
        this.depth = list ? new int[n] : null;
        this.headerSize = list ? new long[n] : null;
        this.crc = list ? new int[n] : null;
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
            return new PackVerifier(pack, ARRAY_LIMIT, threads, entries != null, progress).run(entries);
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
        pack.index.verify();
        return new PackVerifier(pack, db.storage().maxObjectSize(), threads, entries != null, null).run(entries);
    }

    private Result run(EntryConsumer entries) throws IOException {
        // The trailer pass reads the whole pack sequentially: it overlaps the header scan and the workers.
        Thread trailer = Thread.ofPlatform().name("verify-trailer").start(() -> {
            try {
                checkTrailerAndCrcs();
            } catch (Throwable e) {
                trailerFailure = e;
                failure.compareAndSet(null, e);
            }
        });
        List<Worker> workers = new ArrayList<>();
        boolean interrupted = false;
        try {
            scan();
            List<Thread> started = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Worker w = new Worker();
                workers.add(w);
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
        Throwable f = trailerFailure != null ? trailerFailure : failure.get();
        if (f != null) {
            switch (f) {
                case IOException io -> throw io;
                case RuntimeException re -> throw re;
                case Error er -> throw er;
                default -> throw new IOException(f);
            }
        }
        if (visited.get() != n) {
            throw new CorruptPackException(pack.packPath, -1, (n - visited.get()) + " entries could not be resolved to a whole base");
        }
        long[] hist = new long[0];
        for (Worker w : workers) {
            long[] h = w.histogram;
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
                ObjectId base = baseRank[i] < 0 ? null : idx.idAt(rev.positionAt(baseRank[i]));
                entries.accept(new Entry(idx.idAt(rev.positionAt(i)), ObjectType.fromCode(type[i]), headerSize[i],
                        rev.packedLength(i), rev.offsetAt(i), depth[i], base, crc[i]));
            }
        }
        return new Result(n, n - (int) deltas, hist);
    }

    /** One pass over the pack: its trailer checksum and each entry's CRC32. */
    private void checkTrailerAndCrcs() throws IOException {
        PackIndex idx = pack.index;
        boolean check = idx.hasCrc();
        boolean crcs = check || crc != null;
        MessageDigest sum = format.newDigest();
        CRC32 c32 = new CRC32();
        byte[] buf = new byte[CHUNK];
        int entry = -1;
        long entryEnd = n > 0 ? rev.offsetAt(0) : pack.dataEnd;
        try (WindowCursor c = pack.newCursor()) {
            for (long pos = 0; pos < pack.dataEnd; ) {
                int len = pack.copy(c, pos, buf, 0, (int) Math.min(buf.length, pack.dataEnd - pos), pos);
                sum.update(buf, 0, len);
                if (crcs) {
                    int p = 0;
                    while (p < len) {
                        long here = pos + p;
                        if (here == entryEnd) {
                            if (entry >= 0) {
                                entryCrc(entry, (int) c32.getValue(), check);
                            }
                            entry++;
                            c32.reset();
                            entryEnd = entry + 1 < n ? rev.offsetAt(entry + 1) : pack.dataEnd;
                        }
                        int take = (int) Math.min(len - p, entryEnd - here);
                        if (entry >= 0) {
                            c32.update(buf, p, take);
                        }
                        p += take;
                    }
                }
                pos += len;
            }
            if (crcs && entry >= 0) {
                entryCrc(entry, (int) c32.getValue(), check);
            }
        }
        if (!Arrays.equals(sum.digest(), idx.packChecksum())) {
            throw new CorruptPackException(pack.packPath, pack.dataEnd,
                    "pack is corrupted (" + (format == ObjectFormat.SHA1 ? "SHA1" : "SHA256") + " mismatch): its content does not match its trailer checksum");
        }
    }

    private void entryCrc(int rank, int actual, boolean check) throws CorruptPackException {
        if (crc != null) {
            crc[rank] = actual;
        }
        if (check) {
            int pos = rev.positionAt(rank);
            int expected = pack.index.crcAt(pos);
            if (expected != actual) {
                throw new CorruptPackException(pack.packPath, rev.offsetAt(rank), String.format(
                        "CRC32 mismatch for object %s: index has %08x, packed data has %08x",
                        pack.index.idAt(pos).name(), expected, actual));
            }
        }
    }

    /** Every entry header and delta base; builds the delta forest and checks every entry is reachable. */
    private void scan() throws IOException {
        baseRank = new int[n];
        int[] count = new int[n + 1];
        int rootCount = 0;
        int unresolved = 0;
        try (ReadContext ctx = new ReadContext()) {
            for (int r = 0; r < n; r++) {
                long off = rev.offsetAt(r);
                pack.parseHeader(ctx, off);
                if (headerSize != null) {
                    headerSize[r] = ctx.header.size;
                }
                int b = WHOLE;
                if (ctx.header.typeCode == ObjectType.OFS_DELTA) {
                    b = rev.rankOf(ctx.header.baseOffset);
                    if (b < 0) {
                        throw new CorruptPackException(pack.packPath, off, "delta base offset " + ctx.header.baseOffset + " is not an entry of the pack");
                    }
                } else if (ctx.header.typeCode == ObjectType.REF_DELTA) {
                    int p = pack.index.findPosition(ObjectId.fromRaw(ctx.header.baseId, 0, format.length()));
                    if (p < 0) {
                        unresolved++;
                    } else {
                        b = rev.rankOf(pack.index.offsetAt(p));
                    }
                }
                baseRank[r] = b;
                if (b >= 0) {
                    count[b + 1]++;
                } else {
                    rootCount++;
                }
            }
        }
        if (unresolved > 0) {
            throw new CorruptPackException(pack.packPath, -1, "pack has " + unresolved + " unresolved delta"
                    + (unresolved == 1 ? "" : "s") + " (REF_DELTA bases that are not in the pack)");
        }
        for (int i = 0; i < n; i++) {
            count[i + 1] += count[i];
        }
        childStart = count;
        childRanks = new int[count[n]];
        int[] fill = new int[n];
        roots = new int[rootCount];
        int ri = 0;
        for (int r = 0; r < n; r++) {
            int b = baseRank[r];
            if (b >= 0) {
                childRanks[childStart[b] + fill[b]++] = r;
            } else {
                roots[ri++] = r;
            }
        }
        // Reachability from the roots (breadth-first, reusing fill as the queue): the rest is cyclic.
        boolean[] reached = new boolean[n];
        int head = 0;
        int tail = 0;
        for (int r : roots) {
            reached[r] = true;
            fill[tail++] = r;
        }
        while (head < tail) {
            int r = fill[head++];
            for (int k = childStart[r]; k < childStart[r + 1]; k++) {
                reached[childRanks[k]] = true;
                fill[tail++] = childRanks[k];
            }
        }
        if (tail < n) {
            int r = 0;
            while (reached[r]) {
                r++;
            }
            throw new CorruptPackException(pack.packPath, rev.offsetAt(r), "delta chain is cyclic");
        }
    }

    private void progressed(int done) {
        if (progress != null && (done & 1023) == 0) {
            synchronized (this) {
                if (done > reported) {
                    reported = done;
                    progress.progress(done, n);
                }
            }
        }
    }

    /** One verifying thread: its own cursor, inflater, digest and buffers. */
    private final class Worker implements Runnable {
        final ReadContext ctx = new ReadContext();
        final MessageDigest md = format.newDigest();
        final byte[] idBuf = new byte[format.length()];
        final int[] pos = new int[1];
        byte[] delta = new byte[64 * 1024];
        byte[] leaf = new byte[64 * 1024];
        long[] histogram = new long[64];
        int lastLen;
        // DFS stack
        byte[][] stackData = new byte[64][];
        int[] stackRank = new int[64];
        int[] stackNext = new int[64];

        @Override
        public void run() {
            try (ctx) {
                int i;
                while ((i = nextRoot.getAndIncrement()) < roots.length && failure.get() == null) {
                    tree(roots[i]);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }

        private void tree(int root) throws IOException {
            byte[] data = whole(root);
            byte t = (byte) ctx.header.typeCode;
            finish(root, t, data, lastLen, 0);
            if (childCount(root) == 0) {
                return;
            }
            int sp = 0;
            push(sp++, root, data);
            while (sp > 0 && failure.get() == null) {
                int top = sp - 1;
                int r = stackRank[top];
                if (stackNext[top] == childStart[r + 1]) {
                    stackData[top] = null;
                    sp--;
                    continue;
                }
                int child = childRanks[stackNext[top]++];
                byte[] parent = stackData[top];
                byte[] out = applyDelta(child, parent, parent.length);
                finish(child, t, out, lastLen, sp);
                if (childCount(child) > 0) {
                    if (sp >= MAX_DEPTH) {
                        throw new CorruptPackException(pack.packPath, rev.offsetAt(child), "delta chain deeper than " + MAX_DEPTH);
                    }
                    push(sp++, child, out);
                }
            }
        }

        private int childCount(int r) {
            return childStart[r + 1] - childStart[r];
        }

        private void push(int sp, int rank, byte[] data) {
            if (sp == stackRank.length) {
                int m = sp * 2;
                stackData = Arrays.copyOf(stackData, m);
                stackRank = Arrays.copyOf(stackRank, m);
                stackNext = Arrays.copyOf(stackNext, m);
            }
            stackData[sp] = data;
            stackRank[sp] = rank;
            stackNext[sp] = childStart[rank];
        }

        /** Inflates a whole entry (its stream end checked); leaves go into a reused buffer. */
        private byte[] whole(int r) throws IOException {
            long off = rev.offsetAt(r);
            pack.parseHeader(ctx, off);
            long size = ctx.header.size;
            if (size > maxObjectSize) {
                throw new CorruptPackException(pack.packPath, off, "object of " + size + " bytes is too large to verify");
            }
            int len = (int) size;
            byte[] out = childCount(r) > 0 ? new byte[len] : leafBuffer(len);
            long dataOffset = ctx.header.dataOffset;
            long used = pack.inflate(ctx, off, dataOffset, out, len);
            checkEnd(r, off, dataOffset, used);
            lastLen = len;
            return out;
        }

        /** Inflates the delta at rank {@code r} and applies it to {@code base[0, baseLen)}. */
        private byte[] applyDelta(int r, byte[] base, int baseLen) throws IOException {
            long off = rev.offsetAt(r);
            pack.parseHeader(ctx, off);
            long dsize = ctx.header.size;
            if (dsize > ARRAY_LIMIT) {
                throw new CorruptPackException(pack.packPath, off, "delta of " + dsize + " bytes is too large");
            }
            if (delta.length < dsize) {
                delta = new byte[(int) Math.max(dsize, Math.min(ARRAY_LIMIT, 2L * delta.length))];
            }
            long dataOffset = ctx.header.dataOffset;
            int dlen = (int) dsize;
            long used = pack.inflate(ctx, off, dataOffset, delta, dlen);
            checkEnd(r, off, dataOffset, used);
            long dh = Delta.header(delta, dlen, baseLen, maxObjectSize, pack.packPath, off);
        int res = (int) Delta.headerResult(dh);
            byte[] out = childCount(r) > 0 ? new byte[res] : leafBuffer(res);
            Delta.applyInto(base, baseLen, delta, dlen, Delta.headerStart(dh), out, res, pack.packPath, off);
            lastLen = res;
            return out;
        }

        private byte[] leafBuffer(int len) {
            if (leaf.length < len) {
                leaf = new byte[(int) Math.max(len, Math.min(ARRAY_LIMIT, 2L * leaf.length))];
            }
            return leaf;
        }

        private void checkEnd(int r, long off, long dataOffset, long used) throws CorruptPackException {
            long next = off + rev.packedLength(r);
            if (dataOffset + used != next) {
                throw new CorruptPackException(pack.packPath, off, "zlib stream ends at " + (dataOffset + used)
                        + " but the next entry starts at " + next);
            }
        }

        /** Checks the id of the object at rank {@code r} and records its type and depth. */
        private void finish(int r, byte t, byte[] data, int len, int d) throws IOException {
            md.reset();
            md.update((ObjectType.fromCode(t).typeName() + " " + len).getBytes(StandardCharsets.US_ASCII));
            md.update((byte) 0);
            md.update(data, 0, len);
            try {
                md.digest(idBuf, 0, idBuf.length);
            } catch (DigestException e) {
                throw new IllegalStateException(e);
            }
            int position = rev.positionAt(r);
            if (!pack.index.idEquals(position, idBuf, 0)) {
                throw new CorruptPackException(pack.packPath, rev.offsetAt(r), "object's content hashes to "
                        + ObjectId.fromRaw(idBuf, 0, idBuf.length).name() + " but the index names it "
                        + pack.index.idAt(position).name());
            }
            if (d > 0) {
                if (d >= histogram.length) {
                    histogram = Arrays.copyOf(histogram, Math.max(d + 1, histogram.length * 2));
                }
                histogram[d]++;
            }
            type[r] = t;
            if (depth != null) {
                depth[r] = d;
            }
            progressed(visited.incrementAndGet());
        }
    }
}
