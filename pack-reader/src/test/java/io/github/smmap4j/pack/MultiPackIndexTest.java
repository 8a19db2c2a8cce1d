package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.smmap4j.core.MapManager;
import io.github.smmap4j.core.SlidingWindowMapManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading git's multi-pack-index: the file as git 2.39 writes it (parsed, and written again byte
 * for byte by the tests' {@link MidxWriter}), lookups through it (the pack git chose for objects
 * stored twice: {@code %(objectsize:disk)} and {@code %(deltabase)} as git prints them), packs it
 * does not cover, abbreviations, the id-order iteration and git's pack order.
 */
class MultiPackIndexTest {
    static final String FULL = "%(objectname) %(objecttype) %(objectsize) %(objectsize:disk) %(deltabase)";
    @TempDir
    static Path tmp;
    static Path repo;

    @BeforeAll
    static void makeRepo() throws IOException {
        assumeTrue(GitBatch.gitAvailable(), "git is needed to write multi-pack-indexes");
        repo = MidxRepo.create(tmp, 6, true);
    }

    static Path midxFile() {
        return repo.resolve("objects/pack/multi-pack-index");
    }

    /** git's --batch-check line of every object, by id. */
    static Map<String, String> gitInfo(Path gitDir) throws IOException {
        Map<String, String> out = new HashMap<>();
        for (String line : MidxRepo.git(gitDir, "cat-file", "--batch-all-objects", "--batch-check=" + FULL).split("\n")) {
            out.put(line.substring(0, line.indexOf(' ')), line);
        }
        return out;
    }

    static String line(ObjectInfo i) {
        return i.id().name() + " " + i.type().typeName() + " " + i.size() + " "
                + i.diskSize() + " " + i.deltaBase().name();
    }

    @Test
    void gitsFileParsesAndIsWrittenAgainByteForByte() throws IOException {
        byte[] onDisk = Files.readAllBytes(midxFile());
        List<Path> idxs = MidxRepo.files(repo.resolve("objects/pack"), ".idx");
        try (MapManager mm = SlidingWindowMapManager.builder().build();
             MultiPackIndex m = MultiPackIndex.open(mm, midxFile(), ObjectFormat.SHA1)) {
            m.checkContent();
            assertEquals(1, m.version());
            // Every pack but the one written after the multi-pack-index, in name order.
            assertEquals(idxs.size() - 1, m.packCount());
            Set<ObjectId> distinct = new HashSet<>();
            MidxWriter w = new MidxWriter(ObjectFormat.SHA1);
            for (String name : m.packNames()) {
                w.pack(name);
                try (PackIndex idx = PackIndex.open(mm, repo.resolve("objects/pack").resolve(name), ObjectFormat.SHA1)) {
                    for (int i = 0; i < idx.objectCount(); i++) {
                        distinct.add(idx.idAt(i));
                    }
                }
            }
            assertEquals(distinct.size(), m.objectCount(), "each object once");
            for (int n = 0; n < m.objectCount(); n++) {
                ObjectId id = m.idAt(n);
                int pack = m.packAt(n);
                try (PackIndex idx = PackIndex.open(mm, repo.resolve("objects/pack").resolve(m.packName(pack)), ObjectFormat.SHA1)) {
                    assertEquals(idx.findOffset(id), m.offsetAt(n), "offset of " + id.name() + " in " + m.packName(pack));
                }
                w.add(id, pack, m.offsetAt(n));
            }
            assertArrayEquals(onDisk, w.build(), "the writer the chain tests use writes what git writes");
        }
    }

    @Test
    void lookupsUseThePackGitChose() throws IOException {
        Map<String, String> git = gitInfo(repo);
        Map<String, String> gitWithout = new HashMap<>();
        for (String line : MidxRepo.git(repo, "-c", "core.multiPackIndex=false", "cat-file", "--batch-all-objects",
                "--batch-check=" + FULL).split("\n")) {
            gitWithout.put(line.substring(0, 40), line);
        }
        assertNotEquals(git, gitWithout, "the fixture's multi-pack-index chooses other copies than a pack search");
        try (ObjectDatabase db = ObjectDatabase.open(repo); ObjectReader r = db.newReader()) {
            assertEquals(1, db.storage().packs().multiPackIndexes().size());
            for (Map.Entry<String, String> e : git.entrySet()) {
                assertEquals(e.getValue(), line(r.info(ObjectId.fromHex(e.getKey()))));
            }
        }
        try (ObjectDatabase db = ObjectDatabase.builder(repo).multiPackIndex(false).build(); ObjectReader r = db.newReader()) {
            assertTrue(db.storage().packs().multiPackIndexes().isEmpty());
            for (Map.Entry<String, String> e : git.entrySet()) {
                ObjectInfo i = r.info(ObjectId.fromHex(e.getKey()));
                assertEquals(List.of(e.getValue().split(" ")).subList(0, 3), List.of(line(i).split(" ")).subList(0, 3),
                        "the same object either way");
            }
        }
    }

    /** A multi-pack-index with a bitmap ({@code write --bitmap}): its {@code RIDX} chunk is passed over, the file used as git uses it. */
    @Test
    void aBitmappedMultiPackIndexIsUsed() throws IOException {
        Path r = MidxRepo.create(tmp.resolve("bitmap"), 4, false);
        MidxRepo.git(r, "multi-pack-index", "write", "--bitmap");
        Path file = r.resolve("objects/pack/multi-pack-index");
        assertTrue(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1).contains("RIDX"));
        assertEquals(1, MidxRepo.files(r.resolve("objects/pack"), ".bitmap").size());
        try (MapManager mm = SlidingWindowMapManager.builder().build();
             MultiPackIndex m = MultiPackIndex.open(mm, file, ObjectFormat.SHA1)) {
            m.checkContent();
        }
        Map<String, String> git = gitInfo(r);
        try (ObjectDatabase db = ObjectDatabase.open(r); ObjectReader reader = db.newReader()) {
            assertEquals(1, db.storage().packs().multiPackIndexes().size());
            for (Map.Entry<String, String> e : git.entrySet()) {
                assertEquals(e.getValue(), line(reader.info(ObjectId.fromHex(e.getKey()))));
            }
        }
    }

    /** {@code core.multiPackIndex=false} in the config turns the file off as the builder's switch does; an explicit call wins. */
    @Test
    void configSwitchesTheFileOffAndTheBuilderWins() throws IOException {
        Path r = MidxRepo.create(tmp.resolve("config"), 4, true);
        Map<String, String> git = gitInfo(r);
        Map<String, String> gitWithout = new HashMap<>();
        for (String line : MidxRepo.git(r, "-c", "core.multiPackIndex=false", "cat-file", "--batch-all-objects",
                "--batch-check=" + FULL).split("\n")) {
            gitWithout.put(line.substring(0, 40), line);
        }
        assertNotEquals(git, gitWithout);
        Files.writeString(r.resolve("config"), Files.readString(r.resolve("config")) + "[core]\n\tmultipackindex = false\n");
        for (Boolean builder : new Boolean[] {null, true, false}) {
            ObjectDatabase.Builder b = ObjectDatabase.builder(r);
            if (builder != null) {
                b.multiPackIndex(builder);
            }
            Map<String, String> want = Boolean.TRUE.equals(builder) ? git : gitWithout;
            try (ObjectDatabase db = b.build(); ObjectReader reader = db.newReader()) {
                assertEquals(Boolean.TRUE.equals(builder), !db.storage().packs().multiPackIndexes().isEmpty(), "builder " + builder);
                for (Map.Entry<String, String> e : want.entrySet()) {
                    assertEquals(e.getValue(), line(reader.info(ObjectId.fromHex(e.getKey()))), "builder " + builder);
                }
            }
        }
        Files.writeString(r.resolve("config"), Files.readString(r.resolve("config")).replace("= false", "= maybe"));
        assertThrows(RepositoryFormatException.class, () -> ObjectDatabase.open(r), "a bad boolean, as git dies on it");
        try (ObjectDatabase db = ObjectDatabase.builder(r).multiPackIndex(true).build()) {
            assertEquals(1, db.storage().packs().multiPackIndexes().size(), "an explicit call does not read the value");
        }
    }

    @Test
    void packsTheMidxDoesNotCoverAreSearched() throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(repo)) {
            PackDirectory dir = db.storage().packs();
            MidxChain m = dir.multiPackIndexes().getFirst();
            Set<PackFile> covered = new HashSet<>(m.usablePacks());
            List<PackFile> other = db.packs().stream().filter(p -> !covered.contains(p)).toList();
            assertEquals(1, other.size(), "one pack written after the multi-pack-index");
            PackFile late = other.getFirst();
            int onlyThere = 0;
            for (int i = 0; i < late.objectCount(); i++) {
                ObjectId id = late.index.idAt(i);
                ObjectLocation at = dir.find(id, null);
                assertNotNull(at);
                if (m.find(id, x -> null) == null) {
                    onlyThere++;
                    assertEquals(late, at.pack());
                } else {
                    assertTrue(covered.contains(at.pack()), "the multi-pack-index is searched first, as in git");
                }
                assertArrayEquals(db.open(id).bytes(), db.open(id).bytes());
            }
            assertTrue(onlyThere > 0);
        }
    }

    @Test
    void abbreviationsAndIdOrderSeeEveryObjectOnce() throws IOException {
        List<String> want = List.of(MidxRepo.git(repo, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)")
                .split("\n"));
        try (ObjectDatabase db = ObjectDatabase.open(repo); ObjectReader r = db.newReader()) {
            List<String> got = new ArrayList<>();
            db.forEachObject(where -> {
                got.add(where.id().name());
                ObjectLocation byId = db.storage().packs().find(where.id(), null);
                assertEquals(byId == null ? ObjectLocation.loose(where.id()) : byId, where, "located as a lookup is");
                assertEquals(r.info(where.id()), r.info(where));
            });
            assertEquals(want, got);
            for (String id : want) {
                String shortest = MidxRepo.git(repo, "rev-parse", "--short=4", id).strip();
                assertEquals(id, db.resolve(shortest).name(), shortest);
                AmbiguousObjectException amb = null;
                try {
                    db.resolve(id.substring(0, 4));
                } catch (AmbiguousObjectException e) {
                    amb = e;
                }
                if (amb != null) {
                    assertEquals(new LinkedHashSet<>(amb.candidates()).size(), amb.candidates().size(), "no candidate twice");
                }
            }
        }
    }

    @Test
    void gitOrderListsTheMidxPacksLastNumberFirstThenTheRest() throws IOException {
        try (ObjectDatabase db = ObjectDatabase.open(repo)) {
            List<PackFile> order = db.packsInGitOrder();
            MidxChain m = db.storage().packs().multiPackIndexes().getFirst();
            List<PackFile> reversed = new ArrayList<>(m.usablePacks());
            java.util.Collections.reverse(reversed);
            assertEquals(reversed, order.subList(0, reversed.size()));
            assertEquals(db.packs().size(), order.size());
            assertEquals(new HashSet<>(db.packs()), new HashSet<>(order));
        }
    }

    @Test
    void largeOffsetsBitmapChunksAndUnknownChunks(@TempDir Path dir) throws IOException {
        ObjectId a = ObjectId.fromHex("01" + "0".repeat(38));
        ObjectId b = ObjectId.fromHex("02" + "0".repeat(38));
        ObjectId c = ObjectId.fromHex("ff" + "0".repeat(38));
        Path withLoff = dir.resolve("with");
        Files.write(withLoff, new MidxWriter(ObjectFormat.SHA1).pack("pack-a.idx").pack("pack-b.idx")
                .add(a, 0, 12).add(b, 1, 0x80000000L).add(c, 1, 0x123456789aL)
                .chunk(MultiPackIndex.RIDX, new byte[12]).chunk(MultiPackIndex.BTMP, new byte[16])
                .chunk(0x58595a57, new byte[3]).build());
        Path without = dir.resolve("without");
        Files.write(without, new MidxWriter(ObjectFormat.SHA1).pack("pack-a.idx").add(a, 0, 0xfffffff0L).build());
        try (MapManager mm = SlidingWindowMapManager.builder().build();
             MultiPackIndex m = MultiPackIndex.open(mm, withLoff, ObjectFormat.SHA1);
             MultiPackIndex n = MultiPackIndex.open(mm, without, ObjectFormat.SHA1)) {
            m.checkContent();
            assertEquals(List.of("pack-a.idx", "pack-b.idx"), m.packNames());
            assertEquals(12, m.offsetAt(m.findPosition(a)));
            assertEquals(0x80000000L, m.offsetAt(m.findPosition(b)));
            assertEquals(0x123456789aL, m.offsetAt(m.findPosition(c)));
            assertEquals(1, m.packAt(m.findPosition(c)));
            assertEquals(null, m.contentProblem());
            n.checkContent();
            assertEquals(0xfffffff0L, n.offsetAt(0), "without LOFF a 32-bit offset is stored as it is");
        }
    }

    @Test
    void wrongHashVersionSignatureOrVersionIsRefused(@TempDir Path dir) throws IOException {
        byte[] good = new MidxWriter(ObjectFormat.SHA1).pack("pack-a.idx")
                .add(ObjectId.fromHex("01" + "0".repeat(38)), 0, 12).build();
        String[] expect = {"hash version 1 does not match version 2", "signature 0x4d494459", "version 3 not recognized"};
        for (int k = 0; k < 3; k++) {
            byte[] b = good.clone();
            ObjectFormat f = ObjectFormat.SHA1;
            if (k == 0) {
                f = ObjectFormat.SHA256;
            } else if (k == 1) {
                b[3]++;
            } else {
                b[4] = 3;
            }
            Path p = Files.write(dir.resolve("m" + k), MidxWriter.fixChecksum(ObjectFormat.SHA1, b));
            try (MapManager mm = SlidingWindowMapManager.builder().build()) {
                ObjectFormat format = f;
                CorruptPackException e = assertThrows(CorruptPackException.class, () -> MultiPackIndex.open(mm, p, format).close());
                assertTrue(e.getMessage().contains(expect[k]), e.getMessage());
                assertInstanceOf(Path.class, e.file());
            }
        }
    }
}
