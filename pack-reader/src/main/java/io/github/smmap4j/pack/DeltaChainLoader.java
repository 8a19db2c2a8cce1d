package io.github.smmap4j.pack;

import java.io.IOException;
import java.util.Arrays;

/**
 * Loads an entry's content: walks its delta chain back to the nearest cached or whole base
 * (without recursion; REF_DELTA bases in other packs or loose are read through the same loader),
 * then applies the deltas outward. The chain lives on a reused stack: a nested load for a base in
 * another pack pushes above the current chain and pops its own part. Single-thread, one per
 * reader.
 */
final class DeltaChainLoader {
    /** Cross-pack REF_DELTA hops allowed before a chain is called cyclic. */
    static final int MAX_PACK_HOPS = 64;
    /**
     * Inflated deltas at least this large go to the base cache too (as delta data, not results):
     * random reads spend most of their time inflating the same deltas again, and a delta is far
     * smaller than the object it rebuilds. Smaller ones (stored or fixed-Huffman zlib, ~0.3 µs
     * each) are cheaper to inflate than to cache.
     */
    private static final int CACHED_DELTA = 1024;
    private static final int MAX_CHECKPOINT = 32;

    /** A loaded entry: its type and content. */
    record Loaded(ObjectType type, byte[] data) {
    }

    private final Storage storage;
    private final ReadContext ctx;
    // The chain stack: entries [frame start, top) belong to the innermost load in progress.
    private long[] chainOffset = new long[64];
    private long[] chainData = new long[64];
    private long[] chainSize = new long[64];
    private int top;
    private byte[] deltaBuf = new byte[8192];
    private byte[] scratchA = new byte[0];
    private byte[] scratchB = new byte[0];

    DeltaChainLoader(Storage storage, ReadContext ctx) {
        this.storage = storage;
        this.ctx = ctx;
    }

    /**
     * Returns the content and type of the entry at {@code offset} of {@code p}, or null, having
     * built nothing large, when the base or a result would exceed {@code limit}.
     *
     * @param hops cross-pack REF_DELTA hops taken so far
     */
    Loaded load(PackFile p, long offset, int hops, long limit) throws IOException {
        int frame = top;
        try {
            return loadFrom(p, offset, hops, limit, frame);
        } finally {
            top = frame;
        }
    }

    private Loaded loadFrom(PackFile p, long offset, int hops, long limit, int frame) throws IOException {
        DeltaBaseCache cache = storage.cache();
        long cur = offset;
        byte[] base;
        ObjectType type;
        while (true) {
            DeltaBaseCache.Entry cached = top > frame ? cache.get(p.id, cur) : null;
            if (cached != null) {
                base = cached.data();
                type = cached.type();
                break;
            }
            EntryHeader h = p.parseHeader(ctx, cur);
            if (!h.isDelta()) {
                type = h.type();
                if (h.size > limit) {
                    return null;
                }
                base = inflateWhole(p, cur, h);
                if (top > frame) {
                    cache.put(p.id, cur, type, base);
                }
                break;
            }
            push(cur, h.dataOffset, h.size);
            if (top - frame > p.objectCount()) {
                throw new CorruptPackException(p.packPath, offset, "delta chain is cyclic");
            }
            long next = p.baseOffsetOf(h);
            if (next < 0) {
                Loaded elsewhere = loadElsewhere(h.baseId(p.format), p, cur, hops);
                base = elsewhere.data();
                type = elsewhere.type();
                break;
            }
            cur = next;
        }
        byte[] out = applyChain(p, frame, base, type, limit);
        return out == null ? null : new Loaded(type, out);
    }

    /**
     * Applies the deltas of {@code [frame, top)} outward to {@code base}. Only the result and the
     * checkpoints that go to the cache get arrays of their own; the other intermediates alternate
     * between two reused scratch buffers.
     */
    private byte[] applyChain(PackFile p, int frame, byte[] base, ObjectType type, long limit) throws IOException {
        DeltaBaseCache cache = storage.cache();
        long maxObject = storage.maxObjectSize();
        int depth = top - frame;
        int every = checkpointEvery(p);
        int baseLen = base.length;
        for (int i = top - 1; i >= frame; i--) {
            long entry = chainOffset[i];
            int dlen = Limits.arraySize(chainSize[i], maxObject, "delta", p.packPath, entry);
            boolean cacheable = dlen >= CACHED_DELTA && dlen <= cache.maxBytes() / 4;
            byte[] d = cacheable ? cache.getDelta(p.id, entry) : null;
            if (d == null) {
                d = cacheable ? new byte[dlen] : (deltaBuf = Limits.atLeast(deltaBuf, dlen));
                p.inflate(ctx, entry, chainData[i], d, dlen);
                if (cacheable) {
                    cache.putDelta(p.id, entry, d);
                }
            }
            if (limit != Long.MAX_VALUE && Delta.resultSize(d, dlen, p.packPath, entry) > limit) {
                return null;
            }
            long h = Delta.header(d, dlen, baseLen, maxObject, p.packPath, entry);
            int res = (int) Delta.headerResult(h);
            boolean own = i == frame || (top - i) % every == 0;
            byte[] out = own ? new byte[res] : scratchFor(res, base);
            Delta.applyInto(base, baseLen, d, dlen, Delta.headerStart(h), out, res, p.packPath, entry);
            if (own && i > frame) {
                cache.put(p.id, entry, type, out);
            }
            base = out;
            baseLen = res;
        }
        return depth == 0 || base.length == baseLen ? base : Arrays.copyOf(base, baseLen);
    }

    /** A REF_DELTA base that {@code from} does not hold: another pack's entry, or a loose object. */
    private Loaded loadElsewhere(ObjectId baseId, PackFile from, long offset, int hops) throws IOException {
        if (hops >= MAX_PACK_HOPS) {
            throw new CorruptPackException(from.packPath, offset, "REF_DELTA bases hop across packs too often (cycle?)");
        }
        ObjectLocation at = storage.packs().find(baseId, from);
        if (at != null) {
            return load(at.pack(), at.offset(), hops + 1, Long.MAX_VALUE);
        }
        ObjectLoader l = storage.loose().load(baseId, Long.MAX_VALUE, storage.maxObjectSize());
        if (l == null) {
            throw new MissingObjectException(baseId);
        }
        return new Loaded(l.type(), l.bytes());
    }

    /** Inflates the whole entry at {@code entry} (header {@code h}) into a new array. */
    byte[] inflateWhole(PackFile p, long entry, EntryHeader h) throws IOException {
        int len = Limits.arraySize(h.size, storage.maxObjectSize(), "object", p.packPath, entry);
        byte[] out = new byte[len];
        p.inflate(ctx, entry, h.dataOffset, out, len);
        return out;
    }

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
        long cacheBytes = Math.max(1, storage.cache().maxBytes());
        long ratio = p.dataEnd * 4 / cacheBytes; // objects inflate to ~4x their packed size
        return (int) Math.max(1, Math.min(MAX_CHECKPOINT, ratio));
    }

    /** Returns a scratch buffer of at least {@code len} bytes that is not {@code inUse} (grows by half). */
    private byte[] scratchFor(int len, byte[] inUse) {
        if (inUse != scratchA) {
            scratchA = grownByHalf(scratchA, len);
            return scratchA;
        }
        scratchB = grownByHalf(scratchB, len);
        return scratchB;
    }

    private static byte[] grownByHalf(byte[] b, int len) {
        return b.length >= len ? b : new byte[(int) Math.max(len, Math.min(Limits.MAX_ARRAY, b.length + (long) (b.length >> 1)))];
    }

    private void push(long offset, long data, long size) {
        if (top == chainOffset.length) {
            chainOffset = Arrays.copyOf(chainOffset, top * 2);
            chainData = Arrays.copyOf(chainData, top * 2);
            chainSize = Arrays.copyOf(chainSize, top * 2);
        }
        chainOffset[top] = offset;
        chainData[top] = data;
        chainSize[top] = size;
        top++;
    }

    /** Drops big scratch arrays (an idle pooled reader keeps none). */
    void trim() {
        if (scratchA.length > (1 << 20) || scratchB.length > (1 << 20)) {
            scratchA = new byte[0];
            scratchB = new byte[0];
        }
    }
}
