package io.github.smmap4j.core;

import static io.github.smmap4j.core.TestFiles.PAGE;
import static io.github.smmap4j.core.TestFiles.assertCursorBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** LRU eviction under both limits, pinned regions, overruns, and exact counter values. */
class LimitsAndStatsTest {
    static final int W = 4 * PAGE;
    static final int SIZE = 10 * PAGE + 100;
    @TempDir
    static Path dir;
    static Path file;
    static byte[] data;

    @BeforeAll
    static void createFile() throws IOException {
        file = dir.resolve("limits");
        data = TestFiles.write(file, SIZE, 5);
    }

    private static void assertStats(MapManager m, int regions, long bytes, long hits, long maps, long unmaps,
            long overruns) {
        ManagerStats s = m.stats();
        String msg = s.toString();
        assertEquals(regions, s.openRegions(), "openRegions " + msg);
        assertEquals(bytes, s.mappedBytes(), "mappedBytes " + msg);
        assertEquals(hits, s.regionHits(), "hits " + msg);
        assertEquals(maps, s.regionMaps(), "maps " + msg);
        assertEquals(unmaps, s.regionUnmaps(), "unmaps " + msg);
        assertEquals(overruns, s.limitOverruns(), "overruns " + msg);
        assertEquals(maps - unmaps, s.openRegions(), "maps - unmaps = open " + msg);
    }

    @Test
    void countersInADeterministicScenario() throws IOException {
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder()
                .windowSize(W).maxOpenRegions(2).maxMappedMemory(1 << 20).build()) {
            ManagerStats s0 = m.stats();
            assertEquals(W, s0.windowSize());
            assertEquals(1 << 20, s0.maxMappedMemory());
            assertEquals(2, s0.maxOpenRegions());
            assertStats(m, 0, 0, 0, 0, 0, 0);

            WindowCursor c1 = m.cursor(file);
            assertTrue(c1.useRegion(0, 10)); // R0 = [0, W)
            assertStats(m, 1, W, 0, 1, 0, 0);
            assertEquals(1, m.stats().openFiles());
            assertTrue(c1.useRegion(W - 1, 1)); // inside the current region: no manager involvement
            assertStats(m, 1, W, 0, 1, 0, 0);

            WindowCursor c2 = m.cursor(file);
            assertTrue(c2.useRegion(5000, 10)); // served by R0
            assertStats(m, 1, W, 1, 1, 0, 0);

            assertTrue(c1.useRegion(20_000, 10)); // R1 = [W, 2W); R0 stays, c2 uses it
            assertEquals(W, c1.ofsBegin());
            assertStats(m, 2, 2L * W, 1, 2, 0, 0);

            // R1 is released and, being the only unused region, evicted for the EOF window R2
            assertTrue(c1.useRegion(40_000, 10));
            assertEquals(SIZE, c1.ofsEnd());
            assertEquals(2L * W, c1.ofsBegin(), "the last window starts on the grid and ends at EOF");
            long r2 = SIZE - 2L * W;
            assertStats(m, 2, W + r2, 1, 3, 1, 0);

            // c2 leaves R0 for [W, 2W): R0 is now the least recently used unused region
            assertTrue(c2.useRegion(20_000, 10));
            assertStats(m, 2, W + r2, 1, 4, 2, 0);

            // both regions are in use: a third cursor maps anyway and an overrun is counted
            WindowCursor c3 = m.cursor(file);
            assertTrue(c3.useRegion(0, 1));
            assertStats(m, 3, 2L * W + r2, 1, 5, 2, 1);
            assertCursorBytes(c1, data, 2L * W, SIZE);
            assertCursorBytes(c2, data, W, 2L * W);
            assertCursorBytes(c3, data, 0, W);

            // c3 moves to the region c2 holds: a hit; its old region, mapped over the limit, is
            // unmapped as soon as it is unused
            assertTrue(c3.useRegion(30_000, 1));
            assertEquals(c2.segment(), c3.segment());
            assertStats(m, 2, W + r2, 2, 5, 3, 1);

            c1.close();
            c2.close();
            c3.close();
            assertEquals(2, m.collect());
            assertStats(m, 0, 0, 2, 5, 5, 1);
            assertEquals(0, m.stats().openFiles());
            assertEquals(0, m.stats().mapRetries());
            assertEquals(0, m.stats().staleFiles());
        }
    }

    /** The least recently used unused region goes first, whichever limit forces it. */
    @ParameterizedTest
    @ValueSource(strings = {"regions", "memory"})
    void evictsLeastRecentlyUsedFirst(String limit) throws IOException {
        SlidingWindowMapManager.Builder b = SlidingWindowMapManager.builder().windowSize(PAGE);
        if (limit.equals("regions")) {
            b.maxOpenRegions(3);
        } else {
            b.maxMappedMemory(3 * PAGE);
        }
        try (SlidingWindowMapManager m = b.build(); WindowCursor c = m.cursor(file)) {
            for (int p = 0; p < 3; p++) {
                assertTrue(c.useRegion((long) p * PAGE, 1));
            }
            assertStats(m, 3, 3 * PAGE, 0, 3, 0, 0);
            // unused, in order of last use: 0, 1 (2 is in use)
            assertTrue(c.useRegion(3L * PAGE, 1)); // evicts page 0
            assertStats(m, 3, 3 * PAGE, 0, 4, 1, 0);
            assertTrue(c.useRegion(1L * PAGE, 1)); // page 1 survived: hit
            assertStats(m, 3, 3 * PAGE, 1, 4, 1, 0);
            // unused now: 2, 3; mapping page 0 again evicts page 2
            assertTrue(c.useRegion(0, 1));
            assertStats(m, 3, 3 * PAGE, 1, 5, 2, 0);
            assertTrue(c.useRegion(3L * PAGE, 1)); // page 3 survived
            assertStats(m, 3, 3 * PAGE, 2, 5, 2, 0);
            assertTrue(c.useRegion(2L * PAGE, 1)); // page 2 was evicted: a map, evicting page 1
            assertStats(m, 3, 3 * PAGE, 2, 6, 3, 0);
            assertTrue(c.useRegion(1L * PAGE, 1));
            assertStats(m, 3, 3 * PAGE, 2, 7, 4, 0);
            assertCursorBytes(c, data, PAGE, 2L * PAGE);
        }
    }

    /** A region with clients is never unmapped; the manager overruns its limit instead of failing. */
    @Test
    void pinnedRegionSurvivesAndOverrunsAreCounted() throws IOException {
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder()
                .windowSize(PAGE).maxOpenRegions(1).maxMappedMemory(PAGE).build();
                WindowCursor pinned = m.cursor(file);
                WindowCursor walker = m.cursor(file)) {
            assertTrue(pinned.useRegion(0, 1));
            int pages = (SIZE + PAGE - 1) / PAGE;
            for (int p = 1; p < pages; p++) {
                assertTrue(walker.useRegion((long) p * PAGE, 1));
                assertCursorBytes(walker, data, (long) p * PAGE, Math.min((long) (p + 1) * PAGE, SIZE));
                assertCursorBytes(pinned, data, 0, PAGE);
                assertEquals(2, m.stats().openRegions(), "the walker's old window was evicted, the pinned one not");
            }
            ManagerStats s = m.stats();
            assertEquals(pages - 1, s.limitOverruns(), s.toString());
            assertEquals(pages, s.regionMaps());
            assertEquals(pages - 2, s.regionUnmaps());
            assertEquals(0, m.collect(), "both remaining regions are in use");
            walker.unuseRegion();
            assertEquals(1, m.stats().openRegions(), "the released region was over the limit: unmapped at once");
            assertEquals(0, m.collect());
            assertCursorBytes(pinned, data, 0, PAGE);
        }
    }

    /** Under limits that fit, a lone cursor sliding over the file never exceeds them. */
    @Test
    void limitsHoldWhileSliding() throws IOException {
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder()
                .windowSize(PAGE).maxMappedMemory(3 * PAGE).maxOpenRegions(2).build();
                WindowCursor c = m.cursor(file)) {
            for (int round = 0; round < 3; round++) {
                for (long ofs = 0; ofs < SIZE; ofs += 1000) {
                    assertTrue(c.useRegion(ofs, 1));
                    assertCursorBytes(c, data, ofs, ofs + 1);
                    ManagerStats s = m.stats();
                    assertTrue(s.openRegions() <= 2 && s.mappedBytes() <= 3 * PAGE, s.toString());
                }
            }
            assertEquals(0, m.stats().limitOverruns());
        }
    }

    /** Windows sit on a grid: random reads from several cursors never map overlapping copies. */
    @Test
    void randomReadsShareGridWindows() throws IOException {
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(W).build();
                WindowCursor a = m.cursor(file);
                WindowCursor b = m.cursor(file)) {
            java.util.Random rnd = new java.util.Random(8);
            for (int i = 0; i < 500; i++) {
                WindowCursor c = rnd.nextBoolean() ? a : b;
                long ofs = rnd.nextInt(SIZE);
                long n = 1 + rnd.nextInt((int) (W - ofs % W)); // stays inside its grid window
                assertTrue(c.useRegion(ofs, n));
                assertEquals(ofs - ofs % W, c.ofsBegin());
                assertCursorBytes(c, data, ofs, Math.min(ofs + n, SIZE));
            }
            ManagerStats s = m.stats();
            assertEquals(SIZE, s.mappedBytes(), "every byte mapped exactly once: " + s);
            assertEquals(3, s.regionMaps(), s.toString());
        }
    }

    /** Files are counted while they have mapped regions, across cursors and buffers. */
    @Test
    void openFilesCountsFilesWithRegions() throws IOException {
        Path other = dir.resolve("other");
        TestFiles.write(other, 3 * PAGE, 9);
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(PAGE).build()) {
            try (WindowCursor a = m.cursor(file); MappedFileBuffer b = m.buffer(other)) {
                assertEquals(0, m.stats().openFiles());
                assertTrue(a.useRegion(0, 1));
                assertEquals(1, m.stats().openFiles());
                b.get(2L * PAGE);
                assertEquals(2, m.stats().openFiles());
            }
            assertEquals(2, m.stats().openFiles(), "unused regions stay cached");
            assertEquals(2, m.collect());
            assertEquals(0, m.stats().openFiles());
        }
    }
}
