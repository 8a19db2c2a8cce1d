package io.github.smmap4j.pack;

/**
 * The header of one pack entry.
 *
 * @param offset     file offset of the entry header
 * @param typeCode   pack type code: 1–4 for whole objects, {@link ObjectType#OFS_DELTA} or {@link ObjectType#REF_DELTA}
 * @param size       inflated size of the entry's data (for deltas: of the delta, not the object)
 * @param dataOffset file offset of the zlib stream
 * @param baseOffset for OFS_DELTA, the base entry's offset; else -1
 * @param baseId     for REF_DELTA, the base object's id; else null
 */
record PackEntry(long offset, int typeCode, long size, long dataOffset, long baseOffset, ObjectId baseId) {
    /** Returns true for OFS_DELTA and REF_DELTA entries. */
    boolean isDelta() {
        return typeCode == ObjectType.OFS_DELTA || typeCode == ObjectType.REF_DELTA;
    }

    /** Returns the object type of a whole entry, or null for deltas. */
    ObjectType type() {
        return ObjectType.fromCode(typeCode);
    }
}
