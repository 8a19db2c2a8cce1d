package io.github.smmap4j.pack;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded cache of inflated delta bases, keyed by (pack, offset) and sized in bytes. Shared by
 * all readers of a database; thread-safe, and a hit takes no lock.
 *
 * <p>Segmented LRU: a new base enters a probation segment; only a base that is used again while
 * there moves to the protected segment (95% of the budget), whose least recently used entries
 * fall back to probation. Reading objects in id order resolves each delta chain once per object:
 * the intermediate results of a chain are rarely needed twice, while the roots of big delta
 * trees are needed over and over. Plain LRU lets the flood of one-time entries push the roots
 * out; here the one-time entries only churn the probation segment. (On git.git in id order, a
 * 95% protected share inflated 9% less than 80%.)
 *
 * <p>Recency is CLOCK's: a hit only sets its entry's {@code hit} bit (a plain map lookup, no
 * lock: many threads hitting the same roots never wait on each other); inserts, which follow a
 * miss and its inflation, queue the entry and never wait either: whichever inserting thread gets
 * the lock ({@code tryLock}) enters every queued entry and sweeps, while the others go on reading.
 * The sweep: a probation entry whose bit is set moves to the protected segment, a protected one
 * gets a second chance at its tail, others leave. An entry is found by hits once entered.
 *
 * <p>Besides results it holds inflated delta data (the instructions, under a key of their own),
 * for the readers to skip re-inflating large deltas.
 */
final class DeltaBaseCache {
    /** A cached object: its type and content. */
    record Entry(ObjectType type, byte[] data) {
    }

    /** A cached entry in its segment's queue. */
    private static final class Node {
        final long key;
        final Entry entry;
        /** Immutable: enters the protected segment directly. */
        final boolean needed;
        /** Set by a hit (no lock), cleared by the sweep (under the lock). */
        volatile boolean hit;
        /** Guarded by the cache's lock: in the protected segment, or gone from the cache. */
        boolean hot, gone;

        Node(long key, Entry entry, boolean needed) {
            this.key = key;
            this.entry = entry;
            this.needed = needed;
        }

        int length() {
            return entry.data().length;
        }
    }

    private final long maxBytes;
    private final long protectedMax;
    /** Every live entry; written under {@code lock}, read without it. */
    private final ConcurrentHashMap<Long, Node> map = new ConcurrentHashMap<>(256);
    /** Taken by tryLock only on the read path (inserts never wait), by lock() in clear and bytes. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Lock-free: entries inserted but not yet entered; drained by whoever holds {@code lock}. */
    private final ConcurrentLinkedQueue<Node> pending = new ConcurrentLinkedQueue<>();
    /** Guarded by {@code lock}: the segments, oldest first (entries marked gone are skipped). */
    private final ArrayDeque<Node> probation = new ArrayDeque<>(), hot = new ArrayDeque<>();
    /** Guarded by {@code lock}. */
    private long probationBytes, hotBytes;
    /** Guarded by {@code lock}: entries still queued but gone (replaced); compacted when they are many. */
    private int staleQueued;

    DeltaBaseCache(long maxBytes) {
        this.maxBytes = maxBytes;
        this.protectedMax = maxBytes / 20 * 19;
    }

    /** Returns the configured size limit in bytes. */
    long maxBytes() {
        return maxBytes;
    }

    /**
     * The key of a result ({@code delta == false}) or of delta data: offset in bits 0-42, the
     * kind in bit 43, the pack in bits 44-63; -1 (not cached) for what does not fit, such as an
     * offset past 8 TiB, so that no two entries can share a key.
     */
    private static long key(int packId, long offset, boolean delta) {
        if (packId < 0 || packId >= (1 << 20) || offset < 0 || offset >= (1L << 43)) {
            return -1;
        }
        return ((long) packId << 44) | (delta ? 1L << 43 : 0) | offset;
    }

    /** Returns the cached content (a delta base or checkpoint) of the entry at {@code offset}. */
    Entry get(int packId, long offset) {
        return lookup(key(packId, offset, false));
    }

    /** Returns the inflated delta data of the entry at {@code offset}, if cached. */
    byte[] getDelta(int packId, long offset) {
        Entry e = lookup(key(packId, offset, true));
        return e == null ? null : e.data();
    }

    /** Caches the content of the entry at {@code offset}. */
    void put(int packId, long offset, ObjectType type, byte[] data) {
        insert(key(packId, offset, false), new Entry(type, data), false);
    }

    /**
     * Caches the content of the entry at {@code offset} straight into the protected segment:
     * for a base known to be needed again (a pack-order walk sets aside what it cannot keep).
     */
    void putNeeded(int packId, long offset, ObjectType type, byte[] data) {
        insert(key(packId, offset, false), new Entry(type, data), true);
    }

    /** Caches the inflated delta data (instructions, not result) of the entry at {@code offset}. */
    void putDelta(int packId, long offset, byte[] data) {
        insert(key(packId, offset, true), new Entry(null, data), false);
    }

    private Entry lookup(long key) {
        if (maxBytes <= 0 || key < 0) {
            return null;
        }
        Node n = map.get(key);
        if (n == null) {
            return null;
        }
        if (!n.hit) {
            n.hit = true; // written only when it changes: hits on hot roots share the line read-only
        }
        return n.entry;
    }

    /** Adds {@code e}: to probation, or to the protected segment when {@code needed} or already there. */
    private void insert(long key, Entry e, boolean needed) {
        // An object larger than a quarter of the cache would flush everything else for one hit.
        if (maxBytes <= 0 || key < 0 || e.data().length > maxBytes / 4) {
            return;
        }
        pending.add(new Node(key, e, needed));
        // Whoever holds the lock drains; checked again after each unlock, so no entry is left queued.
        while (!pending.isEmpty() && lock.tryLock()) {
            try {
                for (Node n; (n = pending.poll()) != null; ) {
                    enterLocked(n);
                }
                balanceLocked();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Enters a queued node: to probation, or to the protected segment when needed or replacing a protected entry. */
    private void enterLocked(Node n) {
        Node old = map.put(n.key, n);
        boolean wasHot = old != null && old.hot;
        if (old != null) {
            dropLocked(old);
        }
        if (n.needed || wasHot) {
            n.hot = true;
            hot.addLast(n);
            hotBytes += n.length();
        } else {
            probation.addLast(n);
            probationBytes += n.length();
        }
    }

    /** Takes {@code n}, still queued, out of the byte counts; the sweeps skip it. */
    private void dropLocked(Node n) {
        n.gone = true;
        staleQueued++;
        if (n.hot) {
            hotBytes -= n.length();
        } else {
            probationBytes -= n.length();
        }
    }

    /**
     * Sweeps until the protected segment is within its share and the whole within the limit:
     * protected entries that were hit get a second chance, the others fall back to probation;
     * probation entries that were hit are promoted, the others are evicted. Each pass over a
     * segment clears the bits it meets, so the sweep ends.
     */
    private void balanceLocked() {
        for (int chances = hot.size(); hotBytes > protectedMax && !hot.isEmpty(); ) {
            Node n = hot.pollFirst();
            if (n.gone) {
                staleQueued--;
                continue;
            }
            if (n.hit && chances-- > 0) {
                n.hit = false;
                hot.addLast(n);
            } else {
                n.hot = false;
                hotBytes -= n.length();
                probation.addLast(n);
                probationBytes += n.length();
            }
        }
        while (probationBytes + hotBytes > maxBytes && !probation.isEmpty()) {
            Node n = probation.pollFirst();
            if (n.gone) {
                staleQueued--;
                continue;
            }
            probationBytes -= n.length();
            if (n.hit) { // used again while on probation: promoted (the protected share is restored next time)
                n.hit = false;
                n.hot = true;
                hot.addLast(n);
                hotBytes += n.length();
            } else {
                n.gone = true;
                map.remove(n.key, n);
            }
        }
        while (probationBytes + hotBytes > maxBytes && !hot.isEmpty()) {
            Node n = hot.pollFirst();
            if (n.gone) {
                staleQueued--;
            } else {
                n.gone = true;
                hotBytes -= n.length();
                map.remove(n.key, n);
            }
        }
        if (staleQueued > 64 && staleQueued > (probation.size() + hot.size()) / 2) {
            probation.removeIf(n -> n.gone); // the queues never outgrow the live entries by much
            hot.removeIf(n -> n.gone);
            staleQueued = 0;
        }
    }

    /** The bytes of the entered entries (queued ones are not counted until entered). */
    long bytes() {
        lock.lock();
        try {
            return probationBytes + hotBytes;
        } finally {
            lock.unlock();
        }
    }

    void clear() {
        lock.lock();
        try {
            pending.clear();
            map.clear();
            probation.clear();
            hot.clear();
            probationBytes = 0;
            hotBytes = 0;
            staleQueued = 0;
        } finally {
            lock.unlock();
        }
    }
}
