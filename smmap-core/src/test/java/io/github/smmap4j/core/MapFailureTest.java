package io.github.smmap4j.core;

import static io.github.smmap4j.core.TestFiles.PAGE;
import static io.github.smmap4j.core.TestFiles.assertCursorBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failing map is retried once after {@code collect()}, then reported naming file, offset and size. */
class MapFailureTest {
    @TempDir
    static Path dir;
    static Path file;
    static byte[] data;

    @BeforeAll
    static void createFile() throws IOException {
        file = dir.resolve("failing");
        data = TestFiles.write(file, 8 * PAGE, 13);
    }

    /** Fails the next {@code failures} calls with {@code error}, then maps for real. */
    private static final class FailingMapper implements RegionManager.Mapper {
        final AtomicInteger failures = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();
        volatile Supplier<Throwable> error = () -> new IOException("simulated: Cannot allocate memory");

        @Override
        public java.lang.foreign.MemorySegment map(Path path, long ofs, long len, java.lang.foreign.Arena arena)
                throws IOException {
            calls.incrementAndGet();
            if (failures.getAndDecrement() > 0) {
                switch (error.get()) {
                    case IOException e -> throw e;
                    case RuntimeException e -> throw e;
                    case Error e -> throw e;
                    case Throwable t -> throw new AssertionError(t);
                }
            }
            return RegionManager.FILE_CHANNEL_MAPPER.map(path, ofs, len, arena);
        }
    }

    @Test
    void oneFailureIsRetriedAfterCollect() throws IOException {
        FailingMapper mapper = new FailingMapper();
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(PAGE).mapper(mapper).build();
                WindowCursor c = m.cursor(file);
                WindowCursor pinned = m.cursor(file)) {
            assertTrue(pinned.useRegion(7L * PAGE, 1)); // in use: collect must not touch it
            assertTrue(c.useRegion(0, 1));
            assertTrue(c.useRegion(PAGE, 1)); // page 0 is now unused
            assertEquals(3, m.stats().openRegions());
            mapper.failures.set(1);
            mapper.calls.set(0);

            assertTrue(c.useRegion(2L * PAGE, 1));
            assertEquals(2, mapper.calls.get(), "one failure, one retry");
            assertCursorBytes(c, data, 2L * PAGE, 3L * PAGE);
            assertCursorBytes(pinned, data, 7L * PAGE, 8L * PAGE);
            ManagerStats s = m.stats();
            assertEquals(1, s.mapRetries());
            assertEquals(2, s.regionUnmaps(), "collect() freed pages 0 and 1 before the retry");
            assertEquals(2, s.openRegions());
            assertEquals(4, s.regionMaps());
        }
    }

    @Test
    void secondFailureIsAClearIOException() throws IOException {
        FailingMapper mapper = new FailingMapper();
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(2 * PAGE).mapper(mapper).build();
                WindowCursor c = m.cursor(file)) {
            assertTrue(c.useRegion(0, 1));
            mapper.failures.set(Integer.MAX_VALUE);
            mapper.calls.set(0);
            IOException e = assertThrows(IOException.class, () -> c.useRegion(5L * PAGE + 7, 10));
            assertEquals(2, mapper.calls.get(), "exactly one retry");
            String msg = e.getMessage();
            assertTrue(msg.contains(file.toAbsolutePath().normalize().toString()), msg);
            assertTrue(msg.contains("offset " + 4L * PAGE), msg);
            assertTrue(msg.contains("size " + 2L * PAGE), msg);
            assertTrue(msg.contains("Cannot allocate memory"), msg);
            assertEquals(1, e.getCause().getSuppressed().length, "the first failure is kept");
            assertFalse(c.isValid(), "the cursor's old region was released");
            ManagerStats s = m.stats();
            assertEquals(1, s.mapRetries());
            assertEquals(0, s.openRegions(), "collect() freed the old region");

            // the manager recovers once mapping works again
            mapper.failures.set(0);
            assertTrue(c.useRegion(5L * PAGE + 7, 10));
            assertCursorBytes(c, data, 5L * PAGE + 7, 5L * PAGE + 17);
        }
    }

    @Test
    void errorsFromTheMapperAreReportedToo() throws IOException {
        FailingMapper mapper = new FailingMapper();
        try (StaticWindowMapManager m = StaticWindowMapManager.builder().mapper(mapper).build();
                WindowCursor c = m.cursor(file)) {
            mapper.error = () -> new OutOfMemoryError("Map failed");
            mapper.failures.set(2);
            IOException e = assertThrows(IOException.class, () -> c.useRegion(100, 1));
            assertTrue(e.getMessage().contains("offset 0 size " + 8 * PAGE), e.getMessage());
            assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("Map failed"), e.getMessage());

            mapper.error = () -> new IllegalArgumentException("mapping refused");
            mapper.failures.set(2);
            e = assertThrows(IOException.class, () -> c.useRegion(100, 1));
            assertTrue(e.getMessage().contains("mapping refused"), e.getMessage());

            assertTrue(c.useRegion(100, 1), "mapping works again");
            assertCursorBytes(c, data, 0, 8L * PAGE);
            assertEquals(2, m.stats().mapRetries());
        }
    }

    /** The same exception instance thrown twice must not turn into "self-suppression not permitted". */
    @Test
    void sameExceptionTwiceStillReportsTheFile() throws IOException {
        IOException once = new IOException("always the same");
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder()
                .mapper((path, ofs, len, arena) -> {
                    throw once;
                }).build();
                WindowCursor c = m.cursor(file)) {
            IOException e = assertThrows(IOException.class, () -> c.useRegion(0, 1));
            assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
        }
    }
}
