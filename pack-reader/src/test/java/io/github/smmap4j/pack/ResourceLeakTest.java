package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.core.ManagerStats;
import io.github.smmap4j.core.SlidingWindowMapManager;
import io.github.smmap4j.core.WindowCursor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Open/close cycles leak neither file descriptors nor mappings: counted in /proc/self/fd and
 * /proc/self/maps (Linux; skipped where /proc is absent).
 */
class ResourceLeakTest {
    private static final Path FD = Path.of("/proc/self/fd");
    private static final Path MAPS = Path.of("/proc/self/maps");

    private static int openFds() throws IOException {
        try (Stream<Path> s = Files.list(FD)) {
            return (int) s.count();
        }
    }

    /** Mappings of files under {@code dir}, as the kernel sees them. */
    private static long mappingsUnder(Path dir) throws IOException {
        String d = dir.toRealPath().toString();
        try (Stream<String> lines = Files.lines(MAPS)) {
            return lines.filter(l -> l.contains(d)).count();
        }
    }

    @Test
    void millionCursorCyclesLeakNothing() throws IOException {
        assumeTrue(Files.isDirectory(FD) && Files.isReadable(MAPS), "needs /proc");
        Path gitDir = Fixtures.repo("history").toRealPath();
        Path pack;
        try (Stream<Path> s = Files.list(gitDir.resolve("objects/pack"))) {
            pack = s.filter(p -> p.toString().endsWith(".pack")).findFirst().orElseThrow();
        }
        long size = Files.size(pack);
        int fdsBefore = openFds();
        try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(8192)
                .maxMappedMemory(64 * 1024).maxOpenRegions(8).build()) {
            Random rnd = new Random(1);
            long sum = 0;
            for (int i = 0; i < 1_000_000; i++) {
                try (WindowCursor c = m.cursor(pack)) {
                    if ((i & 3) == 0) { // every 4th cycle also maps/pins a window and reads
                        long ofs = (rnd.nextLong() & Long.MAX_VALUE) % size;
                        c.useRegion(ofs, 64);
                        sum += c.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, ofs - c.ofsBegin());
                    }
                }
            }
            ManagerStats s = m.stats();
            assertTrue(s.openRegions() <= 8, s.toString());
            assertTrue(mappingsUnder(gitDir) <= 8, "mappings: " + mappingsUnder(gitDir));
            assertTrue(openFds() <= fdsBefore + 4, "fds " + fdsBefore + " -> " + openFds());
            m.collect();
            assertEquals(0, m.stats().openRegions());
            assertEquals(0, mappingsUnder(gitDir), "mappings left after collect()");
            System.out.println("1M cursor cycles: " + s + " (checksum " + sum + ")");
        }
        assertEquals(0, mappingsUnder(gitDir));
        assertTrue(openFds() <= fdsBefore + 4, "fds " + fdsBefore + " -> " + openFds());
    }

    @Test
    void tenThousandDatabaseCyclesLeakNothing() throws IOException {
        assumeTrue(Files.isDirectory(FD) && Files.isReadable(MAPS), "needs /proc");
        Path gitDir = Fixtures.repo("multipack").toRealPath();
        Path root = gitDir.getParent(); // holds multipack.git and its alternate
        List<ObjectId> ids = new ArrayList<>();
        byte[] first;
        try (ObjectDatabase db = ObjectDatabase.open(gitDir)) {
            db.forEachId(ids::add);
            first = db.open(ids.get(ids.size() / 2)).bytes();
        }
        int fdsBefore = openFds();
        long mapsBefore = mappingsUnder(root);
        Random rnd = new Random(2);
        for (int i = 0; i < 10_000; i++) {
            try (ObjectDatabase db = ObjectDatabase.builder(gitDir).windowSize(4096).build()) {
                ObjectId id = ids.get(rnd.nextInt(ids.size()));
                db.open(id).bytes();
                if (i % 1000 == 0) {
                    assertArrayEquals(first, db.open(ids.get(ids.size() / 2)).bytes());
                    try (ObjectReader r = db.newReader()) {
                        r.header(id);
                    }
                }
            }
        }
        assertEquals(mapsBefore, mappingsUnder(root), "mappings of the repository left");
        assertEquals(0, mapsBefore);
        int fdsAfter = openFds();
        assertTrue(fdsAfter <= fdsBefore + 4, "fds " + fdsBefore + " -> " + fdsAfter);
        System.out.println("10k database cycles: fds " + fdsBefore + " -> " + fdsAfter);
    }
}
