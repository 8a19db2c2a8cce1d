package io.github.smmap4j.pack;

/**
 * The index positions and offsets of a pack-order pass's entries around the one it is at, in a
 * ring: the last {@value #BEHIND} entries met and up to {@value #AHEAD} ahead, read from the
 * reverse index in batches (the positions of a batch copied at once). Each offset is a random
 * read of the mapped {@code .idx}; in a batch those reads overlap instead of waiting on each
 * other, and the pass's positions, offsets, packed lengths and delta base ranks then come from
 * these small arrays. git writes most deltas' bases shortly before them (on git.git 73 % within
 * {@value #BEHIND} entries), so most bases are found here; for an older one, the offsets of every
 * {@code 2^}{@value #SAMPLE_SHIFT}th rank of the pack (read once, on the first older base: 1/8
 * byte per object, for this pass only) narrow the search of the reverse index to one block of
 * ranks. Single-thread, one per pass.
 */
final class RecentRanks {
    /** Entries remembered behind the pass. */
    static final int BEHIND = 1 << 13;
    /** Entries read ahead in one batch. */
    static final int AHEAD = 256;
    private static final int SIZE = BEHIND + AHEAD;
    private static final int MASK = (1 << 14) - 1; // ring of 2^14 >= SIZE slots
    /** One offset kept per {@code 2^SAMPLE_SHIFT} ranks for bases older than the ring. */
    static final int SAMPLE_SHIFT = 6;

    private final ReverseIndex rev;
    private final int to;
    private final long dataEnd;
    private final long[] offsets = new long[MASK + 1];
    private final int[] positions = new int[MASK + 1];
    private final int[] batch = new int[AHEAD];
    /** The offsets of the ranks in the ring, {@code [first, filled)}, as {@link ReverseIndex#search} reads them. */
    private final ReverseIndex.RankOffsets ring = r -> offsets[r & MASK];
    /** The offset of every {@code 2^SAMPLE_SHIFT}th rank of the pack; made on the first base older than the ring. */
    private long[] sample;
    /** Ranks {@code [first, filled)} are in the ring. */
    private int first;
    private int filled;

    /** Starts a pass over the ranks {@code [from, to)} of {@code pack}'s reverse index {@code rev}. */
    RecentRanks(PackFile pack, ReverseIndex rev, int from, int to) {
        this.rev = rev;
        this.to = to;
        this.dataEnd = pack.dataEnd;
        this.first = from;
        this.filled = from;
    }

    /** Returns the offset of rank {@code r}, the rank the pass is at (ranks come in order). */
    long offsetAt(int r) {
        if (r >= filled) {
            fill(r);
        }
        return offsets[r & MASK];
    }

    /** Returns the index position of rank {@code r}, the rank the pass is at. */
    int positionAt(int r) {
        if (r >= filled) {
            fill(r);
        }
        return positions[r & MASK];
    }

    /** Returns the packed length of rank {@code r}, the rank the pass is at. */
    long packedLength(int r) {
        if (r + 1 >= to) {
            return (r + 1 < rev.size() ? rev.offsetAt(r + 1) : dataEnd) - offsetAt(r);
        }
        return offsetAt(r + 1) - offsetAt(r);
    }

    private void fill(int r) {
        int start = Math.max(r, filled);
        int end = Math.min(to, start + AHEAD);
        rev.positions(start, batch, end - start);
        for (int i = start; i < end; i++) {
            int pos = batch[i - start];
            positions[i & MASK] = pos;
            offsets[i & MASK] = rev.offsetOf(pos);
        }
        if (r > filled) {
            first = r; // a jump: what was remembered is not contiguous with it
        }
        filled = end;
        first = Math.max(first, filled - SIZE);
    }

    /**
     * Returns the rank of the entry at {@code offset}, or -1 if no entry starts there; {@code offset}
     * lies before the entry the pass is at (a delta's base offset).
     */
    int rankOf(long offset) {
        if (first == filled || offset < offsets[first & MASK]) {
            return older(offset);
        }
        return ReverseIndex.search(ring, offset, first, filled, to);
    }

    /** The rank of the entry at {@code offset}, which lies before the ring: a sample search, then one block's. */
    private int older(long offset) {
        if (sample == null) {
            sample = new long[((rev.size() - 1) >>> SAMPLE_SHIFT) + 1];
            for (int i = 0; i < sample.length; i++) {
                sample[i] = rev.offsetAt(i << SAMPLE_SHIFT);
            }
        }
        int i = java.util.Arrays.binarySearch(sample, offset);
        if (i >= 0) {
            return i << SAMPLE_SHIFT;
        }
        int block = -i - 2; // the last sampled rank before offset
        if (block < 0) {
            return -1;
        }
        int lo = (block << SAMPLE_SHIFT) + 1;
        return rev.rankBetween(offset, lo, Math.min(rev.size(), lo - 1 + (1 << SAMPLE_SHIFT)));
    }
}
