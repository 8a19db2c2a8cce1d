package io.github.smmap4j.pack;

/**
 * One entry of a pack-order info walk ({@link ObjectReader#walkPackInfo}): what
 * {@code cat-file --batch-check} prints of it, and where it is. A view the walk reuses for every
 * entry: valid only during the visitor's call (copy what you keep, e.g. with {@link #info()}).
 * The delta base id is made only when asked for.
 */
public final class PackEntryInfo {
    private final ObjectFormat format;
    private PackFile pack;
    private ReverseIndex rev;
    private long offset;
    private ObjectId id;
    private ObjectType type;
    private long size;
    private long diskSize;
    private int baseRank;        // an OFS_DELTA's base rank, else -1
    private boolean refDelta;
    private final byte[] refBase = new byte[32];

    PackEntryInfo(ObjectFormat format) {
        this.format = format;
    }

    /** Points the view at the entry at {@code offset} of {@code pack} (whether it is a delta: {@link #whole}, {@link #delta}). */
    void set(PackFile pack, ReverseIndex rev, long offset, ObjectId id, ObjectType type, long size, long diskSize) {
        this.pack = pack;
        this.rev = rev;
        this.offset = offset;
        this.id = id;
        this.type = type;
        this.size = size;
        this.diskSize = diskSize;
    }

    /** Points the view at a loose object (a walk's entry whose pack went away, read loose since). */
    void loose(ObjectInfo i) {
        set(null, null, -1, i.id(), i.type(), i.size(), i.diskSize());
        whole();
    }

    /** Marks the entry as a whole object. */
    void whole() {
        this.baseRank = -1;
        this.refDelta = false;
    }

    /** Marks the entry as a delta on the entry of rank {@code baseRank}, or (when it is -1) on the REF_DELTA base {@code h.baseId}. */
    void delta(int baseRank, EntryHeader h) {
        this.baseRank = baseRank;
        this.refDelta = baseRank < 0;
        if (refDelta) {
            System.arraycopy(h.baseId, 0, refBase, 0, format.length());
        }
    }

    /** Returns the object id. */
    public ObjectId id() {
        return id;
    }

    /** Returns the object's type (a delta's resolved type). */
    public ObjectType type() {
        return type;
    }

    /** Returns the object's size (a delta's result size). */
    public long size() {
        return size;
    }

    /** Returns the bytes the entry occupies in the pack (header and compressed data). */
    public long diskSize() {
        return diskSize;
    }

    /** Returns true if the entry is stored as a delta. */
    public boolean isDelta() {
        return refDelta || baseRank >= 0;
    }

    /** Returns the delta base's id, or the all-zero id for a whole entry ({@code %(deltabase)}). */
    public ObjectId deltaBase() {
        if (refDelta) {
            return ObjectId.fromRaw(refBase, 0, format.length());
        }
        return baseRank < 0 ? format.zeroId() : pack.index.idAt(rev.positionAt(baseRank));
    }

    /**
     * Returns the pack holding the entry: the walked pack, or, once that pack went away
     * underneath, the one holding the object now (null if it is loose now).
     */
    public PackFile pack() {
        return pack;
    }

    /** Returns the entry's offset in {@link #pack()} (-1 for a loose object). */
    public long offset() {
        return offset;
    }

    /** Returns where the object is, to read it with {@link ObjectReader#open(ObjectLocation)}. */
    public ObjectLocation location() {
        return pack == null ? ObjectLocation.loose(id) : new ObjectLocation(id, pack, offset);
    }

    /** Returns a copy of what the view says, to keep. */
    public ObjectInfo info() {
        return new ObjectInfo(id, type, size, diskSize, deltaBase());
    }
}
