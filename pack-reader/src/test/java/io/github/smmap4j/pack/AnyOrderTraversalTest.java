package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ObjectDatabase#forEachObjectInAnyOrder}: every object of the database exactly once, with
 * git's type and bytes, on any number of threads, whole or streamed, an object stored twice
 * visited once, and the first failure of any thread thrown to the caller.
 */
class AnyOrderTraversalTest {
    private static void assertVisitsAllOnce(Path repo, int threads, long streamThreshold) throws IOException {
        Map<String, GitBatch.Obj> want = GitBatch.all(repo);
        // git lists its built-in empty tree even where no pack or loose file holds it.
        Map<String, byte[]> got = new ConcurrentHashMap<>();
        Map<String, String> types = new ConcurrentHashMap<>();
        AtomicInteger streamed = new AtomicInteger();
        try (ObjectDatabase db = ObjectDatabase.builder(repo).streamThreshold(streamThreshold).build()) {
            db.forEachObjectInAnyOrder(threads, (id, type, size, data, large) -> {
                byte[] bytes;
                if (large != null) {
                    streamed.incrementAndGet();
                    try (InputStream in = large) {
                        bytes = in.readAllBytes();
                    }
                } else {
                    bytes = java.util.Arrays.copyOf(data, (int) size);
                }
                assertEquals(size, bytes.length, id.name());
                assertSame(null, got.put(id.name(), bytes), "visited twice: " + id.name());
                types.put(id.name(), type.typeName());
            });
            String empty = db.format().emptyTreeId().name();
            if (!got.containsKey(empty)) {
                want.remove(empty);
            }
        }
        assertEquals(want.keySet(), got.keySet(), repo + " threads=" + threads);
        for (GitBatch.Obj o : want.values()) {
            assertEquals(o.type(), types.get(o.id()), o.id());
            assertArrayEquals(o.data(), got.get(o.id()), o.id());
        }
        if (streamThreshold < 1000) {
            assertTrue(streamed.get() > 0, "some objects came as streams");
        }
    }

    @ParameterizedTest
    @CsvSource({"history,1,16777216", "history,2,16777216", "history,4,100", "deepchain,2,16777216",
                "refdelta,2,16777216", "multipack,3,16777216", "loose,2,16777216", "sha256,2,100",
                "bigblob,2,16777216", "idx64,2,16777216"})
    void everyObjectOnceAsGitHasIt(String fixture, int threads, long streamThreshold) throws IOException {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
        assertVisitsAllOnce(Fixtures.repo(fixture), threads, streamThreshold);
    }

    @Test
    void anObjectInTwoPacksIsVisitedOnce(@TempDir Path tmp) throws IOException {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed");
        Fixtures.untar(Fixtures.testdata().resolve("repos/history.tar.gz"), tmp);
        Path packDir = tmp.resolve("history.git/objects/pack");
        Path idx;
        try (var s = Files.list(packDir)) {
            idx = s.filter(f -> f.toString().endsWith(".idx")).findFirst().orElseThrow();
        }
        String base = idx.toString().substring(0, idx.toString().length() - 4);
        Files.copy(idx, packDir.resolve("pack-" + "e".repeat(40) + ".idx"));
        Files.copy(Path.of(base + ".pack"), packDir.resolve("pack-" + "e".repeat(40) + ".pack"));
        assertVisitsAllOnce(tmp.resolve("history.git"), 2, 16 << 20);
    }

    @Test
    void aVisitorFailureEndsTheTraversal() throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo("history"))) {
            AtomicInteger calls = new AtomicInteger();
            IOException e = assertThrows(IOException.class, () -> db.forEachObjectInAnyOrder(2, (id, type, size, data, large) -> {
                if (calls.incrementAndGet() == 100) {
                    throw new IOException("stop here");
                }
            }));
            assertEquals("stop here", e.getMessage());
            assertTrue(calls.get() < 1789, "stopped early: " + calls.get());
            db.forEachObjectInAnyOrder(1, (id, type, size, data, large) -> { }); // the database stays usable
        }
    }
}
