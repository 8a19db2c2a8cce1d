package io.github.smmap4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regions and offsets beyond 2 GiB, on a sparse 3 GiB file that uses next to no disk. */
class LargeRegionTest {
    static final long SIZE = 3L << 30;
    static final long MID = (1L << 31) + 5; // just above Integer.MAX_VALUE
    @TempDir
    static Path dir;
    static Path file;

    @BeforeAll
    static void createSparseFile() throws IOException {
        file = dir.resolve("sparse-3g");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(SIZE);
            put(raf, 0, "HEAD");
            put(raf, MID, "MID!");
            put(raf, SIZE - 4, "TAIL");
        }
    }

    private static void put(RandomAccessFile raf, long ofs, String s) throws IOException {
        raf.seek(ofs);
        raf.write(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String at(MemorySegment seg, long ofs) {
        byte[] b = new byte[4];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, ofs, b, 0, 4);
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void staticManagerMapsMoreThan2GiB() throws IOException {
        try (StaticWindowMapManager m = StaticWindowMapManager.builder().build(); WindowCursor c = m.cursor(file)) {
            assertTrue(c.useRegion(MID, 4));
            assertEquals(0, c.ofsBegin());
            assertEquals(SIZE, c.size());
            assertEquals(SIZE, c.segment().byteSize());
            assertEquals("HEAD", at(c.segment(), 0));
            assertEquals("MID!", at(c.segment(), MID));
            assertEquals("TAIL", at(c.segment(), SIZE - 4));
            assertEquals(0, c.segment().get(ValueLayout.JAVA_BYTE, SIZE / 2), "a hole reads as zero");
            IllegalStateException e = assertThrows(IllegalStateException.class, c::buffer);
            assertTrue(e.getMessage().contains("ByteBuffer"), e.getMessage());
            assertEquals(SIZE, m.stats().mappedBytes());
        }
    }

    @Test
    void slidingRequestLargerThan2GiB() throws IOException {
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().build(); WindowCursor c = m.cursor(file)) {
            assertTrue(c.useRegion(10, SIZE - 20));
            assertEquals(0, c.ofsBegin());
            assertEquals(SIZE, c.ofsEnd());
            assertTrue(c.size() > Integer.MAX_VALUE);
            assertEquals("MID!", at(c.segment(), MID));
            assertEquals("TAIL", at(c.segment(), SIZE - 4));
        }
    }

    @Test
    void slidingWindowsAbove2GiB() throws IOException {
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(SlidingWindowMapManager.DEFAULT_WINDOW_SIZE).build();
             WindowCursor c = m.cursor(file)) {
            assertTrue(c.useRegion(MID, 4));
            assertEquals(1L << 31, c.ofsBegin(), "window starts above Integer.MAX_VALUE");
            assertEquals(SlidingWindowMapManager.DEFAULT_WINDOW_SIZE, c.size());
            assertEquals("MID!", at(c.segment(), MID - c.ofsBegin()));
            assertTrue(c.useRegion(SIZE - 4, 4));
            assertEquals(SIZE, c.ofsEnd());
            assertEquals("TAIL", at(c.segment(), SIZE - 4 - c.ofsBegin()));
            assertFalse(c.useRegion(SIZE, 1));
            assertTrue(c.useRegion(SIZE - 1, 1), "offset " + (SIZE - 1));
        }
    }

    @Test
    void bufferReadsAbove2GiB() throws IOException {
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(1 << 20).build();
                MappedFileBuffer buf = m.buffer(file)) {
            assertEquals(SIZE, buf.length());
            assertEquals('!', buf.get(MID + 3));
            assertEquals('L', buf.get(SIZE - 1));
            byte[] b = new byte[8];
            assertEquals(8, buf.read(MID - 2, b, 0, 8));
            assertArrayEquals(new byte[] {0, 0, 'M', 'I', 'D', '!', 0, 0}, b);
            assertEquals(4, buf.read(SIZE - 4, b, 0, 8));
            assertEquals(-1, buf.read(SIZE, b, 0, 8));
            assertArrayEquals("TAIL".getBytes(StandardCharsets.US_ASCII), buf.slice(SIZE - 4, 100));
        }
    }
}
