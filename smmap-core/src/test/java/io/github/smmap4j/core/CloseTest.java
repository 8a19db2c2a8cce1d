package io.github.smmap4j.core;

import static io.github.smmap4j.core.TestFiles.PAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** After {@code close()} every call fails with a clear IllegalStateException and nothing crashes. */
class CloseTest {
    @TempDir
    static Path dir;
    static Path file;

    @BeforeAll
    static void createFile() throws IOException {
        file = dir.resolve("closing");
        TestFiles.write(file, 4 * PAGE, 21);
    }

    private static void assertClosed(Executable e) {
        IllegalStateException ex = assertThrows(IllegalStateException.class, e);
        assertTrue(ex.getMessage() != null && ex.getMessage().contains("closed"), ex.getMessage());
    }

    private static void useAfterClose(Supplier<MapManager> factory) throws IOException {
        MapManager m = factory.get();
        WindowCursor c = m.cursor(file);
        WindowCursor idle = m.cursor(file);
        MappedFileBuffer buf = m.buffer(file);
        assertTrue(c.useRegion(PAGE, 10));
        buf.get(0);
        MemorySegment seg = c.segment();
        ByteBuffer bb = c.buffer();
        m.close();

        assertClosed(() -> m.cursor(file));
        assertClosed(() -> m.buffer(file));
        assertClosed(m::stats);
        assertClosed(m::collect);
        assertClosed(() -> c.useRegion(0, 1));
        assertClosed(() -> idle.useRegion(0, 1));
        assertClosed(c::segment);
        assertClosed(c::buffer);
        assertClosed(c::ofsBegin);
        assertClosed(c::ofsEnd);
        assertClosed(c::size);
        assertClosed(c::copy);
        assertClosed(() -> buf.get(0));
        assertClosed(() -> buf.read(0, new byte[8], 0, 8));
        assertFalse(c.isValid(), "a cursor of a closed manager is not valid");
        // the unmapped memory is guarded: reads fail in Java instead of crashing the JVM
        assertThrows(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> bb.get(0));
        // releasing and closing stay quiet and idempotent
        c.unuseRegion();
        c.close();
        idle.close();
        buf.close();
        m.close();
        assertClosed(() -> c.useRegion(0, 1));
    }

    @Test
    void slidingManagerUseAfterClose() throws IOException {
        useAfterClose(() -> SlidingWindowMapManager.builder().windowSize(PAGE).build());
    }

    @Test
    void staticManagerUseAfterClose() throws IOException {
        useAfterClose(() -> StaticWindowMapManager.builder().build());
    }

    @Test
    void closeUnmapsRegionsInUse() throws IOException {
        SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(PAGE).build();
        WindowCursor c = m.cursor(file);
        assertTrue(c.useRegion(0, 1));
        MemorySegment seg = c.segment();
        assertEquals(1, m.stats().openRegions());
        m.close();
        assertFalse(seg.scope().isAlive(), "unmapped at once, not at garbage collection");
    }

    @Test
    void closedCursorFailsClearly() throws IOException {
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(PAGE).build()) {
            WindowCursor c = m.cursor(file);
            assertTrue(c.useRegion(0, 1));
            MemorySegment seg = c.segment();
            c.close();
            for (Executable e : new Executable[] {() -> c.useRegion(0, 1), c::segment, c::copy, c::ofsBegin}) {
                IllegalStateException ex = assertThrows(IllegalStateException.class, e);
                assertTrue(ex.getMessage().contains(file.getFileName().toString()), ex.getMessage());
                assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
            }
            assertFalse(c.isValid());
            assertFalse(c.includesOffset(0));
            // its region is unused now, but stays mapped (and readable) until evicted or collected
            seg.get(ValueLayout.JAVA_BYTE, 0);
            assertEquals(1, m.collect());
            assertFalse(seg.scope().isAlive());
        }
    }
}
