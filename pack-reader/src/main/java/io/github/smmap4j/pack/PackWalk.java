package io.github.smmap4j.pack;

import java.io.IOException;
import java.util.Arrays;

/**
 * A pack-order walk over a rank range of one pack that inflates each base once: the range's
 * {@link DeltaForest} tells which entries are delta bases and which ranks will use them; the walk
 * keeps each base (in a bounded {@link WalkBudget}) until its last delta in the range has been
 * resolved. A base the budget dropped is rebuilt from its nearest kept (or cached, or whole)
 * ancestor, and ancestors rebuilt on the way are kept too when later entries need them, all
 * within the same budget, so the walk's own heap is bounded by the delta base cache size. A
 * dropped base that is still needed goes to the database's base cache (which the walk otherwise
 * leaves idle, and which keeps its own bound) and is taken from there if still present. Bases
 * outside the range and unusual ones (REF_DELTA to another pack, to a later entry) go through
 * the reader's normal path.
 *
 * <p>Objects that no later entry needs are inflated or delta-applied into one reused buffer, so a
 * walk allocates only the bases it keeps. With {@link InflateAhead#ENABLED} (and a range of 256
 * entries or more) a helper thread inflates the entries ahead of the walk. Single-use and
 * single-thread, like the {@link ObjectReader} it uses.
 */
final class PackWalk {
    private static final int AHEAD_MIN_RANGE = 256;

    private final ObjectReader reader;
    private final Storage db;
    private final ReadContext ctx;
    private final PackFile pack;
    private final ReverseIndex rev;
    private final long budgetBytes;
    private final long streamThreshold;
    private final long maxObjectSize;

    // Set by run: the range's forest and the bases kept for it.
    private DeltaForest forest;
    private WalkBudget kept;

    private byte[] leaf = new byte[64 * 1024];
    private byte[] delta = new byte[64 * 1024];      // the visited entry's delta
    private byte[] chainDelta = new byte[64 * 1024]; // the deltas of a chain being rebuilt
    private int[] chain = new int[64];

    PackWalk(ObjectReader reader, Storage storage, ReadContext ctx, PackFile pack) throws CorruptPackException {
        this.reader = reader;
        this.db = storage;
        this.ctx = ctx;
        this.pack = pack;
        this.rev = pack.reverseIndex();
        this.budgetBytes = storage.cache().maxBytes();
        this.streamThreshold = storage.streamThreshold();
        this.maxObjectSize = storage.maxObjectSize();
    }

    void run(int fromRank, int toRank, ObjectVisitor visitor) throws IOException {
        forest = DeltaForest.scan(pack, ctx, fromRank, toRank, DeltaForest.Policy.WALK);
        // Still needed later: the database's base cache, idle during a walk, may hold it until
        // then (rebuild looks there first).
        kept = new WalkBudget(forest, budgetBytes,
                (rank, type, data) -> db.cache().putNeeded(pack.id, rev.offsetAt(rank), type, data));
        if (InflateAhead.ENABLED && toRank - fromRank >= AHEAD_MIN_RANGE) {
            try (InflateAhead ahead = InflateAhead.start(pack, forest, budgetBytes, streamThreshold, maxObjectSize)) {
                for (int r = fromRank; r < toRank; r++) {
                    visit(r, ahead, visitor);
                }
            }
        } else {
            for (int r = fromRank; r < toRank; r++) {
                visit(r, null, visitor);
            }
        }
    }

    /** Visits the entry at rank {@code r}, inflated by {@code ahead} when it is not null. */
    private void visit(int r, InflateAhead ahead, ObjectVisitor visitor) throws IOException {
        long off = rev.offsetAt(r);
        ObjectId id = pack.index.idAt(rev.positionAt(r));
        int b = forest.baseRank(r);
        boolean needed = kept.needed(r);
        if (ahead != null) {
            InflateAhead.Item it = ahead.take(r);
            if (!it.passThrough) {
                try {
                    visitInflated(r, off, id, b, needed, it, visitor);
                } finally {
                    ahead.done(it);
                }
                return;
            }
        }
        if (b == DeltaForest.OUTSIDE) {
            ObjectLoader l = visitThroughReader(off, id, visitor);
            if (needed && !l.isLarge()) {
                kept.keep(r, l.bytes(), l.type()); // the bytes just visited: a small loader holds them
            }
            return;
        }
        EntryHeader h = pack.parseHeader(ctx, off);
        if (b == DeltaForest.WHOLE) {
            ObjectType type = h.type();
            long size = h.size;
            if (size > streamThreshold) {
                visitor.visit(id, type, size, null, new PackStream(pack, off, h.dataOffset, size));
                return; // its deltas re-materialize it through the reader
            }
            int len = Limits.arraySize(size, maxObjectSize, "object", pack.packPath, off);
            byte[] out = needed && len <= budgetBytes ? new byte[len] : leafBuffer(len);
            pack.inflate(ctx, off, h.dataOffset, out, len);
            visitor.visit(id, type, len, out, null);
            if (out != leaf) {
                kept.keep(r, out, type);
            }
            return;
        }
        // A delta whose base is an earlier entry of this pack.
        int dlen = Limits.arraySize(h.size, maxObjectSize, "delta", pack.packPath, off);
        delta = Limits.atLeast(delta, dlen);
        pack.inflate(ctx, off, h.dataOffset, delta, dlen);
        applyDelta(r, off, id, b, needed, delta, dlen, visitor);
    }

    /** {@link #visit} for an entry the helper has inflated: the same steps, minus the inflation. */
    private void visitInflated(int r, long off, ObjectId id, int b, boolean needed, InflateAhead.Item it,
                               ObjectVisitor visitor) throws IOException {
        if (b == DeltaForest.WHOLE) {
            ObjectType type = ObjectType.fromCode(it.typeCode);
            visitor.visit(id, type, it.len, it.buf, null);
            if (!it.pooled) {
                kept.keep(r, it.buf, type);
            }
            return;
        }
        applyDelta(r, off, id, b, needed, it.buf, it.len, visitor);
    }

    /** Reads the entry through the reader (streamed when large), visits it, and returns its loader. */
    private ObjectLoader visitThroughReader(long off, ObjectId id, ObjectVisitor visitor) throws IOException {
        ObjectLoader l = reader.openPacked(new ObjectLocation(id, pack, off));
        l.visitBy(visitor);
        return l;
    }

    /**
     * Applies the inflated delta {@code d[0, dlen)} of the entry at rank {@code r} to its base
     * (rank {@code b}, kept or rebuilt), hands the result to the visitor, and keeps or drops base
     * and result as the rest of the walk needs them.
     */
    private void applyDelta(int r, long off, ObjectId id, int b, boolean needed, byte[] d, int dlen,
                            ObjectVisitor visitor) throws IOException {
        byte[] base = kept.data(b);
        if (base == null && Delta.baseSize(d, dlen, pack.packPath, off) > streamThreshold) {
            // A base above the stream threshold is never kept or rebuilt: the reader streams it.
            kept.used(b);
            visitThroughReader(off, id, visitor);
            return;
        }
        ObjectType type;
        if (base != null) {
            type = kept.type(b);
        } else {
            DeltaChainLoader.Loaded rebuilt = rebuild(b);
            base = rebuilt.data();
            type = rebuilt.type();
        }
        long dh = Delta.header(d, dlen, base.length, maxObjectSize, pack.packPath, off);
        int res = (int) Delta.headerResult(dh);
        if (res > streamThreshold) {
            // As ObjectReader.open does: a result above the stream threshold is streamed, not built.
            kept.used(b);
            visitThroughReader(off, id, visitor);
            return;
        }
        byte[] out = needed && res <= budgetBytes ? new byte[res] : leafBuffer(res);
        Delta.applyInto(base, base.length, d, dlen, Delta.headerStart(dh), out, res, pack.packPath, off);
        kept.used(b);
        if (kept.data(b) == null && kept.needed(b)) {
            kept.keep(b, base, type); // rebuilt, and later entries still need it
        }
        visitor.visit(id, type, res, out, null);
        if (out != leaf) {
            kept.keep(r, out, type);
        }
    }

    /**
     * Rebuilds the content of the entry at {@code rank} (a base that is not kept): walks its chain
     * back to the nearest kept, cached or whole entry and applies the deltas outward. Entries
     * outside the walk's range and unusual bases go through the reader's chain loader.
     */
    private DeltaChainLoader.Loaded rebuild(int rank) throws IOException {
        int depth = 0;
        int cur = rank;
        byte[] data;
        ObjectType type;
        while (true) {
            if (kept.data(cur) != null) {
                data = kept.data(cur);
                type = kept.type(cur);
                break;
            }
            DeltaBaseCache.Entry c = db.cache().get(pack.id, rev.offsetAt(cur));
            if (c != null) {
                data = c.data();
                type = c.type();
                break;
            }
            int b = forest.contains(cur) ? forest.baseRank(cur) : DeltaForest.OUTSIDE;
            if (b < 0) {
                DeltaChainLoader.Loaded loaded = reader.loader().load(pack, rev.offsetAt(cur), 0, Long.MAX_VALUE);
                data = loaded.data();
                type = loaded.type();
                if (forest.contains(cur) && kept.needed(cur)) {
                    kept.keep(cur, data, type); // a root later entries still need: not inflated a third time
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
            int r = chain[i];
            long off = rev.offsetAt(r);
            EntryHeader h = pack.parseHeader(ctx, off);
            int dlen = Limits.arraySize(h.size, maxObjectSize, "delta", pack.packPath, off);
            chainDelta = Limits.atLeast(chainDelta, dlen);
            pack.inflate(ctx, off, h.dataOffset, chainDelta, dlen);
            data = Delta.apply(data, data.length, chainDelta, dlen, maxObjectSize, pack.packPath, off);
            if (i > 0 && kept.data(r) == null && forest.contains(r) && kept.needed(r)) {
                kept.keep(r, data, type); // an ancestor that later entries still need: within the same budget
            }
        }
        return new DeltaChainLoader.Loaded(type, data);
    }

    private byte[] leafBuffer(int len) {
        leaf = Limits.atLeast(leaf, len);
        return leaf;
    }
}
