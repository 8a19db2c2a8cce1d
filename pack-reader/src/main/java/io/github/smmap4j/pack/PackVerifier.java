package io.github.smmap4j.pack;

import io.github.smmap4j.core.MapManager;
import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Checks a pack and its index as {@code git verify-pack -v} does, and reports every entry with
 * its delta chain depth.
 *
 * <p>What is checked, in this order:
 * <ol>
 *   <li>the index: its layout, its own trailing checksum and that its ids are strictly sorted
 *       ({@link PackIndex#verify()});</li>
 *   <li>the pack header (signature, version, object count equal to the index's) and that the
 *       pack checksum recorded in the index equals the pack's trailer;</li>
 *   <li>the pack trailer: the checksum over the whole pack before it, recomputed by reading the
 *       pack once from start to end through a {@link WindowCursor} in 1 MiB heap chunks (the pack
 *       is never held in the heap whole);</li>
 *   <li>in the same pass, for an index of version 2, the CRC32 of every entry's packed bytes
 *       (header and compressed data) against the CRC32 the index stores;</li>
 *   <li>every entry header, every delta base (an OFS_DELTA base must be an entry of this pack, a
 *       REF_DELTA base an object of this pack: a thin pack does not verify), and that no delta
 *       chain is cyclic;</li>
 *   <li>every object's id: its content is inflated (deltas applied from the base outward,
 *       walking the tree of deltas so that each base is inflated once and released after its
 *       last delta), and the hash of {@code "<type> <size>\0"} followed by the content must
 *       equal the id the index gives for that offset.</li>
 * </ol>
 * Each object's delta chain depth is the number of deltas between it and its whole base
 * (0 for a whole object); the histogram counts objects per depth, as git's
 * {@code chain length = N: M objects} lines do.
 *
 * <p>Any failure throws {@link CorruptPackException} naming the file, the offset and the problem.
 */
public final class PackVerifier {
    private static final int CHUNK = 1 << 20;
    /** Whole objects above this size whose id is checked by streaming rather than in an array. */
    private static final long STREAM_ABOVE = 16L << 20;

    /**
     * One entry of a verified pack, as {@code git verify-pack -v} lists it.
     *
     * @param id         the object id
     * @param type       the object's type (a delta's resolved type)
     * @param size       the size in the entry header: the object's size, or for a delta the delta's size
     * @param sizeInPack bytes the entry occupies in the pack (header and compressed data)
     * @param offset     the entry's offset in the pack
     * @param depth      delta chain depth: 0 for a whole object
     * @param base       the id of the delta's immediate base, or null for a whole object
     */
    public record Entry(ObjectId id, ObjectType type, long size, long sizeInPack, long offset, int depth, ObjectId base) {
    }

    /** Receives the entries of a verified pack in offset order. */
    @FunctionalInterface
    public interface EntryConsumer {
        /** Accepts one entry. */
        void accept(Entry e) throws IOException;
    }

    /** Receives progress: the number of objects whose id was checked so far, and the total. */
    @FunctionalInterface
    public interface ProgressListener {
        /** Reports progress. */
        void progress(long done, long total);
    }

    /**
     * The outcome of a verification.
     *
     * @param pack          the pack file
     * @param index         the index file
     * @param objectCount   number of objects
     * @param nonDelta      number of whole (non-delta) entries
     * @param chainLengths  {@code chainLengths[d]} = number of objects at delta depth {@code d + 1}
     */
    public record Result(Path pack, Path index, int objectCount, int nonDelta, long[] chainLengths) {
        /** Returns the deepest delta chain (0 if there are no deltas). */
        public int maxDepth() {
            return chainLengths.length;
        }
    }

    private final MapManager manager;
    private final ObjectFormat format;
    private final ProgressListener progress;
    private final MessageDigest md;
    private PackFile pack;
    private ReverseIndex rev;
    private ReadContext ctx;
    // Per entry, by rank (offset order):
    private byte[] code;
    private byte[] realType;
    private long[] size;
    private int[] baseRank;
    private int[] depth;
    private long checked;

    private PackVerifier(MapManager manager, ObjectFormat format, ProgressListener progress) {
        this.manager = manager;
        this.format = format;
        this.progress = progress;
        this.md = format.newDigest();
    }

    /**
     * Verifies the pack at {@code path} ({@code x.pack}, {@code x.idx} or {@code x}: the pack
     * and its index are found beside each other) and then hands every entry to {@code entries}
     * in offset order.
     *
     * @param manager  the map manager to read through
     * @param path     the pack, its index, or their common name without extension
     * @param format   the object format of the pack's ids
     * @param entries  receives each entry after the whole pack verified; may be null
     * @param progress receives progress while ids are checked; may be null
     * @return the histogram of delta chain depths
     * @throws CorruptPackException on the first problem found
     */
    public static Result verify(MapManager manager, Path path, ObjectFormat format, EntryConsumer entries,
                                ProgressListener progress) throws IOException {
        String s = path.toString();
        String base = s.endsWith(".idx") ? s.substring(0, s.length() - 4)
                : s.endsWith(".pack") ? s.substring(0, s.length() - 5) : s;
        Path packPath = Path.of(base + ".pack");
        Path idxPath = Path.of(base + ".idx");
        return new PackVerifier(manager, format, progress).run(packPath, idxPath, entries);
    }

    private Result run(Path packPath, Path idxPath, EntryConsumer entries) throws IOException {
        try (PackIndex idx = PackIndex.open(manager, idxPath, format)) {
            idx.verify();
        }
        pack = PackFile.open(0, manager, idxPath, packPath, format);
        ctx = new ReadContext(manager);
        try {
            rev = pack.reverseIndex();
            checkTrailerAndCrcs();
            readHeaders();
            computeDepths();
            checkIds();
            return report(entries);
        } finally {
            ctx.close();
            pack.close();
        }
    }

    /** One pass over the pack: its trailer checksum and each entry's CRC32. */
    private void checkTrailerAndCrcs() throws IOException {
        PackIndex idx = pack.index;
        boolean crcs = idx.hasCrc();
        MessageDigest sum = format.newDigest();
        CRC32 crc = new CRC32();
        byte[] buf = new byte[CHUNK];
        int n = rev.size();
        int entry = -1;
        long entryEnd = n > 0 ? rev.offsetAt(0) : pack.dataEnd;
        try (WindowCursor c = pack.newCursor()) {
            for (long pos = 0; pos < pack.dataEnd; ) {
                int len = (int) Math.min(buf.length, pack.dataEnd - pos);
                if (!c.includesOffset(pos)) {
                    c.useRegion(pos, len);
                }
                len = (int) Math.min(len, c.ofsEnd() - pos);
                try {
                    MemorySegment.copy(c.segment(), ValueLayout.JAVA_BYTE, pos - c.ofsBegin(), buf, 0, len);
                } catch (InternalError e) {
                    throw pack.truncatedUnderneath(pos, e);
                }
                sum.update(buf, 0, len);
                if (crcs) {
                    int p = 0;
                    while (p < len) {
                        long here = pos + p;
                        if (here == entryEnd) {
                            if (entry >= 0) {
                                checkCrc(entry, (int) crc.getValue());
                            }
                            entry++;
                            crc.reset();
                            entryEnd = entry + 1 < n ? rev.offsetAt(entry + 1) : pack.dataEnd;
                        }
                        int take = (int) Math.min(len - p, entryEnd - here);
                        if (entry >= 0) {
                            crc.update(buf, p, take);
                        }
                        p += take;
                    }
                }
                pos += len;
            }
            if (crcs && entry >= 0) {
                checkCrc(entry, (int) crc.getValue());
            }
        }
        if (!Arrays.equals(sum.digest(), pack.index.packChecksum())) {
            throw new CorruptPackException(pack.packPath, pack.dataEnd,
                    "pack is corrupted (" + (format == ObjectFormat.SHA1 ? "SHA1" : "SHA256") + " mismatch): its content does not match its trailer checksum");
        }
    }

    private void checkCrc(int rank, int actual) throws CorruptPackException {
        int pos = rev.positionAt(rank);
        int expected = pack.index.crcAt(pos);
        if (expected != actual) {
            throw new CorruptPackException(pack.packPath, rev.offsetAt(rank), String.format(
                    "CRC32 mismatch for object %s: index has %08x, packed data has %08x",
                    pack.index.idAt(pos).name(), expected, actual));
        }
    }

    /** Every entry's header: type, size and the rank of its base. */
    private void readHeaders() throws IOException {
        int n = rev.size();
        code = new byte[n];
        realType = new byte[n];
        size = new long[n];
        baseRank = new int[n];
        Arrays.fill(baseRank, -1);
        int unresolved = 0;
        for (int i = 0; i < n; i++) {
            long off = rev.offsetAt(i);
            pack.parseHeader(ctx, off);
            code[i] = (byte) ctx.typeCode;
            size[i] = ctx.size;
            if (ctx.typeCode == ObjectType.OFS_DELTA) {
                int r = rev.rankOf(ctx.baseOffset);
                if (r < 0) {
                    throw new CorruptPackException(pack.packPath, off, "delta base offset " + ctx.baseOffset + " is not an entry of the pack");
                }
                baseRank[i] = r;
            } else if (ctx.typeCode == ObjectType.REF_DELTA) {
                int pos = pack.index.findPosition(ObjectId.fromRaw(ctx.baseId, 0, format.length()));
                if (pos < 0) {
                    unresolved++;
                } else {
                    baseRank[i] = rev.rankOf(pack.index.offsetAt(pos));
                }
            } else {
                realType[i] = (byte) ctx.typeCode;
            }
        }
        if (unresolved > 0) {
            throw new CorruptPackException(pack.packPath, -1, "pack has " + unresolved + " unresolved delta"
                    + (unresolved == 1 ? "" : "s") + " (REF_DELTA bases that are not in the pack)");
        }
    }

    /** Depth and resolved type of every entry, walking each chain once (iteratively). */
    private void computeDepths() throws CorruptPackException {
        int n = rev.size();
        depth = new int[n];
        Arrays.fill(depth, -1);
        int[] path = new int[64];
        for (int i = 0; i < n; i++) {
            int len = 0;
            int cur = i;
            while (depth[cur] < 0 && baseRank[cur] >= 0) {
                if (len == path.length) {
                    path = Arrays.copyOf(path, len * 2);
                }
                path[len++] = cur;
                if (len > n) {
                    throw new CorruptPackException(pack.packPath, rev.offsetAt(i), "delta chain is cyclic");
                }
                cur = baseRank[cur];
            }
            if (depth[cur] < 0) {
                depth[cur] = 0; // a whole object
            }
            int d = depth[cur];
            byte t = realType[cur];
            for (int k = len - 1; k >= 0; k--) {
                depth[path[k]] = ++d;
                realType[path[k]] = t;
            }
        }
    }

    /** Inflates every object (bases once, deltas applied down the tree) and checks its id. */
    private void checkIds() throws IOException {
        int n = rev.size();
        // Children of each entry, in offset order (CSR layout).
        int[] start = new int[n + 1];
        for (int i = 0; i < n; i++) {
            if (baseRank[i] >= 0) {
                start[baseRank[i] + 1]++;
            }
        }
        for (int i = 0; i < n; i++) {
            start[i + 1] += start[i];
        }
        int[] children = new int[start[n]];
        int[] fill = Arrays.copyOf(start, n);
        for (int i = 0; i < n; i++) {
            if (baseRank[i] >= 0) {
                children[fill[baseRank[i]]++] = i;
            }
        }
        int[] stackRank = new int[64];
        byte[][] stackData = new byte[64][];
        int[] stackNext = new int[64];
        byte[] deltaBuf = new byte[8192];
        for (int root = 0; root < n; root++) {
            if (baseRank[root] >= 0) {
                continue;
            }
            int childCount = start[root + 1] - start[root];
            if (childCount == 0 && size[root] > STREAM_ABOVE) {
                streamCheck(root);
                continue;
            }
            byte[] data = inflateWhole(root);
            checkId(root, data);
            if (childCount == 0) {
                continue;
            }
            int top = 0;
            stackRank[0] = root;
            stackData[0] = data;
            stackNext[0] = start[root];
            while (top >= 0) {
                int r = stackRank[top];
                if (stackNext[top] >= start[r + 1]) {
                    stackData[top--] = null;
                    continue;
                }
                int c = children[stackNext[top]++];
                byte[] base = stackData[top];
                if (stackNext[top] >= start[r + 1]) {
                    stackData[top--] = null; // last child: the base is no longer needed
                }
                long dsize = size[c];
                if (dsize > Integer.MAX_VALUE - 16) {
                    throw new CorruptPackException(pack.packPath, rev.offsetAt(c), "delta of " + dsize + " bytes is too large");
                }
                if (deltaBuf.length < dsize) {
                    deltaBuf = new byte[(int) Math.max(dsize, Math.min(Integer.MAX_VALUE - 16, 2L * deltaBuf.length))];
                }
                long off = rev.offsetAt(c);
                pack.parseHeader(ctx, off);
                pack.inflate(ctx, off, ctx.dataOffset, deltaBuf, (int) dsize);
                byte[] result = Delta.apply(base, base.length, deltaBuf, (int) dsize, Integer.MAX_VALUE - 16, pack.packPath, off);
                checkId(c, result);
                if (start[c + 1] > start[c]) {
                    if (++top == stackRank.length) {
                        stackRank = Arrays.copyOf(stackRank, top * 2);
                        stackData = Arrays.copyOf(stackData, top * 2);
                        stackNext = Arrays.copyOf(stackNext, top * 2);
                    }
                    stackRank[top] = c;
                    stackData[top] = result;
                    stackNext[top] = start[c];
                }
            }
        }
        if (checked != n) {
            throw new CorruptPackException(pack.packPath, -1, (n - checked) + " entries could not be resolved to a whole base");
        }
    }

    private byte[] inflateWhole(int rank) throws IOException {
        long off = rev.offsetAt(rank);
        pack.parseHeader(ctx, off);
        if (ctx.size > Integer.MAX_VALUE - 16) {
            throw new CorruptPackException(pack.packPath, off, "object of " + ctx.size + " bytes is too large to verify");
        }
        byte[] out = new byte[(int) ctx.size];
        pack.inflate(ctx, off, ctx.dataOffset, out, out.length);
        return out;
    }

    private void streamCheck(int rank) throws IOException {
        long off = rev.offsetAt(rank);
        pack.parseHeader(ctx, off);
        header(rank, ctx.size);
        byte[] buf = new byte[1 << 16];
        try (InputStream in = new PackStream(pack, off, ctx.dataOffset, ctx.size)) {
            int k;
            while ((k = in.read(buf)) > 0) {
                md.update(buf, 0, k);
            }
        }
        finishId(rank);
    }

    private void checkId(int rank, byte[] data) throws CorruptPackException {
        header(rank, data.length);
        md.update(data);
        finishId(rank);
    }

    private void header(int rank, long len) {
        md.reset();
        md.update((ObjectType.fromCode(realType[rank]).typeName() + " " + len).getBytes(StandardCharsets.US_ASCII));
        md.update((byte) 0);
    }

    private void finishId(int rank) throws CorruptPackException {
        byte[] d = md.digest();
        ObjectId expected = pack.index.idAt(rev.positionAt(rank));
        if (!expected.equalsRaw(d, 0)) {
            throw new CorruptPackException(pack.packPath, rev.offsetAt(rank), "object's content hashes to "
                    + ObjectId.fromRaw(d, 0, d.length).name() + " but the index names it " + expected.name());
        }
        checked++;
        if (progress != null && (checked & 1023) == 0) {
            progress.progress(checked, rev.size());
        }
    }

    private Result report(EntryConsumer entries) throws IOException {
        int n = rev.size();
        int max = 0;
        int nonDelta = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, depth[i]);
            if (depth[i] == 0) {
                nonDelta++;
            }
        }
        long[] hist = new long[max];
        for (int i = 0; i < n; i++) {
            if (depth[i] > 0) {
                hist[depth[i] - 1]++;
            }
        }
        if (entries != null) {
            for (int i = 0; i < n; i++) {
                ObjectId id = pack.index.idAt(rev.positionAt(i));
                ObjectId base = baseRank[i] < 0 ? null : pack.index.idAt(rev.positionAt(baseRank[i]));
                entries.accept(new Entry(id, ObjectType.fromCode(realType[i]), size[i], rev.packedLength(i),
                        rev.offsetAt(i), depth[i], base));
            }
        }
        return new Result(pack.packPath, pack.index.path(), n, nonDelta, hist);
    }
}
