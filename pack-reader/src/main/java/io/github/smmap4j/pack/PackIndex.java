package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A pack's {@code .idx}: sorted object ids with their pack offsets, found through a 256-entry
 * fan-out table and binary search ({@link IdTable}). The whole index is mapped once through one
 * pinned cursor, so lookups are lock-free and safe from many threads.
 */
abstract sealed class PackIndex extends IdTable permits PackIndexV1, PackIndexV2 {
    /** Magic of version 2+ indexes: {@code \377tOc}; a v1 fan-out can never start with it. */
    static final int V2_MAGIC = 0xff744f63;

    PackIndex(Path path, ObjectFormat format, WindowCursor cursor, long fanoutStart) throws CorruptPackException {
        super(path, format, cursor, fanoutStart);
    }

    /**
     * Opens {@code idx}, detecting its version, and checks its layout against its size.
     *
     * @throws CorruptPackException if the file is too short, has an unknown version or a bad fan-out
     */
    public static PackIndex open(MapManager manager, Path idx, ObjectFormat format) throws IOException {
        WindowCursor c = mapWhole(manager, idx, FANOUT_BYTES + 2L * format.length(), "index");
        try {
            MemorySegment s = c.segment();
            PackIndex result;
            if (s.get(INT_BE, 0) == V2_MAGIC) {
                int version = s.get(INT_BE, 4);
                if (version != 2) {
                    throw new CorruptPackException(c.path(), 4, "unsupported index version " + version);
                }
                result = new PackIndexV2(c.path(), format, c);
            } else {
                result = new PackIndexV1(c.path(), format, c);
            }
            result.checkIdsSorted();
            return result;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Returns the index version (1 or 2). */
    public abstract int version();

    /** Returns the pack offset of the {@code n}-th object in id order. */
    public abstract long offsetAt(int n) throws CorruptPackException;

    /** Returns true if the index stores a CRC32 per entry (version 2). */
    public abstract boolean hasCrc();

    /** Returns the CRC32 of the {@code n}-th object's packed bytes (version 2 only). */
    public abstract int crcAt(int n);

    /** Returns the pack offset of {@code id}, or -1 if the index does not hold it. */
    public long findOffset(ObjectId id) throws CorruptPackException {
        int n = findPosition(id);
        return n < 0 ? -1 : offsetAt(n);
    }

    /** Returns the pack checksum recorded in the index trailer. */
    public byte[] packChecksum() {
        return bytesAt(seg.byteSize() - 2L * hashLen, hashLen);
    }

    /** Returns the index's own checksum (its last bytes). */
    public byte[] indexChecksum() {
        return bytesAt(seg.byteSize() - hashLen, hashLen);
    }

    /**
     * Recomputes the index checksum and checks that ids are strictly increasing.
     *
     * @throws CorruptPackException on a mismatch
     */
    public void verify() throws CorruptPackException {
        if (!checksumValid()) {
            throw new CorruptPackException(path, seg.byteSize() - hashLen, "index checksum mismatch");
        }
        checkIdsSorted();
    }

    @Override
    public String toString() {
        return "PackIndexV" + version() + "[" + path + ", " + count + " objects]";
    }

    /** Checks that a layout of {@code expected} bytes matches the file size. */
    final void expectSize(long expected, String what) throws CorruptPackException {
        if (seg.byteSize() != expected) {
            throw new CorruptPackException(path, Math.min(expected, seg.byteSize()),
                    what + ": expected " + expected + " bytes for " + count + " objects, file has " + seg.byteSize());
        }
    }
}
