package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeltaBaseCacheTest {
    @Test
    void resultsAndDeltaDataOfOneEntryAreKeptApart() {
        DeltaBaseCache c = new DeltaBaseCache(1 << 20);
        byte[] result = {1, 2, 3};
        byte[] delta = {9, 9};
        c.put(1, 4096, ObjectType.BLOB, result);
        c.putDelta(1, 4096, delta);
        assertSame(result, c.get(1, 4096).data());
        assertSame(delta, c.getDelta(1, 4096));
        assertNull(c.get(2, 4096), "another pack");
        assertNull(c.getDelta(1, 4097), "another offset");
        assertEquals(5, c.bytes());
    }

    @Test
    void keysThatCannotBeToldApartAreNotCached() {
        DeltaBaseCache c = new DeltaBaseCache(1 << 20);
        long huge = 1L << 43; // would collide with the delta-data bit
        c.put(1, huge, ObjectType.BLOB, new byte[] {1});
        c.putDelta(1, huge, new byte[] {2});
        c.put(1 << 20, 100, ObjectType.BLOB, new byte[] {3}); // would wrap into pack 0
        assertNull(c.get(1, huge));
        assertNull(c.getDelta(1, huge));
        assertNull(c.get(1 << 20, 100));
        assertNull(c.get(0, 100));
        assertEquals(0, c.bytes());
    }

    @Test
    void staysWithinItsBudgetAndKeepsWhatIsUsedTwice() {
        DeltaBaseCache c = new DeltaBaseCache(100_000);
        byte[] root = new byte[10_000];
        c.put(0, 12, ObjectType.BLOB, root);
        assertNotNull(c.get(0, 12)); // second use: protected from the flood below
        for (int i = 0; i < 1000; i++) {
            c.putDelta(0, 1000 + i, new byte[1000]);
            assertTrue(c.bytes() <= 100_000, "over budget after " + i);
        }
        assertSame(root, c.get(0, 12).data());
        c.put(0, 99, ObjectType.BLOB, new byte[25_001]); // over a quarter: never cached
        assertNull(c.get(0, 99));
        assertArrayEquals(new byte[1000], c.getDelta(0, 1999), "the newest one-time entry is still there");
    }

    @Test
    void neededBasesSkipProbation() {
        DeltaBaseCache c = new DeltaBaseCache(100_000);
        byte[] base = new byte[20_000];
        c.putNeeded(0, 12, ObjectType.TREE, base); // used once so far, but known to be needed again
        for (int i = 0; i < 100; i++) {
            c.put(0, 1000 + i, ObjectType.BLOB, new byte[1000]); // a flood of one-time entries
        }
        assertSame(base, c.get(0, 12).data());
        assertEquals(ObjectType.TREE, c.get(0, 12).type());
        assertTrue(c.bytes() <= 100_000);
    }

    @Test
    void disabledCacheHoldsNothing() {
        DeltaBaseCache c = new DeltaBaseCache(0);
        c.put(0, 12, ObjectType.BLOB, new byte[0]);
        c.putDelta(0, 12, new byte[0]);
        c.putNeeded(0, 12, ObjectType.BLOB, new byte[0]);
        assertNull(c.get(0, 12));
        assertNull(c.getDelta(0, 12));
    }

    /**
     * Threads hit, insert and replace the same keys at once: every hit returns the data cached
     * under its own key (each array holds its key), and at rest the cache is within budget and
     * still answers for the keys it holds.
     */
    @Test
    void concurrentHitsAndInsertsStayConsistentAndWithinBudget() throws Exception {
        DeltaBaseCache c = new DeltaBaseCache(200_000);
        int threads = 8;
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.List<Thread> ts = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = t;
            ts.add(Thread.ofPlatform().start(() -> {
                java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
                try {
                    for (int i = 0; i < 200_000; i++) {
                        int k = rnd.nextInt(i % 1000 < 900 ? 50 : 5000); // mostly a hot set of 50 keys
                        DeltaBaseCache.Entry e = c.get(0, k);
                        if (e != null) {
                            assertEquals(k, java.nio.ByteBuffer.wrap(e.data()).getInt(), "data of key " + k);
                        } else {
                            byte[] d = new byte[100 + rnd.nextInt(3000)];
                            java.nio.ByteBuffer.wrap(d).putInt(k);
                            if (rnd.nextBoolean()) {
                                c.put(0, k, ObjectType.BLOB, d);
                            } else {
                                c.putNeeded(0, k, ObjectType.BLOB, d);
                            }
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertTrue(c.bytes() <= 200_000, "over budget at rest: " + c.bytes());
        long found = 0;
        for (int k = 0; k < 5000; k++) {
            DeltaBaseCache.Entry e = c.get(0, k);
            if (e != null) {
                assertEquals(k, java.nio.ByteBuffer.wrap(e.data()).getInt());
                found += e.data().length;
            }
        }
        assertEquals(c.bytes(), found, "the byte count is the sum of what the cache holds");
    }
}
