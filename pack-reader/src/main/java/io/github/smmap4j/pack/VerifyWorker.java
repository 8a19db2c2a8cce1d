package io.github.smmap4j.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One verifying thread, gitoxide-style: takes the delta trees of a {@link DeltaForest} one root
 * at a time and resolves each depth-first from its root, so every entry is inflated exactly once
 * (its zlib stream must end where the next entry begins) and each delta is applied to its
 * parent's content while that is on the stack; the hash of {@code "<type> <size>\0"} and the
 * content must equal the index's id for that offset. Only entries with deltas on them get arrays
 * of their own (held while their subtree is resolved); leaves go into a reused buffer. Has its own
 * cursor, inflater, digest and buffers; stops at the first failure of any thread.
 */
final class VerifyWorker implements Runnable {
    /** Deeper chains than git can write (its limit is 4095) are refused rather than held in memory. */
    static final int MAX_DEPTH = 10_000;

    private final PackFile pack;
    private final ReverseIndex rev;
    private final DeltaForest forest;
    private final int[] roots;
    private final AtomicInteger nextRoot;
    private final AtomicReference<Throwable> failure;
    private final VerifiedEntries found;
    private final long maxObjectSize;
    private final ReadContext ctx = new ReadContext();
    private final MessageDigest md;
    private final byte[] idBuf;
    private byte[] delta = new byte[64 * 1024];
    private byte[] leaf = new byte[64 * 1024];
    /** {@code histogram[d]}: entries resolved at delta depth {@code d > 0}. */
    private long[] histogram = new long[64];
    // The DFS stack: per level, the content of an entry, its rank and its next child in CSR order.
    private byte[][] stackData = new byte[64][];
    private int[] stackRank = new int[64];
    private int[] stackNext = new int[64];

    /**
     * A worker resolving the trees of {@code roots[nextRoot++]} until the roots run out or
     * {@code failure} is set (by any thread; this one sets its own), recording into {@code found};
     * objects and deltas are limited to {@code maxObjectSize} bytes.
     */
    VerifyWorker(PackFile pack, ReverseIndex rev, DeltaForest forest, int[] roots, AtomicInteger nextRoot,
                 AtomicReference<Throwable> failure, VerifiedEntries found, long maxObjectSize) {
        this.pack = pack;
        this.rev = rev;
        this.forest = forest;
        this.roots = roots;
        this.nextRoot = nextRoot;
        this.failure = failure;
        this.found = found;
        this.maxObjectSize = maxObjectSize;
        this.md = pack.format.newDigest();
        this.idBuf = new byte[pack.format.length()];
    }

    @Override
    public void run() {
        try (ctx) {
            int i;
            while ((i = nextRoot.getAndIncrement()) < roots.length && failure.get() == null) {
                tree(roots[i]);
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    /** The delta depth histogram of what this worker resolved (after it ended): {@code [d]} for depth {@code d > 0}. */
    long[] histogram() {
        return histogram;
    }

    private void tree(int root) throws IOException {
        long off = rev.offsetAt(root);
        EntryHeader h = pack.parseHeader(ctx, off);
        int t = h.typeCode; // every delta of the tree has its root's type
        byte[] data = whole(root, off, h);
        if (data == null) {
            return;
        }
        int sp = 0;
        push(sp++, root, data);
        while (sp > 0 && failure.get() == null) {
            int top = sp - 1;
            int r = stackRank[top];
            if (stackNext[top] == forest.childEnd(r)) {
                stackData[top] = null;
                sp--;
                continue;
            }
            int child = forest.child(stackNext[top]++);
            byte[] out = delta(child, stackData[top], t, sp);
            if (out != null) {
                if (sp >= MAX_DEPTH) {
                    throw new CorruptPackException(pack.packPath, rev.offsetAt(child), "delta chain deeper than " + MAX_DEPTH);
                }
                push(sp++, child, out);
            }
        }
    }

    private void push(int sp, int rank, byte[] data) {
        if (sp == stackRank.length) {
            int m = sp * 2;
            stackData = Arrays.copyOf(stackData, m);
            stackRank = Arrays.copyOf(stackRank, m);
            stackNext = Arrays.copyOf(stackNext, m);
        }
        stackData[sp] = data;
        stackRank[sp] = rank;
        stackNext[sp] = forest.childStart(rank);
    }

    /**
     * Inflates and checks the whole entry at rank {@code r} (offset {@code off}, header {@code h}).
     *
     * @return its content if deltas are built on it (an array of its own), else null
     */
    private byte[] whole(int r, long off, EntryHeader h) throws IOException {
        int typeCode = h.typeCode;
        long size = h.size;
        long dataOffset = h.dataOffset;
        int len = Limits.arraySize(size, maxObjectSize, "object", pack.packPath, off);
        boolean own = forest.childCount(r) > 0;
        byte[] out = own ? new byte[len] : leafBuffer(len);
        inflateEntry(r, off, dataOffset, out, len);
        finish(r, typeCode, out, len, 0, size);
        return own ? out : null;
    }

    /**
     * Inflates the delta at rank {@code r}, applies it to {@code base} (its parent's content,
     * an array of its own) and checks the result, an object of type {@code t} at depth {@code d}.
     *
     * @return the result if deltas are built on it (an array of its own), else null
     */
    private byte[] delta(int r, byte[] base, int t, int d) throws IOException {
        long off = rev.offsetAt(r);
        EntryHeader h = pack.parseHeader(ctx, off);
        long size = h.size;
        long dataOffset = h.dataOffset;
        int dlen = Limits.arraySize(size, maxObjectSize, "delta", pack.packPath, off);
        delta = Limits.atLeast(delta, dlen);
        inflateEntry(r, off, dataOffset, delta, dlen);
        long dh = Delta.header(delta, dlen, base.length, maxObjectSize, pack.packPath, off);
        int res = (int) Delta.headerResult(dh);
        boolean own = forest.childCount(r) > 0;
        byte[] out = own ? new byte[res] : leafBuffer(res);
        Delta.applyInto(base, base.length, delta, dlen, Delta.headerStart(dh), out, res, pack.packPath, off);
        finish(r, t, out, res, d, size);
        return own ? out : null;
    }

    private byte[] leafBuffer(int len) {
        leaf = Limits.atLeast(leaf, len);
        return leaf;
    }

    /** Inflates the entry at rank {@code r} into {@code out[0, len)}; its zlib stream must end where the next entry starts. */
    private void inflateEntry(int r, long off, long dataOffset, byte[] out, int len) throws IOException {
        long used = pack.inflate(ctx, off, dataOffset, out, len);
        long next = off + rev.packedLength(r);
        if (dataOffset + used != next) {
            throw new CorruptPackException(pack.packPath, off, "zlib stream ends at " + (dataOffset + used)
                    + " but the next entry starts at " + next);
        }
    }

    /** Checks the id of {@code data[0, len)}, the object at rank {@code r}, and records it. */
    private void finish(int r, int t, byte[] data, int len, int d, long headerSize) throws IOException {
        md.reset();
        md.update((ObjectType.fromCode(t).typeName() + " " + len).getBytes(StandardCharsets.US_ASCII));
        md.update((byte) 0);
        md.update(data, 0, len);
        try {
            md.digest(idBuf, 0, idBuf.length);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
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
}
