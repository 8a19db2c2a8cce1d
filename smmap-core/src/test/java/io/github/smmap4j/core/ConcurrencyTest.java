package io.github.smmap4j.core;

import static io.github.smmap4j.core.TestFiles.PAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Many threads, own cursors, shared manager, a limit so tiny that every move evicts. */
class ConcurrencyTest {
    static final int THREADS = 6;
    @TempDir
    static Path dir;
    static final Path[] files = new Path[3];
    static final byte[][] contents = new byte[3][];

    @BeforeAll
    static void createFiles() throws IOException {
        int[] sizes = {1 << 20, (1 << 20) + 12345, 3 * PAGE + 1};
        for (int i = 0; i < files.length; i++) {
            files[i] = dir.resolve("stress-" + i);
            contents[i] = TestFiles.write(files[i], sizes[i], 100 + i);
        }
    }

    /** One thread's work: random cursor moves and buffer reads, each compared with the file's bytes. */
    private static void reader(MapManager m, int id, int iterations, long window) throws IOException {
        Random rnd = new Random(id);
        // threads 0..2 share file 0, the rest spread over all files
        int f = id < 3 ? 0 : id % files.length;
        byte[] data = contents[f];
        WindowCursor c = m.cursor(files[f]);
        int bf = rnd.nextInt(files.length);
        MappedFileBuffer buf = m.buffer(files[bf]);
        byte[] bufData = contents[bf];
        byte[] dst = new byte[(int) (3 * window)];
        try {
            for (int i = 0; i < iterations; i++) {
                switch (rnd.nextInt(5)) {
                    case 0, 1 -> {
                        long ofs = rnd.nextLong(data.length);
                        long len = 1 + rnd.nextLong(2 * window);
                        assertTrue(c.useRegion(ofs, len));
                        long end = Math.min(ofs + len, data.length);
                        MemorySegment got = c.segment().asSlice(ofs - c.ofsBegin(), end - ofs);
                        assertEquals(-1, got.mismatch(MemorySegment.ofArray(data).asSlice(ofs, end - ofs)),
                                () -> "thread " + id + " at " + ofs);
                    }
                    case 2 -> {
                        long pos = rnd.nextLong(bufData.length);
                        int len = rnd.nextInt(dst.length);
                        int n = buf.read(pos, dst, 0, len);
                        assertEquals(Math.min(len, bufData.length - pos), n);
                        assertTrue(Arrays.equals(bufData, (int) pos, (int) pos + n, dst, 0, n), () -> "buffer " + pos);
                    }
                    case 3 -> {
                        long pos = rnd.nextLong(bufData.length);
                        assertEquals(bufData[(int) pos], buf.get(pos));
                    }
                    default -> {
                        // new cursors and copies come and go while others read
                        WindowCursor copy = c.copy();
                        WindowCursor fresh = m.cursor(files[rnd.nextInt(files.length)]);
                        if (rnd.nextBoolean()) {
                            fresh.useRegion(0, 1);
                        }
                        if (rnd.nextInt(10) == 0) {
                            m.collect();
                        }
                        fresh.close();
                        copy.close();
                        m.stats();
                    }
                }
            }
        } finally {
            c.close();
            buf.close();
        }
    }

    @ParameterizedTest(name = "window {0}")
    @ValueSource(ints = {PAGE, 64 << 10})
    @Timeout(60)
    void randomReadsUnderConstantEviction(int window) throws Exception {
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder()
                .windowSize(window).maxMappedMemory(3L * window).maxOpenRegions(3).build()) {
            runThreads(m, window == PAGE ? 3000 : 1500, window);
            ManagerStats s = m.stats();
            assertTrue(s.regionUnmaps() > 1000, "eviction was constant: " + s);
            assertTrue(s.limitOverruns() > 0, "more readers than allowed regions: " + s);
            assertEquals(s.regionMaps() - s.regionUnmaps(), s.openRegions(), s.toString());
            assertTrue(s.openRegions() <= 3, "unused regions were evicted back under the limit: " + s);
            m.collect();
            s = m.stats();
            assertEquals(0, s.openRegions(), s.toString());
            assertEquals(0, s.mappedBytes(), s.toString());
            assertEquals(0, s.openFiles(), s.toString());
        }
    }

    @Test
    @Timeout(60)
    void staticManagerUnderContention() throws Exception {
        try (StaticWindowMapManager m = StaticWindowMapManager.builder().maxOpenRegions(1).build()) {
            runThreads(m, 1500, 16 * PAGE);
            ManagerStats s = m.stats();
            assertEquals(s.regionMaps() - s.regionUnmaps(), s.openRegions(), s.toString());
            m.collect();
            assertEquals(0, m.stats().openRegions());
            assertEquals(0, m.stats().mappedBytes());
        }
    }

    private static void runThreads(MapManager m, int iterations, long window) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    reader(m, id, iterations, window);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    /** Closing the manager under readers makes them fail with IllegalStateException, never worse. */
    @Test
    @Timeout(60)
    void closeUnderReadersOnlyThrowsIllegalState() throws Exception {
        SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(PAGE).maxMappedMemory(4L * PAGE).build();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicBoolean failedOtherwise = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        CountDownLatch started = new CountDownLatch(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            futures.add(pool.submit(() -> {
                Random rnd = new Random(id);
                byte[] data = contents[0];
                byte[] dst = new byte[3 * PAGE];
                try (MappedFileBuffer buf = m.buffer(files[0]); WindowCursor c = m.cursor(files[0])) {
                    started.countDown();
                    while (true) {
                        long pos = rnd.nextLong(data.length);
                        int n = buf.read(pos, dst, 0, dst.length);
                        if (!Arrays.equals(data, (int) pos, (int) pos + n, dst, 0, n)) {
                            failedOtherwise.set(true);
                        }
                        c.useRegion(pos, 100);
                        c.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, pos - c.ofsBegin());
                        reads.incrementAndGet();
                    }
                } catch (IllegalStateException expected) {
                    return null;
                } catch (Throwable t2) {
                    failedOtherwise.set(true);
                    throw t2;
                }
            }));
        }
        started.await();
        while (reads.get() < 2000) {
            Thread.onSpinWait();
        }
        m.close();
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertTrue(!failedOtherwise.get(), "only IllegalStateException is acceptable after close");
    }
}
