package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The delta forest of a pack's rank range against what the entry headers say, entry by entry. */
class DeltaForestTest {
    /** The rank of the base of the entry at rank {@code r} as the reader resolves it, or -1 for a whole entry. */
    private static int expectedBase(ObjectReader reader, PackFile p, ReverseIndex rev, int r) throws IOException {
        PackEntry e = reader.entryAt(p, rev.offsetAt(r));
        if (!e.isDelta()) {
            return -1;
        }
        long baseOffset = e.typeCode() == ObjectType.OFS_DELTA ? e.baseOffset()
                : p.index.offsetAt(p.index.findPosition(e.baseId()));
        int b = rev.rankOf(baseOffset);
        assertTrue(b >= 0, "base of rank " + r + " is an entry");
        return b;
    }

    /** The children lists are exactly the inverse of the base ranks, ascending. */
    private static void assertChildrenInvertBases(DeltaForest f) {
        int n = f.ranks();
        List<List<Integer>> want = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            want.add(new ArrayList<>());
        }
        for (int r = f.from(); r < f.to(); r++) {
            int b = f.baseRank(r);
            if (b >= 0) {
                want.get(b).add(r);
            }
        }
        int total = 0;
        for (int b = 0; b < n; b++) {
            List<Integer> got = new ArrayList<>();
            for (int k = f.childStart(b); k < f.childEnd(b); k++) {
                got.add(f.child(k));
            }
            assertEquals(want.get(b), got, "children of rank " + b);
            assertEquals(got.size(), f.childCount(b));
            assertEquals(total, f.childStart(b), "CSR is contiguous");
            total += got.size();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"history", "deepchain", "refdelta"})
    void verifyForestMatchesTheEntryHeaders(String fixture) throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo(fixture));
             ObjectReader reader = db.newReader(); ReadContext ctx = new ReadContext()) {
            for (PackFile p : db.packs()) {
                ReverseIndex rev = p.reverseIndex();
                int n = rev.size();
                DeltaForest f = DeltaForest.scan(p, ctx, 0, n, DeltaForest.Policy.VERIFY);
                assertEquals(n, f.ranks());
                List<Integer> whole = new ArrayList<>();
                int deltas = 0;
                for (int r = 0; r < n; r++) {
                    int want = expectedBase(reader, p, rev, r);
                    if (want < 0) {
                        assertEquals(DeltaForest.WHOLE, f.baseRank(r), "rank " + r);
                        whole.add(r);
                    } else {
                        assertEquals(want, f.baseRank(r), "rank " + r);
                        deltas++;
                    }
                }
                assertTrue(deltas > 0, fixture + " has deltas");
                assertChildrenInvertBases(f);
                assertEquals(deltas, f.childStart(n - 1) + f.childCount(n - 1), "every delta is someone's child");
                assertArrayEquals(whole.stream().mapToInt(Integer::intValue).toArray(), f.roots(), "roots are the whole entries");
                assertEquals(-1, f.firstUnreachable());
                // And by hand: breadth-first from the roots over the children reaches every entry once.
                boolean[] reached = new boolean[n];
                int[] queue = f.roots().clone();
                List<Integer> order = new ArrayList<>();
                for (int r : queue) {
                    order.add(r);
                }
                for (int i = 0; i < order.size(); i++) {
                    int r = order.get(i);
                    assertTrue(!reached[r], "reached twice: " + r);
                    reached[r] = true;
                    for (int k = f.childStart(r); k < f.childEnd(r); k++) {
                        order.add(f.child(k));
                    }
                }
                assertEquals(n, order.size(), fixture + ": every entry is reachable from a root");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"history", "deepchain", "refdelta"})
    void walkForestHoldsOnlyEarlierBases(String fixture) throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo(fixture));
             ObjectReader reader = db.newReader(); ReadContext ctx = new ReadContext()) {
            for (PackFile p : db.packs()) {
                ReverseIndex rev = p.reverseIndex();
                int n = rev.size();
                for (int[] range : new int[][] {{0, n}, {0, n / 3}, {n / 3, 2 * n / 3}, {2 * n / 3, n}}) {
                    DeltaForest f = DeltaForest.scan(p, ctx, range[0], range[1], DeltaForest.Policy.WALK);
                    assertEquals(range[0], f.from());
                    assertEquals(range[1], f.to());
                    for (int r = range[0]; r < range[1]; r++) {
                        assertTrue(f.contains(r));
                        int want = expectedBase(reader, p, rev, r);
                        int got = f.baseRank(r);
                        if (want < 0) {
                            assertEquals(DeltaForest.WHOLE, got, "rank " + r);
                        } else if (want < r) {
                            assertEquals(want, got, "rank " + r + " (bases before the range count)");
                        } else {
                            assertEquals(DeltaForest.OUTSIDE, got, "rank " + r + ": a later base is left to the reader");
                        }
                    }
                    assertTrue(!f.contains(range[0] - 1) && !f.contains(range[1]));
                    assertChildrenInvertBases(f);
                }
            }
        }
    }

    @Test
    void aCycleIsUnreachable() {
        // 0 whole with child 1; 2 and 3 are each other's base; 4 builds on the cycle.
        DeltaForest f = new DeltaForest(0, 5, 5, new int[] {DeltaForest.WHOLE, 0, 3, 2, 3});
        assertArrayEquals(new int[] {0}, f.roots());
        assertEquals(2, f.firstUnreachable());
        assertEquals(2, f.child(f.childStart(3)));
        assertEquals(2, f.childCount(3));
        assertChildrenInvertBases(f);
    }

    @Test
    void aSubRangeKeepsChildrenOverThePackRanks() {
        // Ranks [3, 6) of a pack of 6: 3 builds on 1 (before the range), 4 is whole, 5 on 4.
        DeltaForest f = new DeltaForest(3, 6, 6, new int[] {1, DeltaForest.WHOLE, 4});
        assertEquals(1, f.childCount(1));
        assertEquals(3, f.child(f.childStart(1)));
        assertEquals(5, f.child(f.childStart(4)));
        assertEquals(0, f.childCount(0) + f.childCount(2) + f.childCount(3) + f.childCount(5));
        assertArrayEquals(new int[] {4}, f.roots());
        assertEquals(3, f.firstUnreachable(), "a base before the range is no root of it");
        assertChildrenInvertBases(f);
    }
}
