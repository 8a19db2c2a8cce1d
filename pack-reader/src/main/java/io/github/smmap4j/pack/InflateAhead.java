package io.github.smmap4j.pack;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * The pack-order walk's inflate-ahead helper: zlib is about half of a walk's time, and the
 * entries to inflate are known in advance, so a helper thread with its own cursor and inflater
 * inflates the entries of the walk's range in pack order and hands the data over
 * ({@link #take}). Whole objects that later deltas need come in arrays of their own (the walk
 * keeps them), everything else in recycled buffers ({@link #done}); at most
 * {@link #AHEAD_BYTES} are in flight, buffers counted at their full length. Entries the walk
 * reads itself (bases the forest does not hold, streamed objects) come as pass-through items.
 * Errors surface at the same entry, in the same order, as without the helper: the helper stops
 * at a failing entry and the walk rethrows when it takes it.
 */
final class InflateAhead implements AutoCloseable {
    /**
     * On with more than one processor and a heap of 512 MiB or more (in a small heap the data in
     * flight costs more in GC than it saves), unless {@code -Dsmmap4j.walk.noInflateAhead}.
     */
    static final boolean ENABLED = Runtime.getRuntime().availableProcessors() > 1
            && Runtime.getRuntime().maxMemory() >= (512L << 20)
            && !Boolean.getBoolean("smmap4j.walk.noInflateAhead");
    private static final int AHEAD_KIB = 8 * 1024;
    private static final long AHEAD_BYTES = (long) AHEAD_KIB << 10;
    private static final int MIN_POOLED = 8 * 1024;
    private static final int MAX_POOLED = 1 << 20;

    /** One entry handed from the helper to the walk. */
    static final class Item {
        final int rank;
        /** The walk reads this entry itself (a base the forest does not hold, a streamed object). */
        boolean passThrough;
        /** The inflated entry data: {@code buf[0, len)}. */
        byte[] buf;
        int len;
        /** The entry's pack type code. */
        int typeCode;
        /** {@link #buf} is a recycled buffer (else an array of its own, for the walk to keep). */
        boolean pooled;
        int permits;
        Throwable error;

        Item(int rank) {
            this.rank = rank;
        }
    }

    private final PackFile pack;
    private final ReverseIndex rev;
    private final DeltaForest forest;
    private final long keepLimit;
    private final long streamThreshold;
    private final long maxObjectSize;
    private final ArrayBlockingQueue<Item> queue = new ArrayBlockingQueue<>(256);
    private final ConcurrentLinkedQueue<byte[]> pool = new ConcurrentLinkedQueue<>();
    private final Semaphore budgetKiB = new Semaphore(AHEAD_KIB);
    private volatile boolean stop;
    private Thread thread;

    private InflateAhead(PackFile pack, DeltaForest forest, long keepLimit, long streamThreshold, long maxObjectSize)
            throws CorruptPackException {
        this.pack = pack;
        this.rev = pack.reverseIndex();
        this.forest = forest;
        this.keepLimit = keepLimit;
        this.streamThreshold = streamThreshold;
        this.maxObjectSize = maxObjectSize;
    }

    /**
     * Starts inflating the range of {@code forest} ahead of the walk, which keeps bases of up to
     * {@code keepLimit} bytes; {@link #close} stops the helper.
     */
    static InflateAhead start(PackFile pack, DeltaForest forest, long keepLimit, long streamThreshold, long maxObjectSize)
            throws CorruptPackException {
        InflateAhead a = new InflateAhead(pack, forest, keepLimit, streamThreshold, maxObjectSize);
        a.thread = Thread.ofPlatform().daemon().name("smmap4j-walk-inflate").start(a::produceAll);
        return a;
    }

    private void produceAll() {
        try (ReadContext pctx = new ReadContext()) {
            for (int r = forest.from(); r < forest.to() && !stop; r++) {
                Item it = new Item(r);
                try {
                    produce(pctx, it);
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable e) {
                    it.error = e;
                    it.passThrough = false;
                    queue.put(it);
                    return; // the walk stops at this entry
                }
                queue.put(it);
            }
        } catch (InterruptedException e) {
            // the walk ended early
        }
    }

    private void produce(ReadContext pctx, Item it) throws IOException, InterruptedException {
        int r = it.rank;
        int b = forest.baseRank(r);
        if (b == DeltaForest.OUTSIDE) {
            it.passThrough = true;
            return;
        }
        long off = rev.offsetAt(r);
        EntryHeader h = pack.parseHeader(pctx, off);
        int len;
        if (b == DeltaForest.WHOLE) {
            if (h.size > streamThreshold) {
                it.passThrough = true;
                return;
            }
            len = Limits.arraySize(h.size, maxObjectSize, "object", pack.packPath, off);
        } else {
            len = Limits.arraySize(h.size, maxObjectSize, "delta", pack.packPath, off);
        }
        // Every user of a whole entry comes after it: it is needed iff it has users.
        boolean own = b == DeltaForest.WHOLE && forest.childCount(r) > 0 && len <= keepLimit;
        // Count what the buffer really holds on to, so the heap in flight stays bounded.
        byte[] buf = own ? null : pool.poll();
        if (buf != null && buf.length < len) {
            buf = null;
        }
        int cost = own ? len : buf != null ? buf.length : Math.max(len, MIN_POOLED);
        it.permits = (int) Math.max(1, Math.min(AHEAD_KIB, (long) cost >> 10));
        budgetKiB.acquire(it.permits);
        if (buf == null) {
            buf = new byte[own ? len : Math.max(len, MIN_POOLED)];
        }
        it.pooled = !own;
        it.buf = buf;
        it.len = len;
        it.typeCode = h.typeCode;
        pack.inflate(pctx, off, h.dataOffset, buf, len);
    }

    /** Waits for the item of {@code rank} (the next in pack order) and returns it, or throws its error. */
    Item take(int rank) throws IOException {
        Item it;
        try {
            it = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("pack walk interrupted");
        }
        ThreadFailure.rethrow(it.error);
        if (it.rank != rank) {
            throw new IllegalStateException("walk out of step: " + it.rank + " != " + rank);
        }
        return it;
    }

    /** Returns the budget (and a recycled buffer) of an item the walk is done with. */
    void done(Item it) {
        if (it.permits > 0) {
            budgetKiB.release(it.permits);
            it.permits = 0;
        }
        if (it.pooled && it.buf != null && it.buf.length <= MAX_POOLED) {
            pool.offer(it.buf);
        }
        it.buf = null;
    }

    /** Stops the helper and waits for it to end. */
    @Override
    public void close() {
        stop = true;
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
