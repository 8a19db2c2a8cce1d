package io.github.smmap4j.pack;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads objects of one {@link ObjectDatabase}: single-thread, cheap to keep, reuses its cursors,
 * inflater and buffers across objects. Get one per thread from {@link ObjectDatabase#newReader()}
 * and close it when done.
 */
public final class ObjectReader implements AutoCloseable {
    /** Cross-pack REF_DELTA hops allowed before a chain is called cyclic. */
    private static final int MAX_PACK_HOPS = 64;
    /** Streams of large deltas over large bases nest at most this deep. */
    private static final int MAX_STREAM_NESTING = 1000;

    private final ObjectDatabase db;
    final ReadContext ctx;
    // The delta chain being resolved, innermost last; reused across objects.
    private long[] chainOffset = new long[64];
    private long[] chainData = new long[64];
    private long[] chainSize = new long[64];
    private byte[] deltaBuf = new byte[8192];
    private final byte[] deltaHead = new byte[20];
    private ObjectType lastType;

    ObjectReader(ObjectDatabase db) {
        this.db = db;
        this.ctx = new ReadContext(db.manager());
    }

    /** Returns the database this reader reads. */
    public ObjectDatabase database() {
        return db;
    }

    /** Returns true if the database holds {@code id}. */
    public boolean has(ObjectId id) throws IOException {
        return db.has(id);
    }

    /**
     * Loads {@code id}. Objects larger than the stream threshold come back as a loader whose
     * content is read with {@link ObjectLoader#openStream()}.
     *
     * @throws MissingObjectException if no pack, loose object or alternate holds it
     * @throws CorruptPackException if the data is damaged
     */
    public ObjectLoader open(ObjectId id) throws IOException {
        return lookup(id, (p, offset) -> openPacked(p, offset, id), db::openLoose);
    }

    /**
     * A read of a mapping whose file shrank underneath faults (SIGBUS); for Java-side reads the
     * JVM reports it as an InternalError. Pack data reads convert it where they happen; index
     * lookups (whole idx mapped at open) surface here. Reported as corruption of the file that
     * changed; an InternalError with no changed file is rethrown.
     */
    static CorruptPackException faulted(ObjectDatabase db, InternalError e) {
        for (PackFile p : db.packArray()) {
            if (p.changedOnDisk()) {
                return new CorruptPackException(p.index.path(), -1,
                        "index or pack file was truncated or replaced while mapped", e);
            }
        }
        throw e;
    }

    /** Reads {@code id} from the pack that holds it at {@code offset}. */
    @FunctionalInterface
    private interface PackedRead<T> {
        T read(PackFile p, long offset) throws IOException;
    }

    /** Reads {@code id} as a loose object, or returns null if there is none. */
    @FunctionalInterface
    private interface LooseRead<T> {
        T read(ObjectId id) throws IOException;
    }

    /**
     * Finds {@code id} in the packs, then among loose objects, and reads it with {@code packed} or
     * {@code loose}. Looks once more after a rescan when the id is nowhere (a new pack may have
     * appeared) or when its pack changed on disk (gc, repack, truncation).
     */
    private <T> T lookup(ObjectId id, PackedRead<T> packed, LooseRead<T> loose) throws IOException {
        try {
            for (int attempt = 0; ; attempt++) {
                boolean retry = false;
                for (PackFile p : db.packArray()) {
                    int pos = p.index.findPosition(id);
                    if (pos >= 0) {
                        try {
                            return packed.read(p, p.index.offsetAt(pos));
                        } catch (IOException e) {
                            if (!retryAfter(p, e, attempt)) {
                                throw e;
                            }
                            retry = true;
                            break;
                        }
                    }
                }
                if (retry) {
                    continue;
                }
                T l = loose.read(id);
                if (l != null) {
                    return l;
                }
                if (attempt > 0 || !db.rescanIfChanged()) {
                    throw new MissingObjectException(id);
                }
            }
        } catch (InternalError e) {
            throw faulted(db, e);
        }
    }

    /**
     * After a read of {@code p} failed: if the pack or its index changed on disk since it was
     * opened (deleted by gc/repack, replaced, truncated), forgets its cursor, rescans
     * {@code objects/pack} and returns true so that the caller looks the object up again.
     * A rescan that reopens a damaged pack throws its CorruptPackException.
     */
    private boolean retryAfter(PackFile p, IOException e, int attempt) throws IOException {
        if (attempt > 0 || e instanceof MissingObjectException || !p.changedOnDisk()) {
            return false;
        }
        ctx.forget(p);
        db.rescan();
        return true;
    }

    private ObjectLoader openPacked(PackFile p, long offset, ObjectId id) throws IOException {
        p.parseHeader(ctx, offset);
        if (!isDelta(ctx.typeCode) && ctx.size > db.streamThreshold()) {
            long dataOffset = ctx.dataOffset;
            long size = ctx.size;
            return new ObjectLoader(id, ObjectType.fromCode(ctx.typeCode), size,
                    () -> new PackStream(p, offset, dataOffset, size));
        }
        byte[] data = load(p, offset, 0, db.streamThreshold());
        if (data == null) {
            // A delta whose base or result is above the stream threshold: stream it.
            ObjectHeader h = packedHeader(p, offset, 0);
            return new ObjectLoader(id, h.type(), h.size(), () -> {
                try (ObjectReader r = db.newReader()) {
                    return r.streamAt(p, offset, 0);
                }
            });
        }
        return new ObjectLoader(id, lastType, data);
    }

    /**
     * Returns a stream over the entry at {@code offset} that holds neither it nor any base above
     * the stream threshold: whole entries inflate as read, deltas apply to a streamed base.
     */
    InputStream streamAt(PackFile p, long offset, int nesting) throws IOException {
        if (nesting > MAX_STREAM_NESTING) {
            throw new CorruptPackException(p.packPath, offset, "delta chain of large objects is too deep to stream");
        }
        p.parseHeader(ctx, offset);
        if (!isDelta(ctx.typeCode)) {
            return new PackStream(p, offset, ctx.dataOffset, ctx.size);
        }
        PackFile bp = p;
        long baseOffset = ctx.baseOffset;
        ObjectId baseId = null;
        if (ctx.typeCode == ObjectType.REF_DELTA) {
            baseId = ObjectId.fromRaw(ctx.baseId, 0, p.format.length());
            baseOffset = -1;
            for (PackFile q : db.packArray()) {
                int pos = q.index.findPosition(baseId);
                if (pos >= 0) {
                    bp = q;
                    baseOffset = q.index.offsetAt(pos);
                    break;
                }
            }
        }
        byte[] delta = inflateWhole(p, offset, ctx.dataOffset, ctx.size);
        DeltaStream.BaseOpener opener;
        long baseSize;
        if (baseOffset < 0) {
            ObjectLoader loose = db.openLoose(baseId);
            if (loose == null) {
                throw new MissingObjectException(baseId);
            }
            baseSize = loose.size();
            opener = loose::openStream;
        } else {
            PackFile fp = bp;
            long fo = baseOffset;
            baseSize = packedHeader(bp, baseOffset, 0).size();
            if (baseSize > db.streamThreshold()) {
                opener = () -> {
                    try (ObjectReader r = db.newReader()) {
                        return r.streamAt(fp, fo, nesting + 1);
                    }
                };
            } else {
                byte[] small = load(bp, baseOffset, 0, Long.MAX_VALUE);
                opener = () -> new java.io.ByteArrayInputStream(small);
            }
        }
        return new DeltaStream(delta, delta.length, opener, baseSize, p.packPath, offset);
    }

    /** Returns the type and size of {@code id}, inflating only delta headers. */
    public ObjectHeader header(ObjectId id) throws IOException {
        return lookup(id, (p, offset) -> packedHeader(p, offset, 0), db::looseHeader);
    }

    /** Returns what {@code cat-file --batch-check} can print of {@code id}. */
    public ObjectInfo info(ObjectId id) throws IOException {
        return lookup(id, (p, offset) -> packedInfo(p, offset, id), db::looseInfo);
    }

    private ObjectInfo packedInfo(PackFile p, long offset, ObjectId id) throws IOException {
        ObjectHeader h = packedHeader(p, offset, 0);
        ReverseIndex rev = p.reverseIndex();
        long disk = rev.packedLength(rev.rankOf(offset));
        p.parseHeader(ctx, offset);
        ObjectId base = db.format().zeroId();
        if (ctx.typeCode == ObjectType.REF_DELTA) {
            base = ObjectId.fromRaw(ctx.baseId, 0, db.format().length());
        } else if (ctx.typeCode == ObjectType.OFS_DELTA) {
            int r = rev.rankOf(ctx.baseOffset);
            if (r < 0) {
                throw new CorruptPackException(p.packPath, offset, "delta base offset " + ctx.baseOffset + " is not an entry");
            }
            base = p.index.idAt(rev.positionAt(r));
        }
        return new ObjectInfo(id, h.type(), h.size(), disk, base);
    }

    /** Opens a stream over {@code id}'s content; large whole entries are inflated as read. */
    public InputStream stream(ObjectId id) throws IOException {
        return open(id).openStream();
    }

    /** Loads the entry at {@code offset} of {@code pack} (a pack-order walk uses this). */
    public ObjectLoader openAt(PackFile pack, long offset, ObjectId id) throws IOException {
        return openPacked(pack, offset, id);
    }

    /** Receives the objects of a pack-order walk ({@link #walkPackOrder}). */
    @FunctionalInterface
    public interface PackVisitor {
        /**
         * Called once per entry. {@code data[0, length)} is the content, valid only during the
         * call (the walk may reuse or keep the array; do not modify it). An object above the
         * stream threshold comes as {@code large} instead ({@code data} is null), a stream the
         * visitor must close.
         */
        void visit(ObjectId id, ObjectType type, byte[] data, int length, InputStream large) throws IOException;
    }

    /**
     * Visits the entries of {@code pack} whose offset rank (position in pack order) is in
     * {@code [fromRank, toRank)}, in pack order.
     */
    public void walkPackOrder(PackFile pack, int fromRank, int toRank, PackVisitor visitor) throws IOException {
        java.util.Objects.checkFromToIndex(fromRank, toRank, pack.objectCount());
        PackWalk w = new PackWalk(this, ctx, pack, db.cache().maxBytes(), db.streamThreshold(), db.maxObjectSize());
        w.run(fromRank, toRank, visitor);
        if (WALK_STATS) {
            System.err.println("walk " + pack.packPath.getFileName() + " [" + fromRank + ", " + toRank + "): "
                    + w.fallbacks + " base re-materializations, " + w.evictions + " evictions");
        }
    }

    private static final boolean WALK_STATS = Boolean.getBoolean("smmap4j.walkStats");

    /** Receives the entries of a header walk ({@link #walkPackHeaders}). */
    @FunctionalInterface
    public interface HeaderVisitor {
        /** Called once per entry, with the object's type and (undeltified) size. */
        void visit(ObjectId id, ObjectType type, long size) throws IOException;
    }

    /**
     * Visits the type and size of the entries of {@code pack} whose offset rank is in
     * {@code [fromRank, toRank)}, in pack order, inflating only the first bytes of each delta:
     * what {@code git cat-file --batch-check --batch-all-objects --unordered} does. Sequential
     * reads, no index search, and a delta's type comes from its base, met earlier in the walk,
     * instead of a walk down its chain.
     */
    public void walkPackHeaders(PackFile pack, int fromRank, int toRank, HeaderVisitor visitor) throws IOException {
        java.util.Objects.checkFromToIndex(fromRank, toRank, pack.objectCount());
        ReverseIndex rev = pack.reverseIndex();
        byte[] types = new byte[toRank - fromRank]; // type code by rank; the walk fills it in order
        for (int r = fromRank; r < toRank; r++) {
            long off = rev.offsetAt(r);
            ObjectId id = pack.index.idAt(rev.positionAt(r));
            pack.parseHeader(ctx, off);
            int code = ctx.typeCode;
            long size = ctx.size;
            if (isDelta(code)) {
                int b = code == ObjectType.OFS_DELTA ? rev.rankOf(ctx.baseOffset) : -1;
                size = deltaResultSize(pack, off);
                code = b >= fromRank && b < r ? types[b - fromRank] : 0;
                if (code == 0) { // base outside the range, REF_DELTA, or damage: the full lookup decides
                    code = packedHeader(pack, off, 0).type().code();
                }
            }
            types[r - fromRank] = (byte) code;
            visitor.visit(id, ObjectType.fromCode(code), size);
        }
    }

    /** Returns the type of the object the last {@link #load} returned. */
    ObjectType lastType() {
        return lastType;
    }

    /** Returns the header of the entry at {@code offset} of {@code pack}. */
    public PackEntry entryAt(PackFile pack, long offset) throws IOException {
        return pack.entry(ctx, offset);
    }

    ObjectHeader packedHeader(PackFile p, long offset, int hops) throws IOException {
        p.parseHeader(ctx, offset);
        if (!isDelta(ctx.typeCode)) {
            return new ObjectHeader(ObjectType.fromCode(ctx.typeCode), ctx.size);
        }
        long size = deltaResultSize(p, offset);
        int memo = memoLookup(p.id, offset);
        if (memo > 0) {
            return new ObjectHeader(ObjectType.fromCode(memo), size);
        }
        int depth = 0;
        int walked = 0;
        long cur = offset;
        while (true) {
            if (walked < memoPath.length) {
                memoPath[walked++] = cur;
            }
            if (ctx.typeCode == ObjectType.OFS_DELTA) {
                cur = ctx.baseOffset;
            } else {
                ObjectId base = ObjectId.fromRaw(ctx.baseId, 0, p.format.length());
                int pos = p.index.findPosition(base);
                if (pos < 0) {
                    return new ObjectHeader(headerAnywhere(base, p, cur, hops).type(), size);
                }
                cur = p.index.offsetAt(pos);
            }
            if (++depth > p.objectCount()) {
                throw new CorruptPackException(p.packPath, offset, "delta chain is cyclic");
            }
            int known = memoLookup(p.id, cur);
            if (known > 0) {
                return memoized(p, walked, ObjectType.fromCode(known), size);
            }
            p.parseHeader(ctx, cur);
            if (!isDelta(ctx.typeCode)) {
                if (walked < memoPath.length) {
                    memoPath[walked++] = cur;
                }
                return memoized(p, walked, ObjectType.fromCode(ctx.typeCode), size);
            }
        }
    }

    // Per-reader memo of the object type of delta entries: a header lookup walks a delta chain
    // only until it meets an entry whose type an earlier lookup found. Types of (pack, offset)
    // never change: a replaced pack gets a new id.
    private static final int MEMO_BITS = 16;
    private long[] memoKeys;
    private byte[] memoTypes;
    private final long[] memoPath = new long[64];

    private int memoLookup(int packId, long offset) {
        if (memoKeys == null) {
            return 0;
        }
        long k = ((long) packId << 44 | offset) + 1;
        int i = memoSlot(k);
        return memoKeys[i] == k ? memoTypes[i] : 0;
    }

    private ObjectHeader memoized(PackFile p, int walked, ObjectType type, long size) {
        if (memoKeys == null) {
            memoKeys = new long[1 << MEMO_BITS];
            memoTypes = new byte[1 << MEMO_BITS];
        }
        for (int i = 0; i < walked; i++) {
            long k = ((long) p.id << 44 | memoPath[i]) + 1;
            int slot = memoSlot(k);
            memoKeys[slot] = k;
            memoTypes[slot] = (byte) type.code();
        }
        return new ObjectHeader(type, size);
    }

    private static int memoSlot(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h >>> (64 - MEMO_BITS));
    }

    private ObjectHeader headerAnywhere(ObjectId base, PackFile from, long offset, int hops) throws IOException {
        if (hops >= MAX_PACK_HOPS) {
            throw new CorruptPackException(from.packPath, offset, "REF_DELTA bases hop across packs too often (cycle?)");
        }
        for (PackFile q : db.packArray()) {
            int pos = q.index.findPosition(base);
            if (pos >= 0 && q != from) {
                return packedHeader(q, q.index.offsetAt(pos), hops + 1);
            }
        }
        ObjectHeader h = db.looseHeader(base);
        if (h == null) {
            throw new MissingObjectException(base);
        }
        return h;
    }

    /** Inflates just enough of the delta at {@code ctx} to read its result size. */
    private long deltaResultSize(PackFile p, long offset) throws IOException {
        int n = (int) Math.min(ctx.size, 20);
        p.inflatePrefix(ctx, offset, ctx.dataOffset, deltaHead, n);
        long result = Delta.resultSize(deltaHead, n, p.packPath, offset);
        // One instruction byte yields at most 0xffffff bytes (a copy with three size bytes
        // takes four): a larger claim is damage, not an object to stream.
        if (result / 0xffffffL > ctx.size) {
            throw new CorruptPackException(p.packPath, offset, "delta result size " + result
                    + " cannot come from a delta of " + ctx.size + " bytes");
        }
        return result;
    }

    /**
     * Returns the content of the entry at {@code offset}, resolving deltas outward from the
     * nearest cached or whole base, and sets {@link #lastType}. Returns null, having built
     * nothing large, when the base or a result would exceed {@code limit}.
     */
    byte[] load(PackFile p, long offset, int hops, long limit) throws IOException {
        int depth = 0;
        long cur = offset;
        byte[] base;
        ObjectType type;
        while (true) {
            DeltaBaseCache.Entry cached = depth > 0 ? db.cache().get(p.id, cur) : null;
            if (cached != null) {
                base = cached.data();
                type = cached.type();
                break;
            }
            p.parseHeader(ctx, cur);
            if (!isDelta(ctx.typeCode)) {
                type = ObjectType.fromCode(ctx.typeCode);
                if (ctx.size > limit) {
                    return null;
                }
                base = inflateWhole(p, cur, ctx.dataOffset, ctx.size);
                if (depth > 0) {
                    db.cache().put(p.id, cur, type, base);
                }
                break;
            }
            push(depth++, cur, ctx.dataOffset, ctx.size);
            if (depth > p.objectCount()) {
                throw new CorruptPackException(p.packPath, offset, "delta chain is cyclic");
            }
            if (ctx.typeCode == ObjectType.OFS_DELTA) {
                cur = ctx.baseOffset;
            } else {
                ObjectId baseId = ObjectId.fromRaw(ctx.baseId, 0, p.format.length());
                int pos = p.index.findPosition(baseId);
                if (pos >= 0) {
                    cur = p.index.offsetAt(pos);
                } else {
                    base = loadAnywhere(baseId, p, cur, hops);
                    type = lastType;
                    break;
                }
            }
        }
        int every = checkpointEvery(p);
        // Apply outward. Only the result and the checkpoints that go to the cache get arrays of
        // their own; the other intermediates alternate between two reused scratch buffers.
        int baseLen = base.length;
        for (int i = depth - 1; i >= 0; i--) {
            long dsize = chainSize[i];
            if (dsize > db.maxObjectSize()) { // never allocate what a header claims beyond the configured cap
                throw new CorruptPackException(p.packPath, chainOffset[i], "delta of " + dsize
                        + " bytes exceeds the limit of " + db.maxObjectSize());
            }
            int dlen = (int) dsize;
            boolean cacheable = dlen >= CACHED_DELTA && dlen <= db.cache().maxBytes() / 4;
            byte[] d = cacheable ? db.cache().getDelta(p.id, chainOffset[i]) : null;
            if (d == null) {
                if (cacheable) {
                    d = new byte[dlen];
                } else {
                    deltaBuf = ReadContext.atLeast(deltaBuf, dsize);
                    d = deltaBuf;
                }
                p.inflate(ctx, chainOffset[i], chainData[i], d, dlen);
                if (d != deltaBuf) {
                    db.cache().putDelta(p.id, chainOffset[i], d);
                }
            }
            if (limit != Long.MAX_VALUE && Delta.resultSize(d, dlen, p.packPath, chainOffset[i]) > limit) {
                return null;
            }
            int res = Delta.checkHeader(baseLen, d, dlen, db.maxObjectSize(), p.packPath, chainOffset[i], deltaPos);
            boolean own = i == 0 || (depth - i) % every == 0;
            byte[] out;
            if (own) {
                out = new byte[res];
            } else {
                out = scratchFor(res, base);
            }
            Delta.applyInto(base, baseLen, d, dlen, deltaPos[0], out, res, p.packPath, chainOffset[i]);
            if (own && i > 0) {
                db.cache().put(p.id, chainOffset[i], type, out);
            }
            base = out;
            baseLen = res;
        }
        lastType = type;
        return base;
    }

    private final int[] deltaPos = new int[1];

    /**
     * Inflated deltas at least this large go to the base cache too (as delta data, not results):
     * random reads spend most of their time inflating the same deltas again, and a delta is far
     * smaller than the object it rebuilds. Smaller ones (stored or fixed-Huffman zlib, ~0.3 µs
     * each) are cheaper to inflate than to cache.
     */
    private static final int CACHED_DELTA = 1024;
    private byte[] scratchA = new byte[0];
    private byte[] scratchB = new byte[0];

    /**
     * How often the intermediate results of a chain are cached besides its root: every
     * {@code n}th level from the base, {@code n} growing with the pack's size against the cache.
     * When the pack's objects fit in the cache (a small repository read over and over), caching
     * every level leaves one delta to apply per read: 2.7x faster than every 32nd level on the
     * 1,789-object fixture. When they cannot fit (git.git in id order: each object requested
     * once, in random pack order), a one-time intermediate costs an allocation and displaces
     * roots, which are reused: every 32nd level was 28% faster there than every level.
     */
    private int checkpointEvery(PackFile p) {
        long cacheBytes = Math.max(1, db.cache().maxBytes());
        long ratio = p.dataEnd * 4 / cacheBytes; // objects inflate to ~4x their packed size
        return (int) Math.max(1, Math.min(MAX_CHECKPOINT, ratio));
    }

    private static final int MAX_CHECKPOINT = 32;

    /** Returns a scratch buffer of at least {@code len} bytes that is not {@code inUse}. */
    private byte[] scratchFor(int len, byte[] inUse) {
        if (inUse != scratchA) {
            if (scratchA.length < len) {
                scratchA = new byte[(int) Math.max(len, Math.min(Integer.MAX_VALUE - 16, scratchA.length + (long) (scratchA.length >> 1)))];
            }
            return scratchA;
        }
        if (scratchB.length < len) {
            scratchB = new byte[(int) Math.max(len, Math.min(Integer.MAX_VALUE - 16, scratchB.length + (long) (scratchB.length >> 1)))];
        }
        return scratchB;
    }

    private byte[] loadAnywhere(ObjectId baseId, PackFile from, long offset, int hops) throws IOException {
        if (hops >= MAX_PACK_HOPS) {
            throw new CorruptPackException(from.packPath, offset, "REF_DELTA bases hop across packs too often (cycle?)");
        }
        // Save our chain: the nested load reuses this reader's arrays.
        long[] o = chainOffset.clone();
        long[] d = chainData.clone();
        long[] s = chainSize.clone();
        byte[] data = null;
        for (PackFile q : db.packArray()) {
            int pos = q.index.findPosition(baseId);
            if (pos >= 0 && q != from) {
                data = load(q, q.index.offsetAt(pos), hops + 1, Long.MAX_VALUE);
                break;
            }
        }
        if (data == null) {
            ObjectLoader l = db.openLoose(baseId);
            if (l == null) {
                throw new MissingObjectException(baseId);
            }
            data = l.bytes();
            lastType = l.type();
        }
        chainOffset = o;
        chainData = d;
        chainSize = s;
        return data;
    }

    private byte[] inflateWhole(PackFile p, long entry, long dataOffset, long size) throws IOException {
        if (size > db.maxObjectSize() || size > Integer.MAX_VALUE - 16) {
            throw new CorruptPackException(p.packPath, entry, "object of " + size + " bytes exceeds the limit of " + db.maxObjectSize());
        }
        byte[] out = new byte[(int) size];
        p.inflate(ctx, entry, dataOffset, out, (int) size);
        return out;
    }

    private void push(int i, long offset, long data, long size) {
        if (i == chainOffset.length) {
            chainOffset = Arrays.copyOf(chainOffset, i * 2);
            chainData = Arrays.copyOf(chainData, i * 2);
            chainSize = Arrays.copyOf(chainSize, i * 2);
        }
        chainOffset[i] = offset;
        chainData[i] = data;
        chainSize[i] = size;
    }

    static boolean isDelta(int typeCode) {
        return typeCode == ObjectType.OFS_DELTA || typeCode == ObjectType.REF_DELTA;
    }

    /** Releases pinned windows (the reader stays usable). */
    public void release() {
        ctx.unpinAll();
        if (scratchA.length > (1 << 20) || scratchB.length > (1 << 20)) {
            scratchA = new byte[0]; // an idle pooled reader keeps no big scratch arrays
            scratchB = new byte[0];
        }
    }

    /** Releases cursors and ends the inflater. */
    @Override
    public void close() {
        ctx.close();
    }
}
