package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One multi-pack-index file (gitformat-pack(5)), a single {@code objects/pack/multi-pack-index}
 * or one layer of an incremental chain: a 12-byte header ("MIDX", version 1 or 2, hash
 * version, chunk count, base count, pack count), a chunk table (gitformat-chunk(5)), the chunks
 * {@code PNAM} (pack names), {@code OIDF}/{@code OIDL} (fan-out and sorted ids), {@code OOFF}
 * (pack number and 32-bit offset per object) and, optional, {@code LOFF} (64-bit offsets);
 * {@code RIDX} and {@code BTMP} (for bitmaps) and unknown chunks are tolerated and unused.
 * It ends with the hash of everything before it.
 *
 * <p>{@link #open} checks the layout, in time proportional to the packs, not the objects:
 * every chunk offset and length against the file size and against the object and pack counts,
 * and the pack names. {@link #checkContent} checks the rest, in one pass over the file: the
 * checksum, the id order, every object's pack number and large offset; it runs once, when first
 * needed ({@link #contentProblem}). Until then an answer is only used once the pack's own index
 * confirms it (see {@link MidxChain}); {@link #packAt} and {@link #offsetAt} may then return
 * values out of range, which the caller checks. Mapped whole through one pinned cursor, like a
 * pack index; thread-safe.
 */
final class MultiPackIndex extends IdTable {
    static final int SIGNATURE = 0x4d494458; // "MIDX"
    static final int HEADER = 12;
    static final int PNAM = 0x504e414d;
    static final int OIDF = 0x4f494446;
    static final int OIDL = 0x4f49444c;
    static final int OOFF = 0x4f4f4646;
    static final int LOFF = 0x4c4f4646;
    /** Chunks git writes for bitmaps: recognised, not needed for lookups. */
    static final int RIDX = 0x52494458;
    static final int BTMP = 0x42544d50;

    private final int version;
    private final String[] packNames;
    private final long oidl;
    private final long ooff;
    private final long loff;
    private final long largeCount;
    /** Guarded by {@code this}: whether {@link #checkContent} ran, and what it found (null: nothing). */
    private boolean contentChecked;
    private CorruptPackException contentProblem;
    private final AtomicBoolean reported = new AtomicBoolean();

    /** Where the chunks are, as the table of contents says (start, length; -1 if absent). */
    private record Chunks(long pnam, long pnamLen, long oidf, long oidl, long oidlLen, long ooff, long ooffLen,
                          long loff, long loffLen) {
    }

    private MultiPackIndex(Path path, ObjectFormat format, WindowCursor cursor, int version, int packCount,
                           Chunks ch) throws CorruptPackException {
        super(path, format, cursor, ch.oidf);
        this.version = version;
        this.oidl = ch.oidl;
        this.ooff = ch.ooff;
        this.loff = ch.loff;
        if (ch.oidlLen != (long) count * hashLen) {
            throw new CorruptPackException(path, ch.oidl, "multi-pack-index OID lookup chunk is the wrong size ("
                    + ch.oidlLen + " bytes for " + count + " objects)");
        }
        if (ch.ooffLen != 8L * count) {
            throw new CorruptPackException(path, ch.ooff, "multi-pack-index object offset chunk is the wrong size ("
                    + ch.ooffLen + " bytes for " + count + " objects)");
        }
        if (ch.loff >= 0 && ch.loffLen % 8 != 0) {
            throw new CorruptPackException(path, ch.loff, "multi-pack-index large offset chunk is the wrong size ("
                    + ch.loffLen + " bytes)");
        }
        this.largeCount = ch.loff < 0 ? 0 : ch.loffLen / 8;
        this.packNames = packNames(path, seg, ch.pnam, ch.pnamLen, packCount, version);
    }

    /**
     * Maps {@code file} and checks its layout (not its checksum or id order: {@link #checkContent}).
     *
     * @throws CorruptPackException naming the file and offset of the first problem
     */
    static MultiPackIndex open(MapManager manager, Path file, ObjectFormat format) throws IOException {
        int h = format.length();
        WindowCursor c = mapWhole(manager, file, HEADER + h, "multi-pack-index");
        try {
            MemorySegment s = c.segment();
            long size = s.byteSize();
            checkHeader(c.path(), s.get(INT_BE, 0), s.get(ValueLayout.JAVA_BYTE, 4) & 0xff);
            int hashVersion = s.get(ValueLayout.JAVA_BYTE, 5) & 0xff;
            int want = format == ObjectFormat.SHA256 ? 2 : 1;
            if (hashVersion != want) {
                throw new CorruptPackException(c.path(), 5, "multi-pack-index hash version " + hashVersion
                        + " does not match version " + want);
            }
            int chunkCount = s.get(ValueLayout.JAVA_BYTE, 6) & 0xff;
            int packCount = s.get(INT_BE, 8);
            if (packCount < 0) {
                throw new CorruptPackException(c.path(), 8, "multi-pack-index pack count "
                        + Integer.toUnsignedString(packCount) + " is too large");
            }
            Chunks ch = chunks(c.path(), s, size - h, chunkCount);
            return new MultiPackIndex(c.path(), format, c, s.get(ValueLayout.JAVA_BYTE, 4), packCount, ch);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Checks the signature and version: a file failing this is not a multi-pack-index at all
     * (git dies on it; on anything else it reports an error and ignores the file).
     */
    static void checkHeader(Path file, int signature, int version) throws CorruptPackException {
        if (signature != SIGNATURE) {
            throw new CorruptPackException(file, 0, String.format("multi-pack-index signature 0x%08x does not match signature 0x%08x",
                    signature, SIGNATURE));
        }
        if (version != 1 && version != 2) {
            throw new CorruptPackException(file, 4, "multi-pack-index version " + version + " not recognized");
        }
    }

    /** Reads the chunk table at {@link #HEADER}: each chunk must lie between the table and {@code end}. */
    private static Chunks chunks(Path file, MemorySegment s, long end, int chunkCount) throws CorruptPackException {
        long tocEnd = HEADER + 12L * (chunkCount + 1);
        if (tocEnd > end) {
            throw new CorruptPackException(file, HEADER, "multi-pack-index chunk table of " + chunkCount
                    + " chunks runs past the end of the file");
        }
        long[] start = new long[5];
        long[] len = new long[5];
        Arrays.fill(start, -1);
        int[] ids = new int[chunkCount];
        for (int i = 0; i < chunkCount; i++) {
            long row = HEADER + 12L * i;
            int id = s.get(INT_BE, row);
            long off = s.get(LONG_BE, row + 4);
            long next = s.get(LONG_BE, row + 16);
            if (id == 0) {
                throw new CorruptPackException(file, row, "terminating chunk id appears earlier than expected");
            }
            if (off < tocEnd || next < off || next > end) {
                throw new CorruptPackException(file, row, String.format("improper chunk offset(s) %x and %x", off, next));
            }
            for (int j = 0; j < i; j++) {
                if (ids[j] == id) {
                    throw new CorruptPackException(file, row, String.format("duplicate chunk ID %x found", id));
                }
            }
            ids[i] = id;
            int k = switch (id) {
                case PNAM -> 0;
                case OIDF -> 1;
                case OIDL -> 2;
                case OOFF -> 3;
                case LOFF -> 4;
                default -> -1; // RIDX, BTMP and chunks of later versions: not needed to find objects
            };
            if (k >= 0) {
                start[k] = off;
                len[k] = next - off;
            }
        }
        int last = s.get(INT_BE, HEADER + 12L * chunkCount);
        if (last != 0) {
            throw new CorruptPackException(file, HEADER + 12L * chunkCount, String.format("final chunk has non-zero id %x", last));
        }
        String[] names = {"pack-name", "OID fanout", "OID lookup", "object offsets"};
        for (int k = 0; k < 4; k++) {
            if (start[k] < 0) {
                throw new CorruptPackException(file, HEADER, "multi-pack-index missing required " + names[k] + " chunk");
            }
        }
        if (len[1] != FANOUT_BYTES) {
            throw new CorruptPackException(file, start[1], "multi-pack-index OID fanout is of the wrong size");
        }
        return new Chunks(start[0], len[0], start[1], start[2], len[2], start[3], len[3], start[4], len[4]);
    }

    /** The {@code PNAM} chunk: {@code packCount} NUL-terminated names, in strict byte order in version 1. */
    private static String[] packNames(Path file, MemorySegment s, long pos, long len, int packCount, int version)
            throws CorruptPackException {
        if (packCount > len) { // every name takes at least its NUL
            throw new CorruptPackException(file, pos, "multi-pack-index pack-name chunk is too short for "
                    + packCount + " packs");
        }
        String[] names = new String[packCount];
        byte[] prev = null;
        long end = pos + len;
        for (int i = 0; i < packCount; i++) {
            long nul = pos;
            while (nul < end && s.get(ValueLayout.JAVA_BYTE, nul) != 0) {
                nul++;
            }
            if (nul >= end) {
                throw new CorruptPackException(file, pos, "multi-pack-index pack-name chunk is too short");
            }
            byte[] name = new byte[(int) (nul - pos)];
            MemorySegment.copy(s, ValueLayout.JAVA_BYTE, pos, name, 0, name.length);
            names[i] = new String(name, StandardCharsets.UTF_8);
            if (version == 1 && prev != null && Arrays.compareUnsigned(prev, name) >= 0) {
                throw new CorruptPackException(file, pos, "multi-pack-index pack names out of order: '"
                        + names[i - 1] + "' before '" + names[i] + "'");
            }
            prev = name;
            pos = nul + 1;
        }
        return names;
    }

    /**
     * Checks what the layout does not show: the trailing checksum (any damage to the ids, pack
     * numbers or offsets), that the ids are strictly increasing, that every object's pack number
     * is below the pack count and every large offset's index inside LOFF, pointing at an offset
     * that is not negative. A file failing it may hide objects (ids damaged or out of order); one
     * passing it lists every object of its packs, as its writer did.
     *
     * @throws CorruptPackException at the first problem
     */
    void checkContent() throws CorruptPackException {
        if (!checksumValid()) {
            throw new CorruptPackException(path, seg.byteSize() - hashLen, "multi-pack-index checksum mismatch");
        }
        checkIdsSorted();
        for (int n = 0; n < count; n++) {
            long at = ooff + 8L * n;
            int pack = seg.get(INT_BE, at);
            if (pack < 0 || pack >= packNames.length) {
                throw new CorruptPackException(path, at, "bad pack-int-id: " + Integer.toUnsignedString(pack)
                        + " (" + packNames.length + " total packs)");
            }
            if (offsetAt(n) < 0) {
                throw new CorruptPackException(path, at + 4, "multi-pack-index large offset out of bounds");
            }
        }
    }

    /** Runs {@link #checkContent} the first time it is asked for, and returns what it found (null: nothing). */
    synchronized CorruptPackException contentProblem() {
        if (!contentChecked) {
            try {
                checkContent();
            } catch (CorruptPackException e) {
                contentProblem = e;
            }
            contentChecked = true;
        }
        return contentProblem;
    }

    /** Returns true the first time it is called: whoever gets true reports this file's problem. */
    boolean claimReport() {
        return reported.compareAndSet(false, true);
    }

    /** Returns the file format version (1 or 2; 2 lists packs in any order). */
    int version() {
        return version;
    }

    /** Returns the number of packs this file names. */
    int packCount() {
        return packNames.length;
    }

    /** Returns the name of pack {@code i} (an {@code .idx} file name), as stored. */
    String packName(int i) {
        return packNames[i];
    }

    /** Returns the pack names in pack-number order. */
    List<String> packNames() {
        return List.of(packNames);
    }

    /**
     * Returns the pack number (in this file) of the {@code n}-th object in id order; below
     * {@link #packCount} once {@link #checkContent} passed, else to be checked.
     */
    int packAt(int n) {
        return seg.get(INT_BE, ooff + 8L * Objects.checkIndex(n, count));
    }

    /**
     * Returns the pack offset of the {@code n}-th object in id order, or -1 if it refers to a
     * large offset that is not in LOFF or is negative (never once {@link #checkContent} passed).
     */
    long offsetAt(int n) {
        long at = ooff + 8L * Objects.checkIndex(n, count) + 4;
        int o = seg.get(INT_BE, at);
        if (o >= 0 || loff < 0) {
            return Integer.toUnsignedLong(o); // without LOFF, offsets up to 2^32 - 1 are stored as they are
        }
        long i = o & 0x7fffffffL;
        return i < largeCount ? Math.max(-1, seg.get(LONG_BE, loff + 8 * i)) : -1;
    }

    /** Returns the checksum the file ends with: its name in an incremental chain. */
    String checksumHex() {
        return HexFormat.of().formatHex(bytesAt(seg.byteSize() - hashLen, hashLen));
    }

    @Override
    long idPos(int n) {
        return oidl + (long) n * hashLen;
    }

    @Override
    public String toString() {
        return "MultiPackIndex[" + path + ", " + packNames.length + " packs, " + count + " objects]";
    }
}
