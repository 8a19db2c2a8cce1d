package io.github.smmap4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Port of smmap's {@code smmap/test/test_buf.py}: a buffer spanning windows, sliced at random. */
class SmmapBufPortTest {
    @TempDir
    static Path dir;
    static Path file;
    static byte[] data;

    @BeforeAll
    static void createFile() throws IOException {
        file = dir.resolve("buffer_test");
        data = TestFiles.write(file, TestFiles.SMMAP_TEST_SIZE, 7);
    }

    @Test
    void basics() throws IOException {
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().build()) {
            MappedFileBuffer buf = man.buffer(file);
            assertEquals(data.length, buf.length());
            assertEquals(file.toAbsolutePath().normalize(), buf.path());

            // simple access
            int offset = 100;
            assertEquals(data[offset], buf.get(offset));
            assertArrayEquals(Arrays.copyOfRange(data, offset, offset * 2), buf.slice(offset, offset));
            assertTrue(buf.cursor().isValid());

            // smmap's negative indices: the last bytes
            assertEquals(data[data.length - 1], buf.get(buf.length() - 1));
            assertArrayEquals(Arrays.copyOfRange(data, data.length - 10, data.length), buf.slice(buf.length() - 10, 10));
            // a slice past the end is clipped, a read there reports EOF
            assertEquals(10, buf.slice(buf.length() - 10, 100).length);
            assertEquals(0, buf.slice(buf.length(), 100).length);
            assertEquals(-1, buf.read(buf.length(), new byte[4], 0, 4));
            assertThrows(IndexOutOfBoundsException.class, () -> buf.get(buf.length()));

            // closing ends access; the region stays cached in the manager
            buf.close();
            assertThrows(IllegalStateException.class, () -> buf.get(0));
            assertEquals(1, man.stats().openRegions());
            assertEquals(1, man.collect());
        }
    }

    @Test
    void randomAccessOptimal() throws IOException {
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder().build()) {
            randomAccess(man);
        }
    }

    /** smmap's "worst case" manager: tiny windows, a third of the file mapped at most, 15 regions. */
    @Test
    void randomAccessWorstCase() throws IOException {
        try (SlidingWindowMapManager man = SlidingWindowMapManager.builder()
                .windowSize(TestFiles.SMMAP_TEST_SIZE / 100)
                .maxMappedMemory(TestFiles.SMMAP_TEST_SIZE / 3)
                .maxOpenRegions(15).build()) {
            randomAccess(man);
            ManagerStats s = man.stats();
            assertEquals(0, s.limitOverruns(), "a buffer slides within the limits: " + s);
            assertTrue(s.regionUnmaps() > 0);
        }
    }

    @Test
    void randomAccessStatic() throws IOException {
        try (StaticWindowMapManager man = StaticWindowMapManager.builder().build()) {
            randomAccess(man);
        }
    }

    private static void randomAccess(MapManager man) throws IOException {
        ManagerStats limits = man.stats();
        int fsize = data.length;
        Random rnd = new Random(3);
        for (int mode = 0; mode < 2; mode++) { // single byte, slice
            try (MappedFileBuffer buf = man.buffer(file)) {
                for (int i = 0; i < 100; i++) {
                    if (mode == 1) {
                        int start = rnd.nextInt(fsize + 1);
                        int end = start + rnd.nextInt(fsize - start + 1);
                        byte[] d = buf.slice(start, end - start);
                        assertEquals(end - start, d.length);
                        assertTrue(Arrays.equals(data, start, end, d, 0, d.length),
                                "slice [" + start + ", " + end + ")");
                    } else {
                        int pos = rnd.nextInt(fsize);
                        assertEquals(data[pos], buf.get(pos), "byte " + pos);
                    }
                    ManagerStats s = man.stats();
                    assertTrue(s.openRegions() <= limits.maxOpenRegions(), s.toString());
                    if (s.windowSize() > 0) {
                        assertTrue(s.mappedBytes() <= limits.maxMappedMemory(), s.toString());
                    }
                }
            }
            assertTrue(man.stats().openRegions() > 0);
            assertTrue(man.collect() > 0);
            assertEquals(0, man.stats().openRegions());
            assertEquals(0, man.stats().mappedBytes());
        }
    }
}
