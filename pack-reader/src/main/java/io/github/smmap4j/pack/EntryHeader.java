package io.github.smmap4j.pack;

/**
 * The parsed header of one pack entry, and its decoding ({@link #decode}): what
 * {@link PackFile#parseHeader} returns. Mutable and reused: each {@link ReadContext} owns one,
 * valid until that context parses the next header.
 */
final class EntryHeader {
    /** Pack type code: 1-4 for whole objects, {@link ObjectType#OFS_DELTA} or {@link ObjectType#REF_DELTA}. */
    int typeCode;
    /** Inflated size of the entry's data (for a delta: of the delta, not the object). */
    long size;
    /** File offset of the zlib stream. */
    long dataOffset;
    /** For OFS_DELTA the base entry's offset, else -1. */
    long baseOffset;
    /** For REF_DELTA the base object's raw id in its first {@code format.length()} bytes. */
    final byte[] baseId = new byte[32];

    /** True for OFS_DELTA and REF_DELTA entries. */
    boolean isDelta() {
        return isDelta(typeCode);
    }

    /** True if {@code typeCode} is OFS_DELTA or REF_DELTA. */
    static boolean isDelta(int typeCode) {
        return typeCode == ObjectType.OFS_DELTA || typeCode == ObjectType.REF_DELTA;
    }

    /** The object type of a whole entry (null for deltas). */
    ObjectType type() {
        return ObjectType.fromCode(typeCode);
    }

    /** The REF_DELTA base id. */
    ObjectId baseId(ObjectFormat format) {
        return ObjectId.fromRaw(baseId, 0, format.length());
    }

    /**
     * Decodes the header of the entry at {@code offset} of {@code pack} from its first
     * {@code avail} bytes {@code b[0, avail)} into this one and returns it: the type and size
     * varint, then an OFS_DELTA's base offset or a REF_DELTA's base id.
     *
     * @throws CorruptPackException on an invalid type, an overflowing varint, a bad base offset,
     *         or a declared size the rest of the pack cannot inflate to
     */
    EntryHeader decode(PackFile pack, byte[] b, int avail, long offset) throws CorruptPackException {
        int p = 0;
        int x = b[p++] & 0xff;
        int type = (x >> 4) & 7;
        long size = x & 15;
        int shift = 4;
        while ((x & 0x80) != 0) {
            if (p >= avail) {
                throw new CorruptPackException(pack.packPath, offset, "entry header runs past the end of the pack");
            }
            if (shift > 57) {
                throw new CorruptPackException(pack.packPath, offset, "entry size varint overflows");
            }
            x = b[p++] & 0xff;
            size |= (long) (x & 0x7f) << shift;
            shift += 7;
        }
        long base = -1;
        switch (type) {
            case 1, 2, 3, 4 -> { }
            case ObjectType.OFS_DELTA -> {
                if (p >= avail) {
                    throw new CorruptPackException(pack.packPath, offset, "delta base offset runs past the end of the pack");
                }
                x = b[p++] & 0xff;
                long rel = x & 0x7f;
                while ((x & 0x80) != 0) {
                    if (p >= avail || rel >= (1L << 55)) {
                        throw new CorruptPackException(pack.packPath, offset, "delta base offset varint overflows");
                    }
                    x = b[p++] & 0xff;
                    rel = ((rel + 1) << 7) | (x & 0x7f);
                }
                base = offset - rel;
                if (rel <= 0 || base < 12) {
                    throw new CorruptPackException(pack.packPath, offset, "delta base offset " + base + " is outside the pack or not before the delta");
                }
            }
            case ObjectType.REF_DELTA -> {
                int hl = pack.format.length();
                if (p + hl > avail) {
                    throw new CorruptPackException(pack.packPath, offset, "delta base id runs past the end of the pack");
                }
                System.arraycopy(b, p, baseId, 0, hl);
                p += hl;
            }
            default -> throw new CorruptPackException(pack.packPath, offset, "invalid object type " + type);
        }
        // Deflate cannot expand more than ~1032:1: a larger declared size is damage or an attack.
        long remaining = pack.dataEnd - (offset + p);
        if (!Limits.inflatable(size, remaining)) {
            throw new CorruptPackException(pack.packPath, offset, "declared size " + size
                    + " cannot come from the " + remaining + " bytes left in the pack");
        }
        this.typeCode = type;
        this.size = size;
        this.dataOffset = offset + p;
        this.baseOffset = base;
        return this;
    }
}
