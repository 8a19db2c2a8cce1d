package io.github.smmap4j.pack;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Reads objects of one {@link ObjectDatabase}: single-thread, cheap to keep, reuses its cursors,
 * inflater and buffers across objects. Get one per thread from {@link ObjectDatabase#newReader()}
 * and close it when done.
 */
public final class ObjectReader implements AutoCloseable {
    private final Storage storage;
    private final ReadContext ctx = new ReadContext();
    private final DeltaChainLoader loader;
    private final HeaderResolver headers;
    private final LargeObjectStreams streams;

    ObjectReader(Storage storage) {
        this.storage = storage;
        this.loader = new DeltaChainLoader(storage, ctx);
        this.headers = new HeaderResolver(storage, ctx);
        this.streams = new LargeObjectStreams(storage);
    }

    /** Returns true if the database holds {@code id}. */
    public boolean has(ObjectId id) throws IOException {
        return storage.packs().find(id, null) != null || storage.loose().has(id)
                || (storage.packs().rescanIfChanged() && storage.packs().find(id, null) != null);
    }

    /**
     * Loads {@code id}. Objects larger than the stream threshold come back as a loader whose
     * content is read with {@link ObjectLoader#openStream()}.
     *
     * @throws MissingObjectException if no pack, loose object or alternate holds it
     * @throws CorruptPackException if the data is damaged in every copy (a damaged copy is passed
     *         over for the next pack's, then the loose one, as git does); the first damage met
     */
    public ObjectLoader open(ObjectId id) throws IOException {
        return lookup(id, this::openPacked, this::openLoose);
    }

    /**
     * Loads the object at {@code where}, as found by a bulk iteration (no lookup by id). If its
     * pack went away or changed underneath since (gc, repack), the object is read wherever it
     * is now, as {@link #open(ObjectId)} finds it; if that entry is damaged, the object's other
     * copies are read as {@link #open(ObjectId)} reads them.
     */
    public ObjectLoader open(ObjectLocation where) throws IOException {
        return where.isPacked() ? located(where, this::openPacked, this::openLoose) : open(where.id());
    }

    /** Returns the type and size of {@code id}, inflating only delta headers. */
    public ObjectHeader header(ObjectId id) throws IOException {
        return lookup(id, l -> headers.header(l.pack(), l.offset(), 0), i -> {
            ObjectInfo info = storage.loose().info(i);
            return info == null ? null : new ObjectHeader(info.type(), info.size());
        });
    }

    /**
     * Returns the size of {@code id}'s content, reading no delta base: a delta's size is in its own
     * header, so this costs one entry header and a few inflated bytes, where {@link #header} also
     * walks the chain for the type (git's {@code cat-file -s} reads the same way, and so succeeds
     * on a delta whose base is damaged).
     *
     * @throws MissingObjectException if no pack or loose object holds {@code id}
     * @throws CorruptPackException if the entry (or every copy of it) is damaged
     */
    public long size(ObjectId id) throws IOException {
        return lookup(id, l -> headers.size(l.pack(), l.offset()), i -> {
            ObjectInfo info = storage.loose().info(i);
            return info == null ? null : info.size();
        });
    }

    /** Returns what {@code cat-file --batch-check} can print of {@code id}. */
    public ObjectInfo info(ObjectId id) throws IOException {
        return lookup(id, l -> headers.info(l.pack(), l.offset(), l.id()), storage.loose()::info);
    }

    /**
     * Returns what {@code cat-file --batch-check} can print of the object at {@code where} (or,
     * if its pack went away underneath, of the object wherever it is now); if that entry is
     * damaged, of the object's next copy, as {@link #info(ObjectId)} does.
     */
    public ObjectInfo info(ObjectLocation where) throws IOException {
        return where.isPacked() ? located(where, this::packedInfo, storage.loose()::info) : info(where.id());
    }

    private ObjectInfo packedInfo(ObjectLocation l) throws IOException {
        return headers.info(l.pack(), l.offset(), l.id());
    }

    /** Opens a stream over {@code id}'s content; large whole entries are inflated as read. */
    public InputStream stream(ObjectId id) throws IOException {
        return open(id).openStream();
    }

    /**
     * Visits the entries of {@code pack} whose offset rank (position in pack order) is in
     * {@code [fromRank, toRank)}, in pack order: the fastest way to read every object, each
     * base inflated once. If the pack goes away underneath (gc, repack), the entries not yet
     * visited are read by id wherever they are now, still one per rank in rank order; one that is
     * nowhere any more fails the walk with {@link MissingObjectException}.
     */
    public void walkPackOrder(PackFile pack, int fromRank, int toRank, ObjectVisitor visitor) throws IOException {
        Objects.checkFromToIndex(fromRank, toRank, pack.objectCount());
        WalkProgress at = new WalkProgress(fromRank);
        try {
            new PackWalk(this, storage, ctx, pack).run(fromRank, toRank,
                    (id, type, size, data, large) -> at.visit(() -> visitor.visit(id, type, size, data, large)));
        } catch (IOException e) {
            if (at.inVisitor() || !wentAway(e, pack)) {
                throw e;
            }
        }
        for (int r = at.next(); r < toRank; r++) { // the pack went away: the rest wherever it is now
            open(pack.idAtRank(r)).visitBy(visitor);
        }
    }

    /** Receives the entries of a pack-order info walk ({@link #walkPackInfo}). */
    @FunctionalInterface
    public interface PackInfoVisitor {
        /** Called once per entry with a view of it, valid during the call: what {@code --batch-check} prints of it, and where it is. */
        void visit(PackEntryInfo entry) throws IOException;

        /**
         * Called instead of {@link #visit} for the entry of {@code id} whose type or size cannot
         * be read: a damaged entry header or delta header, a delta base that is damaged or
         * nowhere ({@code error} is a {@link CorruptPackException} naming file and offset, or a
         * {@link MissingObjectException}). The default throws {@code error}, ending the walk;
         * returning goes on with the next entry (as {@code git cat-file --batch-all-objects
         * --unordered} prints such an object missing).
         */
        default void damaged(ObjectId id, IOException error) throws IOException {
            throw error;
        }
    }

    /**
     * Visits the type, size, size on disk and delta base of the entries of {@code pack} whose
     * offset rank is in {@code [fromRank, toRank)}, in pack order, inflating only the first bytes
     * of each delta: what {@code git cat-file --batch-check --batch-all-objects --unordered}
     * does. Sequential reads, no index search, and a delta's type comes from its base, met
     * earlier in the walk, instead of a walk down its chain. If the pack goes away underneath,
     * the entries not yet visited are described wherever they are now (another pack, or loose),
     * as {@link #walkPackOrder} does.
     */
    public void walkPackInfo(PackFile pack, int fromRank, int toRank, PackInfoVisitor visitor) throws IOException {
        Objects.checkFromToIndex(fromRank, toRank, pack.objectCount());
        WalkProgress at = new WalkProgress(fromRank);
        try {
            headers.walk(pack, fromRank, toRank, new PackInfoVisitor() {
                @Override
                public void visit(PackEntryInfo e) throws IOException {
                    at.visit(() -> visitor.visit(e));
                }

                @Override
                public void damaged(ObjectId id, IOException error) throws IOException {
                    at.visit(() -> visitor.damaged(id, error)); // an entry handed out too, as unreadable
                }
            });
        } catch (IOException e) {
            if (at.inVisitor() || !wentAway(e, pack)) {
                throw e;
            }
        }
        PackEntryInfo e = new PackEntryInfo(pack.format);
        for (int r = at.next(); r < toRank; r++) { // the pack went away: the rest wherever it is now
            lookup(pack.idAtRank(r), l -> headers.fill(e, l), i -> headers.fillLoose(e, i));
            visitor.visit(e);
        }
    }

    /** Reads the object at a packed location. */
    @FunctionalInterface
    private interface PackedRead<T> {
        T read(ObjectLocation where) throws IOException;
    }

    /** Reads {@code id} as a loose object, or returns null if there is none. */
    @FunctionalInterface
    private interface LooseRead<T> {
        T read(ObjectId id) throws IOException;
    }

    /**
     * Finds {@code id} in the packs, then among loose objects, and reads it with {@code packed} or
     * {@code loose}. Looks once more after a rescan when the id is nowhere (a new pack may have
     * appeared) or when its pack changed on disk (gc, repack, truncation). A damaged packed copy
     * sends the read to the object's other copies ({@link #otherCopy}).
     */
    private <T> T lookup(ObjectId id, PackedRead<T> packed, LooseRead<T> loose) throws IOException {
        PackDirectory packs = storage.packs();
        try {
            for (int attempt = 0; ; attempt++) {
                ObjectLocation where = packs.find(id, null);
                if (where != null) {
                    try {
                        return packed.read(where);
                    } catch (IOException e) {
                        if (attempt > 0 || !wentAway(e, where.pack())) {
                            if (e instanceof CorruptPackException damaged) {
                                return otherCopy(where, damaged, packed, loose);
                            }
                            throw e;
                        }
                        continue; // the pack went away or changed underneath (gc, repack): look again
                    }
                }
                T l = loose.read(id);
                if (l != null) {
                    return l;
                }
                if (attempt > 0 || !packs.rescanIfChanged()) {
                    throw new MissingObjectException(id);
                }
            }
        } catch (InternalError e) {
            throw packs.faulted(e);
        }
    }

    /**
     * Reads the packed location {@code where}; if its pack went away or changed underneath since
     * the location was found, looks the object up again by id; if the entry is damaged, reads
     * the object's other copies.
     */
    private <T> T located(ObjectLocation where, PackedRead<T> packed, LooseRead<T> loose) throws IOException {
        try {
            return packed.read(where);
        } catch (IOException e) {
            if (!wentAway(e, where.pack())) {
                if (e instanceof CorruptPackException damaged) {
                    return otherCopy(where, damaged, packed, loose);
                }
                throw e;
            }
        } catch (InternalError e) {
            throw storage.packs().faulted(e); // a mapping whose file shrank underneath
        }
        return lookup(where.id(), packed, loose);
    }

    /**
     * True if reading {@code pack} failed with {@code e} because the pack went away or changed on
     * disk (not for a missing delta base); then it is forgotten, and the packs are rescanned
     * unless a rescan already retired it.
     */
    private boolean wentAway(IOException e, PackFile pack) throws IOException {
        if (e instanceof MissingObjectException || !pack.changedOnDisk()) {
            return false;
        }
        ctx.forget(pack);
        storage.packs().retire(pack);
        return true;
    }

    /**
     * The copy at {@code bad} is damaged: reads the object from the next pack holding it (the
     * lookup's order, damaged copies skipped), else from its loose file, as git does
     * ({@code mark_bad_packed_object}, then the lookup again). Throws {@code damage} (the other
     * copies' failures suppressed in it) when no copy reads.
     */
    private <T> T otherCopy(ObjectLocation bad, CorruptPackException damage, PackedRead<T> packed, LooseRead<T> loose)
            throws IOException {
        ObjectId id = bad.id();
        java.util.List<PackFile> skip = new java.util.ArrayList<>(2);
        skip.add(bad.pack());
        try {
            for (ObjectLocation at = storage.packs().findSkipping(id, skip); at != null; at = storage.packs().findSkipping(id, skip)) {
                try {
                    return packed.read(at);
                } catch (CorruptPackException | MissingObjectException e) {
                    damage.addSuppressed(e);
                    skip.add(at.pack());
                }
            }
            T l = loose.read(id);
            if (l != null) {
                return l;
            }
        } catch (CorruptPackException | MissingObjectException e) {
            damage.addSuppressed(e);
        }
        throw damage;
    }

    private ObjectLoader openLoose(ObjectId id) throws IOException {
        return storage.loose().load(id, storage.streamThreshold(), storage.maxObjectSize());
    }

    /** Loads the entry at {@code where}: whole, or as a streaming loader above the stream threshold. */
    ObjectLoader openPacked(ObjectLocation where) throws IOException {
        PackFile p = where.pack();
        long offset = where.offset();
        EntryHeader h = p.parseHeader(ctx, offset);
        if (!h.isDelta() && h.size > storage.streamThreshold()) {
            long dataOffset = h.dataOffset;
            long size = h.size;
            return new ObjectLoader(where.id(), h.type(), size, () -> new PackStream(p, offset, dataOffset, size));
        }
        DeltaChainLoader.Loaded data = loader.load(p, offset, 0, storage.streamThreshold());
        if (data == null) {
            // A delta whose base or result is above the stream threshold: stream it.
            ObjectHeader oh = headers.header(p, offset, 0);
            return new ObjectLoader(where.id(), oh.type(), oh.size(), () -> streams.open(p, offset));
        }
        return new ObjectLoader(where.id(), data.type(), data.data());
    }

    /** The reader's chain loader (for the pack-order walk's rebuilds). */
    DeltaChainLoader loader() {
        return loader;
    }

    /** Returns the header of the entry at {@code offset} of {@code pack}. */
    PackEntry entryAt(PackFile pack, long offset) throws IOException {
        EntryHeader h = pack.parseHeader(ctx, offset);
        ObjectId baseId = h.typeCode == ObjectType.REF_DELTA ? h.baseId(pack.format) : null;
        return new PackEntry(offset, h.typeCode, h.size, h.dataOffset, h.baseOffset, baseId);
    }

    /** Releases pinned windows and big scratch arrays (the reader stays usable). */
    void release() {
        ctx.unpinAll();
        loader.trim();
    }

    /** Releases cursors and ends the inflater. */
    @Override
    public void close() {
        ctx.close();
    }
}
