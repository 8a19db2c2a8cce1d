package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pack-order walk's kept bases: farthest next use goes first, and a base goes after its last use. */
class WalkBudgetTest {
    private static final int W = DeltaForest.WHOLE;

    private final List<Integer> evicted = new ArrayList<>();
    private final List<byte[]> evictedData = new ArrayList<>();

    private WalkBudget budget(long limit, int... baseRank) {
        DeltaForest f = new DeltaForest(0, baseRank.length, baseRank.length, baseRank);
        return new WalkBudget(f, limit, (rank, type, data) -> {
            assertEquals(ObjectType.BLOB, type);
            evicted.add(rank);
            evictedData.add(data);
        });
    }

    @Test
    void theBaseUsedFarthestAheadIsEvictedFirst() {
        // 0, 1, 2 whole; 3 builds on 2, 4 on 1, 5 on 0: next uses 5, 4, 3.
        WalkBudget b = budget(25, W, W, W, 2, 1, 0);
        byte[] zero = new byte[10];
        b.keep(0, zero, ObjectType.BLOB);
        b.keep(1, new byte[10], ObjectType.BLOB);
        assertEquals(List.of(), evicted);
        b.keep(2, new byte[10], ObjectType.BLOB);
        assertEquals(List.of(0), evicted, "rank 0 is used last");
        assertSame(zero, evictedData.getFirst());
        assertNull(b.data(0));
        assertTrue(b.needed(0), "evicted, still needed");
        assertEquals(20, b.keptBytes());
        assertEquals(1, b.evictions);
        b.keep(0, zero, ObjectType.BLOB); // rebuilt: now 0 (5) is still the farthest
        assertEquals(List.of(0, 0), evicted);
        b.used(2);
        assertNull(b.data(2), "dropped after its last use");
        assertFalse(b.needed(2));
        assertEquals(10, b.keptBytes());
        b.keep(0, zero, ObjectType.BLOB);
        assertEquals(List.of(0, 0), evicted, "fits now");
        assertEquals(ObjectType.BLOB, b.type(0));
    }

    @Test
    void aUseMovesTheNextUse() {
        // 0 is used by 2 and 6, 1 by 3, 4 by 5: after 0's first use its next one is the farthest.
        WalkBudget b = budget(25, W, W, 0, 1, W, 4, 0);
        b.keep(0, new byte[10], ObjectType.BLOB);
        b.keep(1, new byte[10], ObjectType.BLOB);
        b.used(0);
        assertTrue(b.needed(0));
        b.keep(4, new byte[10], ObjectType.BLOB);
        assertEquals(List.of(0), evicted, "0 next at 6, 4 at 5, 1 at 3");
        b.used(1);
        assertEquals(10, b.keptBytes());
        assertSame(null, b.data(1));
    }

    @Test
    void anObjectLargerThanTheBudgetIsNotKept() {
        WalkBudget b = budget(5, W, 0);
        b.keep(0, new byte[6], ObjectType.BLOB);
        assertNull(b.data(0));
        assertEquals(0, b.keptBytes());
        assertEquals(List.of(), evicted);
    }

    @Test
    void evictionStaysRightThroughHeapCompaction() {
        // 0, 1, 2 whole; 3..302 build on 0; 303 on 2; 304 on 1.
        int[] base = new int[305];
        base[0] = W;
        base[1] = W;
        base[2] = W;
        for (int r = 3; r < 303; r++) {
            base[r] = 0;
        }
        base[303] = 2;
        base[304] = 1;
        WalkBudget b = budget(25, base);
        b.keep(0, new byte[10], ObjectType.BLOB);
        b.keep(1, new byte[10], ObjectType.BLOB);
        for (int i = 0; i < 250; i++) {
            b.used(0); // each use leaves a stale heap entry behind
        }
        b.keep(2, new byte[10], ObjectType.BLOB);
        assertEquals(List.of(1), evicted, "1 next at 304, 2 at 303, 0 at 253");
        for (int i = 0; i < 50; i++) {
            b.used(0);
        }
        assertFalse(b.needed(0));
        assertNull(b.data(0));
        assertEquals(10, b.keptBytes());
        assertArrayEquals(new byte[10], b.data(2));
    }
}
