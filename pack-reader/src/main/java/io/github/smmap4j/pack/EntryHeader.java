package io.github.smmap4j.pack;

/**
 * The parsed header of one pack entry: what {@link PackFile#parseHeader} returns. Mutable and
 * reused: each {@link ReadContext} owns one, valid until that context parses the next header.
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
}
