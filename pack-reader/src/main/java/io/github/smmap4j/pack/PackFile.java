package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A {@code .pack} file and its index: entry headers, zlib inflation out of mapped windows
 * (entries may straddle windows), and the reverse index (entries in offset order).
 *
 * <p>Thread-safe: the per-thread state lives in the {@link ReadContext} each call is given.
 */
public final class PackFile implements AutoCloseable {
    /** Largest entry header: 1 type/size byte + 9 size bytes + a 32-byte base id or 10 offset bytes. */
    static final int MAX_HEADER = 1 + 9 + 32;
    /** zlib cannot expand input by more than about 1032:1; a larger declared size is a lie. */
    static final long MAX_INFLATE_RATIO = 1032;

    final int id;
    final Path packPath;
    final PackIndex index;
    final ObjectFormat format;
    final long packSize;
    /** End of entry data: the trailer checksum starts here. */
    final long dataEnd;
    final int version;
    private final MapManager manager;
    private volatile ReverseIndex reverse;
    /** Identity of the pack and idx files seen at open, to notice gc/repack replacing them. */
    private BasicFileAttributes packSeen;
    private BasicFileAttributes idxSeen;

    private PackFile(int id, Path packPath, PackIndex index, MapManager manager, long packSize, int version) {
        this.id = id;
        this.packPath = packPath;
        this.index = index;
        this.format = index.format();
        this.manager = manager;
        this.packSize = packSize;
        this.dataEnd = packSize - format.length();
        this.version = version;
    }

    /**
     * Opens the pack beside {@code idxPath} and checks header, object count and trailer against
     * the index.
     *
     * @param id a number unique among the packs of one database (delta base cache key)
     */
    static PackFile open(int id, MapManager manager, Path idxPath, Path packPath, ObjectFormat format) throws IOException {
        PackIndex idx = PackIndex.open(manager, idxPath, format);
        try (WindowCursor c = manager.cursor(packPath)) {
            int h = format.length();
            long size = c.fileSize();
            if (size < 12 + h) {
                throw new CorruptPackException(c.path(), size, "pack file too short (" + size + " bytes)");
            }
            c.useRegion(0, 12);
            MemorySegment s = c.segment();
            int magic = s.get(PackIndex.INT_BE, 0);
            if (magic != 0x5041434b) { // "PACK"
                throw new CorruptPackException(c.path(), 0, "not a pack file (bad signature)");
            }
            int version = s.get(PackIndex.INT_BE, 4);
            if (version != 2 && version != 3) {
                throw new CorruptPackException(c.path(), 4, "unsupported pack version " + version);
            }
            long count = Integer.toUnsignedLong(s.get(PackIndex.INT_BE, 8));
            if (count != idx.objectCount()) {
                throw new CorruptPackException(c.path(), 8, "pack has " + count + " objects but its index "
                        + idxPath.getFileName() + " has " + idx.objectCount());
            }
            c.useRegion(size - h, h);
            byte[] trailer = new byte[h];
            MemorySegment.copy(c.segment(), ValueLayout.JAVA_BYTE, size - h - c.ofsBegin(), trailer, 0, h);
            if (!Arrays.equals(trailer, idx.packChecksum())) {
                throw new CorruptPackException(c.path(), size - h, "pack checksum does not match its index "
                        + idxPath.getFileName());
            }
            PackFile p = new PackFile(id, c.path(), idx, manager, size, version);
            p.packSeen = Files.readAttributes(c.path(), BasicFileAttributes.class);
            p.idxSeen = Files.readAttributes(idx.path(), BasicFileAttributes.class);
            if (p.packSeen.size() != size) {
                throw new CorruptPackException(c.path(), size, "pack file changed size while being opened");
            }
            return p;
        } catch (IOException | RuntimeException e) {
            idx.close();
            throw e;
        }
    }

    /**
     * Returns true if the pack or its index is gone or is no longer the file this object opened
     * (size, file key or modification time differ): a gc, repack or truncation happened.
     */
    boolean changedOnDisk() {
        return !same(packPath, packSeen) || !same(index.path(), idxSeen);
    }

    private static boolean same(Path p, BasicFileAttributes seen) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return a.size() == seen.size() && Objects.equals(a.fileKey(), seen.fileKey())
                    && a.lastModifiedTime().equals(seen.lastModifiedTime());
        } catch (IOException e) {
            return false;
        }
    }

    /** Returns the {@code .pack} path. */
    public Path packPath() {
        return packPath;
    }

    /** Returns the index of this pack. */
    public PackIndex index() {
        return index;
    }

    /** Returns the number of objects. */
    public int objectCount() {
        return index.objectCount();
    }

    /** Returns the pack size in bytes. */
    public long size() {
        return packSize;
    }

    /** Returns the pack format version (2 or 3). */
    public int version() {
        return version;
    }

    WindowCursor newCursor() throws IOException {
        WindowCursor c = manager.cursor(packPath);
        if (c.fileSize() != packSize) {
            // Truncated or rewritten since open: offsets from the index no longer fit this file.
            long now = c.fileSize();
            c.close();
            throw new CorruptPackException(packPath, Math.min(now, packSize), "pack file changed size since it was opened ("
                    + packSize + " -> " + now + " bytes)");
        }
        return c;
    }

    /**
     * Parses the entry header at {@code offset} into {@code ctx}'s header fields.
     *
     * @throws CorruptPackException on an invalid type, an overflowing varint or a bad base offset
     */
    void parseHeader(ReadContext ctx, long offset) throws IOException {
        if (offset < 12 || offset >= dataEnd) {
            throw new CorruptPackException(packPath, offset, "entry offset outside the pack data [12, " + dataEnd + ")");
        }
        WindowCursor c = ctx.cursor(this);
        int avail = (int) Math.min(MAX_HEADER, dataEnd - offset);
        if (!c.includesOffset(offset) || c.ofsEnd() < offset + avail) {
            c.useRegion(offset, avail);
        }
        byte[] b = ctx.scratch;
        try {
            MemorySegment.copy(c.segment(), ValueLayout.JAVA_BYTE, offset - c.ofsBegin(), b, 0, avail);
        } catch (InternalError e) {
            throw truncatedUnderneath(offset, e);
        }
        int p = 0;
        int x = b[p++] & 0xff;
        int type = (x >> 4) & 7;
        long size = x & 15;
        int shift = 4;
        while ((x & 0x80) != 0) {
            if (p >= avail) {
                throw new CorruptPackException(packPath, offset, "entry header runs past the end of the pack");
            }
            if (shift > 57) {
                throw new CorruptPackException(packPath, offset, "entry size varint overflows");
            }
            x = b[p++] & 0xff;
            size |= (long) (x & 0x7f) << shift;
            shift += 7;
        }
        long base = -1;
        switch (type) {
            case 1, 2, 3, 4 -> { }
            case ObjectType.OFS_DELTA -> {
                if (p >= avail) {
                    throw new CorruptPackException(packPath, offset, "delta base offset runs past the end of the pack");
                }
                x = b[p++] & 0xff;
                long rel = x & 0x7f;
                while ((x & 0x80) != 0) {
                    if (p >= avail || rel >= (1L << 55)) {
                        throw new CorruptPackException(packPath, offset, "delta base offset varint overflows");
                    }
                    x = b[p++] & 0xff;
                    rel = ((rel + 1) << 7) | (x & 0x7f);
                }
                base = offset - rel;
                if (rel <= 0 || base < 12) {
                    throw new CorruptPackException(packPath, offset, "delta base offset " + base + " is outside the pack or not before the delta");
                }
            }
            case ObjectType.REF_DELTA -> {
                int h = format.length();
                if (p + h > avail) {
                    throw new CorruptPackException(packPath, offset, "delta base id runs past the end of the pack");
                }
                System.arraycopy(b, p, ctx.baseId, 0, h);
                p += h;
            }
            default -> throw new CorruptPackException(packPath, offset, "invalid object type " + type);
        }
        // Deflate cannot expand more than ~1032:1: a larger declared size is damage or an attack.
        long remaining = dataEnd - (offset + p);
        if (size > remaining * MAX_INFLATE_RATIO + 64) {
            throw new CorruptPackException(packPath, offset, "declared size " + size
                    + " cannot come from the " + remaining + " bytes left in the pack");
        }
        ctx.typeCode = type;
        ctx.size = size;
        ctx.dataOffset = offset + p;
        ctx.baseOffset = base;
    }

    /** Returns the header of the entry at {@code offset}. */
    PackEntry entry(ReadContext ctx, long offset) throws IOException {
        parseHeader(ctx, offset);
        ObjectId baseId = ctx.typeCode == ObjectType.REF_DELTA ? ObjectId.fromRaw(ctx.baseId, 0, format.length()) : null;
        return new PackEntry(offset, ctx.typeCode, ctx.size, ctx.dataOffset, ctx.baseOffset, baseId);
    }

    /**
     * Inflates the zlib stream at {@code pos} into {@code out[0, len)}; the stream must produce
     * exactly {@code len} bytes and end.
     *
     * @param entry offset of the entry, for messages
     * @return the number of compressed bytes consumed
     */
    long inflate(ReadContext ctx, long entry, long pos, byte[] out, int len) throws IOException {
        return inflate(ctx, entry, pos, out, len, true);
    }

    /** Compressed bytes handed to the Java prefix decoder: a delta header's 20 bytes need far fewer. */
    private static final int PREFIX_INPUT = 256;

    /**
     * Inflates the first {@code len} bytes of the zlib stream at {@code pos} (the stream may go
     * on): in Java when {@link DeflatePrefix} can (no native call for a few bytes), else by zlib,
     * which also reports any damage.
     */
    void inflatePrefix(ReadContext ctx, long entry, long pos, byte[] out, int len) throws IOException {
        int avail = (int) Math.min(PREFIX_INPUT, dataEnd - pos);
        if (avail > 0) {
            WindowCursor c = ctx.cursor(this);
            if (!c.includesOffset(pos)) {
                c.useRegion(pos, avail);
            }
            avail = (int) Math.min(avail, c.ofsEnd() - pos);
            try {
                MemorySegment.copy(c.segment(), ValueLayout.JAVA_BYTE, pos - c.ofsBegin(), ctx.chunk, 0, avail);
            } catch (InternalError e) {
                throw truncatedUnderneath(entry, e);
            }
            if (ctx.prefix.decode(ctx.chunk, avail, out, len) == len) {
                return;
            }
        }
        inflate(ctx, entry, pos, out, len, false);
    }

    private long inflate(ReadContext ctx, long entry, long pos, byte[] out, int len, boolean exact) throws IOException {
        Inflater inf = ctx.inflater;
        inf.reset();
        WindowCursor c = ctx.cursor(this);
        long start = pos;
        // Small objects: copy about as many compressed bytes as the object has, not a full chunk.
        int want = (int) Math.min(ReadContext.CHUNK, len + 64L);
        int done = 0;
        int stalls = 0;
        try {
            while (!inf.finished() && (exact || done < len)) {
                if (inf.needsInput()) {
                    if (pos >= dataEnd) {
                        throw new CorruptPackException(packPath, entry, "compressed data runs past the end of the pack");
                    }
                    int n = (int) Math.min(want, dataEnd - pos);
                    if (!c.includesOffset(pos)) {
                        c.useRegion(pos, n);
                    }
                    n = (int) Math.min(n, c.ofsEnd() - pos);
                    MemorySegment.copy(c.segment(), ValueLayout.JAVA_BYTE, pos - c.ofsBegin(), ctx.chunk, 0, n);
                    inf.setInput(ctx.chunk, 0, n);
                    pos += n;
                    want = ReadContext.CHUNK;
                }
                int n;
                if (done < len) {
                    n = inf.inflate(out, done, len - done);
                    done += n;
                } else {
                    n = inf.inflate(ctx.scratch, 0, 1);
                    if (n > 0) {
                        throw new CorruptPackException(packPath, entry, "data inflates to more than the declared " + len + " bytes");
                    }
                }
                if (n == 0 && !inf.finished() && !inf.needsInput()) {
                    if (inf.needsDictionary() || ++stalls > 2) {
                        throw new CorruptPackException(packPath, entry, "zlib stream makes no progress");
                    }
                } else {
                    stalls = 0;
                }
            }
        } catch (DataFormatException e) {
            throw new CorruptPackException(packPath, entry, "bad zlib data: " + e.getMessage(), e);
        } catch (InternalError e) {
            throw truncatedUnderneath(entry, e);
        }
        if (done != len) {
            throw new CorruptPackException(packPath, entry, "data inflates to " + done + " bytes, header declared " + len);
        }
        return pos - inf.getRemaining() - start;
    }

    /** A read of a mapping whose file shrank underneath faults; the JVM reports it as InternalError. */
    CorruptPackException truncatedUnderneath(long offset, InternalError e) {
        return new CorruptPackException(packPath, offset, "pack file was truncated while mapped", e);
    }

    /** Returns the entries in offset order (built on first use, then shared). */
    ReverseIndex reverseIndex() throws CorruptPackException {
        ReverseIndex r = reverse;
        if (r == null) {
            synchronized (this) {
                r = reverse;
                if (r == null) {
                    r = ReverseIndex.build(this);
                    reverse = r;
                }
            }
        }
        return r;
    }

    /** Closes the index mapping; the pack's windows go when the manager evicts or collects them. */
    @Override
    public void close() {
        index.close();
    }

    @Override
    public String toString() {
        return "PackFile[" + packPath + ", " + objectCount() + " objects]";
    }
}
