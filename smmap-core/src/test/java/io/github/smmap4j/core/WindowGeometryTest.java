package io.github.smmap4j.core;

import static io.github.smmap4j.core.TestFiles.PAGE;
import static io.github.smmap4j.core.TestFiles.assertCursorBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Windows are page aligned and sized, clipped at EOF, and grown for requests larger than a window. */
class WindowGeometryTest {
    static final int W = 4 * PAGE;
    static final int SIZE = 10 * PAGE + 100;
    @TempDir
    static Path dir;
    static Path file;
    static byte[] data;

    @BeforeAll
    static void createFile() throws IOException {
        file = dir.resolve("geometry");
        data = TestFiles.write(file, SIZE, 11);
    }

    @Test
    void windowSizeIsRoundedUpToPages() {
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().windowSize(10_000).build()) {
            assertEquals(3 * PAGE, man.windowSize());
            assertEquals(3 * PAGE, man.stats().windowSize());
        }
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().windowSize(1).build()) {
            assertEquals(PAGE, man.windowSize());
        }
    }

    @Test
    void unsetWindowSizeFollowsTheMapLimit() {
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().build()) {
            assertEquals(8L << 20, man.windowSize(), "a thousandth of the default 8 GiB limit");
        }
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().maxMappedMemory(256L << 20).build()) {
            assertEquals(1L << 20, man.windowSize(), "at least 1 MiB under a small limit");
        }
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().maxMappedMemory(16L << 20).build()) {
            assertEquals(256L << 10, man.windowSize(), "at most a sixty-fourth of a tiny limit");
        }
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().maxMappedMemory(1L << 40).build()) {
            assertEquals(SlidingWindowMapManager.DEFAULT_WINDOW_SIZE, man.windowSize(), "at most 64 MiB");
        }
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().maxMappedMemory(300_000).build()) {
            assertEquals(PAGE, man.windowSize(), "a sixty-fourth rounded down to pages, at least one page");
        }
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().maxMappedMemory(256L << 20)
                .windowSize(64L << 20).build()) {
            assertEquals(64L << 20, man.windowSize(), "a window size set is kept");
        }
    }

    @Test
    void windowsArePageAlignedAndSized() throws IOException {
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().windowSize(W).build();
                WindowCursor c = man.cursor(file)) {
            for (long ofs = 0; ofs < SIZE; ofs += 997) {
                assertTrue(c.useRegion(ofs, 1));
                assertEquals(0, c.ofsBegin() % PAGE, c::toString);
                assertTrue(c.size() <= W, c::toString);
                assertTrue(c.size() == W || c.ofsEnd() == SIZE, () -> "a short window must end at EOF: " + c);
                assertTrue(c.ofsEnd() <= SIZE);
                assertCursorBytes(c, data, ofs, ofs + 1);
                assertEquals(c.size(), c.segment().byteSize());
            }
        }
    }

    @Test
    void requestNearEofIsClipped() throws IOException {
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().windowSize(W).build();
                WindowCursor c = man.cursor(file)) {
            assertTrue(c.useRegion(SIZE - 10, 1000));
            assertEquals(2L * W, c.ofsBegin(), "the last window starts on the grid");
            assertEquals(SIZE, c.ofsEnd(), "clipped at EOF");
            assertCursorBytes(c, data, SIZE - 10, SIZE);
            // the last byte alone, and a request of any size there
            assertTrue(c.useRegion(SIZE - 1, Long.MAX_VALUE));
            assertCursorBytes(c, data, SIZE - 1, SIZE);
            assertFalse(c.useRegion(SIZE, 1));
            assertEquals(1, man.stats().regionMaps());
        }
    }

    @Test
    void requestLargerThanWindowGetsALargerRegion() throws IOException {
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().windowSize(PAGE).build()) {
            try (WindowCursor c = man.cursor(file)) {
                assertTrue(c.useRegion(100, 2L * PAGE + 1));
                assertEquals(0, c.ofsBegin());
                assertEquals(3L * PAGE, c.size(), "up to the next window boundary after the request");
                assertCursorBytes(c, data, 100, 100 + 2L * PAGE + 1);
            }
            try (WindowCursor c = man.cursor(file)) {
                // larger than the rest of the file: clipped to EOF
                assertTrue(c.useRegion(3L * PAGE + 5, Long.MAX_VALUE));
                assertEquals(3L * PAGE, c.ofsBegin());
                assertEquals(SIZE, c.ofsEnd());
                assertCursorBytes(c, data, 3L * PAGE + 5, SIZE);
            }
        }
    }

    /** A request crossing a window boundary gets one region from its page to the next boundary. */
    @Test
    void requestAcrossAWindowBoundary() throws IOException {
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().windowSize(W).build();
                WindowCursor c = man.cursor(file)) {
            assertTrue(c.useRegion(W - 100, 200));
            assertEquals(W - PAGE, c.ofsBegin());
            assertEquals(2L * W, c.ofsEnd());
            assertCursorBytes(c, data, W - 100, W + 100);
            // reading on forward stays in that region up to the boundary
            assertTrue(c.useRegion(2L * W - 10, 10));
            assertEquals(1, man.stats().regionMaps());
        }
    }

    @Test
    void zeroWindowMapsWholeFiles() throws IOException {
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().windowSize(0).build();
                WindowCursor c = man.cursor(file)) {
            assertEquals(0, man.windowSize());
            assertTrue(c.useRegion(SIZE / 2, 1));
            assertEquals(0, c.ofsBegin());
            assertEquals(SIZE, c.size());
        }
    }

    @Test
    void staticManagerMapsEachFileOnce() throws IOException {
        try (StaticWindowMapManager man = StaticWindowMapManager.builder().build();
                WindowCursor c = man.cursor(file);
                WindowCursor d = man.cursor(file)) {
            assertTrue(c.useRegion(SIZE - 1, 1));
            assertEquals(0, c.ofsBegin());
            assertEquals(SIZE, c.ofsEnd());
            assertTrue(d.useRegion(0, 5));
            assertEquals(c.segment(), d.segment(), "one region per file");
            ManagerStats s = man.stats();
            assertEquals(1, s.regionMaps());
            assertEquals(1, s.regionHits());
            assertEquals(1, s.openRegions());
            assertEquals(SIZE, s.mappedBytes());
            assertEquals(0, s.windowSize());
            assertCursorBytes(c, data, 0, SIZE);
        }
    }

    @Test
    void byteBufferIsAReadOnlyViewOfTheRegion() throws IOException {
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().windowSize(W).build();
                WindowCursor c = man.cursor(file)) {
            assertTrue(c.useRegion(W + 3, 10));
            ByteBuffer b = c.buffer();
            assertTrue(b.isReadOnly());
            assertEquals(c.size(), b.capacity());
            for (int i = 0; i < b.capacity(); i++) {
                assertEquals(data[(int) c.ofsBegin() + i], b.get(i));
            }
        }
    }

    @Test
    void includesOffsetMatchesTheRegion() throws IOException {
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().windowSize(W).build();
                WindowCursor c = man.cursor(file)) {
            assertFalse(c.includesOffset(0), "no region yet");
            assertTrue(c.useRegion(W + 1, 1));
            assertFalse(c.includesOffset(c.ofsBegin() - 1));
            assertTrue(c.includesOffset(c.ofsBegin()));
            assertTrue(c.includesOffset(c.ofsEnd() - 1));
            assertFalse(c.includesOffset(c.ofsEnd()));
            assertFalse(c.includesOffset(-1));
            c.unuseRegion();
            assertFalse(c.includesOffset(W + 1));
        }
    }

    @Test
    void copySharesTheRegionAndPinsIt() throws IOException {
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().windowSize(W).build()) {
            WindowCursor c = man.cursor(file);
            assertTrue(c.useRegion(5, 5));
            WindowCursor d = c.copy();
            assertTrue(d.isValid());
            assertEquals(c.ofsBegin(), d.ofsBegin());
            assertEquals(c.segment(), d.segment());
            c.close();
            assertEquals(0, man.collect(), "the copy still uses the region");
            assertCursorBytes(d, data, 0, W);
            d.close();
            assertEquals(1, man.collect());
            assertEquals(0, man.stats().openFiles());
        }
    }
}
