package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A file of object ids in sorted order, found through a 256-entry fan-out table, that ends in a
 * checksum of everything before it: what a pack's {@code .idx} and a multi-pack-index share.
 * The whole file is mapped once through one pinned cursor, so lookups are lock-free and safe
 * from many threads.
 */
abstract sealed class IdTable implements AutoCloseable permits PackIndex, MultiPackIndex {
    static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final int FANOUT_BYTES = 256 * 4;

    final Path path;
    final ObjectFormat format;
    final int hashLen;
    final WindowCursor cursor; // pins the whole file for the table's lifetime
    final MemorySegment seg;
    final int count;
    private final long fanoutStart;

    /** Reads the fan-out at {@code fanoutStart}, which the caller has checked lies in the file. */
    IdTable(Path path, ObjectFormat format, WindowCursor cursor, long fanoutStart) throws CorruptPackException {
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
     * Refuses a table declaring more than {@code max} objects (the database's
     * {@code maxObjectCount}), naming the file and the offset of its count (the last fan-out entry).
     */
    final void checkCount(int max) throws CorruptPackException {
        if (count > max) {
            throw new CorruptPackException(path, fanoutStart + 4L * 255, "declares " + count
                    + " objects, more than the limit of " + max + " (maxObjectCount)");
        }
    }

    /**
     * Maps {@code file} whole through one cursor of {@code manager}, which the caller closes.
     *
     * @param what the kind of file, for messages ("index", "multi-pack-index")
     * @throws CorruptPackException if the file is shorter than {@code minSize} or cannot be mapped whole
     */
    static WindowCursor mapWhole(MapManager manager, Path file, long minSize, String what) throws IOException {
        WindowCursor c = manager.cursor(file);
        try {
            long size = c.fileSize();
            if (size < minSize) {
                throw new CorruptPackException(c.path(), size, what + " file too short (" + size + " bytes)");
            }
            c.useRegion(0, size);
            if (c.size() < size) {
                throw new CorruptPackException(c.path(), c.size(), what + " could not be mapped whole");
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Returns the file. */
    public Path path() {
        return path;
    }

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
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, idPos(Objects.checkIndex(n, count)), b, 0, hashLen);
        return ObjectId.wrap(b);
    }

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

    /** Returns true if the table holds {@code id}. */
    public boolean contains(ObjectId id) {
        return findPosition(id) >= 0;
    }

    /** Adds to {@code out} up to {@code limit} ids whose hex form starts with {@code hexPrefix}. */
    public void resolve(String hexPrefix, List<ObjectId> out, int limit) {
        String p = hexPrefix.toLowerCase(Locale.ROOT);
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

    /**
     * Checks that the ids are strictly increasing: one pass over 8-byte prefixes, O(n). Without
     * it, bytes inserted into or deleted from the id table shift the tables after it as a whole,
     * and ids before the damage would silently name other objects' entries, a wrong answer.
     *
     * @throws CorruptPackException at the first id out of order
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

    /** Returns true if the file's last hash-length bytes are the hash of everything before them. */
    final boolean checksumValid() {
        MessageDigest md = format.newDigest();
        byte[] buf = new byte[64 * 1024];
        long end = seg.byteSize() - hashLen;
        for (long pos = 0; pos < end; ) {
            int n = (int) Math.min(buf.length, end - pos);
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, buf, 0, n);
            md.update(buf, 0, n);
            pos += n;
        }
        return Arrays.equals(md.digest(), bytesAt(end, hashLen));
    }

    /** Unpins the mapping; later lookups fail with {@link IllegalStateException}. */
    @Override
    public void close() {
        cursor.close();
    }

    /** Returns true if the {@code n}-th id equals {@code raw[off, off + hash length)}. */
    boolean idEquals(int n, byte[] raw, int off) {
        long pos = idPos(Objects.checkIndex(n, count));
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

    /** Compares the {@code a}-th and {@code b}-th ids as stored. */
    final int compareIds(int a, int b) {
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

    /** Returns a copy of the file's bytes {@code [pos, pos + len)}. */
    final byte[] bytesAt(long pos, int len) {
        byte[] b = new byte[len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, b, 0, len);
        return b;
    }
}
