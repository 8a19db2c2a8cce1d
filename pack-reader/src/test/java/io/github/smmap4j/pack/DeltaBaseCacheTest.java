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
}
