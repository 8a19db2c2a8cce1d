package io.github.smmap4j.pack;

import io.github.smmap4j.core.WindowCursor;
import java.nio.file.Path;

/**
 * Index version 2: magic and version, fan-out, ids, CRC32s, 31-bit offsets whose top bit
 * points into a table of 64-bit offsets (packs over 2 GiB), then the trailers.
 */
final class PackIndexV2 extends PackIndex {
    private static final long HEADER = 8;
    private final long idsStart;
    private final long crcStart;
    private final long off32Start;
    private final long off64Start;
    private final long largeCount;

    PackIndexV2(Path path, ObjectFormat format, WindowCursor cursor) throws CorruptPackException {
        super(path, format, cursor, HEADER);
        idsStart = HEADER + FANOUT_BYTES;
        crcStart = idsStart + (long) count * hashLen;
        off32Start = crcStart + 4L * count;
        off64Start = off32Start + 4L * count;
        long rest = seg.byteSize() - off64Start - 2L * hashLen;
        if (rest < 0 || rest % 8 != 0 || rest / 8 > count) {
            throw new CorruptPackException(path, Math.min(off64Start, seg.byteSize()),
                    "index v2 size " + seg.byteSize() + " does not fit " + count + " objects");
        }
        largeCount = rest / 8;
        // git, JGit and libgit2 write one 64-bit entry per offset that needs it, numbered in id
        // order. Anything else means the tables were shifted (bytes inserted or deleted), which
        // would pair ids with other objects' CRCs and offsets: a silent wrong answer.
        long large = 0;
        for (int i = 0; i < count; i++) {
            int o = seg.get(INT_BE, off32Start + 4L * i);
            if (o < 0) {
                if ((o & 0x7fffffffL) != large) {
                    throw new CorruptPackException(path, off32Start + 4L * i, "64-bit offset index "
                            + (o & 0x7fffffffL) + " out of sequence (expected " + large + ")");
                }
                large++;
            }
        }
        if (large != largeCount) {
            throw new CorruptPackException(path, off64Start, "index v2 has " + largeCount
                    + " 64-bit offsets but " + large + " entries refer to that table");
        }
    }

    @Override
    public int version() {
        return 2;
    }

    @Override
    long idPos(int n) {
        return idsStart + (long) n * hashLen;
    }

    @Override
    public long offsetAt(int n) throws CorruptPackException {
        int o = seg.get(INT_BE, off32Start + 4L * java.util.Objects.checkIndex(n, count));
        if (o >= 0) {
            return o;
        }
        long i = o & 0x7fffffffL;
        if (i >= largeCount) {
            throw new CorruptPackException(path, off32Start + 4L * n,
                    "64-bit offset index " + i + " out of range (table has " + largeCount + ")");
        }
        long off = seg.get(LONG_BE, off64Start + 8 * i);
        if (off < 0) {
            throw new CorruptPackException(path, off64Start + 8 * i, "64-bit offset is negative");
        }
        return off;
    }

    /** Returns the number of entries in the 64-bit offset table. */
    public long largeOffsetCount() {
        return largeCount;
    }

    @Override
    public boolean hasCrc() {
        return true;
    }

    @Override
    public int crcAt(int n) {
        return seg.get(INT_BE, crcStart + 4L * java.util.Objects.checkIndex(n, count));
    }
}
