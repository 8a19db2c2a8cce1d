package io.github.smmap4j.pack;

import java.util.Arrays;

/**
 * The delta bases a pack-order walk keeps, by pack rank, within a byte budget. A kept base stays
 * until its last delta of the walk's range has been resolved ({@link #used}); when the budget is
 * full, the base whose next use is farthest away goes first (Belady's eviction: the forest tells
 * every future use). Single-thread.
 *
 * <p>Eviction candidates sit in a lazy max-heap of {@code nextUse << 32 | rank}: a heap entry
 * goes stale when its base is used (its next use moves) or dropped, is skipped when popped, and
 * stale entries are compacted away before the heap would grow.
 */
final class WalkBudget {
    /** Receives a base evicted while later entries still need it. */
    @FunctionalInterface
    interface Evictions {
        /** {@code data} of type {@code type} at {@code rank} was just dropped from the budget. */
        void evicted(int rank, ObjectType type, byte[] data);
    }

    private final DeltaForest forest;
    private final long limit;
    private final Evictions onEvict;
    private final byte[][] kept;
    private final byte[] keptType;
    /** Per pack rank: its deltas already resolved (they come in ascending rank: the next use is the next child). */
    private final int[] consumed;
    private long keptBytes;
    private long[] heap = new long[64];
    private int heapSize;

    /** Evictions so far, for diagnostics. */
    long evictions;

    /** A budget of {@code limit} bytes for a walk over {@code forest}; evicted bases that are still needed go to {@code onEvict}. */
    WalkBudget(DeltaForest forest, long limit, Evictions onEvict) {
        int n = forest.ranks();
        this.forest = forest;
        this.limit = limit;
        this.onEvict = onEvict;
        this.kept = new byte[n][];
        this.keptType = new byte[n];
        this.consumed = new int[n];
    }

    /** The budget in bytes: a larger object is never kept. */
    long limit() {
        return limit;
    }

    /** Bytes kept now (at most {@link #limit} after every {@link #keep}). */
    long keptBytes() {
        return keptBytes;
    }

    /** True while deltas of the range built on {@code rank} remain to be resolved. */
    boolean needed(int rank) {
        return remaining(rank) > 0;
    }

    /** The kept content of {@code rank}, or null. */
    byte[] data(int rank) {
        return kept[rank];
    }

    /** The type of the kept content of {@code rank} (only while {@link #data} is not null). */
    ObjectType type(int rank) {
        return ObjectType.fromCode(keptType[rank]);
    }

    /**
     * Keeps {@code data} as the content of {@code rank}, which must be {@link #needed} and not
     * kept, unless it is larger than the whole budget; then evicts farthest-used bases (possibly
     * this one) until the budget holds.
     */
    void keep(int rank, byte[] data, ObjectType type) {
        if (data.length > limit) {
            return;
        }
        kept[rank] = data;
        keptType[rank] = (byte) type.code();
        keptBytes += data.length;
        push(rank);
        while (keptBytes > limit && heapSize > 0) {
            int victim = popFarthest();
            if (victim >= 0) {
                evictions++;
                onEvict.evicted(victim, ObjectType.fromCode(keptType[victim]), kept[victim]);
                drop(victim);
            }
        }
    }

    /** Counts one delta on {@code base} as resolved: a kept base is dropped after its last use, else re-queued at its next one. */
    void used(int base) {
        consumed[base]++;
        if (kept[base] != null) {
            if (remaining(base) == 0) {
                drop(base);
            } else {
                push(base);
            }
        }
    }

    private int remaining(int rank) {
        return forest.childCount(rank) - consumed[rank];
    }

    /** The rank of the next delta on {@code rank} (only while {@link #needed}). */
    private int nextUse(int rank) {
        return forest.child(forest.childStart(rank) + consumed[rank]);
    }

    /** True if heap entry {@code v} still describes a kept base and its next use. */
    private boolean live(long v) {
        int rank = (int) v;
        return kept[rank] != null && remaining(rank) > 0 && nextUse(rank) == (int) (v >>> 32);
    }

    private void drop(int rank) {
        byte[] d = kept[rank];
        if (d != null) {
            keptBytes -= d.length;
            kept[rank] = null;
            keptType[rank] = 0;
        }
    }

    private void push(int rank) {
        long v = (long) nextUse(rank) << 32 | rank;
        if (heapSize == heap.length) {
            if (heapSize > 4 * Math.max(16, liveCount())) {
                compactHeap();
            }
            if (heapSize == heap.length) {
                heap = Arrays.copyOf(heap, heap.length * 2);
            }
        }
        siftUp(v);
    }

    /** Adds {@code v} to the max-heap. */
    private void siftUp(long v) {
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] >= v) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = v;
    }

    /** Pops the kept base used farthest in the future; -1 if only stale entries were left. */
    private int popFarthest() {
        while (heapSize > 0) {
            long top = heap[0];
            long last = heap[--heapSize];
            siftDown(last);
            if (live(top)) {
                return (int) top;
            }
        }
        return -1;
    }

    /** Puts {@code v} at the root of the heap of {@code heapSize} entries and moves it down into place. */
    private void siftDown(long v) {
        int i = 0;
        int n = heapSize;
        if (n == 0) {
            return;
        }
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) {
                break;
            }
            if (c + 1 < n && heap[c + 1] > heap[c]) {
                c++;
            }
            if (heap[c] <= v) {
                break;
            }
            heap[i] = heap[c];
            i = c;
        }
        heap[i] = v;
    }

    private int liveCount() {
        int live = 0;
        for (int i = 0; i < heapSize; i++) {
            if (live(heap[i])) {
                live++;
            }
        }
        return live;
    }

    /** Drops stale heap entries (bases used or dropped since they were pushed) and rebuilds the heap. */
    private void compactHeap() {
        int n = 0;
        for (int i = 0; i < heapSize; i++) {
            long v = heap[i];
            if (live(v)) {
                heap[n++] = v;
            }
        }
        long[] live = Arrays.copyOf(heap, n);
        heapSize = 0;
        for (long v : live) {
            siftUp(v);
        }
    }
}
