package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import io.github.smmap4j.core.MappedFileTruncatedException;
import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A {@code .pack} file and its index: entry headers, zlib inflation out of mapped windows
 * (entries may straddle windows), and the reverse index (entries in offset order).
 *
 * <p>Thread-safe: the per-thread state lives in the {@link ReadContext} each call is given.
 * The database that opened a pack owns it and closes it.
 */
public final class PackFile {
    /** Largest entry header: 1 type/size byte + 9 size bytes + a 32-byte base id or 10 offset bytes. */
    static final int MAX_HEADER = 1 + 9 + 32;

    final int id;
    final Path packPath;
    final PackIndex index;
    final ObjectFormat format;
    final long packSize;
    /** End of entry data: the trailer checksum starts here. */
    final long dataEnd;
    final int version;
    private final MapManager manager;
    /** Immutable: how many windows of this pack one reader may keep pinned ({@link ReadContext#cursor}). */
    private final int cursorsPerReader;
    /**
     * Made on first use and published racily (two threads may each make one and one is
     * forgotten: the table holds hints only, and its fields are final).
     */
    private volatile DeltaTypes deltaTypes;
    /** Built on first use under {@link #reverseLock} (private: users cannot lock it), then read without it. */
    private volatile ReverseIndex reverse;
    private final Object reverseLock = new Object();
    /** Where a damaged {@code .rev} is reported (set by the directory before the pack is published). */
    private java.util.function.Consumer<String> warnings = message -> { };
    /** Identity of the pack and idx files seen at open, to notice gc/repack replacing them. */
    private FileStamp packSeen;
    private FileStamp idxSeen;
    /** Why the pack does not match its index (every read fails with it), or null: the pack is usable. */
    private final CorruptPackException unusable;
    /** Whether a {@code .promisor} file was beside the pack at open: a partial clone's pack (see {@link PromisorObjects}). */
    private boolean promisor;

    private PackFile(int id, Path packPath, PackIndex index, MapManager manager, long packSize, int version,
                     CorruptPackException unusable) {
        this.id = id;
        this.unusable = unusable;
        this.packPath = packPath;
        this.index = index;
        this.format = index.format();
        this.manager = manager;
        this.cursorsPerReader = ReadContext.cursorsPerPack(manager.stats(), packSize);
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
        return open(id, manager, idxPath, packPath, format, false);
    }

    /**
     * Opens the pack beside {@code idxPath}; with {@code keepUnusable}, a pack that does not
     * match its (readable) index is returned all the same, its ids listed and every read of it
     * failing with the mismatch, as git keeps such a pack ({@link #unusable()}).
     */
    static PackFile open(int id, MapManager manager, Path idxPath, Path packPath, ObjectFormat format,
                         boolean keepUnusable) throws IOException {
        PackIndex idx = PackIndex.open(manager, idxPath, format);
        try (WindowCursor c = manager.cursor(packPath)) {
            long size = c.fileSize();
            int version = 0;
            CorruptPackException unusable = null;
            try {
                version = checkAgainstIndex(c, idx, size, format);
            } catch (CorruptPackException e) {
                if (!keepUnusable) {
                    throw e;
                }
                unusable = e;
            }
            PackFile p = new PackFile(id, c.path(), idx, manager, size, version, unusable);
            p.packSeen = FileStamp.of(c.path());
            p.idxSeen = FileStamp.of(idx.path());
            p.promisor = Files.exists(sibling(c.path(), ".promisor"));
            if (p.packSeen.size() != size) {
                throw new CorruptPackException(c.path(), size, "pack file changed size while being opened");
            }
            return p;
        } catch (IOException | RuntimeException e) {
            idx.close();
            throw e;
        }
    }

    /** Checks the pack's header, object count and trailer against its index; returns its version. */
    private static int checkAgainstIndex(WindowCursor c, PackIndex idx, long size, ObjectFormat format) throws IOException {
        Path idxPath = idx.path();
        int h = format.length();
        if (size < 12 + h) {
            throw new CorruptPackException(c.path(), size, "pack file too short (" + size + " bytes)");
        }
        ByteBuffer head = ByteBuffer.wrap(readFully(c, 0, 12));
        if (head.getInt(0) != 0x5041434b) { // "PACK"
            throw new CorruptPackException(c.path(), 0, "not a pack file (bad signature)");
        }
        int version = head.getInt(4);
        if (version != 2 && version != 3) {
            throw new CorruptPackException(c.path(), 4, "unsupported pack version " + version);
        }
        long count = Integer.toUnsignedLong(head.getInt(8));
        if (count != idx.objectCount()) {
            throw new CorruptPackException(c.path(), 8, "pack has " + count + " objects but its index "
                    + idxPath.getFileName() + " has " + idx.objectCount());
        }
        if (!Arrays.equals(readFully(c, size - h, h), idx.packChecksum())) {
            throw new CorruptPackException(c.path(), size - h, "pack checksum does not match its index "
                    + idxPath.getFileName());
        }
        return version;
    }

    /** Returns the file beside {@code packPath} with {@code ext} in place of {@code .pack} (as git names them). */
    static Path sibling(Path packPath, String ext) {
        String n = packPath.getFileName().toString();
        return packPath.resolveSibling((n.endsWith(".pack") ? n.substring(0, n.length() - 5) : n) + ext);
    }

    /** Returns true if a {@code .promisor} file was beside the pack when it was opened. */
    boolean promisor() {
        return promisor;
    }

    /** Returns why this pack cannot be read (it does not match its index), or null if it can. */
    CorruptPackException unusable() {
        return unusable;
    }

    /** Reads {@code [pos, pos + len)} of a pack being opened (its header, its trailer). */
    private static byte[] readFully(WindowCursor c, long pos, int len) throws IOException {
        byte[] b = new byte[len];
        for (int done = 0; done < len; ) {
            int n = c.copyTo(pos + done, b, done, len - done);
            if (n <= 0) {
                throw new CorruptPackException(c.path(), pos + done, "pack file ends early");
            }
            done += n;
        }
        return b;
    }

    /**
     * Returns true if the pack or its index is gone or is no longer the file this object opened
     * (size, file key or modification time differ): a gc, repack or truncation happened.
     */
    boolean changedOnDisk() {
        return !packSeen.matches(packPath) || !idxSeen.matches(index.path());
    }

    /** Returns the {@code .pack} path. */
    public Path packPath() {
        return packPath;
    }

    /** Returns the index (package-private: internal type). */
    PackIndex index() {
        return index;
    }

    /** Returns the {@code .idx} path. */
    public Path indexPath() {
        return index.path();
    }

    /** Returns the index format version (1 or 2). */
    public int indexVersion() {
        return index.version();
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

    /** Returns the types of this pack's entries that readers have resolved (see {@link DeltaTypes}). */
    DeltaTypes deltaTypes() {
        DeltaTypes t = deltaTypes;
        if (t == null) {
            t = new DeltaTypes(objectCount());
            deltaTypes = t;
        }
        return t;
    }

    /** Returns how many windows of this pack one reader may keep pinned (at least 1). */
    int cursorsPerReader() {
        return cursorsPerReader;
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
     * Parses the entry header at {@code offset} into {@code ctx}'s {@link EntryHeader} and
     * returns it (valid until {@code ctx} parses the next one): its bytes are read here and
     * decoded by {@link EntryHeader#decode}.
     *
     * @throws CorruptPackException if the pack is unusable, {@code offset} is outside its data,
     *         or as {@link EntryHeader#decode}
     */
    EntryHeader parseHeader(ReadContext ctx, long offset) throws IOException {
        if (unusable != null) {
            throw new CorruptPackException(packPath, unusable.offset(), unusable.what(), unusable); // a fresh one per read
        }
        if (offset < 12 || offset >= dataEnd) {
            throw new CorruptPackException(packPath, offset, "entry offset outside the pack data [12, " + dataEnd + ")");
        }
        byte[] b = ctx.scratch;
        WindowCursor c = ctx.cursor(this, offset);
        int avail = (int) Math.min(MAX_HEADER, dataEnd - offset);
        for (int got = 0; got < avail; ) { // a header may straddle two windows
            got += copy(c, offset + got, b, got, avail - got, offset);
        }
        return ctx.header.decode(this, b, avail, offset);
    }

    /**
     * Returns the offset of the base of the delta {@code h} in this pack: the OFS_DELTA base
     * offset, or where this pack holds the REF_DELTA base; -1 if this pack does not hold it.
     */
    long baseOffsetOf(EntryHeader h) throws CorruptPackException {
        if (h.typeCode == ObjectType.OFS_DELTA) {
            return h.baseOffset;
        }
        int pos = index.findPosition(h.baseId(format));
        return pos < 0 ? -1 : index.offsetAt(pos);
    }

    /**
     * The one window-to-heap copy of pack data: copies up to {@code len} bytes at {@code pos}
     * into {@code dst[off, off + n)} from the window holding {@code pos} (moving {@code c} if
     * needed); a file truncated underneath is reported as corruption.
     *
     * @param entry offset of the entry read, for messages
     * @return {@code n}, at least 1
     */
    int copy(WindowCursor c, long pos, byte[] dst, int off, int len, long entry) throws IOException {
        try {
            int n = c.copyTo(pos, dst, off, len);
            if (n <= 0) {
                throw new CorruptPackException(packPath, entry, "pack data ends at " + c.fileSize());
            }
            return n;
        } catch (MappedFileTruncatedException e) {
            throw new CorruptPackException(packPath, entry, "pack file was truncated while mapped", e);
        }
    }

    /**
     * Inflates the zlib stream at {@code pos} into {@code out[0, len)}; the stream must produce
     * exactly {@code len} bytes and end.
     *
     * @param entry offset of the entry, for messages
     * @return the number of compressed bytes consumed
     */
    long inflate(ReadContext ctx, long entry, long pos, byte[] out, int len) throws IOException {
        PackInflater inf = ctx.inflater;
        inf.start(this, ctx.cursor(this, pos), entry, pos, len);
        inf.readFully(out, 0, len);
        inf.expectEnd();
        return inf.consumed();
    }

    /** Compressed bytes handed to the Java prefix decoder: a delta header's 20 bytes need far fewer. */
    private static final int PREFIX_INPUT = 256;

    /**
     * Inflates the first {@code len} bytes of the zlib stream at {@code pos} (the stream may go
     * on): in Java when {@link DeflatePrefix} can (no native call for a few bytes), else by zlib,
     * which also reports any damage.
     */
    void inflatePrefix(ReadContext ctx, long entry, long pos, byte[] out, int len) throws IOException {
        WindowCursor c = ctx.cursor(this, pos);
        int avail = (int) Math.min(PREFIX_INPUT, dataEnd - pos);
        if (avail > 0) {
            avail = copy(c, pos, ctx.prefixInput, 0, avail, entry);
            if (ctx.prefix.decode(ctx.prefixInput, avail, out, len) == len) {
                return;
            }
        }
        PackInflater inf = ctx.inflater;
        inf.start(this, c, entry, pos, len);
        inf.readFully(out, 0, len);
    }

    /** Returns the entries in offset order (built on first use, then shared). */
    ReverseIndex reverseIndex() throws CorruptPackException {
        ReverseIndex r = reverse;
        if (r == null) {
            synchronized (reverseLock) {
                r = reverse;
                if (r == null) {
                    r = ReverseIndex.build(this, manager, warnings);
                    reverse = r;
                }
            }
        }
        return r;
    }

    /** Returns the id of the entry of offset rank {@code rank} (the order of a pack-order walk). */
    ObjectId idAtRank(int rank) throws CorruptPackException {
        return index.idAt(reverseIndex().positionAt(rank));
    }

    /** Calls {@code action} for every entry of this pack, in offset order (see {@link #reverseIndex}). */
    void forEachInOffsetOrder(ObjectDatabase.IOConsumer<ObjectLocation> action) throws IOException {
        ReverseIndex rev = reverseIndex();
        for (int i = 0; i < rev.size(); i++) {
            action.accept(new ObjectLocation(index.idAt(rev.positionAt(i)), this, rev.offsetAt(i)));
        }
    }

    /** Sets where a damaged {@code .rev} file is reported when the reverse index is built. */
    void warnings(java.util.function.Consumer<String> sink) {
        this.warnings = sink;
    }

    /** Closes the index and reverse index mappings; the pack's windows go when the manager evicts or collects them. */
    void close() {
        ReverseIndex r = reverse;
        if (r != null) {
            r.close();
        }
        index.close();
    }

    @Override
    public String toString() {
        return "PackFile[" + packPath + ", " + objectCount() + " objects]";
    }
}
