package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Features of the object database beyond plain reads: formats, index versions, lookups, rescans. */
class ObjectDatabaseTest {

    @Test
    void indexVersionsAreDetected() throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo("idxv1"))) {
            assertEquals(1, db.packs().getFirst().index().version());
            assertInstanceOf(PackIndexV1.class, db.packs().getFirst().index());
            assertFalse(db.packs().getFirst().index().hasCrc());
        }
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo("idx64"))) {
            PackIndex idx = db.packs().getFirst().index();
            PackIndexV2 v2 = assertInstanceOf(PackIndexV2.class, idx);
            assertTrue(v2.largeOffsetCount() > 0, "idx64 fixture must use the 64-bit offset table");
            // Every offset, large-table ones included, points at a parseable entry.
            try (ObjectReader r = db.newReader()) {
                for (int i = 0; i < idx.objectCount(); i++) {
                    PackEntry e = r.entryAt(db.packs().getFirst(), idx.offsetAt(i));
                    assertTrue(e.typeCode() >= 1 && e.typeCode() <= 7);
                }
            }
            idx.verify();
        }
    }

    @Test
    void mapLimitWithoutWindowSizeGetsWindowsOfOneThousandthOfIt() throws IOException {
        Path repo = Fixtures.repo("history");
        long mib = 1L << 20;
        // {maxMappedMemory (-1: not set), windowSize (-1: not set), expected window, expected limit}
        long[][] cases = {
            {-1, -1, 8 * mib, 8L << 30},
            {1L << 30, -1, mib, 1L << 30},
            {256 * mib, -1, mib, 256 * mib},
            {16L << 30, -1, 16 * mib, 16L << 30},
            {128L << 30, -1, 64 * mib, 128L << 30},
            {1L << 30, 64 * mib, 64 * mib, 1L << 30},
            {-1, 4 * mib, 4 * mib, 8L << 30},
        };
        for (long[] c : cases) {
            ObjectDatabase.Builder b = ObjectDatabase.builder(repo);
            if (c[0] >= 0) {
                b.maxMappedMemory(c[0]);
            }
            if (c[1] >= 0) {
                b.windowSize(c[1]);
            }
            try (ObjectDatabase db = b.build()) {
                var stats = db.manager().stats();
                assertEquals(c[2], stats.windowSize(), "window for limit " + c[0] + ", window " + c[1]);
                assertEquals(c[3], stats.maxMappedMemory(), "limit for limit " + c[0] + ", window " + c[1]);
            }
        }
    }

    @Test
    void sha256RepositoryIsReadWith32ByteIds() throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo("sha256"))) {
            assertEquals(ObjectFormat.SHA256, db.format());
            List<ObjectId> ids = new ArrayList<>();
            db.forEachId(ids::add);
            assertFalse(ids.isEmpty());
            for (ObjectId id : ids) {
                assertEquals(32, id.length());
                ObjectLoader l = db.open(id);
                var md = ObjectFormat.SHA256.newDigest();
                md.update((l.type().typeName() + " " + l.size() + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                md.update(l.bytes());
                assertArrayEquals(id.toByteArray(), md.digest(), "content of " + id + " hashes to its id");
            }
            db.packs().getFirst().index().verify();
        }
    }

    @Test
    void refDeltaOnlyPackHasRefDeltas() throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo("refdelta")); ObjectReader r = db.newReader()) {
            PackFile p = db.packs().getFirst();
            int ref = 0;
            int ofs = 0;
            for (int i = 0; i < p.objectCount(); i++) {
                PackEntry e = r.entryAt(p, p.index().offsetAt(i));
                if (e.typeCode() == ObjectType.REF_DELTA) {
                    ref++;
                    assertNotNull(e.baseId());
                    assertTrue(db.has(e.baseId()));
                } else if (e.typeCode() == ObjectType.OFS_DELTA) {
                    ofs++;
                }
            }
            assertTrue(ref > 100, "REF_DELTA entries: " + ref);
            assertEquals(0, ofs);
        }
    }

    @Test
    void abbreviationsResolveAndAmbiguityIsReported() throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo("history"))) {
            List<ObjectId> ids = new ArrayList<>();
            db.forEachId(ids::add);
            Map<String, Integer> byPrefix4 = new HashMap<>();
            for (ObjectId id : ids) {
                assertEquals(id, db.resolve(id.name()));
                byPrefix4.merge(id.name().substring(0, 4), 1, Integer::sum);
            }
            for (ObjectId id : ids) {
                String p4 = id.name().substring(0, 4);
                if (byPrefix4.get(p4) == 1) {
                    assertEquals(id, db.resolve(p4));
                    assertEquals(id, db.resolve(p4.toUpperCase()));
                }
            }
            String ambiguous = byPrefix4.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                    .findFirst().orElseThrow(() -> new AssertionError("no shared 4-digit prefix among " + ids.size() + " ids"));
            AmbiguousObjectException e = assertThrows(AmbiguousObjectException.class, () -> db.resolve(ambiguous));
            assertEquals(byPrefix4.get(ambiguous), e.candidates().size());
            assertThrows(IllegalArgumentException.class, () -> db.resolve("abc"));
            assertThrows(IllegalArgumentException.class, () -> db.resolve("xyz123"));
            String absent = ids.getFirst().name().substring(0, 4).equals("0000") ? "ffffffff" : "00000000";
            if (ids.stream().noneMatch(i -> i.name().startsWith(absent))) {
                assertThrows(MissingObjectException.class, () -> db.resolve(absent));
            }
        }
    }

    @Test
    void missingObjectIsReported() throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo("history"))) {
            ObjectId missing = ObjectId.fromHex("0123456789abcdef0123456789abcdef01234567");
            assertFalse(db.has(missing));
            MissingObjectException e = assertThrows(MissingObjectException.class, () -> db.open(missing));
            assertEquals(missing, e.id());
            assertThrows(MissingObjectException.class, () -> db.header(missing));
        }
    }

    @Test
    void multipackWithLooseAndAlternateListsEachIdOnce() throws IOException {
        Path repo = Fixtures.repo("multipack");
        try (ObjectDatabase db = ObjectDatabase.open(repo)) {
            assertEquals(2, db.objectDirectories().size(), "repository plus one alternate");
            assertTrue(db.packs().size() >= 4);
            List<ObjectId> ids = new ArrayList<>();
            db.forEachId(ids::add);
            assertEquals(new HashSet<>(ids).size(), ids.size(), "duplicates across packs and loose are listed once");
            List<ObjectId> sorted = new ArrayList<>(ids);
            sorted.sort(null);
            assertEquals(sorted, ids);
            Set<ObjectId> loose = new HashSet<>();
            db.forEachLooseId(loose::add);
            assertFalse(loose.isEmpty());
            for (ObjectId id : loose) {
                ObjectInfo info = db.info(id);
                assertTrue(info.diskSize() > 0);
            }
        }
    }

    @Test
    void packOrderVisitsEveryPackedObjectOnceInOffsetOrder() throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo("history")); ObjectReader r = db.newReader()) {
            List<Long> offsets = new ArrayList<>();
            Set<ObjectId> seen = new HashSet<>();
            db.forEachInPackOrder(po -> {
                offsets.add(po.offset());
                seen.add(po.id());
                assertEquals(db.open(po.id()).size(), r.open(po).size());
            });
            assertEquals(db.packs().getFirst().objectCount(), seen.size());
            for (int i = 1; i < offsets.size(); i++) {
                assertTrue(offsets.get(i) > offsets.get(i - 1));
            }
        }
    }

    @Test
    void infoGivesDiskSizeAndDeltaBase() throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(Fixtures.repo("history")); ObjectReader r = db.newReader()) {
            PackFile p = db.packs().getFirst();
            long total = 0;
            int deltas = 0;
            for (int i = 0; i < p.objectCount(); i++) {
                ObjectId id = p.index().idAt(i);
                ObjectInfo info = r.info(id);
                total += info.diskSize();
                if (!info.deltaBase().equals(db.format().zeroId())) {
                    deltas++;
                    assertTrue(db.has(info.deltaBase()));
                }
            }
            assertEquals(p.size() - 12 - 20, total, "entry sizes add up to the pack minus header and trailer");
            assertTrue(deltas > 0);
        }
    }

    @Test
    void newPackAppearingWhileOpenIsFound(@TempDir Path tmp) throws IOException {
        Path dir = Fixtures.extractFresh("loose");
        Path repo = dir.resolve("loose.git");
        Path donor = Fixtures.repo("idxv1");
        try (ObjectDatabase db = ObjectDatabase.open(repo); ObjectDatabase other = ObjectDatabase.open(donor)) {
            ObjectId foreign = other.packs().getFirst().index().idAt(0);
            assertFalse(db.has(foreign));
            Path packDir = repo.resolve("objects").resolve("pack");
            Files.createDirectories(packDir);
            // As git does: the pack first, then its index.
            for (String ext : List.of(".pack", ".idx")) {
                Path src = other.packs().getFirst().packPath().resolveSibling(
                        other.packs().getFirst().packPath().getFileName().toString().replace(".pack", ext));
                Files.copy(src, packDir.resolve(src.getFileName()));
            }
            assertArrayEquals(other.open(foreign).bytes(), db.open(foreign).bytes());
            assertEquals(1, db.packs().size());
        } finally {
            Fixtures.deleteTree(dir);
        }
    }

    @Test
    void notARepositoryIsAClearError(@TempDir Path tmp) {
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> ObjectDatabase.open(tmp));
        assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
    }

    @Test
    void closedDatabaseFailsClearly() throws IOException {
        ObjectDatabase db = ObjectDatabase.open(Fixtures.repo("history"));
        ObjectId id = db.packs().getFirst().index().idAt(0);
        db.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> db.open(id));
        assertTrue(e.getMessage().contains("closed"));
    }

    @Test
    void deepChainResolvesWithoutRecursion() throws IOException {
        // Runs in a thread with a small stack: recursion over a 4044-deep chain would overflow it.
        Path repo = Fixtures.repo("deepchain");
        Throwable[] failure = new Throwable[1];
        long[] maxDepth = new long[1];
        Thread t = new Thread(null, () -> {
            try (ObjectDatabase db = ObjectDatabase.builder(repo).deltaBaseCache(0).build(); ObjectReader r = db.newReader()) {
                PackFile p = db.packs().getFirst();
                // The entry with the deepest chain: walk every entry's base links.
                Map<Long, Long> depth = new HashMap<>();
                var rev = p.reverseIndex();
                long deepest = -1;
                for (int i = 0; i < rev.size(); i++) {
                    long off = rev.offsetAt(i);
                    PackEntry e = r.entryAt(p, off);
                    long d = e.isDelta() ? depth.get(e.baseOffset()) + 1 : 0;
                    depth.put(off, d);
                    if (d > maxDepth[0]) {
                        maxDepth[0] = d;
                        deepest = off;
                    }
                }
                ObjectId id = p.index().idAt(rev.positionAt(rev.rankOf(deepest)));
                ObjectLoader l = r.open(id);
                var md = ObjectFormat.SHA1.newDigest();
                md.update((l.type().typeName() + " " + l.size() + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                md.update(l.bytes());
                assertArrayEquals(id.toByteArray(), md.digest());
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "small-stack", 256 * 1024);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
        assertTrue(maxDepth[0] >= 4000, "deepest chain " + maxDepth[0]);
    }
}
