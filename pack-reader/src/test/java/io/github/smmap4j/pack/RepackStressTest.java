package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.core.ManagerStats;
import io.github.smmap4j.core.SlidingWindowMapManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sixteen threads read random objects (whole and header only) through one {@link ObjectDatabase}
 * while git rewrites its packs underneath ({@code git repack -a -d}, with and without {@code -f},
 * and {@code git gc}, in a loop), another thread calls the manager's {@code collect()}, and the
 * readers close themselves and start anew now and then. Every answer is compared with git's
 * ({@code cat-file --batch} before the run; the rewrites keep every object). Bounded in time:
 * {@code -Dsmmap4j.soak.seconds=N} (default 3) for a long soak.
 *
 * <p>A read may fail only cleanly, with a {@link MissingObjectException} or an {@link IOException}
 * naming a file of the objects directory (a pack that went away twice within one read: the
 * reader retries once, by design). Wrong bytes, any other exception, an error, or a thread still
 * running 60 s after the deadline (a deadlock) fail the test. At the end the database is closed
 * while idle; then the manager holds no region and the process maps no file of the repository.
 */
class RepackStressTest {
    private static final int THREADS = 16;

    @TempDir
    Path tmp;

    @Test
    void readsThroughRepacksCollectsAndCloses() throws Exception {
        assumeTrue(GitBatch.gitAvailable(), "git is needed to repack");
        TestRepo repo = TestRepo.init(tmp, "r");
        repo.git("config", "gc.auto", "0");
        repo.git("config", "pack.threads", "1");
        for (int c = 0; c < 40; c++) {
            StringBuilder sb = new StringBuilder();
            for (int line = 0; line < 200 + 7 * c; line++) {
                sb.append("line ").append(line).append(line % 11 == c % 11 ? " edit " + c : "").append('\n');
            }
            repo.write("a.txt", sb.toString());
            repo.write("d/b" + (c % 5) + ".txt", sb.reverse().toString());
            if (c % 3 == 0) { // incompressible blobs make a pack of many windows
                byte[] noise = new byte[24 * 1024];
                new Random(c).nextBytes(noise);
                TestRepo.write(repo.dir.resolve("bin/r" + c % 6 + ".bin"), noise);
            }
            repo.git("add", "-A");
            repo.git("commit", "-q", "-m", "commit " + c);
            if (c % 10 == 9) {
                repo.git("repack", "-a", "-d", "-q");
            }
        }
        Path gitDir = repo.gitDir.toRealPath();
        Map<ObjectId, ConcurrencyStressTest.Expected> want = ConcurrencyStressTest.expected(gitDir);
        List<ObjectId> ids = new ArrayList<>(want.keySet());
        ids.sort(null);
        long seconds = Long.getLong("smmap4j.soak.seconds", 3);
        Path objects = gitDir.resolve("objects");

        LongAdder reads = new LongAdder();
        LongAdder headers = new LongAdder();
        LongAdder readerCloses = new LongAdder();
        AtomicLong rewrites = new AtomicLong();
        AtomicLong collects = new AtomicLong();
        Map<String, LongAdder> allowed = new ConcurrentHashMap<>();
        Map<String, String> example = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Throwable> wrong = new ConcurrentLinkedQueue<>();
        // Page-sized windows and a small limit, so reads keep mapping windows of packs git is replacing.
        SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(4096).maxMappedMemory(256 * 1024).build();
        try (m) {
            ObjectDatabase db = ObjectDatabase.builder(gitDir).mapManager(m).deltaBaseCache(64 * 1024).build();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS + 2);
            List<Future<?>> fs = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            for (int t = 0; t < THREADS; t++) {
                int seed = t;
                fs.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    ObjectReader r = db.newReader();
                    try {
                        while (System.nanoTime() < deadline) {
                            ObjectId id = ids.get(rnd.nextInt(ids.size()));
                            ConcurrencyStressTest.Expected e = want.get(id);
                            try {
                                if (rnd.nextBoolean()) {
                                    ObjectLoader l = (seed & 3) == 0 ? db.open(id) : r.open(id);
                                    assertEquals(e.type(), l.type(), id.name());
                                    assertArrayEquals(e.data(), l.bytes(), id.name());
                                    reads.increment();
                                } else {
                                    ObjectHeader h = r.header(id);
                                    assertEquals(e.type(), h.type(), id.name());
                                    assertEquals(e.data().length, h.size(), id.name());
                                    headers.increment();
                                }
                            } catch (MissingObjectException gone) {
                                allowed.computeIfAbsent("MissingObjectException", k -> new LongAdder()).increment();
                                example.putIfAbsent("MissingObjectException", gone.getMessage());
                            } catch (IOException io) {
                                if (!String.valueOf(io.getMessage()).contains(objects.toString())) {
                                    throw io;
                                }
                                allowed.computeIfAbsent(io.getClass().getSimpleName(), k -> new LongAdder()).increment();
                                example.putIfAbsent(io.getClass().getSimpleName(), io.getMessage());
                            }
                            if (rnd.nextInt(200) == 0) {
                                r.close();
                                readerCloses.increment();
                                r = db.newReader();
                            }
                        }
                    } catch (Throwable failure) {
                        wrong.add(failure);
                    } finally {
                        r.close();
                    }
                    return null;
                }));
            }
            fs.add(pool.submit(() -> {
                String[][] moves = {{"repack", "-a", "-d", "-q"}, {"repack", "-a", "-d", "-q", "-f", "--depth=3"},
                                    {"gc", "-q", "--prune=now"}, {"repack", "-a", "-d", "-q", "-f", "--window=2"}};
                for (int i = 0; System.nanoTime() < deadline; i++) {
                    repo.git(moves[i % moves.length]);
                    rewrites.incrementAndGet();
                }
                return null;
            }));
            fs.add(pool.submit(() -> {
                while (System.nanoTime() < deadline) {
                    m.collect();
                    collects.incrementAndGet();
                    Thread.sleep(1);
                }
                return null;
            }));
            try {
                for (Future<?> f : fs) {
                    f.get(seconds + 60, TimeUnit.SECONDS); // a deadlock shows up as a timeout here
                }
            } finally {
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "threads still running");
            }
            db.close(); // idle: every worker closed its reader
            if (!wrong.isEmpty()) {
                Throwable first = wrong.peek();
                wrong.stream().skip(1).limit(5).forEach(first::addSuppressed);
                throw new AssertionError(wrong.size() + " wrong results or unclean failures", first);
            }
            m.collect();
            ManagerStats after = m.stats();
            assertEquals(0, after.openRegions(), after.toString());
            assertEquals(0, after.mappedBytes(), after.toString());
            assertEquals(after.regionMaps(), after.regionUnmaps(), after.toString());
            assertTrue(rewrites.get() > 0 && reads.sum() > 0 && headers.sum() > 0, "nothing ran");
            System.out.printf("repack stress %d s: %d full reads, %d header reads, %d reader closes, %d rewrites, "
                    + "%d collects, allowed failures %s (for example %s), %s%n", seconds, reads.sum(), headers.sum(),
                    readerCloses.sum(), rewrites.get(), collects.get(), allowed, example, after);
        }
        assertEquals(List.of(), mappedFilesUnder(gitDir), "files of the repository still mapped after close");
    }

    /** Lines of /proc/self/maps naming a file under {@code dir} (none where there is no /proc). */
    private static List<String> mappedFilesUnder(Path dir) throws IOException {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return List.of();
        }
        return Files.readAllLines(maps).stream().filter(l -> l.contains(dir.toString())).toList();
    }
}
