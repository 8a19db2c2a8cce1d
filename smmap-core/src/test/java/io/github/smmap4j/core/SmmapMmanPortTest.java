package io.github.smmap4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Port of smmap's {@code smmap/test/test_mman.py} (file-descriptor variants have no Java analogue). */
class SmmapMmanPortTest {
    @TempDir
    static Path dir;
    static Path file;
    static byte[] data;

    @BeforeAll
    static void createFile() throws IOException {
        file = dir.resolve("manager_test");
        data = TestFiles.write(file, TestFiles.SMMAP_TEST_SIZE, 42);
    }

    /** test_cursor: a fresh cursor is associated with its file but maps nothing. */
    @Test
    void cursor() throws IOException {
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().build()) {
            WindowCursor cv = man.cursor(file);
            assertFalse(cv.isValid(), "no region mapped yet");
            assertEquals(data.length, cv.fileSize());
            assertEquals(file.toAbsolutePath().normalize(), cv.path());
            assertEquals(0, man.stats().openRegions(), "making a cursor maps nothing");

            // smmap's copy(): the copy is associated but not valid either
            WindowCursor cio = cv.copy();
            assertFalse(cio.isValid());
            assertEquals(cv.path(), cio.path());

            // querying an invalid cursor's region is a clear error naming the file
            IllegalStateException e = assertThrows(IllegalStateException.class, cv::size);
            assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());

            // unusing a non-existing region is fine, twice
            cv.unuseRegion();
            cv.unuseRegion();
            // destruction is fine, even several times
            cv.close();
            cv.close();
            cio.close();
            assertFalse(cv.isValid());
        }
    }

    /** test_memory_manager: fresh managers are empty and a first region reads the file's bytes. */
    @Test
    void memoryManager() throws IOException {
        try (StaticWindowMapManager staticMan = StaticWindowMapManager.builder().build();
                SlidingWindowMapManager slideMan = SlidingWindowMapManager.builder().build()) {
            for (MapManager man : new MapManager[] {staticMan, slideMan}) {
                ManagerStats s = man.stats();
                assertEquals(0, s.openRegions());
                assertEquals(0, s.openFiles());
                if (man instanceof SlidingWindowMapManager sm) {
                    assertTrue(s.windowSize() > 0);
                    // smmap's default is 64 MiB; ours follows the map limit: 1/1024 of the default 8 GiB.
                    assertEquals(8L << 20, sm.windowSize());
                } else {
                    assertEquals(0, s.windowSize(), "static managers map whole files");
                }
                assertEquals(0, s.mappedBytes());
                assertTrue(s.maxMappedMemory() > 0);
                assertTrue(s.maxOpenRegions() > 0);
                // collecting nothing is fine
                assertEquals(0, man.collect());

                try (WindowCursor c = man.cursor(file)) {
                    assertTrue(c.useRegion(10, 10));
                    assertTrue(c.isValid());
                    assertEquals(0, c.ofsBegin(), "regions start page aligned");
                    assertTrue(c.includesOffset(10) && c.includesOffset(19));
                    byte[] got = new byte[10];
                    MemorySegment.copy(c.segment(), ValueLayout.JAVA_BYTE, 10 - c.ofsBegin(), got, 0, 10);
                    assertArrayEquals(TestFiles.range(data, 10, 20), got);
                }
            }
        }
    }

    /** test_memman_operation: region reuse, extension to the left at EOF, limits under random access. */
    @Test
    void memmanOperationStatic() throws IOException {
        int size = data.length;
        try (StaticWindowMapManager man = StaticWindowMapManager.builder()
                .maxMappedMemory(size / 3).maxOpenRegions(15).build()) {
            memmanOperation(man, 0);
            // the whole file exceeds maxMappedMemory: both maps (before and after the region was
            // released and returned) were reported overruns
            assertEquals(2, man.stats().limitOverruns());
        }
    }

    @Test
    void memmanOperationSliding() throws IOException {
        int size = data.length;
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder()
                .windowSize(size / 100).maxMappedMemory(size / 3).maxOpenRegions(15).build()) {
            assertEquals(RegionManager.alignUp(size / 100), man.windowSize());
            memmanOperation(man, man.windowSize());
            assertEquals(0, man.stats().limitOverruns(), "one cursor never forces an overrun");
        }
    }

    private static void memmanOperation(MapManager man, long window) throws IOException {
        long fsize = data.length;
        ManagerStats limits = man.stats();
        try (WindowCursor c = man.cursor(file)) {
            assertEquals(0, man.stats().openFiles());
            assertEquals(0, man.stats().mappedBytes());

            long base = 5000;
            long size = window == 0 ? fsize - base : window / 2;
            assertTrue(c.useRegion(base, size));
            ManagerStats s = man.stats();
            assertEquals(1, s.openFiles());
            assertEquals(1, s.openRegions());
            assertEquals(c.size(), s.mappedBytes());
            assertEquals(0, c.ofsBegin(), "aligned and expanded");
            assertEquals(window == 0 ? fsize : window, c.size());
            assertSameBytes(c, base, base + size);

            // a second request inside the first window is served by the same region
            long nsize = (window == 0 ? fsize : size) - 10;
            MemorySegment first = c.segment();
            assertTrue(c.useRegion(0, nsize));
            assertEquals(first, c.segment());
            assertEquals(1, man.stats().openRegions());
            assertEquals(0, c.ofsBegin());
            assertSameBytes(c, 0, nsize);

            // near the end the requested size cannot be kept: the window grows to the left instead
            long overshoot = 4000;
            base = fsize - (window == 0 ? c.size() : size) + overshoot;
            assertTrue(c.useRegion(base, size));
            if (window != 0) {
                assertEquals(2, man.stats().openRegions());
                assertNotEquals(first, c.segment());
                assertTrue(c.size() <= window, "an EOF window is not larger than a window: " + c.size());
            }
            assertTrue(c.ofsBegin() < base, "extended itself to the left");
            assertEquals(fsize, c.ofsEnd(), "cannot be larger than the file");
            assertSameBytes(c, base, fsize);

            // unusing a region makes the cursor invalid but keeps the region cached, unless it
            // exceeds the limits (the static whole-file map of a file over maxMappedMemory)
            c.unuseRegion();
            assertFalse(c.isValid());
            assertEquals(window == 0 ? 0 : 2, man.stats().openRegions());

            // random access: forces unmapping, limits hold throughout
            Random rnd = new Random(1);
            long req = window == 0 ? 64 * 1024 : size;
            for (int i = 0; i < 5000; i++) {
                long ofs = rnd.nextLong(fsize);
                ManagerStats now = man.stats();
                if (window != 0) {
                    assertTrue(now.mappedBytes() <= limits.maxMappedMemory(), now.toString());
                }
                assertTrue(now.openRegions() <= limits.maxOpenRegions(), now.toString());
                assertTrue(c.useRegion(ofs, req));
                long end = Math.min(ofs + req, fsize);
                assertSameBytes(c, ofs, end);
                assertTrue(c.includesOffset(ofs));
                assertTrue(c.includesOffset(end - 1));
                assertFalse(c.includesOffset(c.ofsEnd()));
            }
            if (window != 0) {
                assertTrue(man.stats().regionUnmaps() > 0, "random access over 8 MB must have evicted");
            }

            // an offset as large as the file does not work
            assertFalse(c.useRegion(fsize, size));
            assertFalse(c.isValid());

            // collection frees everything; a static map over the limit was already returned when
            // the cursor let go of it
            if (window != 0) {
                assertTrue(man.stats().openRegions() > 0);
                assertTrue(man.collect() > 0);
            } else {
                assertEquals(0, man.collect());
            }
            assertEquals(0, man.stats().openRegions());
            assertEquals(0, man.stats().mappedBytes());
        }
    }

    private static void assertSameBytes(WindowCursor c, long from, long to) {
        TestFiles.assertCursorBytes(c, data, from, to);
    }
}
