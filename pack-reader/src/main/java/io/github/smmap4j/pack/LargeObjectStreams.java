package io.github.smmap4j.pack;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams of entries too large to hold: a whole entry inflates as it is read ({@link PackStream});
 * a delta chain is streamed as its root (a whole entry, a loose object, or a base small enough to
 * hold) with the chain's deltas held and applied over it in order ({@link DeltaStream}), so
 * neither the result nor any large base is ever held. One builder makes every such chain
 * ({@link #stack}), whether the chain was found here ({@link #open}) or by the caller
 * ({@link #chain}). Each stream, and each base it reopens, reads with a context of its own: it
 * outlives the call that made it.
 */
final class LargeObjectStreams {
    /** Streams of large deltas over large bases nest at most this deep. */
    private static final int MAX_NESTING = 1000;

    private final Storage storage;

    /** One delta of a chain, held: its instructions and where its entry is, for messages. */
    private record Level(byte[] delta, Path file, long offset) {
    }

    LargeObjectStreams(Storage storage) {
        this.storage = storage;
    }

    /**
     * Opens a stream over the entry at {@code offset} of {@code p}: its chain's deltas are
     * inflated now, down to a root that is a whole entry, a loose object (a REF_DELTA base no
     * pack holds) or a base no larger than the stream threshold (loaded whole).
     */
    InputStream open(PackFile p, long offset) throws IOException {
        try (ReadContext ctx = new ReadContext()) {
            EntryHeader h = p.parseHeader(ctx, offset);
            if (!h.isDelta()) {
                return new PackStream(p, offset, h.dataOffset, h.size);
            }
            DeltaChainLoader loader = new DeltaChainLoader(storage, ctx);
            List<Level> down = new ArrayList<>(); // the chain's deltas, the entry's first
            DeltaStream.BaseOpener root;
            long rootSize;
            while (true) {
                ObjectId refBase = h.typeCode == ObjectType.REF_DELTA ? h.baseId(p.format) : null;
                ObjectLocation at = refBase == null ? null : storage.packs().find(refBase, null);
                PackFile bp = refBase == null ? p : at == null ? null : at.pack();
                long bo = refBase == null ? h.baseOffset : at == null ? -1 : at.offset();
                down.add(new Level(loader.inflateWhole(p, offset, h), p.packPath, offset));
                if (down.size() > MAX_NESTING) {
                    throw tooDeep(p.packPath, offset);
                }
                if (bp == null) {
                    ObjectLoader loose = storage.loose().load(refBase, storage.streamThreshold(), storage.maxObjectSize());
                    if (loose == null) {
                        throw new MissingObjectException(refBase);
                    }
                    root = loose::openStream;
                    rootSize = loose.size();
                    break;
                }
                long baseSize = new HeaderResolver(storage, ctx).header(bp, bo, 0).size();
                if (baseSize <= storage.streamThreshold()) {
                    byte[] small = loader.load(bp, bo, 0, Long.MAX_VALUE).data();
                    root = () -> new ByteArrayInputStream(small);
                    rootSize = small.length;
                    break;
                }
                h = bp.parseHeader(ctx, bo);
                if (!h.isDelta()) {
                    long data = h.dataOffset;
                    root = () -> new PackStream(bp, bo, data, baseSize);
                    rootSize = baseSize;
                    break;
                }
                p = bp;
                offset = bo;
            }
            return stack(root, rootSize, down.reversed());
        }
    }

    /**
     * Streams a chain whose bases the caller found and whose deltas it inflated (the verifier,
     * from its forest): the whole entry at {@code rootOffset} (its data at {@code rootData}, of
     * {@code rootSize} bytes) inflated as read, then {@code deltas[0], deltas[1], ...} (the
     * entries at {@code deltaOffsets}) applied in order, each held, no result or base ever held.
     * Each base reopens from the root.
     */
    static ObjectStream chain(PackFile p, long rootOffset, long rootData, long rootSize, byte[][] deltas,
                              long[] deltaOffsets)
            throws IOException {
        if (deltas.length == 0) {
            return new PackStream(p, rootOffset, rootData, rootSize);
        }
        List<Level> up = new ArrayList<>(deltas.length);
        for (int k = 0; k < deltas.length; k++) {
            up.add(new Level(deltas[k], p.packPath, deltaOffsets[k]));
        }
        return stack(() -> new PackStream(p, rootOffset, rootData, rootSize), rootSize, up);
    }

    /**
     * The one way a chain is streamed: {@code root} (of {@code rootSize} bytes) with the deltas of
     * {@code up} (at least one, the root's own delta first) applied in order; each level reopens
     * the one below it when its stream needs its base again. Every delta's base and result sizes
     * are checked here, before anything is read.
     */
    private static ObjectStream stack(DeltaStream.BaseOpener root, long rootSize, List<Level> up) throws IOException {
        if (up.size() > MAX_NESTING) {
            throw tooDeep(up.getLast().file(), up.getLast().offset());
        }
        long[] sizes = new long[up.size() + 1]; // sizes[k]: the object after k deltas
        sizes[0] = rootSize;
        for (int k = 0; k < up.size(); k++) {
            Level l = up.get(k);
            long h = Delta.header(l.delta(), l.delta().length, sizes[k], Long.MAX_VALUE, l.file(), l.offset());
            sizes[k + 1] = Delta.headerResult(h);
        }
        return level(root, up, sizes, up.size());
    }

    /** The stream of the object after the first {@code k} (at least 1) deltas of {@code up}. */
    private static ObjectStream level(DeltaStream.BaseOpener root, List<Level> up, long[] sizes, int k) throws IOException {
        Level l = up.get(k - 1);
        DeltaStream.BaseOpener base = k == 1 ? root : () -> level(root, up, sizes, k - 1);
        return new DeltaStream(l.delta(), l.delta().length, base, sizes[k - 1], l.file(), l.offset());
    }

    private static CorruptPackException tooDeep(Path file, long offset) {
        return new CorruptPackException(file, offset, "delta chain of large objects is too deep to stream");
    }
}
