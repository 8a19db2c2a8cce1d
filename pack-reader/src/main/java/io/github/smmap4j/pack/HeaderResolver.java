package io.github.smmap4j.pack;

import java.io.IOException;
import java.util.Arrays;

/**
 * The one resolver of what an entry is without its content: type (a delta's comes from the end
 * of its chain), size (a delta's from its inflated header), size on disk and delta base. Serves
 * {@code header}, {@code info} and the pack-order info walk. Single-thread, one per reader.
 *
 * <p>A delta's type is memoised by offset in its pack's {@link DeltaTypes}, shared by all readers,
 * so a lookup walks a chain only until an entry whose type an earlier lookup (of any reader)
 * found (in a pack-order walk: the base, met just before). The table needs no reverse index, so
 * one bad index offset spoils no other lookup.
 */
final class HeaderResolver {
    private final Storage storage;
    private final ReadContext ctx;
    private final byte[] sizeHead = new byte[20];
    private long[] path = new long[64];

    HeaderResolver(Storage storage, ReadContext ctx) {
        this.storage = storage;
        this.ctx = ctx;
    }

    /** Returns the type and size of the entry at {@code offset}, inflating only a delta's header. */
    ObjectHeader header(PackFile p, long offset, int hops) throws IOException {
        EntryHeader h = p.parseHeader(ctx, offset);
        if (!h.isDelta()) {
            return new ObjectHeader(h.type(), h.size);
        }
        long size = deltaResultSize(p, offset, h);
        return new ObjectHeader(typeOf(p, offset, hops), size);
    }

    /**
     * Returns the size of the entry at {@code offset}: a delta's result size from its own header,
     * without resolving its chain (as git's {@code cat-file -s} does), so no base is read.
     */
    long size(PackFile p, long offset) throws IOException {
        EntryHeader h = p.parseHeader(ctx, offset);
        return h.isDelta() ? deltaResultSize(p, offset, h) : h.size;
    }

    /** Returns what {@code cat-file --batch-check} prints of the entry at {@code offset}. */
    ObjectInfo info(PackFile p, long offset, ObjectId id) throws IOException {
        return fill(new PackEntryInfo(p.format), new ObjectLocation(id, p, offset)).info();
    }

    /** Fills {@code e} with the entry at packed location {@code at}; returns {@code e}. */
    PackEntryInfo fill(PackEntryInfo e, ObjectLocation at) throws IOException {
        PackFile p = at.pack();
        ReverseIndex rev = p.reverseIndex();
        fill(e, p, rev, at.offset(), entryRank(p, rev, at.offset(), at.offset(), null), at.id(), null, 0, null);
        return e;
    }

    /** Fills {@code e} with loose object {@code id} and returns it, or returns null if there is none. */
    PackEntryInfo fillLoose(PackEntryInfo e, ObjectId id) throws IOException {
        ObjectInfo i = storage.loose().info(id);
        if (i == null) {
            return null;
        }
        e.loose(i);
        return e;
    }

    /**
     * Fills {@code e} with the entry at {@code offset} (rank {@code rank}). With {@code walked},
     * the resolved type codes of a pack-order walk's ranks from {@code from} on (0: not yet met),
     * a delta whose base the walk met takes its type from there instead of a chain lookup; the
     * entry's own type is recorded, and {@code recent} (the walk's entries so far) finds the base.
     */
    private void fill(PackEntryInfo e, PackFile p, ReverseIndex rev, long offset, int rank, ObjectId id,
                      byte[] walked, int from, RecentRanks recent) throws IOException {
        EntryHeader h = p.parseHeader(ctx, offset);
        long disk = recent != null ? recent.packedLength(rank) : rev.packedLength(rank);
        if (!h.isDelta()) {
            e.set(p, rev, offset, id, h.type(), h.size, disk);
            e.whole();
        } else {
            int b = h.typeCode == ObjectType.REF_DELTA ? -1 : entryRank(p, rev, h.baseOffset, offset, recent);
            e.delta(b, h); // takes the REF_DELTA base id before a chain lookup reuses the header
            long size = deltaResultSize(p, offset, h);
            int known = walked != null && b >= from && b < rank ? walked[b - from] : 0;
            e.set(p, rev, offset, id, known != 0 ? ObjectType.fromCode(known) : typeOf(p, offset, 0), size, disk);
        }
        if (walked != null) {
            walked[rank - from] = (byte) e.type().code();
        }
    }

    /**
     * Visits the entries of ranks {@code [from, to)} of {@code p} in pack order through one
     * reused view (see {@link ObjectReader#walkPackInfo}): a delta's base was met earlier in the
     * walk, so its type is known without a lookup.
     */
    void walk(PackFile p, int from, int to, ObjectReader.PackInfoVisitor visitor) throws IOException {
        ReverseIndex rev = p.reverseIndex();
        byte[] walked = new byte[to - from];
        PackEntryInfo e = new PackEntryInfo(p.format);
        RecentRanks recent = new RecentRanks(p, rev, from, to);
        for (int r = from; r < to; r++) {
            long off = recent.offsetAt(r);
            ObjectId id = p.index.idAt(recent.positionAt(r));
            try {
                fill(e, p, rev, off, r, id, walked, from, recent);
            } catch (CorruptPackException | MissingObjectException damaged) {
                visitor.damaged(id, damaged); // its type stays unknown: its deltas look it up, and fail too
                continue;
            }
            visitor.visit(e);
        }
    }

    /**
     * The rank of the entry at {@code offset}, which must be an entry ({@code entry} is the one
     * read, for messages); {@code recent}: the entries a pack-order walk met, the last being a
     * delta whose header parse checked that its base (at {@code offset}) lies before it, or null.
     */
    private static int entryRank(PackFile p, ReverseIndex rev, long offset, long entry, RecentRanks recent)
            throws CorruptPackException {
        int r = recent == null ? rev.rankOf(offset) : recent.rankOf(offset);
        if (r < 0) {
            throw new CorruptPackException(p.packPath, entry, "delta base offset " + offset + " is not an entry");
        }
        return r;
    }

    /**
     * The resolved type of the delta at {@code offset}: walks the chain until an entry whose type
     * is known, then memoises the whole path.
     */
    private ObjectType typeOf(PackFile p, long offset, int hops) throws IOException {
        DeltaTypes memo = p.deltaTypes();
        int n = 0;
        long cur = offset;
        int type;
        while (true) {
            int known = memo.lookup(cur);
            if (known != 0) {
                type = known;
                break;
            }
            if (n == path.length) {
                path = Arrays.copyOf(path, n * 2);
            }
            path[n++] = cur;
            EntryHeader h = p.parseHeader(ctx, cur);
            if (!h.isDelta()) {
                type = h.typeCode;
                break;
            }
            if (n > p.objectCount()) {
                throw new CorruptPackException(p.packPath, offset, "delta chain is cyclic");
            }
            long next = p.baseOffsetOf(h);
            if (next < 0) {
                type = elsewhere(h.baseId(p.format), p, cur, hops).type().code();
                break;
            }
            cur = next;
        }
        for (int i = 0; i < n; i++) {
            memo.put(path[i], type);
        }
        return ObjectType.fromCode(type);
    }

    /** The header of a REF_DELTA base that {@code from} does not hold: in another pack, or loose. */
    private ObjectHeader elsewhere(ObjectId base, PackFile from, long offset, int hops) throws IOException {
        if (hops >= DeltaChainLoader.MAX_PACK_HOPS) {
            throw new CorruptPackException(from.packPath, offset, "REF_DELTA bases hop across packs too often (cycle?)");
        }
        ObjectLocation at = storage.packs().find(base, from);
        if (at != null) {
            return header(at.pack(), at.offset(), hops + 1);
        }
        ObjectInfo i = storage.loose().info(base);
        if (i == null) {
            throw new MissingObjectException(base);
        }
        return new ObjectHeader(i.type(), i.size());
    }

    /** Inflates just enough of the delta {@code h} at {@code offset} to read its result size. */
    private long deltaResultSize(PackFile p, long offset, EntryHeader h) throws IOException {
        long deltaSize = h.size;
        int n = (int) Math.min(deltaSize, sizeHead.length);
        p.inflatePrefix(ctx, offset, h.dataOffset, sizeHead, n);
        long result = Delta.resultSize(sizeHead, n, p.packPath, offset);
        // One instruction byte yields at most 0xffffff bytes (a copy with three size bytes
        // takes four): a larger claim is damage, not an object to stream.
        if (result / 0xffffffL > deltaSize) {
            throw new CorruptPackException(p.packPath, offset, "delta result size " + result
                    + " cannot come from a delta of " + deltaSize + " bytes");
        }
        return result;
    }
}
