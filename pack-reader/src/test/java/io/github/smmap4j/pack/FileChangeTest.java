package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.core.ManagerStats;
import io.github.smmap4j.core.SlidingWindowMapManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Packs deleted, replaced or truncated while a database is open: reads in flight finish or fail
 * cleanly, the database finds the objects in their new pack, and truncation is reported as
 * corruption (no SIGBUS crash of the JVM).
 */
class FileChangeTest {
    private static final Duration LIMIT = Duration.ofSeconds(120);

    private static Map<ObjectId, byte[]> readAll(ObjectDatabase db) throws IOException {
        List<ObjectId> ids = new ArrayList<>();
        db.forEachId(ids::add);
        Map<ObjectId, byte[]> out = new HashMap<>();
        for (ObjectId id : ids) {
            out.put(id, db.open(id).bytes());
        }
        return out;
    }

    private static void git(Path gitDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "--git-dir=" + gitDir, "-c", "pack.threads=1"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    private static List<Path> packs(Path gitDir) throws IOException {
        try (var s = Files.list(gitDir.resolve("objects/pack"))) {
            return s.filter(p -> p.toString().endsWith(".pack")).sorted().toList();
        }
    }

    @Test
    void repackWhileOpenFindsObjectsInTheNewPack() throws Exception {
        assumeTrue(GitBatch.gitAvailable(), "git is needed to repack");
        Path gitDir = Fixtures.extractFresh("multipack").resolve("multipack.git");
        Map<ObjectId, byte[]> expected;
        try (ObjectDatabase db = ObjectDatabase.open(gitDir)) {
            expected = readAll(db);
        }
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SlidingWindowMapManager m = SlidingWindowMapManager.builder().windowSize(4096)
                    .maxMappedMemory(2 * 4096).build();
                 ObjectDatabase db = ObjectDatabase.builder(gitDir).mapManager(m).deltaBaseCache(1024).build();
                 ObjectReader inFlight = db.newReader()) {
                List<Path> before = packs(gitDir);
                assertEquals(3, before.size());
                // Reads in flight: a reader that has windows of the old packs pinned.
                List<ObjectId> ids = new ArrayList<>(expected.keySet());
                for (ObjectId id : ids.subList(0, 20)) {
                    assertArrayEquals(expected.get(id), inFlight.open(id).bytes());
                }
                // What git gc does: one new pack, old packs and packed loose objects deleted.
                git(gitDir, "repack", "-a", "-d", "-l", "-f", "--window=5");
                List<Path> after = packs(gitDir);
                assertEquals(1, after.size(), after.toString());
                assertFalse(before.contains(after.getFirst()));
                // Both the old reader and fresh calls see every object, with the right bytes.
                for (ObjectId id : ids) {
                    assertArrayEquals(expected.get(id), inFlight.open(id).bytes(), id.name());
                    assertArrayEquals(expected.get(id), db.open(id).bytes(), id.name());
                    assertEquals(expected.get(id).length, db.header(id).size());
                    assertEquals(expected.get(id).length, db.info(id).size());
                }
                assertTrue(db.packs().stream().anyMatch(p -> p.packPath().getFileName().equals(after.getFirst().getFileName())),
                        db.packs().toString());
                assertTrue(db.packs().stream().noneMatch(p -> before.stream()
                        .anyMatch(b -> b.getFileName().equals(p.packPath().getFileName()))), db.packs().toString());
            }
        });
    }

    @Test
    void packReplacedUnderTheSameNameIsReopened() throws Exception {
        // Replace history's pack+idx by byte-identical copies written as new files (new inode,
        // new mtime): what a tool does when it rewrites a pack atomically under the same name.
        Path gitDir = Fixtures.extractFresh("history").resolve("history.git");
        Map<ObjectId, byte[]> expected;
        try (ObjectDatabase db = ObjectDatabase.open(gitDir)) {
            expected = readAll(db);
        }
        try (ObjectDatabase db = ObjectDatabase.builder(gitDir).windowSize(8192).maxMappedMemory(16384)
                .deltaBaseCache(4096).build()) {
            List<ObjectId> ids = new ArrayList<>(expected.keySet());
            for (ObjectId id : ids.subList(0, 50)) {
                assertArrayEquals(expected.get(id), db.open(id).bytes());
            }
            for (Path f : List.of(packs(gitDir).getFirst(), db.packs().getFirst().index().path())) {
                Path tmp = f.resolveSibling("tmp-" + f.getFileName());
                Files.copy(f, tmp);
                Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            for (ObjectId id : ids) {
                assertArrayEquals(expected.get(id), db.open(id).bytes(), id.name());
            }
        }
    }

    @Test
    void truncatedWhileOpenIsCorruptionNotACrash() throws Exception {
        Path gitDir = Fixtures.extractFresh("history").resolve("history.git");
        Map<ObjectId, byte[]> expected;
        try (ObjectDatabase db = ObjectDatabase.open(gitDir)) {
            expected = readAll(db);
        }
        Path pack = packs(gitDir).getFirst();
        long size = Files.size(pack);
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ObjectDatabase db = ObjectDatabase.builder(gitDir).windowSize(16384).maxMappedMemory(1 << 20)
                    .deltaBaseCache(0).streamThreshold(1000).build();
                 ObjectReader r = db.newReader()) {
                List<ObjectId> ids = new ArrayList<>(expected.keySet());
                ids.sort(null);
                // Map windows all over the pack, and keep a stream open on a large object.
                for (ObjectId id : ids) {
                    assertArrayEquals(expected.get(id), r.open(id).bytes());
                }
                ObjectId large = ids.stream().filter(id -> expected.get(id).length > 20_000).findFirst().orElseThrow();
                InputStream stream = r.open(large).openStream();
                byte[] first = stream.readNBytes(100);
                try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.WRITE)) {
                    ch.truncate(size / 2); // pages past the new end now fault (SIGBUS) if touched
                }
                int ok = 0;
                int corrupt = 0;
                for (ObjectId id : ids) {
                    try {
                        assertArrayEquals(expected.get(id), r.open(id).bytes(), id.name());
                        ok++;
                    } catch (CorruptPackException e) {
                        corrupt++;
                        assertTrue(e.file().getFileName().toString().endsWith(".pack"), e.getMessage());
                    }
                    try {
                        db.header(id);
                    } catch (CorruptPackException e) {
                        // fine: reported as corruption
                    }
                }
                assertTrue(corrupt > 0, "nothing noticed the truncation");
                try {
                    byte[] rest = stream.readAllBytes();
                    byte[] all = new byte[first.length + rest.length];
                    System.arraycopy(first, 0, all, 0, first.length);
                    System.arraycopy(rest, 0, all, first.length, rest.length);
                    assertArrayEquals(expected.get(large), all);
                } catch (IOException e) {
                    // a stream in flight may fail, but only with an IOException
                }
                stream.close();
                System.out.println("after truncation: " + ok + " read, " + corrupt + " reported corrupt");
            }
        });
    }

    @Test
    void idxTruncatedWhileOpenIsCorruptionNotACrash() throws Exception {
        Path gitDir = Fixtures.extractFresh("history").resolve("history.git");
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ObjectDatabase db = ObjectDatabase.open(gitDir); ObjectReader r = db.newReader()) {
                List<ObjectId> ids = new ArrayList<>();
                db.forEachId(ids::add);
                r.open(ids.getFirst()).bytes();
                Path idx = db.packs().getFirst().index().path();
                try (FileChannel ch = FileChannel.open(idx, StandardOpenOption.WRITE)) {
                    ch.truncate(1500); // the whole idx stays mapped: lookups past 4 KiB now fault
                }
                int corrupt = 0;
                for (ObjectId id : ids) {
                    try {
                        r.open(id).bytes();
                    } catch (CorruptPackException | MissingObjectException e) {
                        corrupt++;
                    }
                    try {
                        db.header(id);
                        db.info(id);
                    } catch (CorruptPackException | MissingObjectException e) {
                        corrupt++;
                    }
                }
                assertTrue(corrupt > 0);
            }
        });
    }

    @Test
    void deletedPackAndIdxWithoutReplacementGiveMissingObject() throws Exception {
        Path gitDir = Fixtures.extractFresh("history").resolve("history.git");
        try (ObjectDatabase db = ObjectDatabase.builder(gitDir).windowSize(4096).maxMappedMemory(8192).build()) {
            List<ObjectId> ids = new ArrayList<>();
            db.forEachId(ids::add);
            db.open(ids.getFirst()).bytes();
            Path pack = packs(gitDir).getFirst();
            Files.delete(pack);
            Files.delete(db.packs().getFirst().index().path());
            for (ObjectId id : ids) {
                try {
                    db.open(id).bytes();
                } catch (MissingObjectException expectedOutcome) {
                    // the objects are gone
                }
            }
            assertTrue(db.packs().isEmpty(), db.packs().toString());
            ManagerStats s = db.manager().stats();
            assertTrue(s.openRegions() >= 0 && s.mappedBytes() >= 0, s.toString());
        }
    }
}
