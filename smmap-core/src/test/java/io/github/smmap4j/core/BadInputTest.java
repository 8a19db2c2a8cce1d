package io.github.smmap4j.core;

import static io.github.smmap4j.core.TestFiles.PAGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Negative offsets, missing files, directories, empty files, bad arguments: clear exceptions naming the path. */
class BadInputTest {
    @TempDir
    static Path dir;
    static Path file;
    static SlidingWindowMapManager m;

    @BeforeAll
    static void setUp() throws IOException {
        file = dir.resolve("some-file");
        TestFiles.write(file, 2 * PAGE, 31);
        m = SlidingWindowMapManager.builder().windowSize(PAGE).build();
    }

    @AfterAll
    static void tearDown() {
        m.close();
    }

    private static <T extends Throwable> T assertNamesPath(Class<T> type, Path p, Executable e) {
        T ex = assertThrows(type, e);
        assertTrue(ex.getMessage() != null && ex.getMessage().contains(p.getFileName().toString()),
                () -> "message should name " + p + ": " + ex.getMessage());
        return ex;
    }

    @Test
    void negativeOffsetsAndSizes() throws IOException {
        try (WindowCursor c = m.cursor(file); MappedFileBuffer buf = m.buffer(file)) {
            assertNamesPath(IllegalArgumentException.class, file, () -> c.useRegion(-1, 1));
            assertNamesPath(IllegalArgumentException.class, file, () -> c.useRegion(Long.MIN_VALUE, 1));
            assertNamesPath(IllegalArgumentException.class, file, () -> c.useRegion(0, -1));
            assertFalse(c.isValid());
            assertFalse(c.includesOffset(-1));
            assertNamesPath(IndexOutOfBoundsException.class, file, () -> buf.get(-1));
            assertNamesPath(IndexOutOfBoundsException.class, file, () -> buf.get(Long.MAX_VALUE));
            assertNamesPath(IndexOutOfBoundsException.class, file, () -> buf.read(-1, new byte[1], 0, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> buf.read(0, new byte[1], 0, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> buf.read(0, new byte[1], -1, 1));
            assertNamesPath(IllegalArgumentException.class, file, () -> buf.slice(0, -1));
            assertEquals(0, buf.read(0, new byte[0], 0, 0));
            assertFalse(c.useRegion(Long.MAX_VALUE, Long.MAX_VALUE), "past the end: no region, no overflow");
        }
    }

    @Test
    void missingFile() {
        Path missing = dir.resolve("no-such-file");
        NoSuchFileException e = assertNamesPath(NoSuchFileException.class, missing, () -> m.cursor(missing));
        assertTrue(e.getFile().contains("no-such-file"));
        assertNamesPath(NoSuchFileException.class, missing, () -> m.buffer(missing));
    }

    @Test
    void directory() {
        IOException e = assertNamesPath(IOException.class, dir, () -> m.cursor(dir));
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
        assertNamesPath(IOException.class, dir, () -> m.buffer(dir));
    }

    @Test
    void zeroLengthFile() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty"));
        long mapsBefore = m.stats().regionMaps();
        try (WindowCursor c = m.cursor(empty); MappedFileBuffer buf = m.buffer(empty)) {
            assertEquals(0, c.fileSize());
            assertFalse(c.useRegion(0, 1), "nothing to map");
            assertFalse(c.isValid());
            assertNamesPath(IllegalStateException.class, empty, c::segment);
            assertEquals(0, buf.length());
            assertNamesPath(IndexOutOfBoundsException.class, empty, () -> buf.get(0));
            assertEquals(-1, buf.read(0, new byte[1], 0, 1));
            assertArrayEquals(new byte[0], buf.slice(0, 10));
            assertEquals(mapsBefore, m.stats().regionMaps(), "an empty file is never mapped");
        }
    }

    @Test
    void nullPath() {
        assertThrows(NullPointerException.class, () -> m.cursor(null));
    }

    @Test
    void invalidLimits() {
        assertThrows(IllegalArgumentException.class, () -> SlidingWindowMapManager.builder().windowSize(-1));
        assertThrows(IllegalArgumentException.class, () -> SlidingWindowMapManager.builder().maxMappedMemory(0));
        assertThrows(IllegalArgumentException.class, () -> SlidingWindowMapManager.builder().maxOpenRegions(0));
        assertThrows(IllegalArgumentException.class, () -> StaticWindowMapManager.builder().maxMappedMemory(-1));
        assertThrows(IllegalArgumentException.class, () -> StaticWindowMapManager.builder().maxOpenRegions(-5));
    }

    @Test
    void relativeAndUnnormalizedPathsNameTheSameFile() throws IOException {
        Path odd = dir.resolve("sub/..").resolve(file.getFileName());
        Files.createDirectories(dir.resolve("sub"));
        try (WindowCursor a = m.cursor(file); WindowCursor b = m.cursor(odd)) {
            assertEquals(a.path(), b.path());
            assertTrue(a.useRegion(0, 1));
            assertTrue(b.useRegion(0, 1));
            assertEquals(a.segment(), b.segment(), "one region list per file");
        }
    }
}
