package io.github.smmap4j.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * git 2.47+'s incremental multi-pack-index chain, with layers written by hand from the format
 * document ({@link MidxRepo#writeChain}; git 2.39 reads no chains and writes none): lookups
 * search the newest layer first, pack numbers continue from layer to layer, git's pack order,
 * and every way the chain can be broken (a damaged, missing or misnamed layer, a bad chain
 * line, a stale pack list) keeps the layers below and reads every object right.
 */
class MidxChainTest {
    @TempDir
    Path tmp;
    Path repo;
    Path packDir;
    List<String> idx;                       // the pack indexes, by name
    Map<ObjectId, byte[]> want;             // every object's content, from git
    final List<String> warnings = new CopyOnWriteArrayList<>();

    @BeforeEach
    void makeRepo() throws IOException {
        assumeTrue(GitBatch.gitAvailable(), "git is needed to make the packs");
        repo = MidxRepo.create(tmp, 6, false);
        packDir = repo.resolve("objects/pack");
        idx = MidxRepo.files(packDir, ".idx").stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(8, idx.size(), "6 small packs, the full one, the late one");
        want = new HashMap<>();
        try (GitBatch g = new GitBatch(repo)) {
            for (GitBatch.Obj o = g.next(); o != null; o = g.next()) {
                want.put(ObjectId.fromHex(o.id()), o.data());
            }
        }
    }

    ObjectDatabase open() throws IOException {
        return ObjectDatabase.builder(repo).warnings(warnings::add).build();
    }

    /** Reads every object and compares it with git's content; returns the chain in use (or null). */
    MidxChain readsEverything(ObjectDatabase db) throws IOException {
        try (ObjectReader r = db.newReader()) {
            for (Map.Entry<ObjectId, byte[]> e : want.entrySet()) {
                assertArrayEquals(e.getValue(), r.open(e.getKey()).bytes(), e.getKey().name());
            }
        }
        List<ObjectId> listed = new ArrayList<>();
        db.forEachObject(where -> listed.add(where.id()));
        List<ObjectId> sorted = new ArrayList<>(want.keySet());
        Collections.sort(sorted);
        assertEquals(sorted, listed, "every object once, in id order");
        List<MidxChain> m = db.storage().packs().multiPackIndexes();
        return m.isEmpty() ? null : m.getFirst();
    }

    List<Path> threeLayers() throws IOException {
        return MidxRepo.writeChain(packDir, List.of(idx.subList(0, 3), idx.subList(3, 5), idx.subList(5, 7)));
    }

    @Test
    void layersAreSearchedNewestFirstWithPackNumbersAcrossLayers() throws IOException {
        threeLayers();
        try (ObjectDatabase db = open()) {
            MidxChain chain = readsEverything(db);
            assertNotNull(chain);
            assertEquals(3, chain.layers().size());
            Map<String, PackFile> byName = new HashMap<>();
            for (PackFile p : db.packs()) {
                byName.put(p.indexPath().getFileName().toString(), p);
            }
            assertEquals(idx.subList(0, 7).stream().map(byName::get).toList(), chain.usablePacks());
            // Each object sits in the lowest layer with a pack holding it, in that layer's first such pack.
            PackDirectory dir = db.storage().packs();
            for (ObjectId id : want.keySet()) {
                ObjectLocation at = dir.find(id, null);
                PackFile expect = null;
                for (String name : idx) {
                    if (byName.get(name).index.contains(id)) {
                        expect = byName.get(name);
                        break;
                    }
                }
                if (expect == null) {
                    continue; // the loose blob
                }
                assertEquals(expect, at.pack(), id.name());
                assertEquals(expect.index.findOffset(id), at.offset());
            }
            // git's pack order: the chain's packs last number first, then the one it does not cover.
            List<PackFile> order = db.packsInGitOrder();
            List<PackFile> reversed = new ArrayList<>(chain.usablePacks());
            Collections.reverse(reversed);
            reversed.add(byName.get(idx.get(7)));
            assertEquals(reversed, order);
            assertTrue(warnings.isEmpty(), warnings::toString);
        }
    }

    @Test
    void anObjectInTwoLayersIsReadWhereTheNewestPutsIt() throws IOException {
        // Base: the full pack (every object); tip: one small pack whose objects the base has too.
        PackFile small;
        String full;
        try (ObjectDatabase db = ObjectDatabase.builder(repo).multiPackIndex(false).build()) {
            PackFile f = db.packs().stream().max(java.util.Comparator.comparingInt(PackFile::objectCount)).orElseThrow();
            full = f.indexPath().getFileName().toString();
            small = db.packs().stream().filter(p -> p != f && p.objectCount() > 3 && f.index.contains(p.index.idAt(0)))
                    .findFirst().orElseThrow();
        }
        String smallName = small.indexPath().getFileName().toString();
        StringBuilder chain = new StringBuilder();
        Path dir = Files.createDirectories(packDir.resolve(MidxChain.CHAIN_DIR));
        MidxRepo.writeChain(packDir, List.of(List.of(full)));
        chain.append(Files.readString(dir.resolve(MidxChain.CHAIN_FILE)));
        MidxWriter tip = new MidxWriter(ObjectFormat.SHA1).pack(smallName);
        Set<ObjectId> inTip = new HashSet<>();
        try (io.github.smmap4j.core.MapManager mm = io.github.smmap4j.core.SlidingWindowMapManager.builder().build();
             PackIndex i = PackIndex.open(mm, packDir.resolve(smallName), ObjectFormat.SHA1)) {
            for (int n = 0; n < i.objectCount(); n++) {
                tip.add(i.idAt(n), 0, i.offsetAt(n));
                inTip.add(i.idAt(n));
            }
        }
        MidxRepo.writeLayer(dir, tip.build(), chain);
        Files.writeString(dir.resolve(MidxChain.CHAIN_FILE), chain);
        try (ObjectDatabase db = open()) {
            readsEverything(db);
            PackFile fullPack = db.packs().stream()
                    .filter(p -> p.indexPath().getFileName().toString().equals(full)).findFirst().orElseThrow();
            int inBoth = 0;
            for (ObjectId id : want.keySet()) {
                ObjectLocation at = db.storage().packs().find(id, null);
                if (inTip.contains(id)) {
                    assertEquals(smallName, at.pack().indexPath().getFileName().toString(), id.name());
                    inBoth += fullPack.index.contains(id) ? 1 : 0;
                } else if (fullPack.index.contains(id)) {
                    assertEquals(fullPack, at.pack(), id.name());
                }
            }
            assertTrue(inBoth > 0, "the tip layer shadows objects of the base");
            assertTrue(warnings.isEmpty(), warnings::toString);
        }
    }

    @Test
    void aDamagedLayerEndsTheChainBelowIt() throws IOException {
        List<Path> layers = threeLayers();
        byte[] b = Files.readAllBytes(layers.get(1));
        b[7] ^= 0x10; // the (unused) base count: the layout stays right, the checksum no longer matches
        Files.write(layers.get(1), b);
        try (ObjectDatabase db = open()) {
            MidxChain chain = readsEverything(db);
            assertEquals(1, chain.layers().size(), "the base layer is still used");
            assertEquals(3, chain.usablePacks().size());
            assertTrue(warnings.stream().anyMatch(w -> w.contains("checksum mismatch") && w.contains("with the layers above it")),
                    warnings::toString);
        }
    }

    @Test
    void aMissingOrMisnamedLayerOrABadLineEndsTheChain() throws IOException {
        List<Path> layers = threeLayers();
        Path chainFile = packDir.resolve(MidxChain.CHAIN_DIR).resolve(MidxChain.CHAIN_FILE);
        String text = Files.readString(chainFile);
        String[] lines = text.split("\n");
        // 1. the second layer's file is missing
        Path moved = Files.move(layers.get(1), tmp.resolve("layer2"));
        try (ObjectDatabase db = open()) {
            assertEquals(1, readsEverything(db).layers().size());
            assertTrue(warnings.stream().anyMatch(w -> w.contains("unable to find all")), warnings::toString);
        }
        // 2. the second layer under another layer's name: its checksum is not its name
        warnings.clear();
        String fake = "0123456789abcdef0123456789abcdef01234567";
        Files.move(moved, MidxChain.layerPath(chainFile.getParent(), fake));
        Files.writeString(chainFile, lines[0] + "\n" + fake + "\n" + lines[2] + "\n");
        try (ObjectDatabase db = open()) {
            assertEquals(1, readsEverything(db).layers().size());
            assertTrue(warnings.stream().anyMatch(w -> w.contains("is not the one its chain names")), warnings::toString);
        }
        // 3. a line that is not a hash
        warnings.clear();
        Files.writeString(chainFile, lines[0] + "\nnot a hash at all, but long enough to be read as one\n");
        try (ObjectDatabase db = open()) {
            assertEquals(1, readsEverything(db).layers().size());
            assertTrue(warnings.stream().anyMatch(w -> w.contains("not a hash")), warnings::toString);
        }
        // 4. the same layer twice
        warnings.clear();
        Files.writeString(chainFile, lines[0] + "\n" + lines[0] + "\n");
        try (ObjectDatabase db = open()) {
            assertEquals(1, readsEverything(db).layers().size());
            assertTrue(warnings.stream().anyMatch(w -> w.contains("twice")), warnings::toString);
        }
        // 5. an empty chain file is no chain; a too short one is warned about
        warnings.clear();
        Files.writeString(chainFile, "");
        try (ObjectDatabase db = open()) {
            assertEquals(null, readsEverything(db));
            assertTrue(warnings.isEmpty(), warnings::toString);
        }
        Files.writeString(chainFile, "abc\n");
        try (ObjectDatabase db = open()) {
            assertEquals(null, readsEverything(db));
            assertTrue(warnings.stream().anyMatch(w -> w.contains("too small")), warnings::toString);
        }
        // 6. upper case hex is read as git reads it
        warnings.clear();
        Files.writeString(chainFile, lines[0].toUpperCase(java.util.Locale.ROOT) + "\n");
        try (ObjectDatabase db = open()) {
            assertEquals(1, readsEverything(db).layers().size());
            assertTrue(warnings.isEmpty(), warnings::toString);
        }
    }

    @Test
    void aStaleLayerEndsTheChainQuietly() throws IOException {
        threeLayers();
        PackFile gone;
        try (ObjectDatabase db = ObjectDatabase.builder(repo).multiPackIndex(false).build()) {
            gone = db.packs().stream().filter(p -> p.indexPath().getFileName().toString().equals(idx.get(4))).findFirst().orElseThrow();
        }
        // The pack the second layer names goes away, its objects to a pack of their own first.
        Set<ObjectId> ids = new HashSet<>();
        Files.delete(gone.indexPath());
        Files.delete(gone.packPath());
        try (ObjectDatabase db = open()) {
            MidxChain chain = db.storage().packs().multiPackIndexes().getFirst();
            assertEquals(1, chain.layers().size());
            for (ObjectId id : want.keySet()) {
                if (db.has(id)) {
                    ids.add(id);
                    assertArrayEquals(want.get(id), db.open(id).bytes());
                }
            }
            assertTrue(warnings.isEmpty(), "a stale pack list is not damage: " + warnings);
        }
        assertFalse(ids.isEmpty());
    }

    @Test
    void theSingleFileWinsOverTheChain() throws IOException {
        threeLayers();
        Files.write(packDir.resolve(MidxChain.SINGLE), new MidxWriter(ObjectFormat.SHA1).pack(idx.get(0)).build());
        try (ObjectDatabase db = open()) {
            MidxChain m = db.storage().packs().multiPackIndexes().getFirst();
            assertEquals(1, m.layers().size());
            assertEquals(packDir.resolve(MidxChain.SINGLE), m.layers().getFirst().path());
            // That single file lists no objects of its pack: those only it holds are missing, as in
            // git (which does not search a pack the multi-pack-index covers); the others are found.
            PackFile covered = m.usablePacks().getFirst();
            for (ObjectId id : want.keySet()) {
                boolean elsewhere = db.storage().loose().has(id);
                for (PackFile p : db.packs()) {
                    elsewhere |= p != covered && p.index.contains(id);
                }
                assertEquals(elsewhere, db.has(id), id.name());
            }
        }
    }

    @Test
    void theVerifierChecksEveryLayer() throws IOException {
        List<Path> layers = threeLayers();
        try (ObjectDatabase db = open()) {
            MultiPackIndexVerifier.Result r = MultiPackIndexVerifier.verify(db, repo.resolve("objects"));
            assertTrue(r.ok(), r.problems()::toString);
            assertEquals(layers, r.files());
            assertEquals(7, r.packs());
            long distinct = want.size() - 1 /* loose */ - countOnlyIn(db, idx.get(7));
            assertEquals(distinct, r.objects());
        }
        byte[] b = Files.readAllBytes(layers.get(2));
        b[b.length - 1] ^= 1;
        Files.write(layers.get(2), b);
        try (ObjectDatabase db = open()) {
            MultiPackIndexVerifier.Result r = MultiPackIndexVerifier.verify(db, repo.resolve("objects"));
            assertFalse(r.ok());
            assertTrue(r.problems().contains(layers.get(2).getFileName() + ": incorrect checksum"), r.problems()::toString);
        }
    }

    /** Objects only the pack {@code name} holds. */
    private long countOnlyIn(ObjectDatabase db, String name) {
        PackFile p = db.packs().stream().filter(x -> x.indexPath().getFileName().toString().equals(name)).findFirst().orElseThrow();
        long n = 0;
        for (int i = 0; i < p.objectCount(); i++) {
            ObjectId id = p.index.idAt(i);
            boolean elsewhere = false;
            for (PackFile q : db.packs()) {
                elsewhere |= q != p && q.index.contains(id);
            }
            n += elsewhere ? 0 : 1;
        }
        return n;
    }
}
