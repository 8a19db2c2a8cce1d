package io.github.smmap4j.pack;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The resolved types of a pack's entries, by offset, shared by every reader of the pack: a
 * lossy table (a slot holds the last entry that hashed to it) that lets a type lookup stop at
 * the first entry of a delta chain whose type any reader found before, instead of walking (and
 * touching the pages of) the chain down to its base. Types of (pack, offset) never change: a
 * replaced pack is a new {@link PackFile}.
 *
 * <p>Thread-safe without a lock: a slot holds offset and type in one {@code long}, read and
 * written with opaque access (atomic, no ordering needed: a slot is a hint that is checked
 * against the offset it names, never a reference).
 */
final class DeltaTypes {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    /** Immutable reference; slots accessed only through {@link #SLOT}: {@code offset << 3 | type}, 0 = empty. */
    private final long[] slots;
    /** Immutable: 64 minus log2 of the table size. */
    private final int shift;

    /** A table for a pack of {@code objectCount} entries: about two slots an entry, 1 Ki to 1 Mi slots. */
    DeltaTypes(int objectCount) {
        int bits = Math.clamp(64 - Long.numberOfLeadingZeros(Math.max(1, objectCount)) + 1, 10, 20);
        this.slots = new long[1 << bits];
        this.shift = 64 - bits;
    }

    /** Returns the type code memoised for the entry at {@code offset}, or 0. */
    int lookup(long offset) {
        long v = (long) SLOT.getOpaque(slots, slot(offset));
        return v != 0 && v >>> 3 == offset ? (int) (v & 7) : 0;
    }

    /** Memoises type code {@code type} (1-4) for the entry at {@code offset}. */
    void put(long offset, int type) {
        SLOT.setOpaque(slots, slot(offset), offset << 3 | type);
    }

    private int slot(long offset) {
        return (int) ((offset * 0x9E3779B97F4A7C15L) >>> shift);
    }
}
