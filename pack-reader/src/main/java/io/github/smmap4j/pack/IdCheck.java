package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The verifier's {@link TreeWorker.Sink}, one per worker: the hash of {@code "<type> <size>\0"}
 * and the content must equal the index's id for the entry's offset, and with a
 * {@link CollisionDetectingSha1} must not be part of a collision attack (checked first, as git's
 * hash dies before the id is compared); records the entry in the shared {@link VerifiedEntries}
 * and counts delta depths.
 */
final class IdCheck implements TreeWorker.Sink {
    /** The type names of the whole types' codes, as hashed. */
    private static final byte[][] TYPE_NAMES = new byte[5][];

    static {
        for (int c = 1; c <= 4; c++) {
            TYPE_NAMES[c] = ObjectType.fromCode(c).typeName().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final PackFile pack;
    private final ReverseIndex rev;
    private final VerifiedEntries found;
    private final DeltaForest forest;
    /** The cap on a delta held while a large object streams. */
    private final long maxDelta;
    /** Reused for streamed objects: their chunks, and their headers' bytes. */
    private final byte[] chunk = new byte[64 * 1024];
    private final MessageDigest md;
    private final byte[] idBuf;
    /** {@code histogram[d]}: entries resolved at delta depth {@code d > 0}. */
    private long[] histogram = new long[64];

    /**
     * A check of {@code pack}'s entries with {@code md} ({@link ObjectFormat#idDigest}), which
     * each object's digest leaves reset for the next; large objects stream their chains from
     * {@code forest}, each delta held up to {@code maxDelta} bytes.
     */
    IdCheck(PackFile pack, ReverseIndex rev, VerifiedEntries found, DeltaForest forest, long maxDelta, MessageDigest md) {
        this.pack = pack;
        this.rev = rev;
        this.found = found;
        this.forest = forest;
        this.maxDelta = maxDelta;
        this.md = md;
        this.idBuf = new byte[pack.format.length()];
    }

    @Override
    public void resolved(int r, int t, byte[] data, int len, int d, long headerSize) throws IOException {
        startHash(t, len);
        md.update(data, 0, len);
        checked(r, t, d, headerSize);
    }

    /**
     * Streams the object at rank {@code r} and hashes it as it comes, in bounded memory: its
     * chain from its whole root is found in the forest, each delta of it held, no content held;
     * the entry's own zlib stream must end where the next entry starts.
     */
    @Override
    public void large(int r) throws IOException {
        int depth = 0;
        for (int b = forest.baseRank(r); b >= 0; b = forest.baseRank(b)) {
            depth++;
        }
        long[] offsets = new long[depth];
        byte[][] deltas = new byte[depth][];
        int root = r;
        long headerSize = -1;
        try (ReadContext ctx = new ReadContext()) {
            for (int k = depth - 1; k >= 0; k--, root = forest.baseRank(root)) {
                long off = rev.offsetAt(root);
                EntryHeader h = pack.parseHeader(ctx, off); // the context's: valid until its next parse
                byte[] delta = new byte[Limits.arraySize(h.size, maxDelta, "delta", pack.packPath, off)];
                long used = pack.inflate(ctx, off, h.dataOffset, delta, delta.length);
                if (root == r) {
                    headerSize = h.size;
                    TreeWorker.endsAtNext(pack, rev, r, off, h.dataOffset + used);
                }
                offsets[k] = off;
                deltas[k] = delta;
            }
            long rootOffset = rev.offsetAt(root);
            EntryHeader rh = pack.parseHeader(ctx, rootOffset);
            int type = rh.typeCode;
            long rootData = rh.dataOffset;
            long rootSize = rh.size;
            if (depth == 0) {
                headerSize = rootSize;
            }
            try (ObjectStream in = LargeObjectStreams.chain(pack, rootOffset, rootData, rootSize, deltas, offsets)) {
                long size = in instanceof DeltaStream ds ? ds.resultSize() : rootSize;
                startHash(type, size);
                long seen = 0;
                for (int n; (n = in.read(chunk, 0, chunk.length)) > 0; seen += n) {
                    md.update(chunk, 0, n);
                }
                if (seen != size) { // the streams check their ends; this guards the count itself
                    throw new CorruptPackException(pack.packPath, rev.offsetAt(r), "object produced " + seen
                            + " of " + size + " bytes");
                }
                if (depth == 0) {
                    TreeWorker.endsAtNext(pack, rev, r, rootOffset, rootData + ((PackStream) in).consumed());
                }
            }
            checked(r, type, depth, headerSize);
        }
    }

    /** Starts the hash of an object: {@code "<type> <size>\0"}, written without a String. */
    private void startHash(int typeCode, long size) {
        md.update(TYPE_NAMES[typeCode]);
        md.update((byte) ' ');
        int n = 0;
        do { // the decimal digits, backwards into the end of the chunk buffer
            chunk[chunk.length - 1 - n++] = (byte) ('0' + size % 10);
            size /= 10;
        } while (size > 0);
        md.update(chunk, chunk.length - n, n);
        md.update((byte) 0);
    }

    /** The hash begun by {@link #startHash} must be the index's id for rank {@code r}; records the entry. */
    private void checked(int r, int t, int d, long headerSize) throws IOException {
        try {
            md.digest(idBuf, 0, idBuf.length);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        if (md instanceof CollisionDetectingSha1 dc && dc.collisionDetected()) {
            throw new Sha1CollisionException(pack.packPath, rev.offsetAt(r), ObjectId.fromRaw(idBuf, 0, idBuf.length));
        }
        int position = rev.positionAt(r);
        if (!pack.index.idEquals(position, idBuf, 0)) {
            throw new CorruptPackException(pack.packPath, rev.offsetAt(r), "object's content hashes to "
                    + ObjectId.fromRaw(idBuf, 0, idBuf.length).name() + " but the index names it "
                    + pack.index.idAt(position).name());
        }
        if (d > 0) {
            if (d >= histogram.length) {
                histogram = Arrays.copyOf(histogram, Math.max(d + 1, histogram.length * 2));
            }
            histogram[d]++;
        }
        found.resolved(r, t, d, headerSize);
    }


    /** The delta depth histogram of what this sink checked: {@code [d]} for depth {@code d > 0}. */
    long[] histogram() {
        return histogram;
    }
}
