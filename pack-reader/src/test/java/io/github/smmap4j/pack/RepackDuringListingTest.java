package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.core.SlidingWindowMapManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Listings while git moves the objects underneath (issue 13 item 5), each move made at a chosen
 * point: objects git packs between the database's scan and the listing, a pack deleted by
 * {@code git repack -ad} in the middle of a pack-order walk or of the id-order iteration (tiny
 * windows, so the walk must map windows of the deleted pack again), and a pack directory that
 * never holds still. Each listing is complete (every object once, its content right) or fails
 * naming the directory; never short.
 */
class RepackDuringListingTest {
    static final String FULL = "%(objectname) %(objecttype) %(objectsize) %(objectsize:disk) %(deltabase)";

    @TempDir
    Path tmp;
    TestRepo repo;
    /** git's --batch-check of every object, by id, before anything moved. */
    Map<String, String> before;

    @BeforeEach
    void makeRepository() {
        assumeTrue(GitBatch.gitAvailable(), "git is needed to repack");
        repo = TestRepo.init(tmp, "r");
        repo.git("config", "gc.auto", "0");
        repo.git("config", "pack.threads", "1");
        for (int c = 0; c < 30; c++) {
            StringBuilder sb = new StringBuilder();
            for (int line = 0; line < 100 + c; line++) {
                sb.append("line ").append(line).append(line % 7 == c % 7 ? " edit " + c : "").append('\n');
            }
            repo.write("a.txt", sb.toString());
            repo.write("d/b" + (c % 4) + ".txt", sb.reverse().toString());
            repo.git("add", "-A");
            repo.git("commit", "-q", "-m", "commit " + c);
            if (c == 19) {
                repo.git("repack", "-a", "-d", "-q");
            }
        }
        before = batchCheck("--batch-check");
        assertTrue(before.size() > 100, "objects: " + before.size());
    }

    private Map<String, String> batchCheck(String format) {
        Map<String, String> out = new HashMap<>();
        for (String line : repo.git("cat-file", "--batch-all-objects", format).split("\n")) {
            out.put(line.substring(0, 40), line);
        }
        return out;
    }

    private static String hash(ObjectType type, byte[] data, long size) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        md.update((type.typeName() + " " + size + "\0").getBytes(StandardCharsets.US_ASCII));
        md.update(data, 0, (int) size);
        return HexFormat.of().formatHex(md.digest());
    }

    private Path onlyPack() throws IOException {
        List<Path> packs = MidxRepo.files(repo.gitDir.resolve("objects/pack"), ".pack");
        assertEquals(1, packs.size(), packs.toString());
        return packs.getFirst();
    }

    /** The manager of {@link #tinyWindows}, closed after each test. */
    private SlidingWindowMapManager manager;

    @AfterEach
    void closeManager() {
        if (manager != null) {
            manager.close();
        }
    }

    /**
     * Two windows of 4 KiB. Without read-through every read maps, so the reads meet the repack (a
     * vanished file) and a rescan moves them to the new pack; with it most reads are positional
     * reads through the descriptor opened before the repack, which still reads the old pack's bytes.
     */
    private ObjectDatabase tinyWindows(boolean readThrough) throws IOException {
        manager = SlidingWindowMapManager.builder().windowSize(4096).maxMappedMemory(8192).readThrough(readThrough).build();
        return ObjectDatabase.builder(repo.dir).mapManager(manager).deltaBaseCache(0).build();
    }

    @Test
    void objectsPackedAfterTheScanAreListed() throws Exception {
        try (ObjectDatabase db = ObjectDatabase.open(repo.dir)) {
            assertEquals(1, db.packs().size());
            // What gc does between the database's scan and a listing: the loose objects go into a
            // new pack and are deleted. A listing of the pack seen at open plus the loose objects
            // now there would be short by every one of them.
            repo.git("repack", "-d", "-q");
            assertTrue(repo.git("count-objects").startsWith("0 objects,"), "nothing loose any more");
            List<String> ids = new ArrayList<>();
            db.forEachObject(where -> ids.add(where.id().name()));
            assertEquals(before.keySet().stream().sorted().toList(), ids, "forEachObject: each once, in id order");

            repo.git("repack", "-d", "-q"); // nothing loose: no new pack; then new loose objects, packed again
            repo.write("late.txt", "late\n");
            repo.git("add", "late.txt");
            repo.git("commit", "-q", "-m", "late");
            Map<String, String> now = batchCheck("--batch-check");
            try (ObjectDatabase fresh = ObjectDatabase.open(repo.dir)) {
                List<ObjectId> loose = new ArrayList<>();
                fresh.forEachLooseId(loose::add);
                assertEquals(3, loose.size(), "a blob, a tree, a commit");
                repo.git("repack", "-d", "-q");
                // What --unordered reads: the loose ids and the packs in git's order, taken together.
                ObjectListing listing = fresh.listObjects();
                assertEquals(List.of(), listing.looseIds(), "packed since");
                Map<String, Integer> seen = new HashMap<>();
                try (ObjectReader r = fresh.newReader()) {
                    for (PackFile p : listing.packs()) {
                        r.walkPackInfo(p, 0, p.objectCount(), e -> seen.merge(e.id().name(), 1, Integer::sum));
                    }
                }
                assertEquals(now.keySet(), seen.keySet(), "every object, the new pack included");
                Map<String, byte[]> any = new ConcurrentHashMap<>();
                fresh.forEachObjectInAnyOrder(2, (id, type, size, data, large) -> {
                    byte[] b = large != null ? large.readAllBytes() : java.util.Arrays.copyOf(data, (int) size);
                    if (large != null) {
                        large.close();
                    }
                    assertNull(any.put(id.name(), b), "visited twice: " + id.name());
                });
                assertEquals(now.keySet(), any.keySet(), "forEachObjectInAnyOrder: every object once");
            }
        }
    }

    @ParameterizedTest(name = "readThrough={0}")
    @ValueSource(booleans = {false, true})
    void packOrderWalkGoesOnWhenItsPackIsDeleted(boolean readThrough) throws Exception {
        Path old = onlyPackAfterFullRepack();
        try (ObjectDatabase db = tinyWindows(readThrough); ObjectReader r = db.newReader()) {
            PackFile p = db.packs().getFirst();
            List<String> order = new ArrayList<>();
            r.walkPackOrder(p, 0, p.objectCount(), (id, type, size, data, large) -> {
                byte[] b = data;
                if (large != null) {
                    try (InputStream in = large) {
                        b = in.readAllBytes();
                    }
                }
                try {
                    assertEquals(id.name(), hash(type, b, size), "content of " + id.name());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                order.add(id.name());
                if (order.size() == 10) {
                    repo.git("repack", "-a", "-d", "-f", "-q", "--window=0"); // a new pack; this one deleted
                }
            });
            assertFalse(Files.exists(old), "the walked pack was deleted");
            if (!readThrough) {
                assertFalse(db.packs().contains(p), "the walk noticed, and the rescan retired the pack");
            }
            assertEquals(before.size(), order.size());
            assertEquals(before.keySet(), new java.util.HashSet<>(order), "each object once");
            for (int rank = 0; rank < order.size(); rank++) {
                assertEquals(p.idAtRank(rank).name(), order.get(rank), "still the walked pack's order, rank " + rank);
            }
        }
    }

    @ParameterizedTest(name = "readThrough={0}")
    @ValueSource(booleans = {false, true})
    void packInfoWalkDescribesTheRestWhereTheyAreNow(boolean readThrough) throws Exception {
        Path old = onlyPackAfterFullRepack();
        try (ObjectDatabase db = tinyWindows(readThrough); ObjectReader r = db.newReader(); ObjectReader other = db.newReader()) {
            PackFile p = db.packs().getFirst();
            List<String> lines = new ArrayList<>();
            List<PackFile> where = new ArrayList<>();
            r.walkPackInfo(p, 0, p.objectCount(), e -> {
                lines.add(e.id().name() + " " + e.type().typeName() + " " + e.size() + " " + e.diskSize() + " "
                        + e.deltaBase().name());
                where.add(e.pack());
                assertEquals(e.id(), other.open(e.location()).id(), "the location reads");
                if (lines.size() == 10) {
                    repo.git("repack", "-a", "-d", "-f", "-q", "--window=0");
                }
            });
            assertFalse(Files.exists(old));
            Map<String, String> after = batchCheck("--batch-check=" + FULL); // git's view of the new pack
            assertEquals(before.size(), lines.size());
            int moved = 0;
            for (int i = 0; i < lines.size(); i++) {
                String id = lines.get(i).substring(0, 40);
                assertEquals(p.idAtRank(i).name(), id, "rank " + i);
                if (where.get(i) != p) {
                    moved++;
                    assertEquals(after.get(id), lines.get(i), "described where it is now, as git does");
                }
            }
            assertTrue(moved <= lines.size() - 10, "moved only after the repack: " + moved);
            if (!readThrough) {
                assertTrue(moved > 0, "the entries after the repack, from the new pack: " + moved);
            }
        }
    }

    @ParameterizedTest(name = "readThrough={0}")
    @ValueSource(booleans = {false, true})
    void idOrderIterationReadsObjectsWhereTheyWent(boolean readThrough) throws Exception {
        Path old = onlyPackAfterFullRepack();
        try (ObjectDatabase db = tinyWindows(readThrough); ObjectReader r = db.newReader()) {
            List<String> ids = new ArrayList<>();
            db.forEachObject(where -> {
                ObjectLoader l = r.open(where);
                byte[] b = l.bytes();
                try {
                    assertEquals(where.id().name(), hash(l.type(), b, b.length));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                ObjectInfo info = r.info(where);
                assertEquals(before.get(where.id().name()), where.id().name() + " " + info.type().typeName() + " " + info.size());
                ids.add(where.id().name());
                if (ids.size() == 10) {
                    repo.git("repack", "-a", "-d", "-f", "-q", "--window=0");
                }
            });
            assertFalse(Files.exists(old));
            assertEquals(before.keySet().stream().sorted().toList(), ids);
            if (!readThrough) {
                assertNotEquals(old, db.packs().getFirst().packPath(), "the reads found the new pack");
            }
        }
    }

    /** A pack directory that never holds still: listings fail naming it, or (if a scan caught a still moment) are complete. */
    @Test
    void aDirectoryThatNeverHoldsStillFailsTheListingNotShortensIt() throws Exception {
        repo.git("repack", "-a", "-d", "-q");
        Path packDir = repo.gitDir.resolve("objects/pack");
        AtomicBoolean stop = new AtomicBoolean();
        Thread flipper = Thread.ofPlatform().start(() -> {
            Path a = packDir.resolve("pack-0000000000000000000000000000000000000000.idx");
            Path b = packDir.resolve("pack-1111111111111111111111111111111111111111.idx");
            try {
                Files.writeString(a, "not an index: no pack beside it");
                while (!stop.get()) {
                    Files.move(a, b);
                    Files.move(b, a);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        int failed = 0;
        try (ObjectDatabase db = ObjectDatabase.open(repo.dir)) {
            for (int i = 0; i < 20; i++) {
                List<String> ids = new ArrayList<>();
                try {
                    db.forEachObject(where -> ids.add(where.id().name()));
                } catch (IOException e) {
                    assertTrue(e.getMessage().contains(packDir.toString()) && e.getMessage().contains("changed during each of"),
                            e.getMessage());
                    assertTrue(ids.isEmpty(), "nothing visited before the failure");
                    failed++;
                    continue;
                }
                assertEquals(before.keySet().stream().sorted().toList(), ids);
            }
        } finally {
            stop.set(true);
            flipper.join();
        }
        System.out.println("listings failed while the directory kept changing: " + failed + " of 20");
    }

    /** Packs everything into one pack and returns it. */
    private Path onlyPackAfterFullRepack() throws IOException {
        repo.git("repack", "-a", "-d", "-f", "-q", "--window=10");
        return onlyPack();
    }
}
