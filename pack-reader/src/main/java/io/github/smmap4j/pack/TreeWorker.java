package io.github.smmap4j.pack;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one any-order engine, gitoxide-style: a thread that takes the delta trees of a
 * {@link DeltaForest} one root at a time and resolves each depth-first from its root, so every
 * entry is inflated exactly once (its zlib stream must end where the next entry begins) and each
 * delta is applied to its parent's content while that is on the stack, and hands every resolved
 * object to its {@link Sink}: the verifier checks ids ({@link IdCheck}), the any-order traversal
 * visits them ({@link AnyOrderTraversal}). Only entries with deltas on them get arrays of their
 * own (held while their subtree is resolved); leaves go into a reused buffer. Has its own cursor,
 * inflater and buffers; stops at the first failure of any thread.
 */
final class TreeWorker implements Runnable {
    /** Receives what a worker resolves, on the worker's thread. */
    interface Sink {
        /**
         * The entry at {@code rank} is resolved: an object of pack type {@code typeCode} whose
         * content is {@code data[0, len)} (valid during the call), at delta depth {@code depth},
         * whose entry header declared {@code headerSize}.
         */
        void resolved(int rank, int typeCode, byte[] data, int len, int depth, long headerSize) throws IOException;

        /**
         * The entry at {@code rank} is above the worker's in-memory limit, and so is everything
         * built on it: called for it and each entry of its subtree instead of {@link #resolved}.
         */
        void large(int rank) throws IOException;
    }

    /** Loads a root that is not a whole entry (a {@link DeltaForest#OUTSIDE} delta), or null when it is too large. */
    @FunctionalInterface
    interface RootLoader {
        DeltaChainLoader.Loaded load(int rank) throws IOException;
    }

    /** Deeper chains than git can write (its limit is 4095) are refused rather than held in memory. */
    static final int MAX_DEPTH = 10_000;

    private final PackFile pack;
    private final ReverseIndex rev;
    private final DeltaForest forest;
    private final int[] roots;
    private final AtomicInteger nextRoot;
    private final AtomicReference<Throwable> failure;
    private final Sink sink;
    private final long maxObjectSize;
    private final long inMemory;
    private final RootLoader outside;
    private final ReadContext ctx = new ReadContext();
    private byte[] delta = new byte[64 * 1024];
    private byte[] leaf = new byte[64 * 1024];
    // The DFS stack: per level, the content of an entry, its rank and its next child in CSR order.
    private byte[][] stackData = new byte[64][];
    private int[] stackRank = new int[64];
    private int[] stackNext = new int[64];

    /**
     * A worker resolving the trees of {@code roots[nextRoot++]} until the roots run out or
     * {@code failure} is set (by any thread; this one sets its own), handing each object to
     * {@code sink}; objects and deltas above {@code maxObjectSize} bytes are corruption, objects
     * above {@code inMemory} bytes (and their subtrees) go to {@link Sink#large}; roots that are
     * not whole entries are loaded with {@code outside} (null when every root is whole).
     */
    TreeWorker(PackFile pack, ReverseIndex rev, DeltaForest forest, int[] roots, AtomicInteger nextRoot,
               AtomicReference<Throwable> failure, Sink sink, long maxObjectSize, long inMemory, RootLoader outside) {
        this.pack = pack;
        this.rev = rev;
        this.forest = forest;
        this.roots = roots;
        this.nextRoot = nextRoot;
        this.failure = failure;
        this.sink = sink;
        this.maxObjectSize = maxObjectSize;
        this.inMemory = inMemory;
        this.outside = outside;
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

    private void tree(int root) throws IOException {
        long off = rev.offsetAt(root);
        int t; // every delta of the tree has its root's type
        byte[] data;
        if (forest.baseRank(root) == DeltaForest.OUTSIDE) {
            DeltaChainLoader.Loaded l = outside.load(root);
            if (l == null) {
                large(root);
                return;
            }
            t = l.type().code();
            data = l.data();
            sink.resolved(root, t, data, data.length, 0, -1);
            if (forest.childCount(root) == 0) {
                return;
            }
        } else {
            EntryHeader h = pack.parseHeader(ctx, off);
            t = h.typeCode;
            data = whole(root, off, h);
            if (data == null) {
                return;
            }
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
        if (size > inMemory) {
            large(r);
            return null;
        }
        int len = Limits.arraySize(size, maxObjectSize, "object", pack.packPath, off);
        boolean own = forest.childCount(r) > 0;
        byte[] out = own ? new byte[len] : leafBuffer(len);
        inflateEntry(r, off, dataOffset, out, len);
        sink.resolved(r, typeCode, out, len, 0, size);
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
        // A result above the in-memory limit goes to the sink as large, as a whole entry does.
        long dh = Delta.header(delta, dlen, base.length, Long.MAX_VALUE, pack.packPath, off);
        if (Delta.headerResult(dh) > inMemory) {
            large(r);
            return null;
        }
        int res = Limits.arraySize(Delta.headerResult(dh), maxObjectSize, "object", pack.packPath, off);
        boolean own = forest.childCount(r) > 0;
        byte[] out = own ? new byte[res] : leafBuffer(res);
        Delta.applyInto(base, base.length, delta, dlen, Delta.headerStart(dh), out, res, pack.packPath, off);
        sink.resolved(r, t, out, res, d, size);
        return own ? out : null;
    }

    private byte[] leafBuffer(int len) {
        leaf = Limits.atLeast(leaf, len);
        return leaf;
    }

    /** Inflates the entry at rank {@code r} into {@code out[0, len)}; its zlib stream must end where the next entry starts. */
    private void inflateEntry(int r, long off, long dataOffset, byte[] out, int len) throws IOException {
        endsAtNext(pack, rev, r, off, dataOffset + pack.inflate(ctx, off, dataOffset, out, len));
    }

    /** The zlib stream of the entry at rank {@code r} (offset {@code off}) ended at {@code end}: it must be where the next entry starts. */
    static void endsAtNext(PackFile pack, ReverseIndex rev, int r, long off, long end) throws CorruptPackException {
        long next = off + rev.packedLength(r);
        if (end != next) {
            throw new CorruptPackException(pack.packPath, off, "zlib stream ends at " + end
                    + " but the next entry starts at " + next);
        }
    }

    /** Hands the entry at rank {@code r} and its whole subtree to {@link Sink#large} (iteratively). */
    private void large(int r) throws IOException {
        int[] todo = {r};
        int n = 1;
        while (n > 0) {
            int x = todo[--n];
            sink.large(x);
            int k = forest.childCount(x);
            if (n + k > todo.length) {
                todo = Arrays.copyOf(todo, Math.max(2 * todo.length, n + k));
            }
            for (int c = forest.childStart(x); c < forest.childEnd(x); c++) {
                todo[n++] = forest.child(c);
            }
        }
    }
}
