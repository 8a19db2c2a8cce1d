package io.github.smmap4j.core;

import static io.github.smmap4j.core.TestFiles.PAGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link WindowCursor#copyTo}: Lucene-style (after {@code TestMultiMMap}) copies across window
 * boundaries for several window sizes, EOF and empty copies, bad arguments, and a file truncated
 * underneath its mapping.
 */
class CopyToTest {
    @TempDir
    Path dir;

    /** Copies the whole file chunk by chunk for many chunk sizes, and at many random (pos, len) pairs. */
    @ParameterizedTest(name = "window {0}")
    @ValueSource(ints = {PAGE, 2 * PAGE, 3 * PAGE, 5 * PAGE, 64 << 10, 1 << 20})
    void copiesAcrossWindowBoundaries(int w) throws IOException {
        int size = 3 * w + w / 2 + 17; // the last window is partial and the file is not page aligned
        Path file = dir.resolve("copy-" + w);
        byte[] data = TestFiles.write(file, size, 1000 + w);
        int[] chunks = {1, 2, 7, 8, PAGE - 1, PAGE, PAGE + 1, w - 1, w, w + 1, 2 * w + 3, size};
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(w).build();
                WindowCursor c = m.cursor(file)) {
            for (int chunk : chunks) {
                byte[] out = new byte[size + 3];
                long pos = 0;
                while (pos < size) {
                    int want = chunk;
                    int n = c.copyTo(pos, out, (int) pos + 3, Math.min(want, out.length - (int) pos - 3));
                    assertTrue(n >= 1 && n <= want, "copied " + n + " of " + want + " at " + pos);
                    assertTrue(c.includesOffset(pos), c::toString);
                    assertEquals(Math.min(want, c.ofsEnd() - pos), n, "as many as the region holds, at " + pos);
                    pos += n;
                }
                assertEquals(size, pos);
                assertTrue(Arrays.equals(data, 0, size, out, 3, size + 3), "chunk " + chunk);
                assertEquals(-1, c.copyTo(pos, out, 0, 1));
            }

            Random rnd = new Random(w);
            byte[] dst = new byte[2 * w + 64];
            for (int i = 0; i < 2000; i++) {
                long pos = rnd.nextInt(size);
                if (rnd.nextInt(4) == 0) { // around a window boundary
                    pos = Math.clamp((long) rnd.nextInt(4) * w + rnd.nextInt(7) - 3, 0, size - 1);
                }
                int off = rnd.nextInt(32);
                int len = 1 + rnd.nextInt(dst.length - off);
                boolean held = c.includesOffset(pos);
                long beginBefore = held ? c.ofsBegin() : -1;
                int n = c.copyTo(pos, dst, off, len);
                if (held) {
                    assertEquals(beginBefore, c.ofsBegin(), "the cursor stayed on its region");
                }
                assertTrue(n >= 1 && n <= len);
                assertEquals(Math.min(len, c.ofsEnd() - pos), n);
                long p = pos;
                assertTrue(Arrays.equals(data, (int) pos, (int) pos + n, dst, off, off + n),
                        () -> "bytes at " + p + "+" + n);
            }
        }
    }

    /** The cursor moves only when its region does not hold pos; otherwise a short count comes back. */
    @Test
    void movesOnlyWhenTheRegionDoesNotHoldPos() throws IOException {
        int w = 4 * PAGE;
        Path file = dir.resolve("move");
        byte[] data = TestFiles.write(file, 3 * w, 3);
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(w).build();
                WindowCursor c = m.cursor(file)) {
            byte[] dst = new byte[100];
            assertEquals(10, c.copyTo(5, dst, 0, 10));
            assertEquals(0, c.ofsBegin());
            assertEquals(w, c.ofsEnd());
            assertArrayEquals(Arrays.copyOfRange(data, 5, 15), Arrays.copyOf(dst, 10));

            assertEquals(1, c.copyTo(w - 1, dst, 0, 100), "only the last byte of the current region");
            assertEquals(data[w - 1], dst[0]);
            assertEquals(0, c.ofsBegin());
            assertEquals(1, m.stats().regionMaps());

            // not held: the cursor moves as useRegion(pos, len) would, here to [w, 2w)
            assertEquals(100, c.copyTo(w + 10, dst, 0, 100));
            assertEquals(w, c.ofsBegin());
            assertEquals(2, m.stats().regionMaps());
            assertArrayEquals(Arrays.copyOfRange(data, w + 10, w + 110), dst);

            // a request crossing a grid line maps from its page to the next grid line, as
            // useRegion(pos, len) does, so all len bytes come in one copy
            c.unuseRegion();
            byte[] big = new byte[w];
            long pos = w + 3L * PAGE + 10;
            assertEquals(w, c.copyTo(pos, big, 0, w));
            assertEquals(w + 3L * PAGE, c.ofsBegin());
            assertEquals(3L * w, c.ofsEnd());
            assertArrayEquals(Arrays.copyOfRange(data, (int) pos, (int) pos + w), big);
        }
    }

    @Test
    void eofEmptyAndBadArguments() throws IOException {
        Path file = dir.resolve("args");
        int size = 2 * PAGE + 5;
        byte[] data = TestFiles.write(file, size, 4);
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(PAGE).build()) {
            WindowCursor c = m.cursor(file);
            byte[] dst = new byte[16];
            assertEquals(0, c.copyTo(0, dst, 0, 0), "len 0");
            assertEquals(0, c.copyTo(size, dst, 16, 0), "len 0 at EOF");
            assertEquals(0, m.stats().regionMaps(), "an empty copy maps nothing");
            assertEquals(-1, c.copyTo(size, dst, 0, 1));
            assertEquals(-1, c.copyTo(Long.MAX_VALUE, dst, 0, 16));
            assertEquals(0, m.stats().regionMaps(), "EOF maps nothing");
            assertEquals(5, c.copyTo(size - 5, dst, 2, 14), "clipped at EOF");
            assertArrayEquals(Arrays.copyOfRange(data, size - 5, size), Arrays.copyOfRange(dst, 2, 7));
            assertEquals(-1, c.copyTo(size, dst, 0, 1));
            assertTrue(c.isValid(), "EOF does not move the cursor");

            assertThrows(IndexOutOfBoundsException.class, () -> c.copyTo(0, dst, -1, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> c.copyTo(0, dst, 0, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> c.copyTo(0, dst, 10, 7));
            assertThrows(IndexOutOfBoundsException.class, () -> c.copyTo(0, dst, 17, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> c.copyTo(size, dst, 0, 17), "checked before EOF");
            assertThrows(NullPointerException.class, () -> c.copyTo(0, null, 0, 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.copyTo(-1, dst, 0, 1));
            assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());

            c.close();
            IllegalStateException closed = assertThrows(IllegalStateException.class, () -> c.copyTo(0, dst, 0, 1));
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        }
    }

    /** A copy of pages that a truncation removed faults; the fault becomes a clear IOException. */
    @Test
    void truncatedUnderneathIsAMappedFileTruncatedException() throws IOException {
        Path file = dir.resolve("shrinking");
        int size = 16 * PAGE;
        byte[] data = TestFiles.write(file, size, 5);
        try (StaticWindowMapManager m = StaticWindowMapManager.builder().build();
                WindowCursor c = m.cursor(file);
                MappedFileBuffer buf = m.buffer(file)) {
            byte[] dst = new byte[64];
            assertEquals(64, c.copyTo(10L * PAGE, dst, 0, 64)); // the whole file is mapped now
            assertEquals(data[5 * PAGE], buf.get(5L * PAGE));
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(PAGE);
            }
            long pos = 10L * PAGE + 3;
            MappedFileTruncatedException e = assertThrows(MappedFileTruncatedException.class,
                    () -> c.copyTo(pos, dst, 0, 64));
            assertEquals(c.path(), e.path());
            assertEquals(pos, e.offset());
            assertInstanceOf(InternalError.class, e.getCause());
            assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
            assertTrue(e.getMessage().contains(Long.toString(pos)), e.getMessage());
            assertTrue(c.isValid(), "the mapping itself is still there");

            // bytes still inside the file read fine through the same region
            assertEquals(64, c.copyTo(100, dst, 0, 64));
            assertArrayEquals(Arrays.copyOfRange(data, 100, 164), dst);

            MappedFileTruncatedException viaRead = assertThrows(MappedFileTruncatedException.class,
                    () -> buf.read(8L * PAGE, new byte[PAGE], 0, PAGE));
            assertEquals(8L * PAGE, viaRead.offset());
            MappedFileTruncatedException viaGet = assertThrows(MappedFileTruncatedException.class,
                    () -> buf.get(12L * PAGE));
            assertEquals(c.path(), viaGet.path());
            assertEquals(12L * PAGE, viaGet.offset());
            assertInstanceOf(InternalError.class, viaGet.getCause());
        }
    }

    /**
     * The same once the JIT has compiled {@code copyTo} and inlined it into a hot loop: HotSpot
     * raises the fault at a later safepoint poll, which must still lie inside {@code copyTo}.
     */
    @Test
    void truncatedUnderneathIsReportedAlsoWhenHot() throws IOException {
        Path file = dir.resolve("shrinking-hot");
        int size = 16 * PAGE;
        TestFiles.write(file, size, 6);
        try (StaticWindowMapManager m = StaticWindowMapManager.builder().build();
                WindowCursor c = m.cursor(file);
                MappedFileBuffer buf = m.buffer(file)) {
            byte[] dst = new byte[64];
            long sum = 0;
            for (int i = 0; i < 2_000_000; i++) { // hot enough for C2, here and in the callers
                sum += c.copyTo((i * 64L) % (15L * PAGE), dst, 0, 1 + (i & 63));
                sum += buf.get(i % size);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(PAGE);
            }
            int reported = 0;
            for (int i = 0; i < 1000; i++) {
                long pos = 8L * PAGE + (i % 100) * 8;
                try {
                    sum += c.copyTo(pos, dst, 0, 1 + (i & 63));
                } catch (MappedFileTruncatedException e) {
                    assertEquals(pos, e.offset());
                    reported++;
                }
                try {
                    sum += buf.get(pos);
                } catch (MappedFileTruncatedException e) {
                    assertEquals(pos, e.offset());
                    reported++;
                }
            }
            assertEquals(2000, reported, "every faulting read was reported where it happened (" + sum + ")");
        }
    }
}
