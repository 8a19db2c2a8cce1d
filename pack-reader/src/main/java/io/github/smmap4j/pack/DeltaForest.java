package io.github.smmap4j.pack;

import java.io.IOException;

/**
 * The delta forest of a rank range {@code [from, to)} of one pack (gitoxide's
 * {@code cache::delta::Tree}): for every entry of the range (ranks are offset order, see
 * {@link ReverseIndex}) the rank of its delta base, and for every base the deltas of the range
 * built on it. Whole entries are the roots. Built from the entry headers alone, in one pass;
 * immutable afterwards, so threads may share it.
 *
 * <p>Children are in CSR form over every rank of the pack (a base may lie before {@code from}:
 * a later range of a walk starts with bases outside it): the deltas on base {@code b} are
 * {@link #child child(k)} for {@code k} in {@code [childStart(b), childEnd(b))}, in ascending
 * rank.
 */
final class DeltaForest {
    /** {@link #baseRank} of a whole entry: a root. */
    static final int WHOLE = -1;
    /** {@link #baseRank} of a delta whose base this forest does not hold ({@link Policy#WALK} only). */
    static final int OUTSIDE = -2;

    /** How a delta's base becomes a rank, and what happens to one that does not. */
    enum Policy {
        /**
         * The pack-order walk: the base must be an earlier entry of the pack (any rank below the
         * delta's, inside the range or not); any other (a REF_DELTA base in another pack or at a
         * later entry, which could close a cycle) is {@link #OUTSIDE}, left to the reader's normal
         * path with all its checks. Such a forest is acyclic.
         */
        WALK,
        /**
         * verify-pack: an OFS_DELTA base must be an entry, a REF_DELTA base an object of this
         * pack (a thin pack does not verify); a base may be at any rank, so chains may be cyclic
         * (see {@link #firstUnreachable}).
         */
        VERIFY
    }

    private final int from;
    private final int to;
    /** Per rank in range ({@code r - from}): the base's rank, {@link #WHOLE} or {@link #OUTSIDE}. */
    private final int[] baseRank;
    /** {@code ranks + 1} prefix sums: the deltas on rank {@code b} are {@code childRanks[childStart[b], childStart[b+1])}. */
    private final int[] childStart;
    private final int[] childRanks;

    /**
     * Builds the forest of the ranks {@code [from, to)} of a pack of {@code ranks} entries from
     * their bases ({@code baseRank[r - from]}: a rank in {@code [0, ranks)}, {@link #WHOLE} or
     * {@link #OUTSIDE}; the array is kept).
     */
    DeltaForest(int from, int to, int ranks, int[] baseRank) {
        this.from = from;
        this.to = to;
        this.baseRank = baseRank;
        int[] start = new int[ranks + 1];
        for (int b : baseRank) {
            if (b >= 0) {
                start[b + 1]++;
            }
        }
        for (int i = 0; i < ranks; i++) {
            start[i + 1] += start[i];
        }
        int[] children = new int[start[ranks]];
        // start[b] is b's fill cursor: afterwards it holds where b + 1's children begin, so shift back.
        for (int r = from; r < to; r++) {
            int b = baseRank[r - from];
            if (b >= 0) {
                children[start[b]++] = r;
            }
        }
        System.arraycopy(start, 0, start, 1, ranks);
        start[0] = 0;
        this.childStart = start;
        this.childRanks = children;
    }

    /**
     * Parses the headers of the entries of ranks {@code [from, to)} of {@code pack} (with
     * {@code ctx}) and resolves each delta's base under {@code policy}.
     *
     * @throws CorruptPackException under {@link Policy#VERIFY}: an OFS_DELTA base that is not an
     *         entry (the first one met), else REF_DELTA bases that are not in the pack (how many)
     */
    static DeltaForest scan(PackFile pack, ReadContext ctx, int from, int to, Policy policy) throws IOException {
        ReverseIndex rev = pack.reverseIndex();
        int[] baseRank = new int[to - from];
        int unresolved = 0;
        RecentRanks recent = new RecentRanks(pack, rev, from, to);
        for (int r = from; r < to; r++) {
            long off = recent.offsetAt(r);
            EntryHeader h = pack.parseHeader(ctx, off);
            int b = WHOLE;
            if (h.isDelta()) {
                long baseOff = pack.baseOffsetOf(h);
                b = baseOff < 0 ? -1 : baseOff < off ? recent.rankOf(baseOff) : rev.rankOf(baseOff);
                if (policy == Policy.WALK) {
                    if (b < 0 || b >= r) {
                        b = OUTSIDE;
                    }
                } else if (b < 0) {
                    if (baseOff >= 0) {
                        throw new CorruptPackException(pack.packPath, off, "delta base offset " + baseOff + " is not an entry of the pack");
                    }
                    unresolved++; // only a REF_DELTA base can be missing (an OFS_DELTA has an offset)
                    b = OUTSIDE;
                }
            }
            baseRank[r - from] = b;
        }
        if (unresolved > 0) {
            throw new CorruptPackException(pack.packPath, -1, "pack has " + unresolved + " unresolved delta"
                    + (unresolved == 1 ? "" : "s") + " (REF_DELTA bases that are not in the pack)");
        }
        return new DeltaForest(from, to, rev.size(), baseRank);
    }

    /** The first rank of the range. */
    int from() {
        return from;
    }

    /** The end (exclusive) of the range. */
    int to() {
        return to;
    }

    /** The number of ranks of the pack (the range of {@link #childStart}). */
    int ranks() {
        return childStart.length - 1;
    }

    /** True if rank {@code r} is in the range. */
    boolean contains(int r) {
        return r >= from && r < to;
    }

    /** The base rank of {@code r} (in range), or {@link #WHOLE} or {@link #OUTSIDE}. */
    int baseRank(int r) {
        return baseRank[r - from];
    }

    /** Where the deltas on rank {@code b} begin in {@link #child}'s order. */
    int childStart(int b) {
        return childStart[b];
    }

    /** Where the deltas on rank {@code b} end (exclusive). */
    int childEnd(int b) {
        return childStart[b + 1];
    }

    /** The number of deltas of the range built on rank {@code b}. */
    int childCount(int b) {
        return childStart[b + 1] - childStart[b];
    }

    /** The rank of the {@code k}th child in CSR order. */
    int child(int k) {
        return childRanks[k];
    }

    /** Computes the roots: the whole entries of the range, ascending. */
    int[] roots() {
        int count = 0;
        for (int b : baseRank) {
            if (b == WHOLE) {
                count++;
            }
        }
        int[] roots = new int[count];
        int i = 0;
        for (int r = from; r < to; r++) {
            if (baseRank[r - from] == WHOLE) {
                roots[i++] = r;
            }
        }
        return roots;
    }

    /**
     * Returns the lowest rank of the range that no root reaches (breadth-first from the roots),
     * or -1 if every entry is reached. Under {@link Policy#VERIFY}, an unreached entry is on or
     * above a delta cycle.
     */
    int firstUnreachable() {
        int n = to - from;
        boolean[] reached = new boolean[n];
        int[] queue = new int[n]; // each entry is queued at most once: it has one base
        int tail = 0;
        for (int r = from; r < to; r++) {
            if (baseRank[r - from] == WHOLE) {
                reached[r - from] = true;
                queue[tail++] = r;
            }
        }
        for (int head = 0; head < tail; head++) {
            int r = queue[head];
            for (int k = childStart[r]; k < childStart[r + 1]; k++) {
                int c = childRanks[k];
                reached[c - from] = true;
                queue[tail++] = c;
            }
        }
        if (tail == n) {
            return -1;
        }
        int i = 0;
        while (reached[i]) {
            i++;
        }
        return from + i;
    }
}
