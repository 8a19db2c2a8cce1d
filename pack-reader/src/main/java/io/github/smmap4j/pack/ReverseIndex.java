package io.github.smmap4j.pack;

import java.util.Arrays;

/**
 * A pack's entries in offset order: what git's {@code .rev} file holds. Gives each entry's
 * packed length (distance to the next entry) and the id of the entry at an offset.
 */
final class ReverseIndex {
    private final long[] offsets;   // sorted ascending
    private final int[] positions;  // positions[i] = index position of the entry at offsets[i]
    private final long dataEnd;

    private ReverseIndex(long[] offsets, int[] positions, long dataEnd) {
        this.offsets = offsets;
        this.positions = positions;
        this.dataEnd = dataEnd;
    }

    /**
     * Returns the pack's reverse index: read from git's {@code .rev} file beside the pack when
     * there is a valid one (git writes it by default since 2.41), else built by sorting.
     */
    static ReverseIndex build(PackFile pack) throws CorruptPackException {
        ReverseIndex r = fromRevFile(pack);
        return r != null ? r : sorted(pack);
    }

    /**
     * Reads {@code pack-*.rev}: "RIDX", version 1, hash id, the index positions in pack order,
     * pack checksum, own checksum. It is only a cache, so it is trusted for nothing: a file that
     * does not match the pack, or whose offsets do not strictly increase (the one order that is
     * right), is ignored and the order is sorted instead. Null when absent or ignored.
     */
    static ReverseIndex fromRevFile(PackFile pack) {
        PackIndex idx = pack.index;
        int n = idx.objectCount();
        int h = pack.format.length();
        String name = pack.packPath.getFileName().toString();
        if (!name.endsWith(".pack")) {
            return null;
        }
        java.nio.file.Path rev = pack.packPath.resolveSibling(name.substring(0, name.length() - 5) + ".rev");
        byte[] b;
        try {
            if (!java.nio.file.Files.isRegularFile(rev) || java.nio.file.Files.size(rev) != 12L + 4L * n + 2L * h) {
                return null;
            }
            b = java.nio.file.Files.readAllBytes(rev);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b);
        int hashId = pack.format == ObjectFormat.SHA256 ? 2 : 1;
        if (b.length != 12L + 4L * n + 2L * h || bb.getInt(0) != 0x52494458 || bb.getInt(4) != 1 || bb.getInt(8) != hashId
                || !Arrays.equals(b, 12 + 4 * n, 12 + 4 * n + h, idx.packChecksum(), 0, h)) {
            return null;
        }
        long[] offsets = new long[n];
        int[] positions = new int[n];
        long prev = 11; // offsets start at 12
        for (int i = 0; i < n; i++) {
            int pos = bb.getInt(12 + 4 * i);
            if (pos < 0 || pos >= n) {
                return null;
            }
            long o;
            try {
                o = idx.offsetAt(pos);
            } catch (CorruptPackException e) {
                return null; // the sorting path reports the damaged index
            }
            if (o <= prev || o >= pack.dataEnd) {
                return null;
            }
            offsets[i] = o;
            positions[i] = pos;
            prev = o;
        }
        return new ReverseIndex(offsets, positions, pack.dataEnd);
    }

    /** Builds the order by sorting the index's offsets. */
    static ReverseIndex sorted(PackFile pack) throws CorruptPackException {
        PackIndex idx = pack.index;
        int n = idx.objectCount();
        // Sort (offset, position) pairs packed in one long when offsets fit in 40 bits (1 TiB).
        long[] keys = new long[n];
        boolean packed = pack.packSize < (1L << 40) && n < (1 << 23);
        long[] offs = new long[n];
        for (int i = 0; i < n; i++) {
            long o = idx.offsetAt(i);
            if (o < 12 || o >= pack.dataEnd) {
                throw new CorruptPackException(idx.path, -1, "entry " + i + " has offset " + o
                        + " outside the pack data [12, " + pack.dataEnd + ")");
            }
            offs[i] = o;
            keys[i] = packed ? (o << 23) | i : o;
        }
        int[] positions = new int[n];
        long[] sorted = new long[n];
        if (packed) {
            Arrays.sort(keys);
            for (int i = 0; i < n; i++) {
                sorted[i] = keys[i] >>> 23;
                positions[i] = (int) (keys[i] & ((1 << 23) - 1));
            }
        } else {
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(offs[a], offs[b]));
            for (int i = 0; i < n; i++) {
                positions[i] = order[i];
                sorted[i] = offs[order[i]];
            }
        }
        for (int i = 1; i < n; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw new CorruptPackException(idx.path, -1, "two index entries share pack offset " + sorted[i]);
            }
        }
        return new ReverseIndex(sorted, positions, pack.dataEnd);
    }

    int size() {
        return offsets.length;
    }

    long offsetAt(int i) {
        return offsets[i];
    }

    int positionAt(int i) {
        return positions[i];
    }

    /** Returns the rank (offset order) of the entry at {@code offset}, or -1. */
    int rankOf(long offset) {
        int r = Arrays.binarySearch(offsets, offset);
        return r < 0 ? -1 : r;
    }

    /** Returns the packed length of the entry at rank {@code i}. */
    long packedLength(int i) {
        return (i + 1 < offsets.length ? offsets[i + 1] : dataEnd) - offsets[i];
    }
}
