package io.github.smmap4j.pack;

import java.io.IOException;
import java.util.Arrays;

/**
 * A pack-order walk over a rank range of one pack that inflates each base once: a pre-scan of
 * the entry headers tells which entries are delta bases and which ranks will use them; the walk
 * keeps each base (in a bounded budget) until its last delta in the range has been resolved.
 * When the budget is full the base whose next use is farthest away is dropped (Belady); a
 * dropped base is rebuilt from its nearest kept (or cached, or whole) ancestor, and ancestors
 * rebuilt on the way are kept too when later entries need them, all within the same budget, so
 * the walk's own heap is bounded by the delta base cache size. A dropped base that is still
 * needed goes to the database's base cache (which the walk otherwise leaves idle, and which
 * keeps its own bound) and is taken from there if still present. Bases outside the range and unusual
 * ones (REF_DELTA to another pack, to a later entry) go through the reader's normal path.
 *
 * <p>Objects that no later entry needs are inflated or delta-applied into one reused buffer, so a
 * walk allocates only the bases it keeps. Single-thread, like the {@link ObjectReader} it uses.
 */
final class PackWalk {
    private static final int WHOLE = -2;
    private static final int FALLBACK = -1;

    private final ObjectReader reader;
    private final Storage db;
    private final ReadContext ctx;
    private final PackFile pack;
    private final ReverseIndex rev;
    private final long budget;
    private final long streamThreshold;
    private final long maxObjectSize;

    // Pre-scan results.
    private int from;
    private int to;
    private int[] baseRank;      // per rank in range: rank of its base, WHOLE or FALLBACK
    private int[] childStart;    // CSR over all pack ranks: users of rank b are childRanks[childStart[b], childStart[b+1])
    private int[] childRanks;
    private int[] consumed;      // per pack rank: users already resolved

    // Kept bases, by pack rank.
    private byte[][] kept;
    private byte[] keptType;
    private long keptBytes;
    private long[] heap = new long[64]; // lazy max-heap of (nextUse << 32 | rank)
    private int heapSize;

    private byte[] leaf = new byte[64 * 1024];
    private byte[] delta = new byte[64 * 1024];
    private final int[] pos = new int[1];

    /** Counters for diagnostics. */
    long fallbacks;
    long evictions;

    PackWalk(ObjectReader reader, Storage storage, ReadContext ctx, PackFile pack) throws CorruptPackException {
        this(reader, storage, ctx, pack, storage.cache().maxBytes(), storage.streamThreshold(), storage.maxObjectSize());
    }

    private PackWalk(ObjectReader reader, Storage storage, ReadContext ctx, PackFile pack, long budget, long streamThreshold,
                     long maxObjectSize) throws CorruptPackException {
        this.reader = reader;
        this.db = storage;
        this.ctx = ctx;
        this.pack = pack;
        this.rev = pack.reverseIndex();
        this.budget = budget;
        this.streamThreshold = streamThreshold;
        this.maxObjectSize = maxObjectSize;
    }

    void run(int fromRank, int toRank, ObjectReader.PackVisitor visitor) throws IOException {
        this.from = fromRank;
        this.to = toRank;
        scan();
        int n = rev.size();
        kept = new byte[n][];
        keptType = new byte[n];
        if (INFLATE_AHEAD && to - from >= 256) {
            ahead = new Ahead();
            Thread t = Thread.ofPlatform().daemon().name("smmap4j-walk-inflate").start(ahead);
            try {
                for (int r = from; r < to; r++) {
                    visit(r, visitor);
                }
            } finally {
                ahead.stop = true;
                t.interrupt();
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ahead = null;
            }
        } else {
            for (int r = from; r < to; r++) {
                visit(r, visitor);
            }
        }
    }

    /**
     * With more than one processor (and a heap of 512 MiB or more: in a small heap the data in
     * flight costs more in GC than it saves) the walk inflates ahead on a helper thread: zlib is about half
     * of a walk's time, and the entries to inflate are known in advance. The helper has its own
     * cursor and inflater and hands over the inflated entry data in pack order (whole objects
     * that later deltas need in arrays of their own, everything else in recycled buffers),
     * bounded to {@link #AHEAD_BYTES} in flight (buffers counted at their full length). Errors surface at the same entry, in the same
     * order, as without it.
     */
    static final boolean INFLATE_AHEAD = Runtime.getRuntime().availableProcessors() > 1
            && Runtime.getRuntime().maxMemory() >= (512L << 20)
            && !Boolean.getBoolean("smmap4j.walk.noInflateAhead");
    private static final int AHEAD_KIB = 8 * 1024;
    private static final int MIN_POOLED = 8 * 1024;
    private static final long AHEAD_BYTES = (long) AHEAD_KIB << 10;
    private Ahead ahead;

    /** One inflated entry handed from the helper to the walk. */
    private static final class Item {
        final int rank;
        boolean passThrough; // the walk reads this entry itself (fallbacks, streamed objects)
        byte[] buf;
        int len;
        int typeCode;
        boolean pooled;
        int permits;
        Throwable error;

        Item(int rank) {
            this.rank = rank;
        }
    }

    private final class Ahead implements Runnable {
        final java.util.concurrent.ArrayBlockingQueue<Item> queue = new java.util.concurrent.ArrayBlockingQueue<>(256);
        final java.util.concurrent.ConcurrentLinkedQueue<byte[]> pool = new java.util.concurrent.ConcurrentLinkedQueue<>();
        final java.util.concurrent.Semaphore budgetKiB = new java.util.concurrent.Semaphore(AHEAD_KIB);
        volatile boolean stop;

        @Override
        public void run() {
            try (ReadContext pctx = new ReadContext()) {
                for (int r = from; r < to && !stop; r++) {
                    Item it = new Item(r);
                    try {
                        produce(pctx, it);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Throwable e) {
                        it.error = e;
                        it.passThrough = false;
                        queue.put(it);
                        return; // the walk stops at this entry
                    }
                    queue.put(it);
                }
            } catch (InterruptedException e) {
                // the walk ended early
            }
        }

        private void produce(ReadContext pctx, Item it) throws IOException, InterruptedException {
            int r = it.rank;
            int b = baseRank[r - from];
            if (b == FALLBACK) {
                it.passThrough = true;
                return;
            }
            long off = rev.offsetAt(r);
            pack.parseHeader(pctx, off);
            long size = pctx.header.size;
            if (b == WHOLE) {
                if (size > streamThreshold) {
                    it.passThrough = true;
                    return;
                }
                if (size > maxObjectSize || size > Integer.MAX_VALUE - 16) {
                    throw new CorruptPackException(pack.packPath, off, "object of " + size + " bytes exceeds the limit of " + maxObjectSize);
                }
            } else if (size > Integer.MAX_VALUE - 16) {
                throw new CorruptPackException(pack.packPath, off, "delta of " + size + " bytes is too large");
            }
            int len = (int) size;
            // Every user of a whole entry comes after it: it is needed iff it has users.
            boolean own = b == WHOLE && childStart[r + 1] > childStart[r] && len <= budget;
            // Count what the buffer really holds on to, so the heap in flight stays bounded.
            byte[] buf = own ? null : pool.poll();
            if (buf != null && buf.length < len) {
                buf = null;
            }
            int cost = own ? len : buf != null ? buf.length : Math.max(len, MIN_POOLED);
            it.permits = (int) Math.max(1, Math.min(AHEAD_KIB, (long) cost >> 10));
            budgetKiB.acquire(it.permits);
            if (buf == null) {
                buf = new byte[own ? len : Math.max(len, MIN_POOLED)];
            }
            it.pooled = !own;
            it.buf = buf;
            it.len = len;
            it.typeCode = pctx.header.typeCode;
            pack.inflate(pctx, off, pctx.header.dataOffset, buf, len);
        }

        Item take(int rank) throws IOException {
            Item it;
            try {
                it = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("pack walk interrupted");
            }
            if (it.error != null) {
                if (it.error instanceof IOException io) {
                    throw io;
                }
                if (it.error instanceof RuntimeException re) {
                    throw re;
                }
                if (it.error instanceof Error er) {
                    throw er;
                }
                throw new IOException(it.error);
            }
            if (it.rank != rank) {
                throw new IllegalStateException("walk out of step: " + it.rank + " != " + rank);
            }
            return it;
        }

        void done(Item it) {
            if (it.permits > 0) {
                budgetKiB.release(it.permits);
                it.permits = 0;
            }
            if (it.pooled && it.buf != null && it.buf.length <= (1 << 20)) {
                pool.offer(it.buf);
            }
            it.buf = null;
        }
    }

    /** Parses every header in range: which entries are bases, and of whom. */
    private void scan() throws IOException {
        int n = rev.size();
        baseRank = new int[to - from];
        int[] count = new int[n + 1];
        for (int r = from; r < to; r++) {
            long off = rev.offsetAt(r);
            pack.parseHeader(ctx, off);
            int b;
            if (!EntryHeader.isDelta(ctx.header.typeCode)) {
                b = WHOLE;
            } else {
                long baseOff;
                if (ctx.header.typeCode == ObjectType.OFS_DELTA) {
                    baseOff = ctx.header.baseOffset;
                } else {
                    int p = pack.index.findPosition(ObjectId.fromRaw(ctx.header.baseId, 0, pack.format.length()));
                    baseOff = p >= 0 ? pack.index.offsetAt(p) : -1;
                }
                b = baseOff >= 0 ? rev.rankOf(baseOff) : -1;
                // A base that is not an entry, is not before its delta (REF_DELTA cycles) or lives
                // elsewhere goes through the reader's normal path, with all its checks.
                if (b < 0 || b >= r) {
                    b = FALLBACK;
                }
            }
            baseRank[r - from] = b;
            if (b >= 0) {
                count[b + 1]++;
            }
        }
        for (int i = 0; i < n; i++) {
            count[i + 1] += count[i];
        }
        childStart = count;
        childRanks = new int[count[n]];
        consumed = new int[n];
        for (int r = from; r < to; r++) {
            int b = baseRank[r - from];
            if (b >= 0) {
                childRanks[childStart[b] + consumed[b]++] = r; // consumed doubles as the fill cursor
            }
        }
        Arrays.fill(consumed, 0);
    }

    private int remaining(int rank) {
        return childStart[rank + 1] - childStart[rank] - consumed[rank];
    }

    private int nextUse(int rank) {
        return childRanks[childStart[rank] + consumed[rank]];
    }

    private void visit(int r, ObjectReader.PackVisitor visitor) throws IOException {
        long off = rev.offsetAt(r);
        ObjectId id = pack.index.idAt(rev.positionAt(r));
        int b = baseRank[r - from];
        boolean needed = remaining(r) > 0;
        Item it = null;
        if (ahead != null) {
            it = ahead.take(r);
            if (!it.passThrough) {
                try {
                    visitInflated(r, off, id, b, needed, it, visitor);
                } finally {
                    ahead.done(it);
                }
                return;
            }
        }
        if (b == FALLBACK) {
            ObjectLoader l = visitThroughReader(off, id, visitor);
            if (needed && !l.isLarge()) {
                keep(r, l.bytes(), l.type()); // the bytes just visited: a small loader holds them
            }
            return;
        }
        pack.parseHeader(ctx, off);
        if (b == WHOLE) {
            ObjectType type = ObjectType.fromCode(ctx.header.typeCode);
            long size = ctx.header.size;
            if (size > streamThreshold) {
                visitor.visit(id, type, null, 0, new PackStream(pack, off, ctx.header.dataOffset, size));
                return; // its deltas re-materialize it through the reader
            }
            if (size > maxObjectSize || size > Integer.MAX_VALUE - 16) {
                throw new CorruptPackException(pack.packPath, off, "object of " + size + " bytes exceeds the limit of " + maxObjectSize);
            }
            int len = (int) size;
            byte[] out = needed && len <= budget ? new byte[len] : leafBuffer(len);
            pack.inflate(ctx, off, ctx.header.dataOffset, out, len);
            visitor.visit(id, type, out, len, null);
            if (out != leaf) {
                keep(r, out, type);
            }
            return;
        }
        // A delta whose base is an earlier entry of this pack.
        long dsize = ctx.header.size;
        long dataOffset = ctx.header.dataOffset;
        if (dsize > Integer.MAX_VALUE - 16) {
            throw new CorruptPackException(pack.packPath, off, "delta of " + dsize + " bytes is too large");
        }
        byte[] base = baseOf(b);
        ObjectType type = materializedType;
        delta = Limits.atLeast(delta, dsize);
        int dlen = (int) dsize;
        pack.inflate(ctx, off, dataOffset, delta, dlen);
        applyDelta(r, off, id, b, needed, base, type, delta, dlen, visitor);
    }

    /** {@link #visit} for an entry the helper has inflated: the same steps, minus the inflation. */
    private void visitInflated(int r, long off, ObjectId id, int b, boolean needed, Item it,
                               ObjectReader.PackVisitor visitor) throws IOException {
        if (b == WHOLE) {
            ObjectType type = ObjectType.fromCode(it.typeCode);
            visitor.visit(id, type, it.buf, it.len, null);
            if (!it.pooled) {
                keep(r, it.buf, type);
            }
            return;
        }
        byte[] base = baseOf(b);
        applyDelta(r, off, id, b, needed, base, materializedType, it.buf, it.len, visitor);
    }

    /** Returns the content of base rank {@code b}, kept or rebuilt, and sets {@link #materializedType} to its type. */
    private byte[] baseOf(int b) throws IOException {
        byte[] base = kept[b];
        if (base != null) {
            materializedType = ObjectType.fromCode(keptType[b]);
            return base;
        }
        fallbacks++;
        return materialize(b);
    }

    /** Reads the entry through the reader (streamed when large), visits it, and returns its loader. */
    private ObjectLoader visitThroughReader(long off, ObjectId id, ObjectReader.PackVisitor visitor) throws IOException {
        ObjectLoader l = reader.openPacked(new ObjectLocation(id, pack, off));
        if (l.isLarge()) {
            visitor.visit(id, l.type(), null, 0, l.openStream());
        } else {
            byte[] data = l.bytes();
            visitor.visit(id, l.type(), data, data.length, null);
        }
        return l;
    }

    /**
     * Applies the inflated delta {@code d[0, dlen)} of the entry at rank {@code r} to its base
     * (rank {@code b}), hands the result to the visitor, and keeps or drops base and result as
     * the rest of the walk needs them.
     */
    private void applyDelta(int r, long off, ObjectId id, int b, boolean needed, byte[] base, ObjectType type,
                            byte[] d, int dlen, ObjectReader.PackVisitor visitor) throws IOException {
        long dh = Delta.header(d, dlen, base.length, maxObjectSize, pack.packPath, off);
        int res = (int) Delta.headerResult(dh);
        if (res > streamThreshold) {
            // As ObjectReader.open does: a result above the stream threshold is streamed, not built.
            consumed[b]++;
            if (kept[b] != null && remaining(b) == 0) {
                drop(b);
            } else if (kept[b] != null) {
                push(b);
            }
            visitThroughReader(off, id, visitor);
            return;
        }
        byte[] out = needed && res <= budget ? new byte[res] : leafBuffer(res);
        Delta.applyInto(base, base.length, d, dlen, Delta.headerStart(dh), out, res, pack.packPath, off);
        consumed[b]++;
        if (kept[b] != null) {
            if (remaining(b) == 0) {
                drop(b);
            } else {
                push(b);
            }
        } else if (remaining(b) > 0) {
            keep(b, base, type);
        }
        visitor.visit(id, type, out, res, null);
        if (out != leaf) {
            keep(r, out, type);
        }
    }

    private ObjectType materializedType; // type of what the last baseOf / materialize returned
    private int[] chain = new int[64];

    /**
     * Rebuilds the content of the entry at {@code rank} (an evicted base): walks its chain back
     * to the nearest kept, cached or whole entry and applies the deltas outward. Entries outside
     * the walk's range and unusual bases go through the reader's normal path.
     */
    private byte[] materialize(int rank) throws IOException {
        int depth = 0;
        int cur = rank;
        byte[] data;
        ObjectType type;
        while (true) {
            if (kept[cur] != null) {
                data = kept[cur];
                type = ObjectType.fromCode(keptType[cur]);
                break;
            }
            DeltaBaseCache.Entry c = db.cache().get(pack.id, rev.offsetAt(cur));
            if (c != null) {
                data = c.data();
                type = c.type();
                break;
            }
            int b = cur >= from && cur < to ? baseRank[cur - from] : FALLBACK;
            if (b < 0) {
                DeltaChainLoader.Loaded loaded = reader.loader().load(pack, rev.offsetAt(cur), 0, Long.MAX_VALUE);
                data = loaded.data();
                type = loaded.type();
                if (cur >= from && cur < to && remaining(cur) > 0) {
                    keep(cur, data, type); // a root later entries still need: not inflated a third time
                }
                break;
            }
            if (depth == chain.length) {
                chain = Arrays.copyOf(chain, depth * 2);
            }
            chain[depth++] = cur;
            cur = b; // b < cur: the walk back always ends
        }
        for (int i = depth - 1; i >= 0; i--) {
            long off = rev.offsetAt(chain[i]);
            pack.parseHeader(ctx, off);
            long dsize = ctx.header.size;
            if (dsize > Integer.MAX_VALUE - 16) {
                throw new CorruptPackException(pack.packPath, off, "delta of " + dsize + " bytes is too large");
            }
            delta = Limits.atLeast(delta, dsize);
            pack.inflate(ctx, off, ctx.header.dataOffset, delta, (int) dsize);
            data = Delta.apply(data, data.length, delta, (int) dsize, maxObjectSize, pack.packPath, off);
            int r = chain[i];
            if (i > 0 && kept[r] == null && r >= from && r < to && remaining(r) > 0) {
                keep(r, data, type); // an ancestor that later entries still need: within the same budget
            }
        }
        materializedType = type;
        return data;
    }

    private byte[] leafBuffer(int len) {
        leaf = Limits.atLeast(leaf, len);
        return leaf;
    }

    private void keep(int rank, byte[] data, ObjectType type) {
        if (data.length > budget) {
            return;
        }
        kept[rank] = data;
        keptType[rank] = (byte) type.code();
        keptBytes += data.length;
        push(rank);
        while (keptBytes > budget && heapSize > 0) {
            int victim = popFarthest();
            if (victim >= 0) {
                evictions++;
                // Still needed later: the database's base cache, idle during a walk, may hold it
                // until then (materialize looks there first).
                db.cache().putNeeded(pack.id, rev.offsetAt(victim), ObjectType.fromCode(keptType[victim]), kept[victim]);
                drop(victim);
            }
        }
    }

    private void drop(int rank) {
        byte[] d = kept[rank];
        if (d != null) {
            keptBytes -= d.length;
            kept[rank] = null;
            keptType[rank] = 0;
        }
    }

    private void push(int rank) {
        long v = (long) nextUse(rank) << 32 | rank;
        if (heapSize == heap.length) {
            if (heapSize > 4 * Math.max(16, liveCount())) {
                compactHeap();
            }
            if (heapSize == heap.length) {
                heap = Arrays.copyOf(heap, heap.length * 2);
            }
        }
        siftUp(v);
    }

    /** Adds {@code v} to the max-heap. */
    private void siftUp(long v) {
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] >= v) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = v;
    }

    /** Pops the kept base used farthest in the future; -1 if only stale entries were left. */
    private int popFarthest() {
        while (heapSize > 0) {
            long top = heap[0];
            long last = heap[--heapSize];
            siftDown(last);
            int rank = (int) top;
            if (kept[rank] != null && remaining(rank) > 0 && nextUse(rank) == (int) (top >>> 32)) {
                return rank;
            }
        }
        return -1;
    }

    private void siftDown(long v) {
        int i = 0;
        int n = heapSize;
        if (n == 0) {
            return;
        }
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) {
                break;
            }
            if (c + 1 < n && heap[c + 1] > heap[c]) {
                c++;
            }
            if (heap[c] <= v) {
                break;
            }
            heap[i] = heap[c];
            i = c;
        }
        heap[i] = v;
    }

    private int liveCount() {
        int live = 0;
        for (int i = 0; i < heapSize; i++) {
            int rank = (int) heap[i];
            if (kept[rank] != null && remaining(rank) > 0 && nextUse(rank) == (int) (heap[i] >>> 32)) {
                live++;
            }
        }
        return live;
    }

    /** Drops stale heap entries (bases used since they were pushed) and rebuilds the heap. */
    private void compactHeap() {
        int n = 0;
        for (int i = 0; i < heapSize; i++) {
            long v = heap[i];
            int rank = (int) v;
            if (kept[rank] != null && remaining(rank) > 0 && nextUse(rank) == (int) (v >>> 32)) {
                heap[n++] = v;
            }
        }
        long[] live = Arrays.copyOf(heap, n);
        heapSize = 0;
        for (long v : live) {
            siftUp(v);
        }
    }
}
