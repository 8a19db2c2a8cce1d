package io.github.smmap4j.core;

import static io.github.smmap4j.core.TestFiles.PAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live windows hold no file descriptor: the channel is closed right after mapping. */
class FileDescriptorTest {
    @TempDir
    Path dir;

    @Test
    void mappedWindowsHoldNoDescriptors() throws IOException {
        Assumptions.assumeTrue(TestFiles.procFdAvailable(), "needs /proc/self/fd");
        Path file = dir.resolve("fds");
        byte[] data = TestFiles.write(file, 16 * PAGE, 41);
        int before = TestFiles.openFds();
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(PAGE).build()) {
            List<WindowCursor> cursors = new ArrayList<>();
            for (int p = 0; p < 16; p++) {
                WindowCursor c = m.cursor(file);
                assertTrue(c.useRegion((long) p * PAGE, 1));
                cursors.add(c); // keep every window pinned and mapped
            }
            assertEquals(16, m.stats().openRegions());
            assertEquals(0, TestFiles.fdsOn(file), "no descriptor of the mapped file is open");
            assertTrue(TestFiles.openFds() <= before, "fds before " + before + ", after " + TestFiles.openFds());
            for (WindowCursor c : cursors) {
                TestFiles.assertCursorBytes(c, data, c.ofsBegin(), c.ofsEnd());
                c.close();
            }
        }
        assertTrue(TestFiles.openFds() <= before);
    }
}
