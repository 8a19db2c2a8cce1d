package io.github.smmap4j.pack;

import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

/**
 * Verifies a whole pack on several threads, gitoxide-style: the entries are arranged as delta
 * trees (each base with the deltas built on it), every tree is resolved depth-first from its
 * root, so each entry is inflated exactly once and each delta is applied to its parent's content
 * while that is still in memory. Checks:
 * <ul>
 *   <li>the pack trailer: the hash of everything before it (and that it matches the index's copy);</li>
 *   <li>the index: its own trailer hash and strictly increasing ids ({@link PackIndex#verify()});</li>
 *   <li>every entry's CRC32 of its packed bytes against the index (version 2 indexes);</li>
 *   <li>every entry's zlib stream: inflates to the declared size and ends exactly where the next entry begins;</li>
 *   <li>every object's id: the hash of its header and content equals the index's id for that offset;</li>
 *   <li>every entry is reached (no delta cycles, no base offset that is not an entry).</li>
 * </ul>
 * Objects must fit in a Java array. The CLI's {@code PackVerifier} reports what
 * {@code git verify-pack -v} prints; this class is the fast check.
 */
public final class ParallelPackVerifier {
    /** Deeper chains than git can write (its limit is 4095) are refused rather than held in memory. */
    static final int MAX_DEPTH = 10_000;

    private static final int WHOLE = -2;
    private static final int EXTERNAL = -1;

    /**
     * Receives every verified entry, from the worker threads (must be thread-safe).
     */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param position index position (id order) of the entry
         * @param offset   pack offset
         * @param crc32    CRC32 of the packed bytes (checked against the index when it has CRCs)
         * @param type     object type
         * @param size     object size
         * @param depth    delta chain length (0 for whole objects)
         */
        void verified(int position, long offset, int crc32, ObjectType type, long size, int depth);
    }

    /**
     * What a verification found.
     *
     * @param objects        entries verified
     * @param deltas         entries stored as deltas
     * @param chainHistogram {@code chainHistogram[d]} entries with delta chain length d (d ≥ 1)
     */
    public record Result(int objects, int deltas, long[] chainHistogram) {
        /** Returns the longest delta chain. */
        public int maxDepth() {
            for (int d = chainHistogram.length - 1; d > 0; d--) {
                if (chainHistogram[d] > 0) {
                    return d;
                }
            }
            return 0;
        }
    }

    private final ObjectDatabase db;
    private final PackFile pack;
    private final ReverseIndex rev;
    private final int threads;
    private final Listener listener;
    private final int n;
    // Delta forest: per rank, the base's rank (or WHOLE / EXTERNAL), children in CSR form.
    private int[] baseRank;
    private int[] childStart;
    private int[] childRanks;
    private int[] roots;
    private ObjectId[] externalBase; // per root rank with a base outside this pack, else null
    private final AtomicInteger nextRoot = new AtomicInteger();
    private final AtomicInteger visited = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private ParallelPackVerifier(ObjectDatabase db, PackFile pack, int threads, Listener listener) throws CorruptPackException {
        this.db = db;
        this.pack = pack;
        this.rev = pack.reverseIndex();
        this.threads = Math.max(1, threads);
        this.listener = listener;
        this.n = rev.size();
    }

    /** Verifies {@code pack} of {@code db} on {@code threads} threads. */
    public static Result verify(ObjectDatabase db, PackFile pack, int threads) throws IOException {
        return verify(db, pack, threads, null);
    }

    /**
     * Verifies {@code pack} of {@code db} on {@code threads} threads, reporting each entry to
     * {@code listener} (may be null).
     *
     * @throws CorruptPackException at the first damage found
     */
    public static Result verify(ObjectDatabase db, PackFile pack, int threads, Listener listener) throws IOException {
        return new ParallelPackVerifier(db, pack, threads, listener).run();
    }

    private Result run() throws IOException {
        // The trailer hash reads the whole pack sequentially: let it overlap the header scan.
        Thread trailer = Thread.ofPlatform().name("verify-trailer").start(() -> {
            try {
                checkTrailers();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        long[][] histograms = new long[threads][];
        int[] deltaCounts = new int[threads];
        try {
            scan();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                workers.add(Thread.ofPlatform().name("verify-" + t).start(() -> {
                    try (Worker w = new Worker()) {
                        w.run();
                        histograms[me] = w.histogram;
                        deltaCounts[me] = w.deltas;
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread w : workers) {
                w.join();
            }
            trailer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("verification interrupted");
        } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e);
            try {
                trailer.join();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        Throwable f = failure.get();
        if (f != null) {
            if (f instanceof IOException io) {
                throw io;
            }
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error er) {
                throw er;
            }
            throw new IOException(f);
        }
        if (visited.get() != n) {
            throw new CorruptPackException(pack.packPath, -1, (n - visited.get())
                    + " entries are not reachable from a whole object (delta cycle?)");
        }
        long[] hist = new long[1];
        int deltas = 0;
        for (int t = 0; t < threads; t++) {
            long[] h = histograms[t];
            if (h.length > hist.length) {
                hist = Arrays.copyOf(hist, h.length);
            }
            for (int d = 0; d < h.length; d++) {
                hist[d] += h[d];
            }
            deltas += deltaCounts[t];
        }
        return new Result(n, deltas, hist);
    }

    /** The pack's own trailer, the index's copy of it, and the index's trailer and id order. */
    private void checkTrailers() throws IOException {
        MessageDigest md = pack.format.newDigest();
        byte[] buf = new byte[1 << 20];
        long end = pack.packSize - pack.format.length();
        try (WindowCursor c = pack.newCursor()) {
            for (long pos = 0; pos < end && failure.get() == null; ) {
                int len = (int) Math.min(buf.length, end - pos);
                if (!c.includesOffset(pos) || c.ofsEnd() < pos + len) {
                    c.useRegion(pos, len);
                }
                len = (int) Math.min(len, c.ofsEnd() - pos);
                try {
                    MemorySegment.copy(c.segment(), ValueLayout.JAVA_BYTE, pos - c.ofsBegin(), buf, 0, len);
                } catch (InternalError e) {
                    throw pack.truncatedUnderneath(pos, e);
                }
                md.update(buf, 0, len);
                pos += len;
            }
            if (failure.get() != null) {
                return;
            }
            int h = pack.format.length();
            byte[] trailer = new byte[h];
            c.useRegion(end, h);
            MemorySegment.copy(c.segment(), ValueLayout.JAVA_BYTE, end - c.ofsBegin(), trailer, 0, h);
            if (!Arrays.equals(md.digest(), trailer)) {
                throw new CorruptPackException(pack.packPath, end, "pack checksum mismatch: the trailer is not the hash of the pack");
            }
            if (!Arrays.equals(trailer, pack.index.packChecksum())) {
                throw new CorruptPackException(pack.index.path, -1, "index records a different pack checksum");
            }
        }
        pack.index.verify();
    }

    /** Parses every entry header and builds the delta forest. */
    private void scan() throws IOException {
        baseRank = new int[n];
        int[] count = new int[n + 1];
        externalBase = null;
        int rootCount = 0;
        try (ReadContext ctx = new ReadContext(db.manager())) {
            for (int r = 0; r < n; r++) {
                long off = rev.offsetAt(r);
                pack.parseHeader(ctx, off);
                int b;
                if (!ObjectReader.isDelta(ctx.typeCode)) {
                    b = WHOLE;
                } else if (ctx.typeCode == ObjectType.OFS_DELTA) {
                    b = rev.rankOf(ctx.baseOffset);
                    if (b < 0) {
                        throw new CorruptPackException(pack.packPath, off, "delta base offset " + ctx.baseOffset + " is not an entry");
                    }
                } else {
                    ObjectId baseId = ObjectId.fromRaw(ctx.baseId, 0, pack.format.length());
                    int p = pack.index.findPosition(baseId);
                    if (p >= 0) {
                        b = rev.rankOf(pack.index.offsetAt(p));
                    } else {
                        b = EXTERNAL;
                        if (externalBase == null) {
                            externalBase = new ObjectId[n];
                        }
                        externalBase[r] = baseId;
                    }
                }
                if (b == r) {
                    throw new CorruptPackException(pack.packPath, off, "delta is its own base");
                }
                baseRank[r] = b;
                if (b >= 0) {
                    count[b + 1]++;
                } else {
                    rootCount++;
                }
            }
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
        // Big trees first would balance better; pack order keeps the reads sequential. Keep pack order.
    }

    /** One verifying thread: its own cursor, inflater, digest and buffers. */
    private final class Worker implements AutoCloseable {
        final ReadContext ctx = new ReadContext(db.manager());
        final CRC32 crc = new CRC32();
        final MessageDigest md = pack.format.newDigest();
        final byte[] idBuf = new byte[pack.format.length()];
        byte[] delta = new byte[64 * 1024];
        byte[] leaf = new byte[64 * 1024];
        final int[] pos = new int[1];
        long[] histogram = new long[64];
        int deltas;
        // DFS stack
        byte[][] stackData = new byte[64][];
        ObjectType[] stackType = new ObjectType[64];
        int[] stackRank = new int[64];
        int[] stackNext = new int[64];
        ObjectReader external;

        void run() throws IOException {
            int i;
            while ((i = nextRoot.getAndIncrement()) < roots.length && failure.get() == null) {
                tree(roots[i]);
            }
        }

        private void tree(int root) throws IOException {
            byte[] data;
            ObjectType type;
            int len;
            int depth0;
            if (baseRank[root] == WHOLE) {
                data = whole(root);
                type = ObjectType.fromCode(ctx.typeCode);
                len = (int) ctx.size;
                depth0 = 0;
            } else {
                // A REF_DELTA whose base lives in another pack or loose: fetch it through the database.
                if (external == null) {
                    external = db.newReader();
                }
                ObjectLoader base = external.open(externalBase[root]);
                byte[] b = base.bytes();
                type = base.type();
                data = applyDelta(root, b, b.length);
                len = lastLen;
                depth0 = 1;
            }
            finish(root, type, data, len, depth0);
            if (childCount(root) == 0) {
                return;
            }
            int sp = 0;
            push(sp++, root, data, type);
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
                int depth = depth0 + sp;
                finish(child, stackType[top], out, lastLen, depth);
                if (childCount(child) > 0) {
                    if (sp >= MAX_DEPTH) {
                        throw new CorruptPackException(pack.packPath, rev.offsetAt(child), "delta chain deeper than " + MAX_DEPTH);
                    }
                    push(sp++, child, out, stackType[top]);
                }
            }
        }

        private int childCount(int r) {
            return childStart[r + 1] - childStart[r];
        }

        private void push(int sp, int rank, byte[] data, ObjectType type) {
            if (sp == stackRank.length) {
                int m = sp * 2;
                stackData = Arrays.copyOf(stackData, m);
                stackType = Arrays.copyOf(stackType, m);
                stackRank = Arrays.copyOf(stackRank, m);
                stackNext = Arrays.copyOf(stackNext, m);
            }
            stackData[sp] = data;
            stackType[sp] = type;
            stackRank[sp] = rank;
            stackNext[sp] = childStart[rank];
        }

        int lastLen;
        int lastCrc;

        /** Inflates a whole entry (CRC and stream end checked); leaves go into a reused buffer. */
        private byte[] whole(int r) throws IOException {
            long off = rev.offsetAt(r);
            pack.parseHeader(ctx, off);
            long size = ctx.size;
            if (size > db.maxObjectSize() || size > Integer.MAX_VALUE - 16) {
                throw new CorruptPackException(pack.packPath, off, "object of " + size + " bytes exceeds the limit of " + db.maxObjectSize());
            }
            int len = (int) size;
            byte[] out = childCount(r) > 0 ? new byte[len] : leafBuffer(len);
            long dataOffset = ctx.dataOffset;
            checkCrc(r, off);
            long used = pack.inflate(ctx, off, dataOffset, out, len);
            checkEnd(r, off, dataOffset, used);
            lastLen = len;
            return out;
        }

        /** Inflates the delta at rank {@code r} and applies it to {@code base[0, baseLen)}. */
        private byte[] applyDelta(int r, byte[] base, int baseLen) throws IOException {
            long off = rev.offsetAt(r);
            pack.parseHeader(ctx, off);
            long dsize = ctx.size;
            if (dsize > Integer.MAX_VALUE - 16) {
                throw new CorruptPackException(pack.packPath, off, "delta of " + dsize + " bytes is too large");
            }
            if (delta.length < dsize) {
                delta = new byte[(int) Math.max(dsize, Math.min(Integer.MAX_VALUE - 16, 2L * delta.length))];
            }
            long dataOffset = ctx.dataOffset;
            checkCrc(r, off);
            int dlen = (int) dsize;
            long used = pack.inflate(ctx, off, dataOffset, delta, dlen);
            checkEnd(r, off, dataOffset, used);
            int res = Delta.checkHeader(baseLen, delta, dlen, db.maxObjectSize(), pack.packPath, off, pos);
            byte[] out = childCount(r) > 0 ? new byte[res] : leafBuffer(res);
            Delta.applyInto(base, baseLen, delta, dlen, pos[0], out, res, pack.packPath, off);
            deltas++;
            lastLen = res;
            return out;
        }

        private byte[] leafBuffer(int len) {
            if (leaf.length < len) {
                leaf = new byte[(int) Math.max(len, Math.min(Integer.MAX_VALUE - 16, 2L * leaf.length))];
            }
            return leaf;
        }

        /** CRC32 of the packed bytes [offset, next entry), copied through the heap chunk. */
        private void checkCrc(int r, long off) throws IOException {
            long end = off + rev.packedLength(r);
            WindowCursor c = ctx.cursor(pack);
            crc.reset();
            try {
                for (long p = off; p < end; ) {
                    int len = (int) Math.min(ReadContext.CHUNK, end - p);
                    if (!c.includesOffset(p) || c.ofsEnd() < p + len) {
                        c.useRegion(p, len);
                    }
                    len = (int) Math.min(len, c.ofsEnd() - p);
                    MemorySegment.copy(c.segment(), ValueLayout.JAVA_BYTE, p - c.ofsBegin(), ctx.chunk, 0, len);
                    crc.update(ctx.chunk, 0, len);
                    p += len;
                }
            } catch (InternalError e) {
                throw pack.truncatedUnderneath(off, e);
            }
            lastCrc = (int) crc.getValue();
            if (pack.index.hasCrc()) {
                int expected = pack.index.crcAt(rev.positionAt(r));
                if (expected != lastCrc) {
                    throw new CorruptPackException(pack.packPath, off, String.format(
                            "CRC32 %08x of the packed entry does not match the index's %08x", lastCrc, expected));
                }
            }
        }

        private void checkEnd(int r, long off, long dataOffset, long used) throws CorruptPackException {
            long next = off + rev.packedLength(r);
            if (dataOffset + used != next) {
                throw new CorruptPackException(pack.packPath, off, "zlib stream ends at " + (dataOffset + used)
                        + " but the next entry starts at " + next);
            }
        }

        private void finish(int r, ObjectType type, byte[] data, int len, int depth) throws IOException {
            md.reset();
            md.update((type.typeName() + " " + len).getBytes(StandardCharsets.US_ASCII));
            md.update((byte) 0);
            md.update(data, 0, len);
            try {
                md.digest(idBuf, 0, idBuf.length);
            } catch (java.security.DigestException e) {
                throw new IllegalStateException(e);
            }
            int position = rev.positionAt(r);
            long off = rev.offsetAt(r);
            if (!pack.index.idEquals(position, idBuf, 0)) {
                throw new CorruptPackException(pack.packPath, off, "object hashes to "
                        + ObjectId.fromRaw(idBuf, 0, idBuf.length).name() + " but the index names it "
                        + pack.index.idAt(position).name());
            }
            if (depth > 0) {
                if (depth >= histogram.length) {
                    histogram = Arrays.copyOf(histogram, Math.max(depth + 1, histogram.length * 2));
                }
                histogram[depth]++;
            }
            visited.incrementAndGet();
            if (listener != null) {
                listener.verified(position, off, lastCrc, type, len, depth);
            }
        }

        @Override
        public void close() {
            ctx.close();
            if (external != null) {
                external.close();
            }
        }
    }
}
