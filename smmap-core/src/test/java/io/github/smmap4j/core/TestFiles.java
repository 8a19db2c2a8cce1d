package io.github.smmap4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Test helpers: files of known pseudo-random content and process file-descriptor inspection. */
final class TestFiles {
    /** smmap's {@code TestBase.k_window_test_size}: deliberately not a multiple of anything. */
    static final int SMMAP_TEST_SIZE = 1000 * 1000 * 8 + 5195;
    static final int PAGE = 4096;

    private TestFiles() {
    }

    /** Returns {@code size} deterministic pseudo-random bytes (not zeros, so offsets matter). */
    static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < size; i += 8) {
            long v = r.nextLong();
            for (int j = 0; j < 8 && i + j < size; j++) {
                b[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return b;
    }

    /** Writes {@code size} pseudo-random bytes to {@code dir/name} and returns them. */
    static byte[] write(Path file, int size, long seed) throws IOException {
        byte[] b = bytes(size, seed);
        Files.write(file, b);
        return b;
    }

    static byte[] range(byte[] data, long from, long to) {
        return Arrays.copyOfRange(data, (int) from, (int) to);
    }

    /** Asserts that {@code c}'s region holds {@code [from, to)} and that those bytes equal {@code data}'s. */
    static void assertCursorBytes(WindowCursor c, byte[] data, long from, long to) {
        assertTrue(c.isValid(), () -> c + " is not valid");
        assertTrue(c.ofsBegin() <= from && to <= c.ofsEnd(), () -> "[" + from + ", " + to + ") not in " + c);
        assertEquals(c.size(), c.segment().byteSize());
        MemorySegment got = c.segment().asSlice(from - c.ofsBegin(), to - from);
        MemorySegment want = MemorySegment.ofArray(data).asSlice(from, to - from);
        assertEquals(-1, got.mismatch(want), () -> "bytes differ in [" + from + ", " + to + ") of " + c);
    }

    /** Returns true when the process's open descriptors can be listed (Linux /proc). */
    static boolean procFdAvailable() {
        return new File("/proc/self/fd").isDirectory();
    }

    /** Returns the number of open file descriptors of this process. */
    static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** Returns how many open descriptors of this process point at {@code file}. */
    static int fdsOn(Path file) throws IOException {
        Path real = file.toRealPath();
        int n = 0;
        File[] fds = new File("/proc/self/fd").listFiles();
        if (fds == null) {
            return 0;
        }
        for (File fd : fds) {
            try {
                if (Files.readSymbolicLink(fd.toPath()).equals(real)) {
                    n++;
                }
            } catch (IOException | UnsupportedOperationException gone) {
                // the listing's own descriptor is closed by now; nothing to count
            }
        }
        return n;
    }
}
