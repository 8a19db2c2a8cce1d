package io.github.smmap4j.pack;

import java.util.Objects;

/**
 * Where an object lives: an entry of a pack (its pack and offset) or a loose object
 * ({@link #pack()} null). Bulk iterations hand these out so that reading each object needs no
 * second lookup: pass one to {@link ObjectReader#open(ObjectLocation)} or
 * {@link ObjectReader#info(ObjectLocation)}.
 *
 * @param id     the object id
 * @param pack   the pack holding it, or null for a loose object
 * @param offset the entry's offset in {@code pack}; -1 for a loose object
 */
public record ObjectLocation(ObjectId id, PackFile pack, long offset) {
    /**
     * Checks that a loose location has offset -1. A packed offset is checked when it is read
     * (an offset that is not an entry is reported as {@link CorruptPackException}).
     */
    public ObjectLocation {
        Objects.requireNonNull(id, "id");
        if (pack == null && offset != -1) {
            throw new IllegalArgumentException("a loose location has offset -1, not " + offset);
        }
    }

    /** Returns the location of a loose object. */
    public static ObjectLocation loose(ObjectId id) {
        return new ObjectLocation(id, null, -1);
    }

    /** Returns true if the object is an entry of a pack. */
    public boolean isPacked() {
        return pack != null;
    }
}
