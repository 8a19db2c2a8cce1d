package io.github.smmap4j.core;

import static io.github.smmap4j.core.TestFiles.PAGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Map pressure: a copy that misses when its window cannot be mapped without evicting is served
 * by positional reads, a window read through often enough is mapped, and the limits hold.
 */
class ReadThroughTest {
    private static final int WINDOW = 16 * PAGE;

    @TempDir
    Path dir;

    /** A manager that holds two windows of 64 KiB. */
    private static SlidingWindowMapManager twoWindows() {
        return SlidingWindowMapManager.builder().windowSize(WINDOW).maxMappedMemory(2L * WINDOW).build();
    }

    /** Fills the two windows of {@link #twoWindows} with windows pinned by {@code a} and {@code b}. */
    private static void pinBothWindows(WindowCursor a, WindowCursor b) throws IOException {
        assertTrue(a.useRegion(0, 1));
        assertTrue(b.useRegion(WINDOW, 1));
    }

    /** {@link #pinBothWindows}, then one read-through by {@code c}, which opens the file's descriptor. */
    private static void pinBothWindowsThenReadThrough(WindowCursor a, WindowCursor b, WindowCursor c, byte[] data)
            throws IOException {
        pinBothWindows(a, b);
        assertArrayEquals(TestFiles.range(data, 3L * WINDOW, 3L * WINDOW + 8), copy(c, 3L * WINDOW, 8));
        assertFalse(c.isValid(), "read through, no region");
    }

    /** Copies {@code [pos, pos + len)} with copyTo's loop. */
    private static byte[] copy(WindowCursor c, long pos, int len) throws IOException {
        byte[] b = new byte[len];
        for (int done = 0; done < len; ) {
            int n = c.copyTo(pos + done, b, done, len - done);
            assertTrue(n > 0, "copyTo returned " + n + " at " + (pos + done));
            done += n;
        }
        return b;
    }

    @Test
    void randomCopiesUnderPressureReadThroughWithinTheLimits() throws IOException {
        Path file = dir.resolve("big");
        byte[] data = TestFiles.write(file, 64 * WINDOW + 123, 7);
        SplittableRandom rnd = new SplittableRandom(3);
        try (SlidingWindowMapManager m = twoWindows()) {
            List<WindowCursor> cursors = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                cursors.add(m.cursor(file));
            }
            for (int i = 0; i < 5000; i++) {
                WindowCursor c = cursors.get(i % 4);
                long pos = rnd.nextLong(data.length);
                // small copies (header-sized), chunk-sized ones, and some crossing windows
                int len = (int) Math.min(data.length - pos, switch (i % 3) {
                    case 0 -> 1 + rnd.nextInt(300);
                    case 1 -> 1 + rnd.nextInt(3 * WINDOW);
                    default -> RegionManager.READ_THROUGH_SIZE + rnd.nextInt(100);
                });
                assertArrayEquals(TestFiles.range(data, pos, pos + len), copy(c, pos, len), "at " + pos + "+" + len);
                ManagerStats s = m.stats();
                assertTrue(s.mappedBytes() <= 2L * WINDOW, s::toString);
            }
            ManagerStats s = m.stats();
            assertEquals(0, s.limitOverruns(), "four cursors pinning more than fits read through instead: " + s);
            assertTrue(s.readThroughs() > 1000, s::toString);
            assertTrue(s.regionMaps() > 2, "windows read through often are still mapped: " + s);
            assertTrue(s.regionMaps() < s.readThroughs() / 4, "most misses under pressure do not map: " + s);
            cursors.forEach(WindowCursor::close);
        }
    }

    @Test
    void aWindowReadThroughOftenEnoughIsMapped() throws IOException {
        Path file = dir.resolve("hot");
        byte[] data = TestFiles.write(file, 8 * WINDOW, 8);
        try (SlidingWindowMapManager m = twoWindows(); WindowCursor pin = m.cursor(file);
                WindowCursor pin2 = m.cursor(file); WindowCursor c = m.cursor(file)) {
            assertTrue(pin.useRegion(0, 1));
            assertTrue(pin2.useRegion(WINDOW, 1)); // both windows pinned: nothing can be evicted
            long hot = 5L * WINDOW;
            for (int i = 0; i < RegionManager.READS_BEFORE_MAP - 1; i++) {
                long pos = hot + (i % 3) * (WINDOW / 3); // outside the cursor's 16 KiB read buffer each time
                assertArrayEquals(TestFiles.range(data, pos, pos + 10), copy(c, pos, 10));
                assertFalse(c.isValid(), "read through, no region");
            }
            assertEquals(RegionManager.READS_BEFORE_MAP - 1, m.stats().readThroughs());
            pin2.unuseRegion(); // an unused window can now be evicted; still not mapped before the count
            long pos = hot + WINDOW / 2;
            assertArrayEquals(TestFiles.range(data, pos, pos + 10), copy(c, pos, 10));
            assertTrue(c.isValid(), "the " + RegionManager.READS_BEFORE_MAP + "th miss maps the window");
            assertEquals(hot, c.ofsBegin());
            TestFiles.assertCursorBytes(c, data, hot, hot + WINDOW);
            assertEquals(0, m.stats().limitOverruns());
        }
    }

    @Test
    void withoutPressureNothingIsReadThrough() throws IOException {
        Path file = dir.resolve("small");
        byte[] data = TestFiles.write(file, 8 * WINDOW, 9);
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(WINDOW).build();
                WindowCursor c = m.cursor(file)) {
            for (long pos = 0; pos < data.length; pos += 1000) {
                assertArrayEquals(TestFiles.range(data, pos, Math.min(data.length, pos + 100)),
                        copy(c, pos, (int) Math.min(100, data.length - pos)));
            }
            assertEquals(0, m.stats().readThroughs());
            assertEquals(8, m.stats().regionMaps());
        }
    }

    @Test
    void theDescriptorLivesOnlyWhileTheFileHasCursors() throws IOException {
        Assumptions.assumeTrue(TestFiles.procFdAvailable(), "needs /proc/self/fd");
        Path file = dir.resolve("fd");
        byte[] data = TestFiles.write(file, 8 * WINDOW, 10);
        try (SlidingWindowMapManager m = twoWindows()) {
            WindowCursor a = m.cursor(file);
            WindowCursor b = m.cursor(file);
            WindowCursor c = m.cursor(file);
            pinBothWindows(a, b);
            assertEquals(0, TestFiles.fdsOn(file));
            assertArrayEquals(TestFiles.range(data, 4L * WINDOW, 4L * WINDOW + 50), copy(c, 4L * WINDOW, 50));
            assertEquals(1, TestFiles.fdsOn(file), "one descriptor for the file's read-throughs");
            assertArrayEquals(TestFiles.range(data, 6L * WINDOW, 6L * WINDOW + 50), copy(a, 6L * WINDOW, 50));
            assertEquals(1, TestFiles.fdsOn(file), "shared by every cursor of the file");
            a.close();
            b.close();
            assertEquals(1, TestFiles.fdsOn(file), "c still reads");
            c.close();
            assertEquals(0, TestFiles.fdsOn(file), "closed with the file's last cursor");
            WindowCursor d = m.cursor(file);
            WindowCursor e = m.cursor(file);
            WindowCursor f = m.cursor(file);
            assertTrue(d.useRegion(2L * WINDOW, 1)); // evicts the unused windows of a and b
            assertTrue(e.useRegion(3L * WINDOW, 1));
            assertArrayEquals(TestFiles.range(data, 7L * WINDOW, 7L * WINDOW + 50), copy(f, 7L * WINDOW, 50));
            assertEquals(1, TestFiles.fdsOn(file));
        }
        assertEquals(0, TestFiles.fdsOn(file), "closed with the manager");
    }

    @Test
    void truncationUnderAnOpenDescriptorIsReported() throws IOException {
        Path file = dir.resolve("trunc");
        byte[] data = TestFiles.write(file, 8 * WINDOW, 11);
        try (SlidingWindowMapManager m = twoWindows(); WindowCursor a = m.cursor(file);
                WindowCursor b = m.cursor(file); WindowCursor c = m.cursor(file)) {
            pinBothWindowsThenReadThrough(a, b, c, data);
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(4L * WINDOW);
            }
            MappedFileTruncatedException e = assertThrows(MappedFileTruncatedException.class,
                    () -> copy(c, 6L * WINDOW, 8));
            assertEquals(6L * WINDOW, e.offset());
            assertEquals(file.toAbsolutePath().normalize(), e.path());
        }
    }

    @Test
    void aReplacedFileIsNotReadThrough() throws IOException {
        Path file = dir.resolve("replaced");
        byte[] data = TestFiles.write(file, 8 * WINDOW, 12);
        try (SlidingWindowMapManager m = twoWindows(); WindowCursor a = m.cursor(file);
                WindowCursor b = m.cursor(file); WindowCursor c = m.cursor(file)) {
            pinBothWindows(a, b);
            Path other = dir.resolve("other");
            TestFiles.write(other, 9 * WINDOW, 13);
            Files.move(other, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            IOException e = assertThrows(IOException.class, () -> copy(c, 5L * WINDOW, 8));
            assertTrue(e.getMessage().contains("changed on disk"), e.getMessage());
            assertEquals(1, m.stats().staleFiles());
        }
        assertEquals(8 * WINDOW, data.length);
    }

    @Test
    void aFileDeletedUnderAnOpenDescriptorIsNoticedWithinTheCheckInterval() throws IOException {
        Path file = dir.resolve("deleted");
        byte[] data = TestFiles.write(file, 8 * WINDOW, 16);
        int fdsBefore = TestFiles.procFdAvailable() ? TestFiles.openFds() : 0;
        try (SlidingWindowMapManager m = twoWindows(); WindowCursor a = m.cursor(file);
                WindowCursor b = m.cursor(file); WindowCursor c = m.cursor(file)) {
            pinBothWindowsThenReadThrough(a, b, c, data);
            Files.delete(file);
            int served = 0;
            IOException failure = null;
            for (int i = 0; i < ReadThroughChannel.CHECK_EVERY + 1 && failure == null; i++) {
                long pos = 2L * WINDOW + (i % 6) * (WINDOW - 1000); // never inside the last read's buffer
                try {
                    assertArrayEquals(TestFiles.range(data, pos, pos + 8), copy(c, pos, 8), "the old bytes until noticed");
                    served++;
                } catch (IOException e) {
                    failure = e;
                }
            }
            assertTrue(failure != null, "noticed within " + ReadThroughChannel.CHECK_EVERY + " reads, served " + served);
            assertTrue(failure.getMessage().contains("vanished"), failure.getMessage());
            assertEquals(1, m.stats().staleFiles());
        }
        if (TestFiles.procFdAvailable()) {
            assertTrue(TestFiles.openFds() <= fdsBefore, "the retired version's descriptor is closed");
        }
    }

    @Test
    void anInterruptedReaderDoesNotBreakOthers() throws Exception {
        Path file = dir.resolve("interrupt");
        byte[] data = TestFiles.write(file, 8 * WINDOW, 14);
        try (SlidingWindowMapManager m = twoWindows(); WindowCursor a = m.cursor(file);
                WindowCursor b = m.cursor(file); WindowCursor c = m.cursor(file); WindowCursor d = m.cursor(file)) {
            pinBothWindowsThenReadThrough(a, b, c, data);
            Thread.currentThread().interrupt();
            try {
                assertThrows(ClosedByInterruptException.class, () -> copy(c, 5L * WINDOW, 8));
            } finally {
                Thread.interrupted();
            }
            assertArrayEquals(TestFiles.range(data, 6L * WINDOW, 6L * WINDOW + 8), copy(d, 6L * WINDOW, 8),
                    "another cursor reopens the descriptor");
        }
    }

    @Test
    void threadsReadThroughOneFileConcurrently() throws Exception {
        Path file = dir.resolve("threads");
        byte[] data = TestFiles.write(file, 64 * WINDOW, 15);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (SlidingWindowMapManager m = twoWindows()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long seed = t;
                done.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    try (WindowCursor c = m.cursor(file)) {
                        for (int i = 0; i < 2000; i++) {
                            long pos = rnd.nextLong(data.length);
                            int len = (int) Math.min(data.length - pos, 1 + rnd.nextInt(i % 2 == 0 ? 200 : 40_000));
                            assertArrayEquals(TestFiles.range(data, pos, pos + len), copy(c, pos, len));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            ManagerStats s = m.stats();
            assertTrue(s.readThroughs() > 0, s::toString);
            assertTrue(s.mappedBytes() <= 2L * WINDOW, s::toString);
        } finally {
            pool.shutdownNow();
        }
    }
}
