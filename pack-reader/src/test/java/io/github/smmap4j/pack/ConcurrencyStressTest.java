package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smmap4j.core.ManagerStats;
import io.github.smmap4j.core.SlidingWindowMapManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Eight threads read random objects through one {@link ObjectDatabase} whose manager may map only
 * a few small windows and whose base cache holds a few KiB, so windows are evicted and bases
 * recomputed all the time. Every result is compared with the expected bytes (from git cat-file
 * when git is present, else a single-threaded pass); no deadlock (bounded wait), stats stay
 * consistent while running, and after close and collect() no region is left.
 */
class ConcurrencyStressTest {
    private static final int THREADS = 8;

    record Expected(ObjectType type, byte[] data) {
    }

    private static final class RegionAlign {
        static long up(long v) {
            return (v + 4095) & -4096L;
        }
    }

    static Map<ObjectId, Expected> expected(Path gitDir) throws IOException {
        Map<ObjectId, Expected> out = new HashMap<>();
        if (GitBatch.gitAvailable()) {
            try (GitBatch git = new GitBatch(gitDir)) {
                for (GitBatch.Obj o; (o = git.next()) != null; ) {
                    out.put(ObjectId.fromHex(o.id()), new Expected(ObjectType.fromName(o.type()), o.data()));
                }
            }
        } else {
            try (ObjectDatabase db = ObjectDatabase.open(gitDir)) {
                List<ObjectId> ids = new ArrayList<>();
                db.forEachId(ids::add);
                for (ObjectId id : ids) {
                    ObjectLoader l = db.open(id);
                    out.put(id, new Expected(l.type(), l.bytes()));
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"multipack, 4000, false", "history, 1500, false", "bigblob, 150, false", "sha256, 1500, false",
            "multipack, 4000, true", "history, 1500, true", "bigblob, 150, true"})
    void eightThreadsTinyLimits(String fixture, int readsPerThread, boolean readThrough) throws Exception {
        Path gitDir = Fixtures.repo(fixture).toRealPath();
        Map<ObjectId, Expected> want = expected(gitDir);
        List<ObjectId> ids = new ArrayList<>(want.keySet());
        ids.sort(null);
        // Each idx is mapped whole and pinned for the database's lifetime; on top of that the
        // limits leave room for three 4 KiB pack windows, so windows are evicted constantly.
        long idxBytes = 0;
        int idxCount = 0;
        try (ObjectDatabase db = ObjectDatabase.open(gitDir)) {
            for (PackFile p : db.packs()) {
                idxBytes += RegionAlign.up(java.nio.file.Files.size(p.index().path()));
                idxCount++;
            }
        }
        SlidingWindowMapManager m = SlidingWindowMapManager.builder()
                .windowSize(4096).maxMappedMemory(idxBytes + 3 * 4096).maxOpenRegions(idxCount + 3)
                .readThrough(readThrough).build();
        AtomicLong reads = new AtomicLong();
        ConcurrentLinkedQueue<String> statProblems = new ConcurrentLinkedQueue<>();
        try (m) {
            try (ObjectDatabase db = ObjectDatabase.builder(gitDir).mapManager(m).deltaBaseCache(8 * 1024)
                    .streamThreshold(64 * 1024).build()) {
                ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
                CountDownLatch start = new CountDownLatch(1);
                AtomicBoolean running = new AtomicBoolean(true);
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int seed = t;
                    fs.add(pool.submit(() -> {
                        start.await();
                        Random rnd = new Random(seed);
                        try (ObjectReader r = db.newReader()) {
                            for (int i = 0; i < readsPerThread; i++) {
                                ObjectId id = ids.get(rnd.nextInt(ids.size()));
                                Expected e = want.get(id);
                                switch (rnd.nextInt(5)) {
                                    case 0 -> { // pooled readers of the database
                                        ObjectLoader l = db.open(id);
                                        assertEquals(e.type(), l.type(), id.name());
                                        assertArrayEquals(e.data(), l.bytes(), id.name());
                                    }
                                    case 1 -> {
                                        ObjectHeader h = (seed & 1) == 0 ? r.header(id) : db.header(id);
                                        assertEquals(e.type(), h.type(), id.name());
                                        assertEquals(e.data().length, h.size(), id.name());
                                    }
                                    case 2 -> {
                                        try (InputStream in = r.stream(id)) {
                                            assertArrayEquals(e.data(), in.readAllBytes(), id.name());
                                        }
                                    }
                                    default -> {
                                        ObjectLoader l = r.open(id);
                                        assertEquals(e.type(), l.type(), id.name());
                                        assertArrayEquals(e.data(), l.bytes(), id.name());
                                        if (rnd.nextInt(16) == 0) {
                                            r.release();
                                        }
                                    }
                                }
                                reads.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                Future<?> monitor = pool.submit(() -> {
                    start.await();
                    while (running.get()) {
                        ManagerStats s = m.stats();
                        if (s.openRegions() < 0 || s.mappedBytes() < 0 || s.openFiles() < 0
                                || s.regionMaps() - s.regionUnmaps() != s.openRegions()) {
                            statProblems.add(s.toString());
                        }
                        Thread.sleep(2);
                    }
                    return null;
                });
                start.countDown();
                try {
                    for (Future<?> f : fs) {
                        f.get(120, TimeUnit.SECONDS); // a deadlock shows up as a timeout here
                    }
                } finally {
                    running.set(false);
                    monitor.get(10, TimeUnit.SECONDS);
                    pool.shutdownNow();
                    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
                }
                assertEquals((long) THREADS * readsPerThread, reads.get());
                assertTrue(statProblems.isEmpty(), statProblems::toString);
                ManagerStats during = m.stats();
                if (readThrough) { // the readers pin what fits; the other copies are positional reads
                    assertTrue(during.readThroughs() > 0, "read through: " + during);
                    assertEquals(0, during.limitOverruns(), "copies under pressure read through, never overrun: " + during);
                } else {
                    assertTrue(during.regionUnmaps() > 0, "tiny limits should have forced evictions: " + during);
                }
            }
            // The database is closed: its index cursors and readers are gone; nothing may stay pinned.
            m.collect();
            ManagerStats after = m.stats();
            assertEquals(0, after.openRegions(), after.toString());
            assertEquals(0, after.mappedBytes(), after.toString());
            assertEquals(0, after.openFiles(), after.toString());
            assertEquals(after.regionMaps(), after.regionUnmaps(), after.toString());
            System.out.println("stress " + fixture + ": " + reads.get() + " reads, " + after);
        }
    }
}
