package io.github.smmap4j.core;

import static io.github.smmap4j.core.TestFiles.PAGE;
import static io.github.smmap4j.core.TestFiles.assertCursorBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lucene-style boundary tests (after {@code TestMultiMMap}): for window sizes from one page to
 * several MiB, read at and around every window boundary and the end of the file, through cursors
 * and buffers, and scan the file in random chunk sizes.
 */
class WindowBoundaryTest {
    @TempDir
    Path dir;

    /** Window sizes: one page, powers of two, a non-power of two, and several MiB. */
    @ParameterizedTest(name = "window {0}")
    @ValueSource(ints = {PAGE, 2 * PAGE, 3 * PAGE, 64 << 10, 1 << 20, 3 << 20, 4 << 20})
    void readsAroundEveryWindowBoundary(int w) throws IOException {
        int size = 3 * w + w / 2 + 17; // the last window is partial and the file is not page aligned
        Path file = dir.resolve("boundary-" + w);
        byte[] data = TestFiles.write(file, size, w);
        long limit = 3L * w + PAGE; // the largest request's region: from its page to the boundary after it
        long[] lengths = {1, 2, 3, 8, PAGE - 1, PAGE, PAGE + 1, w - 1, w, w + 1, 2L * w + 5};
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder()
                .windowSize(w).maxMappedMemory(limit).build();
                SlidingWindowMapManager mb = SlidingWindowMapManager.builder()
                        .windowSize(w).maxMappedMemory(w).build();
                WindowCursor c = m.cursor(file);
                MappedFileBuffer buf = mb.buffer(file)) {
            byte[] dst = new byte[2 * w + 16];
            for (long boundary = 0; boundary <= size; boundary = boundary == 3L * w ? size : boundary + w) {
                for (long ofs = boundary - 3; ofs <= boundary + 3; ofs++) {
                    if (ofs < 0) {
                        continue;
                    }
                    if (ofs >= size) {
                        assertFalse(c.useRegion(ofs, 1));
                        assertFalse(c.isValid());
                        assertEquals(-1, buf.read(ofs, dst, 0, 1));
                        continue;
                    }
                    assertEquals(data[(int) ofs], buf.get(ofs), "get " + ofs);
                    for (long n : lengths) {
                        long end = Math.min(ofs + n, size);
                        long mapsBefore = m.stats().regionMaps();
                        assertTrue(c.useRegion(ofs, n));
                        assertCursorBytes(c, data, ofs, end);
                        assertEquals(0, c.ofsBegin() % PAGE, c::toString);
                        if (m.stats().regionMaps() > mapsBefore) { // a fresh window, not a reused larger one
                            long grid = ofs - ofs % w;
                            long start = end - grid <= w ? grid : RegionManager.alignDown(ofs);
                            long stop = Math.min(size, Math.ceilDiv(end, w) * (long) w);
                            assertEquals(start, c.ofsBegin(), c::toString);
                            assertEquals(stop, c.ofsEnd(), c::toString);
                        }

                        int got = buf.read(ofs, dst, 3, (int) n);
                        assertEquals(end - ofs, got);
                        assertTrue(Arrays.equals(data, (int) ofs, (int) end, dst, 3, 3 + got), "read " + ofs + "+" + n);
                        ManagerStats s = m.stats();
                        assertTrue(s.mappedBytes() <= limit, s.toString());
                        ManagerStats sb = mb.stats();
                        assertTrue(sb.mappedBytes() <= w && sb.openRegions() <= 1, "one window at a time: " + sb);
                    }
                }
            }
            assertEquals(0, m.stats().limitOverruns(), m.stats().toString());
            assertEquals(0, mb.stats().limitOverruns(), mb.stats().toString());
            assertTrue(m.stats().regionUnmaps() > 0 && mb.stats().regionUnmaps() > 0, "the limits forced eviction");
        }
    }

    /** Scans the whole file in random chunk sizes, through a buffer and a cursor, under a two-window limit. */
    @ParameterizedTest(name = "window {0}")
    @ValueSource(ints = {PAGE, 3 * PAGE, 64 << 10, 1 << 20})
    void scansInRandomChunkSizes(int w) throws IOException {
        int size = 5 * w + 4242;
        Path file = dir.resolve("scan-" + w);
        byte[] data = TestFiles.write(file, size, -w);
        Random rnd = new Random(w);
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder()
                .windowSize(w).maxMappedMemory(2L * w).build();
                MappedFileBuffer buf = m.buffer(file)) {
            byte[] out = new byte[size];
            int pos = 0;
            while (pos < size) {
                int n = Math.min(1 + rnd.nextInt(2 * w), size - pos);
                assertEquals(n, buf.read(pos, out, pos, n));
                pos += n;
            }
            assertTrue(Arrays.equals(data, out));
            assertEquals(0, m.stats().limitOverruns(), "a buffer reads window by window");
            assertTrue(m.stats().mappedBytes() <= 2L * w);
        }
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder()
                .windowSize(w).maxMappedMemory(2L * w).build();
                WindowCursor c = m.cursor(file)) {
            long pos = 0;
            while (c.useRegion(pos, 1)) {
                long n = Math.min(1 + rnd.nextInt(w), c.ofsEnd() - pos);
                assertCursorBytes(c, data, pos, pos + n);
                pos += n;
            }
            assertEquals(size, pos);
            assertEquals(0, m.stats().limitOverruns());
        }
    }
}
