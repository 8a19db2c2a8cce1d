package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

/**
 * A pack's {@code .idx}: sorted object ids with their pack offsets, found through a 256-entry
 * fan-out table and binary search. The whole index is mapped once through one pinned cursor, so
 * lookups are lock-free and safe from many threads.
 */
abstract sealed class PackIndex implements AutoCloseable permits PackIndexV1, PackIndexV2 {
    static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final int FANOUT_BYTES = 256 * 4;
    /** Magic of version 2+ indexes: {@code \377tOc}; a v1 fan-out can never start with it. */
    static final int V2_MAGIC = 0xff744f63;

    final Path path;
    final ObjectFormat format;
    final int hashLen;
    final WindowCursor cursor; // pins the whole file for the index's lifetime
    final MemorySegment seg;
    final int count;
    private final long fanoutStart;

    PackIndex(Path path, ObjectFormat format, WindowCursor cursor, long fanoutStart) throws CorruptPackException {
        this.path = path;
        this.format = format;
        this.hashLen = format.length();
        this.cursor = cursor;
        this.seg = cursor.segment();
        this.fanoutStart = fanoutStart;
        int prev = 0;
        for (int i = 0; i < 256; i++) {
            int f = seg.get(INT_BE, fanoutStart + 4L * i);
            if (Integer.compareUnsigned(f, prev) < 0) {
                throw new CorruptPackException(path, fanoutStart + 4L * i, "fan-out table is not monotonic");
            }
            prev = f;
        }
        if (prev < 0) {
            throw new CorruptPackException(path, fanoutStart + 4L * 255, "object count " + Integer.toUnsignedString(prev) + " is too large");
        }
        this.count = prev;
    }

    /**
     * Opens {@code idx}, detecting its version, and checks its layout against its size.
     *
     * @throws CorruptPackException if the file is too short, has an unknown version or a bad fan-out
     */
    public static PackIndex open(MapManager manager, Path idx, ObjectFormat format) throws IOException {
        WindowCursor c = manager.cursor(idx);
        try {
            long size = c.fileSize();
            int h = format.length();
            if (size < FANOUT_BYTES + 2L * h) {
                throw new CorruptPackException(c.path(), size, "index file too short (" + size + " bytes)");
            }
            c.useRegion(0, size);
            if (c.size() < size) {
                throw new CorruptPackException(c.path(), c.size(), "index could not be mapped whole");
            }
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

    /** Returns the index file. */
    public Path path() {
        return path;
    }

    /** Returns the index version (1 or 2). */
    public abstract int version();

    /** Returns the object format of the ids. */
    public ObjectFormat format() {
        return format;
    }

    /** Returns the number of objects. */
    public int objectCount() {
        return count;
    }

    /** Returns the id of the {@code n}-th object in id order. */
    public ObjectId idAt(int n) {
        byte[] b = new byte[hashLen];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, idPos(java.util.Objects.checkIndex(n, count)), b, 0, hashLen);
        return ObjectId.wrap(b);
    }

    /** Returns the pack offset of the {@code n}-th object in id order. */
    public abstract long offsetAt(int n) throws CorruptPackException;

    /** Returns true if the index stores a CRC32 per entry (version 2). */
    public abstract boolean hasCrc();

    /** Returns the CRC32 of the {@code n}-th object's packed bytes (version 2 only). */
    public abstract int crcAt(int n);

    /** Returns the position of {@code id} in id order, or -1. */
    public int findPosition(ObjectId id) {
        if (id.length() != hashLen) {
            return -1;
        }
        int first = id.byteAt(0);
        int lo = first == 0 ? 0 : fanout(first - 1);
        int hi = fanout(first) - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int cmp = compareAt(mid, id);
            if (cmp < 0) {
                lo = mid + 1;
            } else if (cmp > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** Returns the pack offset of {@code id}, or -1 if the index does not hold it. */
    public long findOffset(ObjectId id) throws CorruptPackException {
        int n = findPosition(id);
        return n < 0 ? -1 : offsetAt(n);
    }

    /** Returns true if the index holds {@code id}. */
    public boolean contains(ObjectId id) {
        return findPosition(id) >= 0;
    }

    /** Adds to {@code out} up to {@code limit} ids whose hex form starts with {@code hexPrefix}. */
    public void resolve(String hexPrefix, List<ObjectId> out, int limit) {
        String p = hexPrefix.toLowerCase(java.util.Locale.ROOT);
        if (p.length() < 2 || p.length() > 2 * hashLen) {
            // One hex digit spans 16 fan-out buckets: scan them all.
            if (p.length() == 1) {
                int d = Character.digit(p.charAt(0), 16);
                scan(d << 4, (d << 4) | 15, p, out, limit);
            }
            return;
        }
        int first = Integer.parseInt(p.substring(0, 2), 16);
        scan(first, first, p, out, limit);
    }

    private void scan(int firstByteLo, int firstByteHi, String p, List<ObjectId> out, int limit) {
        int lo = firstByteLo == 0 ? 0 : fanout(firstByteLo - 1);
        int hi = fanout(firstByteHi);
        for (int n = lo; n < hi && out.size() < limit; n++) {
            ObjectId id = idAt(n);
            if (id.startsWith(p)) {
                out.add(id);
            }
        }
    }

    /** Returns the pack checksum recorded in the index trailer. */
    public byte[] packChecksum() {
        return trailer(seg.byteSize() - 2L * hashLen);
    }

    /** Returns the index's own checksum (its last bytes). */
    public byte[] indexChecksum() {
        return trailer(seg.byteSize() - hashLen);
    }

    /**
     * Recomputes the index checksum and checks that ids are strictly increasing.
     *
     * @throws CorruptPackException on a mismatch
     */
    public void verify() throws CorruptPackException {
        MessageDigest md = format.newDigest();
        byte[] buf = new byte[64 * 1024];
        long end = seg.byteSize() - hashLen;
        for (long pos = 0; pos < end; ) {
            int n = (int) Math.min(buf.length, end - pos);
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, buf, 0, n);
            md.update(buf, 0, n);
            pos += n;
        }
        if (!java.util.Arrays.equals(md.digest(), indexChecksum())) {
            throw new CorruptPackException(path, end, "index checksum mismatch");
        }
        for (int n = 1; n < count; n++) {
            if (compareIds(n - 1, n) >= 0) {
                throw new CorruptPackException(path, idPos(n), "object ids are not sorted at entry " + n);
            }
        }
    }

    /**
     * Checks at open that the ids are strictly increasing: one pass over 8-byte prefixes, O(n).
     * Without it, bytes inserted into or deleted from the id table shift the CRC and offset
     * tables as a whole, and ids before the damage would silently name other objects' entries
     * (whose CRCs still match), a wrong answer that neither a CRC check nor git would notice.
     */
    final void checkIdsSorted() throws CorruptPackException {
        if (count == 0) {
            return;
        }
        long prev = seg.get(LONG_BE, idPos(0));
        for (int n = 1; n < count; n++) {
            long cur = seg.get(LONG_BE, idPos(n));
            int c = Long.compareUnsigned(prev, cur);
            if (c > 0 || (c == 0 && compareIds(n - 1, n) >= 0)) {
                throw new CorruptPackException(path, idPos(n), "object ids are not sorted at entry " + n);
            }
            prev = cur;
        }
    }

    /** Unpins the mapping; later lookups fail with {@link IllegalStateException}. */
    @Override
    public void close() {
        cursor.close();
    }

    @Override
    public String toString() {
        return "PackIndexV" + version() + "[" + path + ", " + count + " objects]";
    }

    /** Returns true if the {@code n}-th id equals {@code raw[off, off + hash length)}. */
    boolean idEquals(int n, byte[] raw, int off) {
        long pos = idPos(java.util.Objects.checkIndex(n, count));
        for (int i = 0; i < hashLen; i++) {
            if (seg.get(ValueLayout.JAVA_BYTE, pos + i) != raw[off + i]) {
                return false;
            }
        }
        return true;
    }

    /** Returns the file position of the {@code n}-th id. */
    abstract long idPos(int n);

    final int fanout(int i) {
        return seg.get(INT_BE, fanoutStart + 4L * i);
    }

    private int compareAt(int n, ObjectId id) {
        long pos = idPos(n);
        for (int i = 0; i < hashLen; i++) {
            int a = seg.get(ValueLayout.JAVA_BYTE, pos + i) & 0xff;
            int b = id.byteAt(i);
            if (a != b) {
                return a - b;
            }
        }
        return 0;
    }

    private int compareIds(int a, int b) {
        long pa = idPos(a);
        long pb = idPos(b);
        for (int i = 0; i < hashLen; i++) {
            int x = seg.get(ValueLayout.JAVA_BYTE, pa + i) & 0xff;
            int y = seg.get(ValueLayout.JAVA_BYTE, pb + i) & 0xff;
            if (x != y) {
                return x - y;
            }
        }
        return 0;
    }

    private byte[] trailer(long pos) {
        byte[] b = new byte[hashLen];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, b, 0, hashLen);
        return b;
    }

    /** Checks that a layout of {@code expected} bytes matches the file size. */
    final void expectSize(long expected, String what) throws CorruptPackException {
        if (seg.byteSize() != expected) {
            throw new CorruptPackException(path, Math.min(expected, seg.byteSize()),
                    what + ": expected " + expected + " bytes for " + count + " objects, file has " + seg.byteSize());
        }
    }
}
