package io.github.smmap4j.core;

import static io.github.smmap4j.core.TestFiles.PAGE;
import static io.github.smmap4j.core.TestFiles.assertCursorBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file replaced or truncated since it was mapped is detected when a cursor is made. */
class StaleFileTest {
    static final int SIZE = 8 * PAGE;
    @TempDir
    Path dir;

    /** Writes {@code data} next to {@code file} and renames it over {@code file} atomically. */
    private static void replace(Path file, byte[] data) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, data);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void replacedFileGetsFreshRegions() throws IOException {
        Path file = dir.resolve("replaced");
        byte[] v1 = TestFiles.write(file, SIZE, 1);
        byte[] v2 = TestFiles.bytes(SIZE, 2); // same size: only the file key tells them apart
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(2 * PAGE).build()) {
            try (WindowCursor c = m.cursor(file)) {
                assertTrue(c.useRegion(0, 1));
                assertCursorBytes(c, v1, 0, 2 * PAGE);
            }
            assertEquals(1, m.stats().openRegions(), "cached while unused");
            replace(file, v2);
            try (WindowCursor c = m.cursor(file)) {
                ManagerStats s = m.stats();
                assertEquals(1, s.staleFiles());
                assertEquals(0, s.openRegions(), "the stale unused region is unmapped at once");
                assertEquals(1, s.regionUnmaps());
                assertTrue(c.useRegion(0, 1));
                assertCursorBytes(c, v2, 0, 2 * PAGE);
                assertEquals(0, m.stats().regionHits(), "the old region was not reused");
            }
            // a cursor on an unchanged file is not stale
            try (WindowCursor c = m.cursor(file)) {
                assertTrue(c.useRegion(PAGE, 1));
                assertCursorBytes(c, v2, 0, 2 * PAGE);
                assertEquals(1, m.stats().staleFiles());
                assertEquals(1, m.stats().regionHits());
            }
        }
    }

    @Test
    void cursorOnTheOldFileKeepsItsRegionButMapsNothingNew() throws IOException {
        Path file = dir.resolve("replaced-while-used");
        byte[] v1 = TestFiles.write(file, SIZE, 3);
        byte[] v2 = TestFiles.bytes(SIZE, 4);
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(2 * PAGE).build()) {
            WindowCursor old = m.cursor(file);
            assertTrue(old.useRegion(0, 1));
            replace(file, v2);
            try (WindowCursor fresh = m.cursor(file)) {
                assertTrue(fresh.useRegion(0, 1));
                assertNotEquals(old.segment(), fresh.segment());
                assertCursorBytes(fresh, v2, 0, 2 * PAGE);
                // the old mapping still shows the old file, which the open mapping keeps alive
                assertCursorBytes(old, v1, 0, 2 * PAGE);
                assertEquals(2, m.stats().openRegions());
                // moving the old cursor to an unmapped window would map the new file: refused
                IOException e = assertThrows(IOException.class, () -> old.useRegion(6L * PAGE, 1));
                assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
                assertTrue(e.getMessage().contains("changed"), e.getMessage());
                assertFalse(old.isValid());
                assertEquals(1, m.stats().openRegions(), "the old region was dropped when released");
                old.close();
                assertCursorBytes(fresh, v2, 0, 2 * PAGE);
            }
            assertEquals(1, m.collect());
            assertEquals(0, m.stats().openRegions());
            assertEquals(0, m.stats().mappedBytes());
        }
    }

    @Test
    void truncatedFileIsDetected() throws IOException {
        Path file = dir.resolve("truncated");
        byte[] v1 = TestFiles.write(file, SIZE, 5);
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(2 * PAGE).build()) {
            try (WindowCursor c = m.cursor(file)) {
                assertTrue(c.useRegion(0, 1));
                assertTrue(c.useRegion(6L * PAGE, 1));
                assertCursorBytes(c, v1, 6L * PAGE, 8L * PAGE);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(3L * PAGE + 10);
            }
            try (WindowCursor c = m.cursor(file); MappedFileBuffer buf = m.buffer(file)) {
                assertEquals(3L * PAGE + 10, c.fileSize());
                assertEquals(3L * PAGE + 10, buf.length());
                ManagerStats s = m.stats();
                assertEquals(1, s.staleFiles());
                assertEquals(0, s.openRegions(), "both old windows were unmapped");
                assertFalse(c.useRegion(6L * PAGE, 1), "beyond the new end");
                assertTrue(c.useRegion(0, 1));
                assertEquals(0, m.stats().regionHits(), "the old window at 0 was not reused");
                assertTrue(c.useRegion(3L * PAGE, 1));
                assertEquals(3L * PAGE + 10, c.ofsEnd(), "mapped against the new size");
                assertCursorBytes(c, v1, 3L * PAGE, 3L * PAGE + 10);
                assertEquals(-1, buf.read(3L * PAGE + 10, new byte[1], 0, 1));
                assertEquals(v1[3 * PAGE + 9], buf.get(3L * PAGE + 9));
            }
        }
    }

    @Test
    void truncatedUnderAnOpenCursorRefusesNewWindows() throws IOException {
        Path file = dir.resolve("truncated-under-cursor");
        TestFiles.write(file, SIZE, 6);
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(PAGE).build();
                WindowCursor c = m.cursor(file)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(PAGE);
            }
            IOException e = assertThrows(IOException.class, () -> c.useRegion(5L * PAGE, 1));
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertEquals(0, m.stats().openRegions(), "nothing mapped past the new end");
        }
    }

    /**
     * A cursor whose file version was retired may still map when the file on disk matches it again
     * (here: mtime set back; in real life: a cursor racing a replacement check). Such a region must
     * still be unmapped by {@code close()}.
     */
    @Test
    void regionOfARetiredVersionIsUnmappedOnClose() throws IOException {
        Path file = dir.resolve("touched");
        byte[] v1 = TestFiles.write(file, SIZE, 8);
        FileTime t1 = Files.getLastModifiedTime(file);
        SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(PAGE).build();
        WindowCursor old = m.cursor(file);
        Files.setLastModifiedTime(file, FileTime.fromMillis(t1.toMillis() - 60_000));
        WindowCursor touched = m.cursor(file); // retires old's version
        Files.setLastModifiedTime(file, t1);
        m.cursor(file).close(); // retires the touched version; the disk matches old's again
        touched.close();
        assertEquals(2, m.stats().staleFiles());
        assertTrue(old.useRegion(3L * PAGE, 1));
        assertCursorBytes(old, v1, 3L * PAGE, 4L * PAGE);
        MemorySegment seg = old.segment();
        assertEquals(1, m.stats().openRegions());
        m.close();
        assertFalse(seg.scope().isAlive(), "close() unmapped the region of the retired version");
    }

    @Test
    void deletedFileIsReported() throws IOException {
        Path file = dir.resolve("deleted");
        TestFiles.write(file, SIZE, 7);
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(PAGE).build();
                WindowCursor c = m.cursor(file)) {
            Files.delete(file);
            IOException e = assertThrows(IOException.class, () -> c.useRegion(0, 1));
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertThrows(NoSuchFileException.class, () -> m.cursor(file));
        }
    }
}
