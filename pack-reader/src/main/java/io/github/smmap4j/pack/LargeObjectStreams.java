package io.github.smmap4j.pack;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Streams of entries too large to hold: a whole entry inflates as it is read ({@link PackStream});
 * a delta's instructions are held and applied to a streamed base ({@link DeltaStream}), itself
 * streamed when large, so neither the result nor any large base is ever held. Each stream, and
 * each base it reopens, reads with a context of its own: it outlives the call that made it.
 */
final class LargeObjectStreams {
    /** Streams of large deltas over large bases nest at most this deep. */
    private static final int MAX_NESTING = 1000;

    private final Storage storage;

    LargeObjectStreams(Storage storage) {
        this.storage = storage;
    }

    /** Opens a stream over the entry at {@code offset} of {@code p}. */
    InputStream open(PackFile p, long offset) throws IOException {
        return open(p, offset, 0);
    }

    private InputStream open(PackFile p, long offset, int nesting) throws IOException {
        if (nesting > MAX_NESTING) {
            throw new CorruptPackException(p.packPath, offset, "delta chain of large objects is too deep to stream");
        }
        try (ReadContext ctx = new ReadContext()) {
            EntryHeader h = p.parseHeader(ctx, offset);
            if (!h.isDelta()) {
                return new PackStream(p, offset, h.dataOffset, h.size);
            }
            DeltaChainLoader loader = new DeltaChainLoader(storage, ctx);
            ObjectId refBase = h.typeCode == ObjectType.REF_DELTA ? h.baseId(p.format) : null;
            ObjectLocation at = refBase == null ? null : storage.packs().find(refBase, null);
            PackFile bp = refBase == null ? p : at == null ? null : at.pack();
            long bo = refBase == null ? h.baseOffset : at == null ? -1 : at.offset();
            byte[] delta = loader.inflateWhole(p, offset, h);
            DeltaStream.BaseOpener opener;
            long baseSize;
            if (bp == null) {
                ObjectLoader loose = storage.loose().load(refBase, storage.streamThreshold(), storage.maxObjectSize());
                if (loose == null) {
                    throw new MissingObjectException(refBase);
                }
                baseSize = loose.size();
                opener = loose::openStream;
            } else {
                baseSize = new HeaderResolver(storage, ctx).header(bp, bo, 0).size();
                if (baseSize > storage.streamThreshold()) {
                    opener = () -> open(bp, bo, nesting + 1);
                } else {
                    byte[] small = loader.load(bp, bo, 0, Long.MAX_VALUE).data();
                    opener = () -> new ByteArrayInputStream(small);
                }
            }
            return new DeltaStream(delta, delta.length, opener, baseSize, p.packPath, offset);
        }
    }

    /**
     * Streams a chain whose bases the caller found and whose deltas it inflated (the verifier,
     * from its forest): the whole entry at {@code rootOffset} (its data at {@code rootData}, of
     * {@code rootSize} bytes) inflated as read, then {@code deltas[0], deltas[1], ...} (the entries at {@code deltaOffsets}) applied
     * in order, each held, no result or base ever held. Each base reopens from the root.
     */
    static ObjectStream chain(PackFile p, long rootOffset, long rootData, long rootSize, byte[][] deltas,
                              long[] deltaOffsets)
            throws IOException {
        if (deltas.length > MAX_NESTING) {
            throw new CorruptPackException(p.packPath, deltaOffsets[deltas.length - 1],
                    "delta chain of large objects is too deep to stream");
        }
        long[] sizes = new long[deltas.length + 1]; // sizes[k]: the object after k deltas
        sizes[0] = rootSize;
        for (int k = 0; k < deltas.length; k++) {
            long h = Delta.header(deltas[k], deltas[k].length, sizes[k], Long.MAX_VALUE, p.packPath, deltaOffsets[k]);
            sizes[k + 1] = Delta.headerResult(h);
        }
        return level(p, rootOffset, rootData, deltas, deltaOffsets, sizes, deltas.length);
    }

    private static ObjectStream level(PackFile p, long rootOffset, long rootData, byte[][] deltas, long[] deltaOffsets,
                                      long[] sizes, int k) throws IOException {
        if (k == 0) {
            return new PackStream(p, rootOffset, rootData, sizes[0]);
        }
        byte[] d = deltas[k - 1];
        return new DeltaStream(d, d.length, () -> level(p, rootOffset, rootData, deltas, deltaOffsets, sizes, k - 1),
                sizes[k - 1], p.packPath, deltaOffsets[k - 1]);
    }
}
