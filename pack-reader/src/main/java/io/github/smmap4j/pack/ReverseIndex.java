package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A pack's entries in offset order (rank = position in pack order): what git's {@code .rev} file
 * holds. Keeps only each rank's index position; offsets are read from the mapped {@code .idx}, a
 * packed length is the distance to the next entry's offset (the last entry ends where the
 * trailer starts), and the rank of an offset is a binary search over the ranks through the
 * index's offsets.
 *
 * <p>Heap: constant when git's {@code .rev} is valid (it is mapped through the manager, as the
 * {@code .idx} is), else one {@code int} per object (the positions sorted by offset). Thread-safe:
 * immutable after {@link #build}; the pack closes it.
 */
final class ReverseIndex implements AutoCloseable {
    /** "RIDX", version, hash id. */
    static final int HEADER = 12;
    private static final int MAGIC = 0x52494458;

    private final PackIndex idx;
    private final int count;
    private final long dataEnd;
    /** Pins the mapped {@code .rev} for this index's lifetime, or null when {@link #positions} holds the order. */
    private final WindowCursor revCursor;
    private final MemorySegment rev;
    private final int[] positions;
    /** This order's offsets by rank, as {@link #search} reads them. */
    private final RankOffsets byRank = this::offsetAt;

    private ReverseIndex(PackFile pack, WindowCursor revCursor, int[] positions) {
        this.idx = pack.index;
        this.count = idx.objectCount();
        this.dataEnd = pack.dataEnd;
        this.revCursor = revCursor;
        this.rev = revCursor == null ? null : revCursor.segment();
        this.positions = positions;
    }

    /**
     * Returns the pack's reverse index: git's {@code .rev} file beside the pack, mapped, when
     * there is a valid one (git writes it by default since 2.41); else the order computed from
     * the index. A damaged {@code .rev} is reported to {@code warnings} and ignored (git 2.39
     * reports a bad header and computes the order too).
     */
    static ReverseIndex build(PackFile pack, MapManager manager, Consumer<String> warnings) throws CorruptPackException {
        ReverseIndex r = fromRevFile(pack, manager, warnings);
        return r != null ? r : sorted(pack);
    }

    /** Returns the {@code .rev} path of {@code pack}, or null if its name does not end in {@code .pack}. */
    static Path revPath(PackFile pack) {
        String name = pack.packPath.getFileName().toString();
        return name.endsWith(".pack") ? pack.packPath.resolveSibling(name.substring(0, name.length() - 5) + ".rev") : null;
    }

    /**
     * Maps {@code pack-*.rev}: "RIDX", version 1, hash id, the index positions in pack order,
     * pack checksum, own checksum. It is only a cache, so it is trusted for nothing: a file whose
     * size, header or pack checksum does not match the pack, or whose positions are out of range
     * or do not give strictly increasing offsets (the one order that is right), is reported to
     * {@code warnings} and ignored. Null when absent or ignored.
     */
    static ReverseIndex fromRevFile(PackFile pack, MapManager manager, Consumer<String> warnings) {
        Path file = revPath(pack);
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        WindowCursor c = null;
        try {
            int h = pack.format.length();
            checkLength(file, Files.size(file), pack.index.objectCount(), h); // before mapping: no more than the pack can back
            c = IdTable.mapWhole(manager, file, HEADER + 2L * h, "reverse index");
            check(pack, c.path(), c.segment());
            ReverseIndex r = new ReverseIndex(pack, c, null);
            c = null;
            return r;
        } catch (IOException | RuntimeException e) {
            warnings.accept(e.getMessage() + " (ignored: the pack order is computed from the index)");
            return null;
        } finally {
            if (c != null) {
                c.close();
            }
        }
    }

    /** A {@code .rev} of {@code n} entries has exactly this many bytes: header, positions, two checksums. */
    private static void checkLength(Path file, long size, int n, int h) throws CorruptPackException {
        long want = HEADER + 4L * n + 2L * h;
        if (size != want) {
            throw new CorruptPackException(file, Math.min(want, size), "reverse-index file is corrupt: "
                    + size + " bytes where " + n + " objects need " + want);
        }
    }

    /** Checks a mapped {@code .rev} against {@code pack}: layout, header, pack checksum, every position. */
    private static void check(PackFile pack, Path file, MemorySegment s) throws CorruptPackException {
        PackIndex idx = pack.index;
        int n = idx.objectCount();
        int h = pack.format.length();
        checkLength(file, s.byteSize(), n, h);
        if (s.get(IdTable.INT_BE, 0) != MAGIC) {
            throw new CorruptPackException(file, 0, "reverse-index file has unknown signature");
        }
        int version = s.get(IdTable.INT_BE, 4);
        if (version != 1) {
            throw new CorruptPackException(file, 4, "reverse-index file has unsupported version " + version);
        }
        int hashId = s.get(IdTable.INT_BE, 8);
        if (hashId != (pack.format == ObjectFormat.SHA256 ? 2 : 1)) {
            throw new CorruptPackException(file, 8, "reverse-index file has hash id " + hashId + ", not the pack's");
        }
        long trailer = HEADER + 4L * n;
        byte[] packSum = new byte[h];
        MemorySegment.copy(s, java.lang.foreign.ValueLayout.JAVA_BYTE, trailer, packSum, 0, h);
        if (!Arrays.equals(packSum, idx.packChecksum())) {
            throw new CorruptPackException(file, trailer, "reverse-index file is for another pack (pack checksum differs)");
        }
        long prev = HEADER - 1; // offsets start at 12
        int[] chunk = new int[Math.min(n, 4096)];
        for (int r = 0; r < n; r++) {
            if (r % chunk.length == 0) { // the positions a chunk at a time: one bulk copy, not a read each
                MemorySegment.copy(s, IdTable.INT_BE, HEADER + 4L * r, chunk, 0, Math.min(chunk.length, n - r));
            }
            int pos = chunk[r % chunk.length];
            if (pos < 0 || pos >= n) {
                throw new CorruptPackException(file, HEADER + 4L * r, "reverse-index position " + Integer.toUnsignedString(pos)
                        + " out of range (" + n + " objects)");
            }
            long o = idx.offsetAt(pos);
            if (o <= prev || o >= pack.dataEnd) {
                throw new CorruptPackException(file, HEADER + 4L * r, "reverse-index entry " + r + " has offset " + o
                        + ", not after " + prev + " and before " + pack.dataEnd);
            }
            prev = o;
        }
    }

    /**
     * Computes the order from the index: the positions sorted by offset, one {@code int} per
     * object kept (a {@code long} per object while sorting).
     *
     * @throws CorruptPackException if an offset lies outside the pack data or two entries share one
     */
    static ReverseIndex sorted(PackFile pack) throws CorruptPackException {
        PackIndex idx = pack.index;
        int n = idx.objectCount();
        int posBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(n));
        int offBits = 64 - Long.numberOfLeadingZeros(pack.dataEnd);
        int[] positions = new int[n];
        if (posBits + offBits <= 63) { // (offset, position) packed in one long: a primitive sort
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                keys[i] = (checkedOffset(pack, i) << posBits) | i;
            }
            Arrays.sort(keys);
            long mask = (1L << posBits) - 1;
            for (int i = 0; i < n; i++) {
                positions[i] = (int) (keys[i] & mask);
                if (i > 0 && keys[i] >>> posBits == keys[i - 1] >>> posBits) {
                    throw shared(idx, keys[i] >>> posBits);
                }
            }
        } else {
            long[] offs = new long[n];
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                offs[i] = checkedOffset(pack, i);
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(offs[a], offs[b]));
            for (int i = 0; i < n; i++) {
                positions[i] = order[i];
                if (i > 0 && offs[order[i]] == offs[order[i - 1]]) {
                    throw shared(idx, offs[order[i]]);
                }
            }
        }
        return new ReverseIndex(pack, null, positions);
    }

    private static long checkedOffset(PackFile pack, int i) throws CorruptPackException {
        long o = pack.index.offsetAt(i);
        if (o < 12 || o >= pack.dataEnd) {
            throw new CorruptPackException(pack.index.path, -1, "entry " + i + " has offset " + o
                    + " outside the pack data [12, " + pack.dataEnd + ")");
        }
        return o;
    }

    private static CorruptPackException shared(PackIndex idx, long offset) {
        return new CorruptPackException(idx.path, -1, "two index entries share pack offset " + offset);
    }

    /** True if the order is read from git's mapped {@code .rev} file (no heap per object). */
    boolean mapped() {
        return rev != null;
    }

    int size() {
        return count;
    }

    /** Returns the index position of the entry of rank {@code r}. */
    int positionAt(int r) {
        return rev != null ? rev.get(IdTable.INT_BE, HEADER + 4L * java.util.Objects.checkIndex(r, count)) : positions[r];
    }

    /** Copies the index positions of the ranks {@code [from, from + len)} into {@code dst[0, len)}. */
    void positions(int from, int[] dst, int len) {
        java.util.Objects.checkFromIndexSize(from, len, count);
        if (rev != null) {
            MemorySegment.copy(rev, IdTable.INT_BE, HEADER + 4L * from, dst, 0, len);
        } else {
            System.arraycopy(positions, from, dst, 0, len);
        }
    }

    /** Returns the offset of the entry of rank {@code r}. */
    long offsetAt(int r) {
        return offsetOf(positionAt(r));
    }

    /**
     * Returns the offset of the entry at index position {@code pos}. Every offset was read and
     * checked when the order was built, so only an index rewritten in place underneath can fail
     * here (unchecked).
     */
    long offsetOf(int pos) {
        try {
            return idx.offsetAt(pos);
        } catch (CorruptPackException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Returns the rank (offset order) of the entry at {@code offset}, or -1. */
    int rankOf(long offset) {
        return search(byRank, offset, 0, count, count);
    }

    /** Returns the rank of the entry at {@code offset} among the ranks {@code [lo, hi)}, or -1 (binary search). */
    int rankBetween(long offset, int lo, int hi) {
        return search(byRank, offset, lo, hi, count);
    }

    /** The offsets of a run of ranks, ascending with the rank: what {@link #search} searches. */
    @FunctionalInterface
    interface RankOffsets {
        /** Returns the offset of the entry of rank {@code r}. */
        long offsetAt(int r);
    }

    /**
     * The one search of entries by offset: returns the rank in {@code [lo, hi)} whose offset in
     * {@code offsets} is {@code offset}, or -1 (a binary search: the offsets ascend with the rank).
     *
     * @param ranks how many ranks there are: {@code [lo, hi)} must lie within {@code [0, ranks)}
     * @throws IndexOutOfBoundsException if it does not
     */
    static int search(RankOffsets offsets, long offset, int lo, int hi, int ranks) {
        java.util.Objects.checkFromToIndex(lo, hi, ranks);
        hi--;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long o = offsets.offsetAt(mid);
            if (o < offset) {
                lo = mid + 1;
            } else if (o > offset) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** Returns the packed length of the entry at rank {@code r}. */
    long packedLength(int r) {
        return (r + 1 < count ? offsetAt(r + 1) : dataEnd) - offsetAt(r);
    }

    /** Unpins the mapped {@code .rev}, if any. */
    @Override
    public void close() {
        if (revCursor != null) {
            revCursor.close();
        }
    }
}
