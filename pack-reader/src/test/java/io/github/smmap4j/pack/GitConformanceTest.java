package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.core.MapManager;
import io.github.smmap4j.core.SlidingWindowMapManager;
import io.github.smmap4j.core.StaticWindowMapManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every object of every fixture, read by smmap4j, equals what {@code git cat-file --batch}
 * prints — type, size and bytes — under several window configurations, and the id order of
 * {@link ObjectDatabase#forEachId} equals git's {@code --batch-all-objects} order.
 */
class GitConformanceTest {
    /** A map manager configuration under test. */
    record Config(String name, Supplier<MapManager> manager, long baseCache) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Config> configs() {
        return List.of(
                new Config("one-page windows, 3-window limit", () -> SlidingWindowMapManager.builder()
                        .windowSize(4096).maxMappedMemory(3 * 4096).build(), 64 << 10),
                new Config("64KiB windows", () -> SlidingWindowMapManager.builder().windowSize(64 << 10).build(),
                        ObjectDatabase.DEFAULT_BASE_CACHE),
                new Config("static whole-file", () -> StaticWindowMapManager.builder().build(),
                        ObjectDatabase.DEFAULT_BASE_CACHE),
                new Config("default sliding, tiny limit, no cache", () -> SlidingWindowMapManager.builder()
                        .maxMappedMemory(1).build(), 0));
    }

    static Stream<Arguments> fixturesAndConfigs() {
        List<Arguments> out = new ArrayList<>();
        for (String f : Fixtures.ALL) {
            for (Config c : configs()) {
                // deepchain (4044-deep chains) without any base cache is quadratic: not a useful config
                if (!(f.equals("deepchain") && c.baseCache() == 0)) {
                    out.add(Arguments.of(f, c));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("fixturesAndConfigs")
    void everyObjectEqualsGit(String fixture, Config config) throws Exception {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed: comparison with git skipped");
        compareWithGit(Fixtures.repo(fixture), config);
    }

    @Test
    void projectRepositoryEqualsGit() throws Exception {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed: comparison with git skipped");
        Path dotGit = Fixtures.projectRoot().resolve(".git");
        assumeTrue(Files.isDirectory(dotGit.resolve("objects")), "tests are not running inside a git clone");
        compareWithGit(dotGit, configs().get(1));
    }

    /**
     * Compares any repository named by {@code -Dsmmap4j.repo=<path>} (e.g. a clone of git.git);
     * skipped when the property is absent.
     */
    @Test
    void externalRepositoryEqualsGit() throws Exception {
        String repo = System.getProperty("smmap4j.repo");
        assumeTrue(repo != null && !repo.isBlank(), "set -Dsmmap4j.repo=<path> to compare a repository of your own");
        assumeTrue(GitBatch.gitAvailable(), "git is not installed: comparison with git skipped");
        long t0 = System.nanoTime();
        long n = compareWithGit(Path.of(repo), configs().get(1));
        System.out.printf("compared %d objects of %s with git in %.1f s%n", n, repo, (System.nanoTime() - t0) / 1e9);
    }

    static long compareWithGit(Path gitDir, Config config) throws Exception {
        long n = 0;
        try (MapManager mm = config.manager().get();
             ObjectDatabase db = ObjectDatabase.builder(gitDir).mapManager(mm).deltaBaseCache(config.baseCache()).build();
             ObjectReader reader = db.newReader();
             GitBatch git = new GitBatch(gitDir)) {
            List<ObjectId> ours = new ArrayList<>();
            db.forEachId(ours::add);
            for (ObjectId id : ours) {
                GitBatch.Obj g = git.next();
                assertTrue(g != null, "git lists fewer objects than smmap4j; extra: " + id);
                assertEquals(g.id(), id.name(), "id order differs from git's --batch-all-objects");
                ObjectLoader l = reader.open(id);
                assertEquals(g.type(), l.type().typeName(), id + " type");
                assertEquals(g.size(), l.size(), id + " size");
                assertArrayEquals(g.data(), l.bytes(), id + " content");
                ObjectHeader h = reader.header(id);
                assertEquals(new ObjectHeader(l.type(), l.size()), h, id + " header");
                n++;
            }
            assertEquals(null, git.next(), "git lists more objects than smmap4j");
            reader.release();
            mm.collect();
            // Only the indexes stay mapped: each pins its whole file while its pack is open.
            assertEquals(db.packs().size(), mm.stats().openRegions(), "regions left pinned after release");
        }
        assertTrue(n > 0, "no objects compared");
        return n;
    }

    @Test
    void bigBlobStreamsEqualGitWithoutMaterializing() throws Exception {
        assumeTrue(GitBatch.gitAvailable(), "git is not installed: comparison with git skipped");
        Path repo = Fixtures.repo("bigblob");
        try (ObjectDatabase db = ObjectDatabase.builder(repo).windowSize(4096).maxMappedMemory(4 * 4096)
                .streamThreshold(1 << 20).build();
             GitBatch git = new GitBatch(repo)) {
            int large = 0;
            for (GitBatch.Obj g; (g = git.next()) != null; ) {
                ObjectLoader l = db.open(ObjectId.fromHex(g.id()));
                if (g.size() > (1 << 20)) {
                    large++;
                    assertTrue(l.isLarge(), g.id() + " of " + g.size() + " bytes should stream");
                    try (InputStream in = l.openStream()) {
                        byte[] buf = new byte[8191];
                        int off = 0;
                        for (int k; (k = in.read(buf)) > 0; off += k) {
                            assertArrayEquals(java.util.Arrays.copyOfRange(g.data(), off, off + k),
                                    java.util.Arrays.copyOf(buf, k), "stream bytes at " + off);
                        }
                        assertEquals(g.size(), off, "streamed length");
                    }
                }
                assertArrayEquals(g.data(), l.bytes(), g.id());
            }
            assertTrue(large >= 2, "bigblob should hold two objects above the threshold, found " + large);
        }
    }
}
