package io.github.smmap4j.core;

import static io.github.smmap4j.core.TestFiles.PAGE;
import static io.github.smmap4j.core.TestFiles.assertCursorBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manager's lock covers bookkeeping only: while one thread's miss is stuck in the mapper (disk
 * I/O), other threads' hits, misses on other files, stats and close go ahead; and a map that
 * finishes after close, after its file was retired, or after another thread mapped the same request
 * leaves nothing mapped and every counter exact.
 */
class LockDisciplineTest {
    static final Duration PROMPTLY = Duration.ofSeconds(5);
    @TempDir
    Path dir;
    Path fileA;
    Path fileB;
    byte[] dataA;
    byte[] dataB;
    ExecutorService pool;

    @BeforeEach
    void setUp() throws IOException {
        fileA = dir.resolve("a").toAbsolutePath().normalize();
        fileB = dir.resolve("b").toAbsolutePath().normalize();
        dataA = TestFiles.write(fileA, 8 * PAGE, 61);
        dataB = TestFiles.write(fileB, 8 * PAGE, 62);
        pool = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    /**
     * Maps for real, but once armed, calls for {@link #blockOn} wait for {@link #release} after
     * counting down {@link #entered}; the arenas of those calls are captured.
     */
    static final class BlockingMapper implements RegionManager.Mapper {
        volatile Path blockOn;
        volatile CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<Arena> blockedArenas = new CopyOnWriteArrayList<>();
        final AtomicInteger calls = new AtomicInteger();

        void arm(Path p, int threads) {
            entered = new CountDownLatch(threads);
            blockOn = p;
        }

        @Override
        public MemorySegment map(Path path, long ofs, long len, Arena arena) throws IOException {
            calls.incrementAndGet();
            if (path.equals(blockOn)) {
                blockedArenas.add(arena);
                entered.countDown();
                try {
                    if (!release.await(30, TimeUnit.SECONDS)) {
                        throw new IOException("test mapper was never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            return RegionManager.FILE_CHANNEL_MAPPER.map(path, ofs, len, arena);
        }

        void awaitEntered() throws InterruptedException {
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the blocked map never started");
        }
    }

    private static void assertCounts(MapManager m, int regions, long bytes, long hits, long maps, long unmaps) {
        ManagerStats s = m.stats();
        String msg = s.toString();
        assertEquals(regions, s.openRegions(), "openRegions " + msg);
        assertEquals(bytes, s.mappedBytes(), "mappedBytes " + msg);
        assertEquals(hits, s.regionHits(), "hits " + msg);
        assertEquals(maps, s.regionMaps(), "maps " + msg);
        assertEquals(unmaps, s.regionUnmaps(), "unmaps " + msg);
        assertEquals(0, s.limitOverruns(), "overruns " + msg);
    }

    /** Starts a thread whose cursor on {@code file} misses at {@code ofs}; returns its cursor's future. */
    private Future<WindowCursor> missIn(MapManager m, Path file, long ofs) {
        return pool.submit(() -> {
            WindowCursor c = m.cursor(file);
            assertTrue(c.useRegion(ofs, 1));
            return c;
        });
    }

    @Test
    void aMissInTheMapperBlocksNeitherHitsNorStatsNorOtherMisses() throws Exception {
        BlockingMapper mapper = new BlockingMapper();
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(PAGE).mapper(mapper).build();
                WindowCursor pa = m.cursor(fileA);
                WindowCursor hb = m.cursor(fileB)) {
            assertTrue(pa.useRegion(0, 1)); // a[0] stays pinned
            assertTrue(hb.useRegion(0, 1));
            assertTrue(hb.useRegion(PAGE, 1)); // b[0] is now mapped and unused
            assertCounts(m, 3, 3L * PAGE, 0, 3, 0);

            mapper.arm(fileA, 1);
            Future<WindowCursor> a = missIn(m, fileA, 3L * PAGE);
            mapper.awaitEntered();

            WindowCursor qa = m.cursor(fileA);
            try {
                assertTimeoutPreemptively(PROMPTLY, () -> {
                    assertTrue(hb.useRegion(10, 1)); // a manager hit on another file
                    assertCursorBytes(hb, dataB, 0, PAGE);
                    assertTrue(qa.useRegion(20, 1)); // a manager hit on the same file
                    assertCursorBytes(qa, dataA, 0, PAGE);
                    // the map in flight is not counted as mapped yet
                    assertCounts(m, 3, 3L * PAGE, 2, 3, 0);
                    assertTrue(hb.useRegion(5L * PAGE, 1)); // a miss on another file, real mapper
                    assertCursorBytes(hb, dataB, 5L * PAGE, 6L * PAGE);
                    assertCounts(m, 4, 4L * PAGE, 2, 4, 0);
                    try (WindowCursor other = m.cursor(fileB)) { // cursors come and go too
                        assertTrue(other.useRegion(PAGE, 1));
                    }
                    assertCounts(m, 4, 4L * PAGE, 3, 4, 0);
                }, "another thread's map held the manager's lock");
                assertFalse(a.isDone(), "A is still inside the mapper");
            } finally {
                mapper.release.countDown();
            }

            try (WindowCursor ca = a.get(10, TimeUnit.SECONDS)) {
                assertCursorBytes(ca, dataA, 3L * PAGE, 4L * PAGE);
                assertEquals(3L * PAGE, ca.ofsBegin());
                assertEquals(PAGE, ca.size());
                assertCounts(m, 5, 5L * PAGE, 3, 5, 0);
                assertEquals(2, m.stats().openFiles());
                assertTrue(mapper.blockedArenas.getFirst().scope().isAlive());
            }
            qa.close();
            assertEquals(5 - 2, m.collect(), "a[3], b[0], b[1] were unused; a[0] and b[5] are pinned");
            assertCounts(m, 2, 2L * PAGE, 3, 5, 3);
            assertFalse(mapper.blockedArenas.getFirst().scope().isAlive(), "collect unmapped A's region");
        }
    }

    @Test
    void closeWhileAMapIsInFlightLeavesNothingMapped() throws Exception {
        BlockingMapper mapper = new BlockingMapper();
        SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(PAGE).mapper(mapper).build();
        WindowCursor pinned = m.cursor(fileB);
        assertTrue(pinned.useRegion(0, 1));
        MemorySegment pinnedSeg = pinned.segment();

        mapper.arm(fileA, 1);
        Future<WindowCursor> a = missIn(m, fileA, 2L * PAGE);
        mapper.awaitEntered();
        try {
            assertTimeoutPreemptively(PROMPTLY, m::close, "close waited for another thread's map");
        } finally {
            mapper.release.countDown();
        }
        assertFalse(pinnedSeg.scope().isAlive(), "close unmapped the region in use");

        ExecutionException e = assertThrows(ExecutionException.class, () -> a.get(10, TimeUnit.SECONDS));
        IllegalStateException ise = assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(ise.getMessage().contains("closed"), ise.getMessage());
        assertEquals(1, mapper.blockedArenas.size());
        assertFalse(mapper.blockedArenas.getFirst().scope().isAlive(), "the fresh mapping was unmapped, not leaked");
        assertThrows(IllegalStateException.class, m::stats);
    }

    @Test
    void aFileRetiredWhileItsMapIsInFlightDropsTheFreshMapping() throws Exception {
        BlockingMapper mapper = new BlockingMapper();
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(PAGE).mapper(mapper).build()) {
            mapper.arm(fileA, 1);
            Future<WindowCursor> a = missIn(m, fileA, 0);
            mapper.awaitEntered(); // past the stat: the file looked unchanged
            FileTime t = Files.getLastModifiedTime(fileA);
            Files.setLastModifiedTime(fileA, FileTime.fromMillis(t.toMillis() - 60_000));
            try (WindowCursor fresh = m.cursor(fileA)) { // finds the file changed: retires A's version
                assertEquals(1, m.stats().staleFiles());
                assertFalse(fresh.isValid());
            } finally {
                mapper.release.countDown();
            }
            ExecutionException e = assertThrows(ExecutionException.class, () -> a.get(10, TimeUnit.SECONDS));
            IOException io = assertInstanceOf(IOException.class, e.getCause());
            assertTrue(io.getMessage().contains(fileA.toString()) && io.getMessage().contains("changed"), io.getMessage());
            assertFalse(mapper.blockedArenas.getFirst().scope().isAlive(), "the fresh mapping was unmapped");
            assertCounts(m, 0, 0, 0, 0, 0);
        }
    }

    /** Two threads miss the same window at once: one region enters, the other mapping is dropped. */
    @Test
    void concurrentMissesOfOneWindowShareOneRegion() throws Exception {
        BlockingMapper mapper = new BlockingMapper();
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(2 * PAGE).mapper(mapper).build()) {
            mapper.arm(fileA, 2);
            Future<WindowCursor> a1 = missIn(m, fileA, 2L * PAGE + 5);
            Future<WindowCursor> a2 = missIn(m, fileA, 3L * PAGE + 7);
            mapper.awaitEntered(); // both are inside the mapper
            mapper.release.countDown();
            try (WindowCursor c1 = a1.get(10, TimeUnit.SECONDS); WindowCursor c2 = a2.get(10, TimeUnit.SECONDS)) {
                assertEquals(c1.segment(), c2.segment(), "both cursors use the region that entered first");
                assertCursorBytes(c1, dataA, 2L * PAGE, 4L * PAGE);
                assertCursorBytes(c2, dataA, 2L * PAGE, 4L * PAGE);
                assertCounts(m, 1, 2L * PAGE, 1, 1, 0);
                assertEquals(2, mapper.blockedArenas.size());
                long alive = mapper.blockedArenas.stream().filter(ar -> ar.scope().isAlive()).count();
                assertEquals(1, alive, "the losing mapping was unmapped");
            }
            assertEquals(1, m.collect());
            assertCounts(m, 0, 0, 1, 1, 1);
        }
    }

    /** A map in flight counts against the limits: another thread's miss makes room for both. */
    @Test
    void mapsInFlightAreReservedAgainstTheLimits() throws Exception {
        BlockingMapper mapper = new BlockingMapper();
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder()
                .windowSize(PAGE).maxOpenRegions(2).mapper(mapper).build();
                WindowCursor b = m.cursor(fileB)) {
            assertTrue(b.useRegion(0, 1));
            assertTrue(b.useRegion(PAGE, 1)); // b[0] unused
            mapper.arm(fileA, 1);
            Future<WindowCursor> a = missIn(m, fileA, 0); // evicts b[0] to make room, then blocks
            mapper.awaitEntered();
            assertCounts(m, 1, PAGE, 0, 2, 1);
            try {
                assertTimeoutPreemptively(PROMPTLY, () -> {
                    // b[1] becomes unused and has to go: b[1] plus a[0] in flight fill both slots
                    assertTrue(b.useRegion(2L * PAGE, 1));
                    assertCursorBytes(b, dataB, 2L * PAGE, 3L * PAGE);
                    assertCounts(m, 1, PAGE, 0, 3, 2);
                });
            } finally {
                mapper.release.countDown();
            }
            try (WindowCursor ca = a.get(10, TimeUnit.SECONDS)) {
                assertCursorBytes(ca, dataA, 0, PAGE);
                assertCounts(m, 2, 2L * PAGE, 0, 4, 2); // within the limit, no overrun
            }
            assertEquals(2, m.stats().openRegions(), "a[0] stays cached: still within the limit");
        }
    }
}
